/**
 * An Optuna study as a Diviner study (docs/optuna-mapping.md, "Study"): the
 * oracle an imported study keeps, its objective metric and description, its
 * params as the union of its trials' distributions, and the widening of an
 * imported study by a later or longer read of the same Optuna study (which the
 * import's merge applies).
 */
import { paramsEqual, type Params } from '../model/params.js'
import type { Study } from '../model/study.js'
import { distributionNote, distributionParam, widenParam, widenParams, type Distribution } from './distributions.js'
import type { OptunaTrial } from './trials.js'

/** The oracle name of every study imported from Optuna. */
export const OPTUNA_ORACLE = 'optuna'

/** What an imported Optuna study keeps as its oracle: where it came from and what the params cannot say. */
export interface OptunaOracle {
  readonly name: typeof OPTUNA_ORACLE
  /** Identifies the Optuna study: `optuna:<study name>@<storage identity>`. */
  readonly source: string
  readonly storage: 'journal' | 'sqlite'
  /** Every objective's direction (the first is the study's objective). */
  readonly directions: readonly ('minimize' | 'maximize')[]
  /** Per param, what its range cannot say (`log`, `step 0.1`); params without a note are left out. */
  readonly notes: Readonly<Record<string, string>>
  readonly [setting: string]: unknown
}

/** True when an oracle is an imported Optuna study's. */
export function isOptunaOracle(o: unknown): o is OptunaOracle {
  return typeof o === 'object' && o !== null && (o as { name?: unknown }).name === OPTUNA_ORACLE && typeof (o as { source?: unknown }).source === 'string'
}

/** The objective's metric name: `value`, or `value_0` (then `value_1`, …) for a multi-objective study. */
export function objectiveMetric(directions: readonly unknown[]): string {
  return directions.length > 1 ? 'value_0' : 'value'
}

/** The description of an imported study: where it came from, its directions and its param notes. */
export function studyDescription(name: string, oracle: OptunaOracle): string {
  const dirs = oracle.directions.length > 1
    ? `objectives ${oracle.directions.map((d, i) => `value_${i} (${d})`).join(', ')}`
    : `objective value (${oracle.directions[0] ?? 'minimize'})`
  const notes = Object.entries(oracle.notes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, n]) => `${k}: ${n}`)
  return `Imported from the Optuna study "${name}" (${oracle.storage}), ${dirs}.${notes.length ? ` Param notes: ${notes.join('; ')}.` : ''}`
}

/** The Diviner study of an Optuna study with the params seen so far. */
export function optunaStudy(name: string, source: string, storage: 'journal' | 'sqlite', directions: readonly ('minimize' | 'maximize')[], params: Params, notes: Readonly<Record<string, string>>): Study {
  const oracle: OptunaOracle = { name: OPTUNA_ORACLE, source, storage, directions: [...directions], notes: { ...notes } }
  return {
    name,
    objective: { direction: directions[0] ?? 'minimize', metric: objectiveMetric(directions) },
    params,
    replicates: 0,
    description: studyDescription(name, oracle),
    oracle,
  }
}

/**
 * The definition an Optuna study here should have once `incoming` (a later or
 * longer read of the same Optuna study) is merged in: params widened, notes
 * joined. Undefined when `incoming` comes from another Optuna study (another
 * source), or from no Optuna study, or cannot be combined: a conflict.
 */
export function widenStudy(local: Study, incoming: Study): Study | undefined {
  const lo = local.oracle
  const io = incoming.oracle
  if (!isOptunaOracle(lo) || !isOptunaOracle(io) || lo.source !== io.source) return undefined
  if (local.objective.direction !== incoming.objective.direction || local.objective.metric !== incoming.objective.metric) return undefined
  const params = widenParams(local.params, incoming.params)
  if (!params) return undefined
  const oracle: OptunaOracle = { ...lo, notes: { ...lo.notes, ...io.notes } }
  return { ...local, params, oracle, description: studyDescription(local.name, oracle) }
}

/** The union of params a study has seen, with their notes, growing as trials arrive. */
export class ParamUnion {
  /** The params so far: each one's distributions widened together (replaced, not changed, when they grow). */
  params: Params = Object.create(null) as Params
  /** Per param, the note (`log`, `step 0.1`) of the last distribution seen that has one; replaced, not changed, when it grows. */
  notes: Record<string, string> = {}
  private readonly seen = new Map<string, Distribution>()

  /** Adds a trial's distributions; true when the union changed. */
  add(trial: OptunaTrial): boolean {
    let changed = false
    for (const [name, { dist }] of trial.params) {
      if (this.seen.get(name) === dist) continue
      this.seen.set(name, dist)
      const p = distributionParam(dist)
      const have = this.params[name]
      const next = have ? widenParam(have, p) ?? have : p
      const note = distributionNote(dist)
      if (!have || !paramsEqual(next, have)) { this.params = { ...this.params, [name]: next }; changed = true }
      if (note && this.notes[name] !== note) { this.notes = { ...this.notes, [name]: note }; changed = true }
    }
    return changed
  }
}
