/**
 * What studies and runs imported from Optuna say of themselves, read from the
 * plain data an import leaves (docs/optuna-mapping.md): a study's oracle
 * `{"name": "optuna", storage, directions, notes}` and a run's
 * `config.optuna.number`; and how Optuna users know them: the trial number,
 * distributions as Optuna declares them, the oracle by name.
 */
import { formatFloatShort } from './display.js'
import type { Param } from './params.js'
import type { RunConfig } from './run.js'
import type { Direction, Objective, OracleSpec, Study } from './study.js'
import { formatValue, type Value } from './values.js'

/** The oracle name of a study imported from Optuna. */
export const OPTUNA = 'optuna'

/** What an imported Optuna study's oracle says, when it is one. */
export interface OptunaFacts {
  /** `journal` or `sqlite`. */
  readonly storage: string
  /** Every objective's direction, in order (`value`, or `value_0`, `value_1`, …). */
  readonly directions: readonly Direction[]
  /** Per param, what its range cannot say: `log`, `step 0.1`. */
  readonly notes: Readonly<Record<string, string>>
}

/** The Optuna facts of a study's oracle, or undefined for a study that did not come from Optuna. */
export function optunaFacts(oracle: OracleSpec | undefined): OptunaFacts | undefined {
  if (oracle === undefined || oracle.name !== OPTUNA) return undefined
  const o = oracle as Readonly<Record<string, unknown>>
  const directions = Array.isArray(o['directions']) ? o['directions'].filter((d): d is Direction => d === 'minimize' || d === 'maximize') : []
  const notes: Record<string, string> = {}
  const raw = o['notes']
  if (typeof raw === 'object' && raw !== null) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') notes[k] = v
  return { storage: typeof o['storage'] === 'string' ? o['storage'] : 'unknown', directions, notes }
}

/**
 * Every objective of a study: an Optuna study of several directions has one
 * per direction (`value_0`, `value_1`, …, the first its objective); any other
 * study has its one objective.
 */
export function studyObjectives(study: Pick<Study, 'objective' | 'oracle'>): Objective[] {
  const dirs = optunaFacts(study.oracle)?.directions ?? []
  if (dirs.length < 2) return [study.objective]
  return dirs.map((direction, i) => ({ direction, metric: `value_${i}` }))
}

/** Optuna's trial number of a run imported from Optuna (`config.optuna.number`), else undefined. */
export function optunaTrialNumber(config: RunConfig): number | undefined {
  const o = config['optuna']
  if (typeof o !== 'object' || o === null) return undefined
  const n = (o as Readonly<Record<string, unknown>>)['number']
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined
}

/** The oracle as a person names it: `grid`, `random (seed 7)`, `Optuna (sqlite)`, or another tool's name. */
export function oracleName(oracle: OracleSpec | undefined): string {
  if (oracle === undefined || oracle.name === 'grid') return 'grid'
  if (oracle.name === 'random') return `random (seed ${String(oracle.seed)})`
  const optuna = optunaFacts(oracle)
  if (optuna) return `Optuna (${optuna.storage})`
  return oracle.name
}

/** The largest float below `x` (for a finite `x`): Optuna's inclusive `high` of a range the import ended at nextUp(high). */
function nextDown(x: number): number {
  if (x === 0) return -Number.MIN_VALUE
  const buf = new DataView(new ArrayBuffer(8))
  buf.setFloat64(0, x)
  const bits = buf.getBigUint64(0)
  buf.setBigUint64(0, x > 0 ? bits - 1n : bits + 1n)
  return buf.getFloat64(0)
}

/** A bound as Optuna prints it: the shortest digits that read back (`0.5`, `1e-05` as `0.00001`). */
function bound(v: Value, digits?: number): string {
  if (v.kind !== 'float') return formatValue(v)
  return digits === undefined ? String(v.value) : formatFloatShort(v.value, digits)
}

/**
 * An imported param as Optuna declares the distribution it came from, with
 * `note` (`log`, `step 0.1`) from the study's oracle: `FloatDistribution(0.2, 0.5)`,
 * `FloatDistribution(1e-05, 0.1, log=True)` (bounds inclusive, as Optuna's),
 * `IntDistribution(1, 3, step=2)`, `CategoricalDistribution(Adam, SGD)`.
 * `digits` shortens float bounds (undefined: exact).
 */
export function optunaDistribution(p: Param, note: string | undefined, digits?: number): string {
  if (p.type === 'discrete') return `CategoricalDistribution(${p.values.map(formatValue).join(', ')})`
  const extra: string[] = []
  if (note === 'log' || (p.type === 'range' && p.log === true)) extra.push('log=True')
  const step = note?.startsWith('step ') ? note.slice(5) : undefined
  if (step) extra.push(`step=${step}`)
  if (p.start.kind === 'int' && p.end.kind === 'int') {
    return `IntDistribution(${p.start.value}, ${p.end.value - 1n}${extra.map((e) => `, ${e}`).join('')})`
  }
  const high: Value = { kind: 'float', value: nextDown(p.end.value as number) }
  return `FloatDistribution(${bound(p.start, digits)}, ${bound(high, digits)}${extra.map((e) => `, ${e}`).join('')})`
}
