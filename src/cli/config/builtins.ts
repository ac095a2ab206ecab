/**
 * What a study config imports (`import { study, discrete, … } from
 * 'diviner-local/config'`): functions named after Diviner's Starlark builtins,
 * so a `.dv` file translates line by line (docs/cli.md shows one). Each
 * checks its arguments and names the config's file and line when they are wrong.
 */
import { discrete as discreteParam, range as rangeParam, type Param, type Params } from '../../db/model/params.js'
import { maximize as maximizeObjective, minimize as minimizeObjective, validateStudy, type Objective, type OracleSpec, type Study } from '../../db/model/study.js'
import { bool, dict, float, int, list, str, type Value } from '../../db/model/values.js'
import { configError } from './site.js'

export { bool, dict, float, int, list, str }

/** A value as a config writes it: a number, string, boolean, array, plain object, bigint, or a value made by int(), float(), … */
export type ConfigValue = number | bigint | string | boolean | Value | readonly ConfigValue[] | { readonly [key: string]: ConfigValue }

function isValue(x: unknown): x is Value {
  return typeof x === 'object' && x !== null && 'kind' in x && 'value' in x && Object.keys(x).length === 2
}

/** A config value as a Value; a plain number is an int when `asInt`, else a float. */
function toValue(x: ConfigValue, asInt: boolean): Value {
  if (isValue(x)) return x
  if (typeof x === 'bigint') return int(x)
  if (typeof x === 'number') return asInt ? int(x) : float(x)
  if (typeof x === 'string') return str(x)
  if (typeof x === 'boolean') return bool(x)
  if (Array.isArray(x)) return list(...x.map((e: ConfigValue) => toValue(e, typeof e !== 'number' || Number.isInteger(e))))
  if (typeof x === 'object' && x !== null) {
    const out: Record<string, Value> = Object.create(null)
    for (const [k, v] of Object.entries(x)) out[k] = toValue(v as ConfigValue, typeof v !== 'number' || Number.isInteger(v))
    return dict(out)
  }
  throw configError(`a value must be a number, string, boolean, list or dict, got ${typeof x}`)
}

/**
 * A discrete param: the values tried, all of one kind. Plain numbers are ints
 * when all are whole (`discrete(32, 64)`), floats when any is not
 * (`discrete(0.001, 0.1, 1)`); `float(1)` makes a whole number a float.
 */
export function discrete(...values: ConfigValue[]): Param {
  const whole = values.every((v) => typeof v !== 'number' || Number.isInteger(v))
  return configError.wrap(() => discreteParam(...values.map((v) => toValue(v, whole))))
}

/**
 * A range param, half-open [start, end): an int range when both ends are
 * whole plain numbers (`range(1, 4)`), a float range when either is not
 * (`range(0, 0.5)`). Write `range(float(-2), float(2))` for a float range with
 * whole ends (Starlark's `range(-2.0, 2.0)`).
 */
export function range(start: number | bigint | Value, end: number | bigint | Value): Param {
  const whole = [start, end].every((v) => typeof v !== 'number' || Number.isInteger(v))
  const [s, e] = [toValue(start as ConfigValue, whole), toValue(end as ConfigValue, whole)]
  if ((s.kind !== 'int' && s.kind !== 'float') || s.kind !== e.kind) {
    throw configError(`range(${String(start)}, ${String(end)}): both ends must be ints or both floats`)
  }
  return configError.wrap(() => rangeParam(s, e))
}

/** The objective of making `metric` as small as possible. */
export function minimize(metric: string): Objective {
  return minimizeObjective(metric)
}

/** The objective of making `metric` as large as possible. */
export function maximize(metric: string): Objective {
  return maximizeObjective(metric)
}

/** Grid search: every combination of the params' values, in order (Diviner's `grid_search`). */
export const gridSearch: OracleSpec = Object.freeze({ name: 'grid' })

/** Random search: value sets drawn at random, reproducibly from `seed` (default 0). */
export function randomSearch(seed = 0): OracleSpec {
  if (!Number.isSafeInteger(seed)) throw configError(`randomSearch(${String(seed)}): the seed must be an integer`)
  return { name: 'random', seed }
}

/** Where runs execute: this machine, at most `parallelism` at once (Diviner's `localsystem`). */
export interface LocalSystem { readonly kind: 'local'; readonly name: string; readonly parallelism: number }

/** This machine as a system running at most `parallelism` runs at once (default: one per CPU core). */
export function localSystem(name: string, parallelism?: number): LocalSystem {
  if (parallelism !== undefined && (!Number.isSafeInteger(parallelism) || parallelism < 1)) {
    throw configError(`localSystem("${name}", ${String(parallelism)}): parallelism must be an integer ≥ 1`)
  }
  return { kind: 'local', name, parallelism: parallelism ?? 0 }
}

