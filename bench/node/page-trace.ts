/**
 * A Chromium trace of a page's main thread, printed as its long tasks and
 * what each held (`BENCH_SCALE_TRACE=1`): the CPU profile names only the
 * page's functions, and a task's time in the browser itself (deserializing a
 * message, building DOM, style, layout, paint, garbage collection) shows
 * there as "(program)"; the trace names it.
 */
import type { CDPSession } from 'playwright-core'

/** One trace event as Chromium writes it (complete events: `ph` X, with `dur`; times in µs). */
interface TraceEvent {
  readonly name: string
  readonly cat: string
  readonly ph: string
  readonly ts: number
  readonly dur?: number
  readonly pid: number
  readonly tid: number
  readonly args?: { readonly name?: string; readonly data?: Record<string, unknown>; readonly beginData?: Record<string, unknown> }
}

/** Starts tracing the page's threads (the timeline's events). */
export async function startTrace(cdp: CDPSession): Promise<void> {
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'blink.user_timing', 'fonts'], recordMode: 'recordAsMuchAsPossible' },
    transferMode: 'ReportEvents',
  })
}

/**
 * Stops the trace and prints each task over `overMs` on a renderer's main
 * thread, with the events it held (their own time, by name and, for script,
 * by the function called), largest first; then the three longest layouts.
 */
export async function printTrace(cdp: CDPSession, what: string, overMs = 35): Promise<void> {
  const events: TraceEvent[] = []
  const collect = (e: { value: object[] }) => { events.push(...(e.value as TraceEvent[])) }
  cdp.on('Tracing.dataCollected', collect)
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()))
  await cdp.send('Tracing.end')
  await complete
  cdp.off('Tracing.dataCollected', collect)
  // Every renderer's main thread (a fresh page may live in another renderer than the first one's).
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const start = events.reduce((t, e) => (e.ts > 0 && e.ts < t ? e.ts : t), Infinity)
  const lines: string[] = []
  for (const main of mains) {
    const onMain = events.filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0))
    const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask')
    for (const task of tasks) {
      if ((task.dur ?? 0) < overMs * 1000) continue
      const end = task.ts + (task.dur ?? 0)
      const inside = onMain.filter((e) => e !== task && e.name !== 'ThreadControllerImpl::RunTask' && e.ts >= task.ts && e.ts + (e.dur ?? 0) <= end)
      lines.push(`renderer ${main.pid}, task at ${((task.ts - start) / 1000).toFixed(0)} ms, ${((task.dur ?? 0) / 1000).toFixed(1)} ms:`)
      for (const [key, ms] of selfTimes(inside).filter(([, t]) => t >= 0.5).slice(0, 12)) lines.push(`  ${ms.toFixed(1)} ms ${key}`)
    }
  }
  const layouts = events.filter((e) => e.name === 'Layout' && e.ph === 'X' && mains.some((m) => m.pid === e.pid && m.tid === e.tid)).sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
  const longest = layouts.slice(0, 3).map((e) => `${((e.dur ?? 0) / 1000).toFixed(1)} ms ${keyOf(e)}`).join(', ')
  console.log(`trace (${what}), tasks over ${overMs} ms:\n${lines.join('\n') || '  none'}\nlongest layouts: ${longest || 'none'}`)
}

/** Each event's own time (less the events nested in it), summed by what it was. */
function selfTimes(events: readonly TraceEvent[]): [string, number][] {
  const self = new Map<string, number>()
  const stack: { end: number; key: string }[] = []
  const add = (key: string, us: number) => self.set(key, (self.get(key) ?? 0) + us / 1000)
  for (const e of events) {
    while (stack.length > 0 && (stack.at(-1) as { end: number }).end <= e.ts) stack.pop()
    const parent = stack.at(-1)
    if (parent) add(parent.key, -(e.dur ?? 0))
    const key = keyOf(e)
    add(key, e.dur ?? 0)
    stack.push({ end: e.ts + (e.dur ?? 0), key })
  }
  return [...self].sort((a, b) => b[1] - a[1])
}

function keyOf(e: TraceEvent): string {
  const begin = e.args?.beginData
  if (e.name === 'Layout' && begin) return `Layout (${String(begin['dirtyObjects'])} of ${String(begin['totalObjects'])} objects)`
  const d = e.args?.data
  if (!d) return e.name
  if (e.name === 'FunctionCall' || e.name === 'EvaluateScript') return `${e.name} ${String(d['functionName'] ?? '') || '(anon)'} ${String(d['url'] ?? '').split('/').pop()}:${String(d['lineNumber'] ?? '')}`
  if (e.name === 'EventDispatch') return `${e.name} ${String(d['type'] ?? '')}`
  return e.name
}
