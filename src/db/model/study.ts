/**
 * Studies and objectives (SPEC §1).
 */
import { commandParams } from './command.js'
import { invalid, isDivinerError } from './errors.js'
import { paramsEqual, validateParam, type Param, type Params } from './params.js'
import { nullProtoCopy } from './values.js'

/** Which way an objective's metric should go. */
export type Direction = 'minimize' | 'maximize'
/** The metric a study optimises, and its direction. */
export interface Objective { readonly direction: Direction; readonly metric: string }

/**
 * How a study proposes value sets: `grid`, `random` with a seed, or any other
 * name (with its settings) kept verbatim so dumps from other tools survive.
 */
export type OracleSpec =
  | { readonly name: 'grid' }
  | { readonly name: 'random'; readonly seed: number }
  | { readonly name: string; readonly [setting: string]: unknown }

/** A study: a named search over params toward an objective. */
export interface Study {
  /** Unique, non-empty. */
  readonly name: string
  readonly objective: Objective
  readonly params: Params
  /** Number of additional replicates per trial, 0 ≤ replicates < 64 (default 0). */
  readonly replicates?: number
  /** Free text (default empty). */
  readonly description?: string
  /** Default grid. */
  readonly oracle?: OracleSpec
  /**
   * How a run is executed when no config says so: a command line with `{param}`
   * placeholders (see command.ts). Informational, like the description.
   */
  readonly command?: string
}

/** The objective of making `metric` as small as possible. */
export function minimize(metric: string): Objective {
  return { direction: 'minimize', metric }
}

/** The objective of making `metric` as large as possible. */
export function maximize(metric: string): Objective {
  return { direction: 'maximize', metric }
}

/** The largest number of additional replicates a study may ask for (a trial's replicates fit 64 bits). */
export const MAX_REPLICATES = 63

/**
 * The study with its defaults filled in (replicates 0, description '', oracle
 * grid), holding only the fields of a Study, its params on a null prototype.
 * Throws `invalid` naming the first bad field: an empty name, a bad objective
 * or param, replicates outside 0..63 or not an integer, a bad oracle.
 */
export function validateStudy(study: Study): Study {
  if (typeof study !== 'object' || study === null) throw invalid('a study must be an object', 'study')
  const name = checkName(study.name)
  return {
    name,
    objective: checkObjective(name, study.objective),
    params: checkParams(name, study.params),
    replicates: checkReplicates(name, study.replicates ?? 0),
    description: checkDescription(name, study.description ?? ''),
    oracle: checkOracle(name, study.oracle ?? { name: 'grid' }),
    ...checkCommand(name, study.command, study.params),
  }
}

function checkCommand(study: string, command: unknown, params: Params): { command?: string } {
  if (command === undefined || command === '') return {}
  if (typeof command !== 'string') throw invalid(`study "${study}": command must be text`, 'command')
  let names: string[]
  try {
    names = commandParams(command)
  } catch (e) {
    throw prefixed(study, e)
  }
  const unknown = names.filter((n) => !Object.hasOwn(params, n))
  if (unknown.length) throw invalid(`study "${study}": the command names ${unknown.map((n) => `{${n}}`).join(', ')}, which ${unknown.length === 1 ? 'is not a param' : 'are not params'} of the study`, 'command')
  return { command }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name === '') throw invalid('a study needs a non-empty name', 'name')
  return name
}

function checkObjective(study: string, o: Objective): Objective {
  if (typeof o !== 'object' || o === null) throw invalid(`study "${study}": objective must be minimize(metric) or maximize(metric)`, 'objective')
  if (o.direction !== 'minimize' && o.direction !== 'maximize') {
    throw invalid(`study "${study}": objective direction must be minimize or maximize, got ${String(o.direction)}`, 'objective.direction')
  }
  if (typeof o.metric !== 'string' || o.metric === '') {
    throw invalid(`study "${study}": objective metric must be a non-empty name`, 'objective.metric')
  }
  return { direction: o.direction, metric: o.metric }
}

function checkParams(study: string, params: Params): Params {
  if (typeof params !== 'object' || params === null || Array.isArray(params)) {
    throw invalid(`study "${study}": params must be an object of name → param`, 'params')
  }
  for (const [name, p] of Object.entries(params)) {
    try {
      validateParam(name, p)
    } catch (e) {
      throw prefixed(study, e)
    }
  }
  return nullProtoCopy<Param>(params)
}

function prefixed(study: string, e: unknown): unknown {
  if (!isDivinerError(e, 'invalid')) return e
  const field = e.details?.['field']
  return invalid(`study "${study}": ${e.message}`, typeof field === 'string' ? field : undefined)
}

function checkReplicates(study: string, n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > MAX_REPLICATES) {
    throw invalid(`study "${study}": replicates must be an integer in 0..${MAX_REPLICATES}, got ${String(n)}`, 'replicates')
  }
  return n
}

function checkDescription(study: string, d: string): string {
  if (typeof d !== 'string') throw invalid(`study "${study}": description must be text`, 'description')
  return d
}

function checkOracle(study: string, o: OracleSpec): OracleSpec {
  if (typeof o !== 'object' || o === null || typeof o.name !== 'string' || o.name === '') {
    throw invalid(`study "${study}": oracle must name an oracle (grid, random, …)`, 'oracle')
  }
  if (o.name === 'random' && !Number.isSafeInteger(o.seed)) {
    throw invalid(`study "${study}": the random oracle needs an integer seed, got ${String(o.seed)}`, 'oracle.seed')
  }
  return o.name === 'grid' ? { name: 'grid' } : { ...o }
}

/**
 * True when two study definitions agree on what their runs mean: the same
 * objective and the same params (kind-aware; discrete values in the same
 * order). Replicates, description and oracle may differ.
 */
export function studiesEquivalent(a: Study, b: Study): boolean {
  return a.objective.direction === b.objective.direction &&
    a.objective.metric === b.objective.metric &&
    sameParams(a.params, b.params)
}

function sameParams(a: Params, b: Params): boolean {
  const names = Object.keys(a).sort()
  const other = Object.keys(b).sort()
  return names.length === other.length &&
    names.every((n, i) => n === other[i] && paramsEqual(a[n] as Param, b[n] as Param))
}

/**
 * True when metric value `a` is strictly better than `b` under the objective.
 * NaN is never better than anything, and any number is better than NaN.
 */
export function objectiveBetter(objective: Objective, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false
  if (Number.isNaN(b)) return true
  return objective.direction === 'minimize' ? a < b : a > b
}

/** The objective as Diviner prints it: `minimize(loss)`. */
export function formatObjective(objective: Objective): string {
  return `${objective.direction}(${objective.metric})`
}
