/**
 * An Optuna trial as a reader builds it up, operation by operation or row by
 * row: its state, times, params (with their distributions), final values,
 * intermediate values by step and user attributes.
 */
import type { Metrics } from '../model/run.js'
import type { Distribution } from './distributions.js'
import { TrialStateCode } from './fields.js'

/** One Optuna trial as read so far. */
export interface OptunaTrial {
  /** Its number in its study (0-based). */
  readonly number: number
  /** Optuna's TrialState number. */
  state: number
  /** When it started and completed (ms since the epoch), when known. */
  start: number | undefined
  complete: number | undefined
  /** Param name → its distribution and internal value, in the order set. */
  readonly params: Map<string, { readonly dist: Distribution; readonly internal: number }>
  /** Its final objective values (one per direction), once reported. */
  values: readonly number[] | undefined
  /** Step → intermediate value. */
  readonly intermediate: Intermediate
  /** Its user attributes, as set so far. */
  userAttrs: Record<string, unknown>
}

/** A fresh trial record. */
export function newTrial(number: number, start: number | undefined): OptunaTrial {
  return { number, state: TrialStateCode.Running, start, complete: undefined, params: new Map(), values: undefined, intermediate: new Intermediate(), userAttrs: {} }
}

/**
 * A trial's intermediate values by step, a later report of a step replacing an
 * earlier one (as Optuna keeps them). Steps reported in increasing order (the
 * usual case) go into two arrays; a step out of order moves them to a Map.
 */
export class Intermediate {
  private readonly steps: number[] = []
  private readonly values: number[] = []
  private map: Map<number, number> | undefined

  /** Records `value` for `step`, replacing an earlier value of that step. */
  set(step: number, value: number): void {
    if (this.map) { this.map.set(step, value); return }
    const n = this.steps.length
    const last = n ? this.steps[n - 1] as number : -Infinity
    if (step > last) { this.steps.push(step); this.values.push(value) } else if (step === last) this.values[n - 1] = value
    else {
      this.map = new Map(this.steps.map((st, i) => [st, this.values[i] as number]))
      this.map.set(step, value)
    }
  }

  /** The values as metric entries `{step, <metric>: value}`, by step. */
  entries(metric: string): Metrics[] {
    let steps = this.steps
    let values = this.values
    if (this.map) {
      const m = this.map
      steps = [...m.keys()].sort((a, b) => a - b)
      values = steps.map((st) => m.get(st) as number)
    }
    // A literal with fixed keys for the usual single objective (a computed key makes slower objects).
    return metric === 'value'
      ? steps.map((st, i) => ({ step: st, value: values[i] as number }))
      : steps.map((st, i) => ({ step: st, [metric]: values[i] as number }))
  }
}
