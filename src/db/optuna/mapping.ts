/**
 * How an Optuna study becomes a Diviner study and its trials runs
 * (docs/optuna-mapping.md). Pure functions shared by the journal and the SQLite
 * readers, and by the import's merge (which widens an Optuna study's params as
 * a longer file brings new ones).
 */
import type { RunHead } from '../dump/records.js'
import type { MergeItem } from '../dump/records.js'
import type { Line } from '../dump/lines.js'
import { paramsEqual, type Param, type Params } from '../model/params.js'
import { RunState, type Metrics } from '../model/run.js'
import type { Study } from '../model/study.js'
import { compareValues, valueKey, type FloatValue, type IntValue, type Value, type Values } from '../model/values.js'

/** The oracle name of every study imported from Optuna. */
export const OPTUNA_ORACLE = 'optuna'

/** Optuna's TrialState numbers (optuna.trial.TrialState). */
export const TrialStateCode = { Running: 0, Complete: 1, Pruned: 2, Fail: 3, Waiting: 4 } as const

/** Optuna's trial state names, by number, as the RDB storage writes them. */
export const TRIAL_STATE_NAMES = ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'] as const

/** An Optuna distribution, reduced to what the mapping needs. */
export type Distribution =
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number | null }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number }
  | { readonly kind: 'categorical'; readonly choices: readonly Value[] }

/** A field of an Optuna file (a distribution, a time, a number) that this page cannot read; the message says why. */
export class BadOptunaField extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'BadOptunaField'
  }
}

type Json = Record<string, unknown>

function num(x: unknown, what: string): number {
  if (typeof x !== 'number') throw new BadOptunaField(`${what} must be a number`)
  return x
}

/**
 * Parses a distribution as Optuna writes it: `{"name": "FloatDistribution",
 * "attributes": {...}}` (also the pre-3.0 Uniform/LogUniform/DiscreteUniform/
 * IntUniform/IntLogUniform names, which Optuna 3.x still reads). `text` is the
 * JSON text, needed to tell a categorical choice `1.0` (a float) from `1`.
 */
export function parseDistribution(text: string): Distribution {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch {
    throw new BadOptunaField('the distribution is not valid JSON')
  }
  if (typeof o !== 'object' || o === null) throw new BadOptunaField('the distribution must be an object')
  const { name, attributes } = o as Json
  if (typeof attributes !== 'object' || attributes === null) throw new BadOptunaField('the distribution lacks "attributes"')
  const a = attributes as Json
  switch (name) {
    case 'FloatDistribution':
      return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: a.log === true, step: a.step == null ? null : num(a.step, 'step') }
    case 'UniformDistribution': return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: false, step: null }
    case 'LogUniformDistribution': return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: true, step: null }
    case 'DiscreteUniformDistribution': return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: false, step: num(a.q, 'q') }
    case 'IntDistribution':
      return { kind: 'int', low: num(a.low, 'low'), high: num(a.high, 'high'), log: a.log === true, step: a.step == null ? 1 : num(a.step, 'step') }
    case 'IntUniformDistribution': return { kind: 'int', low: num(a.low, 'low'), high: num(a.high, 'high'), log: false, step: a.step == null ? 1 : num(a.step, 'step') }
    case 'IntLogUniformDistribution': return { kind: 'int', low: num(a.low, 'low'), high: num(a.high, 'high'), log: true, step: 1 }
    case 'CategoricalDistribution': {
      if (!Array.isArray(a.choices) || a.choices.length === 0) throw new BadOptunaField('a categorical distribution needs choices')
      return { kind: 'categorical', choices: categoricalChoices(a.choices, text) }
    }
    default: throw new BadOptunaField(`unknown distribution ${JSON.stringify(String(name)).slice(0, 60)}`)
  }
}

/** Python's text of a choice, for choices that must all become strings. */
function pythonText(x: unknown): string {
  if (x === null) return 'None'
  if (x === true) return 'True'
  if (x === false) return 'False'
  return typeof x === 'string' ? x : JSON.stringify(x)
}

/**
 * The choices as values of one kind: their own kind when they share one
 * (numbers are floats if any is written with a point or an exponent, else ints;
 * `None` is the string "None"), otherwise every choice as the string Python
 * prints for it.
 */
