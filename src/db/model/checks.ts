/**
 * Argument checks every Database implementation applies the same way, so
 * that each store refuses the same calls with the same `invalid` errors.
 */
import { invalid } from './errors.js'
import { RunState, type NewRun } from './run.js'

/**
 * The checked replicate and requested seq (0: assign one) of a run to insert.
 * Throws `invalid` for a replicate outside 0..63 or a seq that is not an integer ≥ 1.
 */
export function checkNewRun(run: NewRun): { replicate: number; seq: number } {
  const replicate = run.replicate ?? 0
  if (!Number.isInteger(replicate) || replicate < 0 || replicate >= 64) {
    throw invalid(`run of study ${run.study}: replicate must be an integer in 0..63, got ${replicate}`, 'replicate')
  }
  const seq = run.seq ?? 0
  if (seq !== 0 && (!Number.isSafeInteger(seq) || seq < 1)) {
    throw invalid(`run of study ${run.study}: seq must be an integer ≥ 1, got ${seq}`, 'seq')
  }
  return { replicate, seq }
}

/** Throws `invalid` unless `state` is exactly one of pending, success or failure (what a run can be set to). */
export function checkRunState(study: string, seq: number, state: number): void {
  if (state !== RunState.Pending && state !== RunState.Success && state !== RunState.Failure) {
    throw invalid(`run ${study}:${seq}: state must be pending (1), success (2) or failure (4), got ${state}`, 'state')
  }
}
