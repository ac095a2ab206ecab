/**
 * Executing one run as Diviner's runner does: tries of its black box, the
 * output recorded (log, metrics, status) as it comes, a keepalive update every
 * few seconds, retries, and one final state.
 */
import type { Database } from '../../db/model/database.js'
import { isDivinerError } from '../../db/model/errors.js'
import { RunState, type Metrics, type Run } from '../../db/model/run.js'
import { formatDuration } from '../output.js'
import { runTry, type Launch, type TryEnd } from './blackbox.js'

/** How often a running run's keepalive (state, status, runtime) is written, ms. */
export const KEEPALIVE_EVERY_MS = 5000

/** Tries after a keepalive timeout: the run is tried again, as Diviner does, up to this many times. */
export const KEEPALIVE_RETRIES = 5

/** What executing a run needs. */
export interface Execution {
  readonly db: Database
  readonly run: Run
  /** The command of each try (computed once). */
  readonly launch: Launch
  /** How many times a try that fails (non-zero exit) is retried as the same run. */
  readonly retries: number
  /** Resolves when the run's datasets are ready; rejects with why one failed. */
  readonly datasets: Promise<void>
  readonly signal: AbortSignal
  /** Hears of what happens (for progress and warnings). */
  readonly onMetrics?: (metrics: Metrics) => void
  readonly onProblem?: (message: string) => void
  /** Hears of a failure to record that stops the sweep (a full disk): the run goes on to its end, unrecorded. */
  readonly onFatal?: (error: unknown) => void
}

/** How a run ended. */
export interface Outcome {
  readonly state: RunState
  readonly status: string
  readonly retries: number
  readonly runtime: number
  /** The last metrics it reported. */
  readonly metrics: Metrics
  readonly interrupted: boolean
}

/** Executes the run to its end; resolves with how it ended (recorded in the database too). */
export async function execute(x: Execution): Promise<Outcome> {
  const { db, run } = x
  const name = `${run.study}:${run.seq}`
  const log = db.logger(run.study, run.seq).getWriter()
  let writes: Promise<unknown> = Promise.resolve()
  const record = (work: () => Promise<unknown>) => {
    writes = writes.then(work).catch((e: unknown) => {
      if (isDivinerError(e, 'quota')) x.onFatal?.(e)
      else x.onProblem?.(`${name}: could not record: ${e instanceof Error ? e.message : String(e)}`)
    })
  }
  let status = ''
  let retries = 0
  let last: Metrics = {}
  const started = Date.now()
  const keepalive = setInterval(() => {
    record(() => db.updateRun(run.study, run.seq, RunState.Pending, `running: ${status}`.trimEnd(), Date.now() - started, retries))
  }, KEEPALIVE_EVERY_MS)
  const finish = async (state: RunState, message: string, interrupted = false): Promise<Outcome> => {
    clearInterval(keepalive)
    const runtime = Date.now() - started
    record(() => db.updateRun(run.study, run.seq, state, message, runtime, retries))
    record(() => log.close())
    await writes
    return { state, status: message, retries, runtime, metrics: last, interrupted }
  }
  try {
    await x.datasets
  } catch (e) {
    return finish(RunState.Failure, `dataset failed: ${e instanceof Error ? e.message : String(e)}`)
  }
  let keepaliveRetries = 0
  let failureRetries = 0
  for (let attempt = 1; ; attempt++) {
    if (x.signal.aborted) return finish(RunState.Failure, 'interrupted before it started', true)
    record(() => log.write(`diviner-local: started run (try ${attempt}) at ${new Date().toString()}\n`))
    const end = await runTry(x.launch, {
      onLog: (line) => record(() => log.write(`${line}\n`)),
      onStatus: (line) => { status = line },
      onMetrics: (metrics) => { last = metrics; x.onMetrics?.(metrics); record(() => db.appendRunMetrics(run.study, run.seq, metrics)) },
      onProblem: (message) => { x.onProblem?.(`${name}: ${message}`); record(() => log.write(`diviner-local: ${message}\n`)) },
    }, x.signal)
    const { state, message, retry } = judge(end, status, Date.now() - started)
    if (retry === 'keepalive' && keepaliveRetries < KEEPALIVE_RETRIES) {
      keepaliveRetries++
      retries++
      record(() => log.write(`diviner-local: ${message}; trying again (${keepaliveRetries} of ${KEEPALIVE_RETRIES})\n`))
      continue
    }
    if (retry === 'failure' && failureRetries < x.retries) {
      failureRetries++
      retries++
      record(() => log.write(`diviner-local: ${message}; trying again (${failureRetries} of ${x.retries})\n`))
      continue
    }
    if (state === RunState.Failure) record(() => log.write(`diviner-local: ${message}\n`))
    return finish(state, message, end.kind === 'interrupted')
  }
}

/** The state and status a try's end gives the run, and whether it may be retried. */
function judge(end: TryEnd, lastLine: string, elapsed: number): { state: RunState; message: string; retry?: 'keepalive' | 'failure' } {
  const tail = lastLine ? `: ${lastLine}` : ''
  switch (end.kind) {
    case 'exit':
      return end.code === 0
        ? { state: RunState.Success, message: lastLine || `done in ${formatDuration(Math.round(elapsed / 1000) * 1000)}` }
        : { state: RunState.Failure, message: `exit status ${end.code}${tail}`, retry: 'failure' }
    case 'signal': return { state: RunState.Failure, message: `killed by ${end.signal}${tail}`, retry: 'failure' }
    case 'keepalive': return { state: RunState.Failure, message: `no output for ${formatDuration(end.afterMs)} (its keepalive): killed`, retry: 'keepalive' }
    case 'timeout': return { state: RunState.Failure, message: `timed out after ${formatDuration(end.afterMs)} (its timeout): killed` }
    case 'interrupted': return { state: RunState.Failure, message: 'interrupted (the runner was stopped)' }
    case 'spawn-error': return { state: RunState.Failure, message: `could not start: ${end.message}` }
  }
}