function categoricalChoices(choices: readonly unknown[], text: string): Value[] {
  const list = text.slice(text.indexOf('"choices"'))
  const floaty = /[[,]\s*-?\d+(\.\d*)?[eE.]|NaN|Infinity/.test(list.slice(0, list.indexOf(']') + 1))
  const kinds = new Set(choices.map((c) => (c === null || typeof c === 'string' ? 'string' : typeof c)))
  let out: Value[]
  if (kinds.size === 1 && kinds.has('number')) {
    out = choices.map((c) => (floaty || !Number.isSafeInteger(c) ? { kind: 'float', value: c as number } : { kind: 'int', value: BigInt(c as number) }))
  } else if (kinds.size === 1 && kinds.has('boolean')) {
    out = choices.map((c) => ({ kind: 'bool', value: c as boolean }))
  } else {
    out = choices.map((c) => ({ kind: 'string', value: pythonText(c) }))
  }
  // Distinct choices may print alike ("None" and None): keep the first.
  const seen = new Set<string>()
  return out.filter((v) => { const k = valueKey(v); if (seen.has(k)) return false; seen.add(k); return true })
}

/** The float just above `x` (so that Optuna's inclusive high becomes our exclusive end). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x
  if (x === 0) return Number.MIN_VALUE
  const f = new Float64Array([x])
  const b = new BigInt64Array(f.buffer)
  b[0] = (b[0] as bigint) + (x > 0 ? 1n : -1n)
  return f[0] as number
}

/** The Diviner param of a distribution: a half-open range holding exactly Optuna's inclusive [low, high], or the choices. */
export function distributionParam(d: Distribution): Param {
  if (d.kind === 'categorical') return { type: 'discrete', values: d.choices }
  if (d.kind === 'int') {
    return { type: 'range', start: { kind: 'int', value: BigInt(Math.ceil(d.low)) }, end: { kind: 'int', value: BigInt(Math.floor(d.high)) + 1n } }
  }
  return { type: 'range', start: { kind: 'float', value: d.low }, end: { kind: 'float', value: nextUp(d.high) } }
}

/** What the description keeps of a distribution that the param cannot say: log scale, step. */
export function distributionNote(d: Distribution): string {
  if (d.kind === 'categorical') return ''
  const parts: string[] = []
  if (d.log) parts.push('log')
  if (d.step !== null && !(d.kind === 'int' && d.step === 1)) parts.push(`step ${d.step}`)
  return parts.join(', ')
}

/** A param value from Optuna's internal representation (a float; a categorical's is the choice's index). */
export function paramValue(d: Distribution, internal: number): Value | undefined {
  if (d.kind === 'float') return { kind: 'float', value: internal }
  if (d.kind === 'int') return Number.isFinite(internal) ? { kind: 'int', value: BigInt(Math.round(internal)) } : undefined
  return Number.isInteger(internal) ? d.choices[internal] : undefined
}

/** Widens `a` to hold `b` too: ranges to the smaller start and the larger end, discrete values to their union (a's first). Undefined when they cannot be combined. */
export function widenParam(a: Param, b: Param): Param | undefined {
  if (a.type === 'range' && b.type === 'range') {
    if (a.start.kind !== b.start.kind) return undefined
    return {
      type: 'range',
      start: (compareValues(b.start, a.start) < 0 ? b.start : a.start) as IntValue | FloatValue,
      end: (compareValues(b.end, a.end) > 0 ? b.end : a.end) as IntValue | FloatValue,
    }
  }
  if (a.type === 'discrete' && b.type === 'discrete') {
    if (a.values[0]?.kind !== b.values[0]?.kind) return undefined
    const have = new Set(a.values.map(valueKey))
    const extra = b.values.filter((v) => !have.has(valueKey(v)))
    return extra.length ? { type: 'discrete', values: [...a.values, ...extra] } : a
  }
  return undefined
}

/** `a` widened by every param of `b` (a new name is added); undefined when a param cannot be combined. */
export function widenParams(a: Params, b: Params): Params | undefined {
  const out: Record<string, Param> = Object.create(null) as Record<string, Param>
  for (const [k, p] of Object.entries(a)) out[k] = p
  for (const [k, p] of Object.entries(b)) {
    const have = out[k]
    if (!have) { out[k] = p; continue }
    const w = widenParam(have, p)
    if (!w) return undefined
    out[k] = w
  }
  return out
}

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

/** Milliseconds since the epoch of a Python datetime's isoformat (naive times are taken as UTC); undefined for null. */
export function parseTime(x: unknown): number | undefined {
  if (x === null || x === undefined) return undefined
  if (typeof x !== 'string') throw new BadOptunaField('a time must be a string')
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(x)
  const ms = m ? Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}${m[4] ?? 'Z'}`) : Number.NaN
  if (Number.isNaN(ms)) throw new BadOptunaField(`${JSON.stringify(x.slice(0, 40))} is not a time`)
  return ms
}

/** One Optuna trial as read so far. */
export interface OptunaTrial {
  /** Its number in its study (0-based). */
  readonly number: number
  /** Optuna's TrialState number. */
  state: number
  start: number | undefined
  complete: number | undefined
  /** Param name → its distribution and internal value, in the order set. */
  readonly params: Map<string, { readonly dist: Distribution; readonly internal: number }>
  values: readonly number[] | undefined
  /** Step → intermediate value. */
  readonly intermediate: Intermediate
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

/** The union of params a study has seen, with their notes, growing as trials arrive. */
export class ParamUnion {
  params: Params = Object.create(null) as Params
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

/** Appends a run's record and its history records (at most 256 entries each, as a dump carries them) to `out`. */
export function runItems(out: MergeItem[], head: RunHead, metrics: readonly Metrics[], line: Line): void {
  out.push({ line, record: { type: 'run', run: head } })
  for (let from = 0; from < metrics.length; from += 256) {
    out.push({ line, record: { type: 'metrics', run: head.id, from, entries: metrics.slice(from, from + 256) } })
  }
}
