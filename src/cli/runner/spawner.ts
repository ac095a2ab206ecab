/**
 * Black boxes started from a small process of their own. Starting a process
 * is synchronous in Node (libuv forks, then waits for the child's exec):
 * about 8 ms a start on this kind of machine, and on the runner's thread that
 * time is taken from everything a sweep records before and after each run.
 * A worker thread does not help: the runner's thread then writes its memory
 * while the forked child still shares it, and pays for copying those pages.
 * So one helper process (spawner-process.mjs) starts the black boxes and
 * reports their pids, output and ends over its IPC channel, while the runner
 * records runs. The runner signals a black box's group itself
 * (`process.kill(-pid)`): the helper ignores Ctrl-C and exits with its parent.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** What to start: a file with its arguments, where, with which variables added to the runner's environment. */
export interface StartRequest {
  readonly file: string
  readonly args: readonly string[]
  readonly cwd: string
  readonly env: Readonly<Record<string, string>>
}

/** What a started process reports, in order: its pid (unless it could not start), its output, its end. */
export interface ChildEvents {
  /** The process started, in a process group of its own whose id is `pid`. */
  onSpawn(pid: number): void
  /** A chunk of its standard output (`stream` 1) or error (2), as UTF-8 text. */
  onOutput(stream: 1 | 2, text: string): void
  /** It could not be started, or failed as Node's ChildProcess 'error' says. */
  onError(message: string): void
  /** It ended and all its output was reported. */
  onClose(code: number | null, signal: string | null): void
}

type Report =
  | { readonly id: number; readonly kind: 'spawn'; readonly pid: number }
  | { readonly id: number; readonly kind: 'out'; readonly stream: 1 | 2; readonly text: string }
  | { readonly id: number; readonly kind: 'error'; readonly message: string }
  | { readonly id: number; readonly kind: 'close'; readonly code: number | null; readonly signal: string | null }

const HELPER = fileURLToPath(new URL('./spawner-process.mjs', import.meta.url))

/**
 * Starts processes from one helper process (started on first use, again
 * after it died). The helper keeps the runner alive only while a process it
 * started has not ended. Should it die, the groups it started are killed and
 * each reports an error and its end.
 */
export class Spawner {
  private helper: ChildProcess | undefined
  private readonly live = new Map<number, { readonly events: ChildEvents; pid?: number }>()
  private nextId = 1
  private queued: ({ readonly id: number } & StartRequest)[] = []

  /** Starts `req` in a process group of its own, with no standard input; `events` hears of it. */
  start(req: StartRequest, events: ChildEvents): void {
    const helper = this.started()
    const id = this.nextId++
    if (this.live.size === 0) hold(helper, true)
    this.live.set(id, { events })
    // Starts asked for in one turn of the event loop go as one message, as the helper's reports do.
    if (this.queued.length === 0) setImmediate(() => this.flush())
    this.queued.push({ id, file: req.file, args: [...req.args], cwd: req.cwd, env: req.env })
  }

  /** Sends the starts asked for since the last flush to the helper (those asked of a helper since lost were dropped with it). */
  private flush(): void {
    const batch = this.queued
    this.queued = []
    if (batch.length > 0 && this.helper?.connected) this.helper.send(batch)
  }

  private started(): ChildProcess {
    if (this.helper) return this.helper
    const helper = fork(HELPER, [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'json' })
    hold(helper, false)
    helper.on('message', (batch: Report[]) => { for (const m of batch) this.heard(helper, m) })
    helper.on('error', (e) => this.lost(helper, `the process starting black boxes failed: ${e.message}`))
    helper.on('exit', (code, signal) => this.lost(helper, `the process starting black boxes ended (${signal ?? `exit status ${code}`})`))
    this.helper = helper
    return helper
  }

  private heard(helper: ChildProcess, m: Report): void {
    const child = this.live.get(m.id)
    if (!child) return
    if (m.kind === 'spawn') { child.pid = m.pid; child.events.onSpawn(m.pid) } else if (m.kind === 'out') child.events.onOutput(m.stream, m.text)
    else if (m.kind === 'error') child.events.onError(m.message)
    else {
      this.live.delete(m.id)
      if (this.live.size === 0) hold(helper, false)
      child.events.onClose(m.code, m.signal)
    }
  }

  /** The helper is gone: what it started is killed and ends with `message`; the next start makes a new helper. */
  private lost(helper: ChildProcess, message: string): void {
    if (this.helper !== helper) return
    this.helper = undefined
    this.queued = []
    if (helper.exitCode === null && helper.signalCode === null) helper.kill('SIGKILL')
    const live = [...this.live.values()]
    this.live.clear()
    for (const child of live) {
      if (child.pid !== undefined) try { process.kill(-child.pid, 'SIGKILL') } catch { /* gone */ }
      child.events.onError(message)
      child.events.onClose(null, null)
    }
  }
}

/** Whether the helper (its process and channel) keeps the runner's event loop alive. */
function hold(helper: ChildProcess, on: boolean): void {
  if (on) { helper.ref(); helper.channel?.ref() } else { helper.unref(); helper.channel?.unref() }
}

/** The spawner a runner process shares. */
export const spawner = new Spawner()
