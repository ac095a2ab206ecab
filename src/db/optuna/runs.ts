/**
 * An Optuna trial as a Diviner run (docs/optuna-mapping.md, "Trials → runs"):
 * its run id (stable across imports of the same file), state, values, config
 * and metric history, and the merge records that carry them.
 */
import type { MergeItem, RunHead } from '../dump/records.js'
import type { Line } from '../dump/lines.js'
import { RunState, type Metrics } from '../model/run.js'
import type { Value, Values } from '../model/values.js'
import { paramValue } from './distributions.js'
import { TrialStateCode } from './fields.js'
import { objectiveMetric } from './study.js'
import type { OptunaTrial } from './trials.js'

/** A 128-bit hash of text (four 32-bit lanes of a multiply–xor mix), stable across platforms. */
function hash128(text: string): [number, number, number, number] {
  let h1 = 0x9e3779b9; let h2 = 0x243f6a88; let h3 = 0xb7e15162; let h4 = 0xdeadbeef
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4; h2 ^= h1; h3 ^= h1; h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/**
 * The run id of an Optuna trial: a UUID (version 8, name-based) derived from the
 * study's source and the trial's number, so every import of the same file, or
 * of a longer version of it, names the trial's run alike.
 */
export function trialRunId(source: string, number: number): string {
  const h = hash128(`${source}#${number}`).map((x) => x.toString(16).padStart(8, '0')).join('')
  const v = `${h.slice(0, 12)}8${h.slice(13, 16)}${((parseInt(h[16] as string, 16) & 0x3) | 0x8).toString(16)}${h.slice(17)}`
  return `${v.slice(0, 8)}-${v.slice(8, 12)}-${v.slice(12, 16)}-${v.slice(16, 20)}-${v.slice(20, 32)}`
}

const STATUS = ['running', 'complete', 'pruned', 'fail', 'waiting']

/** The run state of an Optuna trial state: COMPLETE → success, FAIL and PRUNED → failure, RUNNING and WAITING → pending. */
export function runState(state: number): RunState {
  if (state === TrialStateCode.Complete) return RunState.Success
  if (state === TrialStateCode.Fail || state === TrialStateCode.Pruned) return RunState.Failure
  return RunState.Pending
}

/** The run head and metric history of a trial (study `name`, from `source`). */
export function trialRun(name: string, source: string, storage: 'journal' | 'sqlite', trialId: number, trial: OptunaTrial, directions: readonly unknown[]): { head: RunHead; metrics: Metrics[] } {
  const values: Record<string, Value> = Object.create(null) as Record<string, Value>
  for (const [k, { dist, internal }] of trial.params) {
    const v = paramValue(dist, internal)
    if (v) values[k] = v
  }
  const metric = objectiveMetric(directions)
  const metrics = trial.intermediate.entries(metric)
  if (trial.values && trial.values.length) {
    const last: Record<string, number> = {}
    if (trial.values.length === 1 && directions.length <= 1) last.value = trial.values[0] as number
    else trial.values.forEach((v, i) => { last[`value_${i}`] = v })
    metrics.push(last)
  }
  const created = trial.start ?? trial.complete ?? 0
  const updated = trial.complete ?? created
  const seq = trial.number + 1
  const head: RunHead = {
    id: trialRunId(source, trial.number), study: name, seq, origin: { db: source, seq },
    values: values as Values, replicate: 0, state: runState(trial.state), status: STATUS[trial.state] ?? 'running',
    // The config never changes once a run is in (merge rules): only what a trial never changes, and the user attributes as first read.
    config: { optuna: { study: name, number: trial.number, trial_id: trialId, storage }, user_attrs: trial.userAttrs },
    created, updated, runtime: trial.start !== undefined && trial.complete !== undefined ? Math.max(0, trial.complete - trial.start) : 0,
    retries: 0, metricCount: metrics.length, logCount: 0,
  }
  return { head, metrics }
}

/** Appends a run's record and its history records (at most 256 entries each, as a dump carries them) to `out`. */
export function runItems(out: MergeItem[], head: RunHead, metrics: readonly Metrics[], line: Line): void {
  out.push({ line, record: { type: 'run', run: head } })
  for (let from = 0; from < metrics.length; from += 256) {
    out.push({ line, record: { type: 'metrics', run: head.id, from, entries: metrics.slice(from, from + 256) } })
  }
}
