/**
 * Helpers of the page benchmarks: main-thread tasks over 50 ms and long
 * animation frames counted in the page (with the browse step under way), and
 * a CPU profile printed as the functions that took most time and each busy
 * stretch over 40 ms (`BENCH_SCALE_PROFILE=1`), to find a long task's cause.
 */
import type { CDPSession, Page } from 'playwright-core'

/** Starts counting main-thread tasks over 50 ms in the page (from now on). */
export async function watchLongTasks(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = globalThis as unknown as { longTasks: number[]; longTaskLog: string[]; phase: string }
    w.longTasks = []
    w.longTaskLog = []
    w.phase = 'start'
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) { w.longTasks.push(Math.round(e.duration)); w.longTaskLog.push(`${w.phase}:${Math.round(e.duration)}`) }
    }).observe({ type: 'longtask' })
    const lo = globalThis as unknown as { loaf: string[] }
    lo.loaf = []
    new PerformanceObserver((list) => {
      for (const e of list.getEntries() as unknown as { duration: number; renderStart: number; styleAndLayoutStart: number; startTime: number; blockingDuration: number; scripts: { duration: number; sourceFunctionName: string; invoker: string }[] }[]) {
        const script = e.scripts.reduce((t, x) => t + x.duration, 0)
        const layout = e.startTime + e.duration - e.styleAndLayoutStart
        lo.loaf.push(`${w.phase} d${Math.round(e.duration)} script${Math.round(script)} render${Math.round(e.styleAndLayoutStart - e.renderStart)} layout${Math.round(layout)} [${e.scripts.map((x) => `${x.invoker}:${Math.round(x.duration)}`).join(',')}]`)
      }
    }).observe({ type: 'long-animation-frame' })
  })
}

/** The durations of the tasks over 50 ms counted so far (the long frames and tasks by step are printed). */
export async function longTasks(p: Page): Promise<number[]> {
  await p.waitForTimeout(200)
  console.log('long frames:', await p.evaluate(() => (globalThis as unknown as { loaf: string[] }).loaf.join('\n')))
  console.log('long tasks by phase:', await p.evaluate(() => (globalThis as unknown as { longTaskLog: string[] }).longTaskLog.join(' ')))
  return p.evaluate(() => (globalThis as unknown as { longTasks: number[] }).longTasks)
}

/** Stops the CPU profile and prints the functions that took most time (self time, ms), for finding long tasks' causes. */
export async function printProfile(cdp: CDPSession, what: string): Promise<void> {
  const { profile } = await cdp.send('Profiler.stop')
  const self = new Map<string, number>()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const dt = profile.timeDeltas ?? []
  const total = new Map<string, number>()
  const parent = new Map<number, number>()
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id)
  const keyOf = (n: (typeof profile.nodes)[number]) => `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}`
  ;(profile.samples ?? []).forEach((id, k) => {
    const n = byId.get(id)
    if (!n) return
    const ms = (dt[k] ?? 0) / 1000
    self.set(keyOf(n), (self.get(keyOf(n)) ?? 0) + ms)
    const seen = new Set<string>()
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)
      if (!node) break
      const key = keyOf(node)
      if (!seen.has(key)) { seen.add(key); total.set(key, (total.get(key) ?? 0) + ms) }
    }
  })
  const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([key, v]) => `${v.toFixed(1)}ms ${key}`).join('\n')
  console.log(`profile (${what}), self:\n${top(self, 30)}\ninclusive:\n${top(total, 50)}`)
  // Each stretch of main-thread work over 40 ms (samples with no idle between), with the page's own functions that took most of it.
  let at = profile.startTime
  let stretch: { start: number; end: number; fns: Map<string, number> } | undefined
  const stretches: NonNullable<typeof stretch>[] = []
  ;(profile.samples ?? []).forEach((id, k) => {
    at += dt[k] ?? 0
    const n = byId.get(id)
    if (!n || n.callFrame.functionName === '(idle)') { if (stretch) stretches.push(stretch); stretch = undefined; return }
    stretch ??= { start: at, end: at, fns: new Map() }
    stretch.end = at
    const seen = new Set<string>()
    for (let a: number | undefined = id; a !== undefined; a = parent.get(a)) {
      const node = byId.get(a)
      if (!node) break
      const key = keyOf(node)
      if (!seen.has(key) && !/^index-/.test(node.callFrame.url.split('/').pop() ?? '')) { seen.add(key); stretch.fns.set(key, (stretch.fns.get(key) ?? 0) + (dt[k] ?? 0) / 1000) }
    }
  })
  if (stretch) stretches.push(stretch)
  for (const s of stretches.filter((x) => x.end - x.start > 40_000)) {
    console.log(`stretch at ${((s.start - profile.startTime) / 1000).toFixed(0)} ms, ${((s.end - s.start) / 1000).toFixed(0)} ms:\n${top(s.fns, 25)}`)
  }
}

/** Names the browse step under way (long tasks are logged with it). */
export async function phase(p: Page, name: string): Promise<void> {
  await p.evaluate((n) => { (globalThis as unknown as { phase: string }).phase = n }, name)
}

/** The `q` quantile of `xs` (the value at that rank). */
export function percentile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number
}

