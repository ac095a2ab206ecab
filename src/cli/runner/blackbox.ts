/**
 * One try of a black box: a child process in a process group of its own,
 * its output read line by line under Diviner's protocol, its time limits
 * enforced. What it reports goes to the caller's hooks as it happens.
 */
import { classify, LineSplitter, type OutputLine } from './protocol.js'
import { spawner } from './spawner.js'

/** What to execute. */
export interface Launch {
  readonly script?: string
  readonly argv?: readonly string[]
  readonly env: Readonly<Record<string, string>>
  readonly cwd: string
  /** Longest the try may take, ms (none when undefined). */
  readonly timeoutMs?: number
}

/** What a try reports as it runs. */
export interface TryHooks {
  /** A line of ordinary output (not a progress line, metrics or directive). */
  onLog(line: string): void
  /** The last line of output, progress lines included: the run's status. */
  onStatus(line: string): void
  /** A METRICS line. */
  onMetrics(metrics: Record<string, number>): void
  /** A malformed METRICS line or unknown directive (reported, never fatal). */
  onProblem(message: string): void
}

/** How a try ended. */
export type TryEnd =
  | { readonly kind: 'exit'; readonly code: number }
  | { readonly kind: 'signal'; readonly signal: string }
  | { readonly kind: 'keepalive'; readonly afterMs: number }
  | { readonly kind: 'timeout'; readonly afterMs: number }
  | { readonly kind: 'interrupted' }
  | { readonly kind: 'spawn-error'; readonly message: string }

/** How long a killed group gets between SIGTERM and SIGKILL, ms. */
const KILL_GRACE_MS = 3000

/** Runs one try; resolves when the process and its output have ended. `signal` stops it (Ctrl-C). */
export function runTry(launch: Launch, hooks: TryHooks, signal: AbortSignal): Promise<TryEnd> {
  return new Promise((resolve) => {
    const [file, args] = launch.script !== undefined ? ['bash', ['-c', launch.script]] : [launch.argv?.[0] as string, launch.argv?.slice(1) ?? []]
    let pid: number | undefined
    // A group signalled before its process is reported started gets the signal once it is.
    let early: NodeJS.Signals | undefined
    const signalGroup = (sig: NodeJS.Signals) => {
      if (pid === undefined) { early = sig; return }
      try { process.kill(-pid, sig) } catch { /* already gone */ }
    }
    let ended: TryEnd | undefined
    let keepaliveMs = 0
    let keepaliveTimer: ReturnType<typeof setTimeout> | undefined
    let killTimer: ReturnType<typeof setTimeout> | undefined
    const killGroup = (why: TryEnd) => {
      ended ??= why
      signalGroup('SIGTERM')
      killTimer ??= setTimeout(() => signalGroup('SIGKILL'), KILL_GRACE_MS)
    }
    const armKeepalive = () => {
      if (keepaliveTimer) clearTimeout(keepaliveTimer)
      if (keepaliveMs > 0) keepaliveTimer = setTimeout(() => killGroup({ kind: 'keepalive', afterMs: keepaliveMs }), keepaliveMs)
    }
    const timeout = launch.timeoutMs ? setTimeout(() => killGroup({ kind: 'timeout', afterMs: launch.timeoutMs as number }), launch.timeoutMs) : undefined
    const onAbort = () => killGroup({ kind: 'interrupted' })
    signal.addEventListener('abort', onAbort)
    if (signal.aborted) onAbort()
    const take = (line: OutputLine) => {
      armKeepalive()
      if (line.progress) { hooks.onStatus(line.text); return }
      hooks.onLog(line.text)
      const d = classify(line.text)
      if (d.kind === 'metrics') hooks.onMetrics(d.metrics)
      else if (d.kind === 'keepalive') { keepaliveMs = d.ms; armKeepalive() } else if (d.kind === 'bad-metrics') hooks.onProblem(`malformed METRICS line (${d.reason}): ${line.text}`)
      else if (d.kind === 'bad-directive') hooks.onProblem(`DIVINER line ignored: ${d.reason}`)
      else hooks.onStatus(line.text)
    }
    const splitters = { 1: new LineSplitter(), 2: new LineSplitter() }
    spawner.start({ file, args, cwd: launch.cwd, env: launch.env }, {
      onSpawn: (started) => {
        pid = started
        if (early) signalGroup(early)
      },
      onOutput: (stream, text) => { for (const l of splitters[stream].push(text)) take(l) },
      onError: (message) => { ended ??= { kind: 'spawn-error', message } },
      onClose: (code, sig) => {
        for (const splitter of [splitters[1], splitters[2]]) for (const l of splitter.end()) take(l)
        for (const t of [keepaliveTimer, killTimer, timeout]) if (t) clearTimeout(t)
        signal.removeEventListener('abort', onAbort)
        // The group may hold children that outlived the shell: they go with it.
        if (pid !== undefined) try { process.kill(-pid, 'SIGKILL') } catch { /* gone */ }
        if (ended) resolve(ended)
        else if (sig) resolve({ kind: 'signal', signal: sig })
        else resolve({ kind: 'exit', code: code ?? 1 })
      },
    })
  })
}