/** What to execute: a shell script (run by bash) or an argv, with its environment, directory and time limit. */
export interface Command {
  /** A bash script. */
  readonly script?: string
  /** A program and its arguments (no shell). */
  readonly argv?: readonly string[]
  /** Extra environment variables. */
  readonly env?: Readonly<Record<string, string>>
  /** Working directory, relative to the config file's folder (default: that folder). */
  readonly cwd?: string
  /** Longest a try may take: a Go duration (`90s`, `2h`) or milliseconds. */
  readonly timeout?: string | number
}

/** A dataset: a command run once per session before the runs that need it (Diviner's `dataset`). */
export interface Dataset extends Command {
  readonly kind: 'dataset'
  readonly name: string
  readonly system?: LocalSystem
}

/** A dataset named `name`, made by the command in `spec`. */
export function dataset(spec: Command & { readonly name: string; readonly system?: LocalSystem }): Dataset {
  checkCommand(spec, `dataset "${String(spec?.name)}"`)
  if (typeof spec.name !== 'string' || spec.name === '') throw configError('a dataset needs a non-empty name')
  return { ...spec, kind: 'dataset' }
}

/** How one run executes (Diviner's `run_config`). */
export interface RunConfig extends Command {
  readonly kind: 'run-config'
  readonly datasets?: readonly Dataset[]
  readonly system?: LocalSystem
  readonly localFiles?: readonly string[]
}

/** A run config: the command, the datasets it needs, and the system it runs on. */
export function runConfig(spec: Command & { readonly datasets?: readonly Dataset[]; readonly system?: LocalSystem; readonly localFiles?: readonly string[] }): RunConfig {
  checkCommand(spec, 'runConfig')
  for (const d of spec.datasets ?? []) if (d?.kind !== 'dataset') throw configError('runConfig: datasets must be made by dataset(…)')
  return { ...spec, kind: 'run-config' }
}

function checkCommand(spec: Command, what: string): void {
  if (typeof spec !== 'object' || spec === null) throw configError(`${what}: expected an object with script or argv`)
  const hasScript = typeof spec.script === 'string'
  const hasArgv = Array.isArray(spec.argv) && spec.argv.length > 0 && spec.argv.every((a) => typeof a === 'string')
  if (hasScript === hasArgv) throw configError(`${what}: give either script (a bash script) or argv (a list of strings), not ${hasScript ? 'both' : 'neither'}`)
  for (const [k, v] of Object.entries(spec.env ?? {})) if (typeof v !== 'string') throw configError(`${what}: env ${k} must be a string`)
  if (spec.timeout !== undefined && typeof spec.timeout !== 'string' && !(typeof spec.timeout === 'number' && spec.timeout > 0)) {
    throw configError(`${what}: timeout must be a duration such as "90s" or a number of milliseconds`)
  }
}

/** A run's values as the config's `run` function gets them: plain numbers (ints beyond 2^53 as bigints), strings, booleans, arrays, objects. */
export type PlainValues = Readonly<Record<string, PlainValue>>
/** One plain value (see PlainValues). */
export type PlainValue = number | bigint | string | boolean | readonly PlainValue[] | { readonly [key: string]: PlainValue }

/** Which run the `run` function is asked for. */
export interface RunContext { readonly replicate: number; readonly seq: number; readonly study: string }

/** A study of a config: its definition and how to run a value set. */
export interface ConfigStudy {
  readonly kind: 'study'
  readonly study: Study
  /** The command for one run: a run config, or just a bash script. */
  readonly run: (values: PlainValues, context: RunContext) => RunConfig | string
  /** Where the config defined it (`file:line`), for messages. */
  readonly site: string
}

/** A study definition as a config writes it. */
export interface StudySpec {
  readonly name: string
  readonly params: Readonly<Record<string, Param>>
  readonly objective: Objective
  readonly oracle?: OracleSpec
  readonly replicates?: number
  readonly description?: string
  readonly run: (values: PlainValues, context: RunContext) => RunConfig | string
}

/** A study: a named search over params toward an objective, and how to run each value set (Diviner's `study`). */
export function study(spec: StudySpec): ConfigStudy {
  if (typeof spec !== 'object' || spec === null) throw configError('study(…) takes an object: { name, params, objective, run, … }')
  if (typeof spec.run !== 'function') throw configError(`study "${String(spec.name)}": run must be a function (values, { replicate, seq }) → runConfig(…)`)
  const { run, ...definition } = spec
  const checked = configError.wrap(() => validateStudy({ ...definition, params: definition.params as Params }))
  return { kind: 'study', study: checked, run, site: configError.site() }
}
