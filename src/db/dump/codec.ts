/**
 * The dump format, version 1 (docs/dump-format.md): how each record of a dump
 * is written as one JSON line, and read back with every field checked.
 * Decoders take untrusted parsed JSON and throw `BadRecord` with a reason.
 */
import type { Param, Params } from '../model/params.js'
import { RunState, type Metrics, type RunConfig } from '../model/run.js'
import type { LogEntry, RunRecord, StudyRecord } from '../store/schema.js'
import { validateStudy, type Objective, type OracleSpec, type Study } from '../model/study.js'
import { isDivinerError } from '../model/errors.js'
import { nullProtoCopy, type FloatValue, type IntValue, type Value, type Values } from '../model/values.js'

/** The format name in every dump header. */
export const DUMP_FORMAT = 'diviner-local-dump'
/** The format version this code writes and reads. */
export const DUMP_VERSION = 1

/** A record that breaks the format; `reason` says how. */
export class BadRecord extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'BadRecord'
  }
}

/** What a dump covers, as its header says. */
export type DumpCovers =
  | { readonly kind: 'all' }
  | { readonly kind: 'studies'; readonly studies: readonly string[] }
  | { readonly kind: 'runs'; readonly runs: readonly string[] }
  | { readonly kind: 'delta'; readonly since: Checkpoint }

/** A point in a database's history: changes after it go into the next delta. */
export interface Checkpoint { readonly db: string; readonly rev: number }

/** The first line of a dump (and of each appended member). */
export interface DumpHeader {
  readonly format: typeof DUMP_FORMAT
  readonly version: number
  /** The exporting database's id. */
  readonly origin: string
  readonly exported: Date
  readonly covers: DumpCovers
  /** Where a delta of the exporting database continues from. */
  readonly checkpoint: Checkpoint
}

/** A run's descriptive part as a dump carries it (history and log travel in their own records). */
export interface RunHead {
  readonly id: string
  readonly study: string
  readonly seq: number
  readonly origin: { readonly db: string; readonly seq: number }
  readonly values: Values
  readonly replicate: number
  readonly state: RunState
  readonly status: string
  readonly config: RunConfig
  readonly created: number
  readonly updated: number
  readonly runtime: number
  readonly retries: number
  /** Metric entries and log entries the run had when written. */
  readonly metricCount: number
  readonly logCount: number
}

/** One decoded line after the header. */
export type DumpRecord =
  | { readonly type: 'header'; readonly header: DumpHeader }
  | { readonly type: 'study'; readonly study: Study; readonly created: number }
  | { readonly type: 'run'; readonly run: RunHead }
  | { readonly type: 'metrics'; readonly run: string; readonly from: number; readonly entries: Metrics[] }
  | { readonly type: 'log'; readonly run: string; readonly from: number; readonly entries: LogEntry[] }

// ---- encoding ----

/** A float as JSON: a number, or "NaN" / "Infinity" / "-Infinity" / "-0" (JSON has no negative zero). */
export function encodeFloat(x: number): number | string {
  if (Object.is(x, -0)) return '-0'
  return Number.isFinite(x) ? x : String(x)
}

/** A value as JSON: a one-key object naming its kind (`{"int":"3"}`, `{"float":0.5}`, …). */
export function encodeValue(v: Value): unknown {
  switch (v.kind) {
    case 'int': return { int: v.value.toString() }
    case 'float': return { float: encodeFloat(v.value) }
    case 'string': return { string: v.value }
    case 'bool': return { bool: v.value }
    case 'list': return { list: v.value.map(encodeValue) }
    case 'dict': return { dict: mapRecord(v.value, encodeValue) }
  }
}

function mapRecord<A, B>(r: Readonly<Record<string, A>>, f: (a: A) => B): Record<string, B> {
  const out = Object.create(null) as Record<string, B>
  for (const k of Object.keys(r)) out[k] = f(r[k] as A)
  return out
}

function encodeParam(p: Param): unknown {
  return p.type === 'discrete'
    ? { type: 'discrete', values: p.values.map(encodeValue) }
    : { type: 'range', start: encodeValue(p.start), end: encodeValue(p.end) }
}

const STATE_NAMES: Record<number, string> = { [RunState.Pending]: 'pending', [RunState.Success]: 'success', [RunState.Failure]: 'failure' }

/** The header line. */
export function encodeHeader(h: DumpHeader): string {
  return JSON.stringify({ format: h.format, version: h.version, origin: h.origin, exported: h.exported.toISOString(), covers: h.covers, checkpoint: h.checkpoint })
}

/** A study line. */
export function encodeStudy(s: StudyRecord): string {
  return JSON.stringify({
    t: 'study', name: s.name, objective: s.objective, params: mapRecord(s.params, encodeParam),
    replicates: s.replicates, description: s.description, oracle: s.oracle, created: iso(s.created),
  })
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** A run line (without history and log). */
export function encodeRun(r: RunRecord): string {
  return JSON.stringify({
    t: 'run', id: r.id, study: r.study, seq: r.seq, origin: r.origin, values: mapRecord(r.values, encodeValue),
    replicate: r.replicate, state: STATE_NAMES[r.state], status: r.status, config: r.config,
    created: iso(r.created), updated: iso(r.updated), runtime_ms: r.runtime, retries: r.retries,
    metrics: r.mCount, log: r.lCount,
  })
}

/** A line of metric history entries starting at index `from`. */
export function encodeMetrics(run: string, from: number, entries: readonly Metrics[]): string {
  return JSON.stringify({ t: 'metrics', run, from, entries: entries.map((m) => mapRecord(m, encodeFloat)) })
}

/** A line of log entries starting at index `from`. */
export function encodeLog(run: string, from: number, entries: readonly LogEntry[]): string {
  return JSON.stringify({ t: 'log', run, from, entries: entries.map((e) => ({ t: iso(e.t), text: e.text })) })
}

// ---- decoding ----

type Json = Record<string, unknown>

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

function obj(x: unknown, what: string): Json {
  if (!isObject(x)) throw new BadRecord(`${what} must be an object`)
  return x
}

function field(o: Json, key: string, what: string): unknown {
  if (!Object.hasOwn(o, key)) throw new BadRecord(`${what} lacks "${key}"`)
  return o[key]
}

function string(x: unknown, what: string): string {
  if (typeof x !== 'string') throw new BadRecord(`${what} must be a string`)
  return x
}

/** A short description of untrusted JSON for a message (never the whole of a large or deep value). */
function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array'
  if (typeof x === 'object' && x !== null) return 'an object'
  if (typeof x === 'string') return JSON.stringify(x.slice(0, 40))
  return String(x)
}

function integer(x: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    throw new BadRecord(`${what} must be an integer in ${min}..${max}, got ${describe(x)}`)
  }
  return x
}

function finiteNonNegative(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new BadRecord(`${what} must be a non-negative number, got ${describe(x)}`)
  return x
}

/** A time: an ISO 8601 string as `Date.toISOString` writes it (years beyond 0000–9999 as ±YYYYYY). */
function time(x: unknown, what: string): number {
  const s = string(x, what)
  const ms = Date.parse(s)
  if (!/^(\d{4}|[+-]\d{6})-\d\d-\d\dT/.test(s) || Number.isNaN(ms)) throw new BadRecord(`${what} must be an ISO 8601 time, got ${describe(s)}`)
  return ms
}

/** The most deeply nested JSON a free-form field (config, oracle settings) may hold. */
const MAX_JSON_DEPTH = 32

/** Free-form JSON kept as it is (a run's config, an oracle's settings), checked to nest at most MAX_JSON_DEPTH deep. */
function freeJson(x: unknown, what: string, depth = 0): unknown {
  if (typeof x !== 'object' || x === null) return x
  if (depth >= MAX_JSON_DEPTH) throw new BadRecord(`${what} nests deeper than ${MAX_JSON_DEPTH}`)
  for (const v of Array.isArray(x) ? x : Object.values(x)) freeJson(v, what, depth + 1)
  return x
}

/** A float from JSON: a number or one of "NaN", "Infinity", "-Infinity". */
export function decodeFloat(x: unknown, what: string): number {
  if (typeof x === 'number') return x
  if (x === 'NaN') return Number.NaN
  if (x === 'Infinity') return Infinity
  if (x === '-Infinity') return -Infinity
  if (x === '-0') return -0
  throw new BadRecord(`${what} must be a number, "NaN", "Infinity", "-Infinity" or "-0"`)
}

const MAX_DEPTH = 32
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Objects of the line being decoded that hold a key such as `__proto__`, and
 * which of them turned out to be dict payloads (where any key is data).
 */
class KeyCheck {
  readonly dicts = new Set<object>()
  constructor(readonly hostile: ReadonlyMap<object, string> | undefined) {}

  /** Throws when a hostile key sits anywhere but in a dict payload. */
  check(): void {
    if (!this.hostile) return
    for (const [holder, key] of this.hostile) {
      if (!this.dicts.has(holder)) throw new BadRecord(`the key "${key}" is not allowed here (only a dict value may hold it)`)
    }
  }
}

/** A value from its JSON form, checked; `check` learns which objects are dict payloads. */
export function decodeValue(x: unknown, what: string, depth = 0, check?: KeyCheck): Value {
  if (depth > MAX_DEPTH) throw new BadRecord(`${what} nests deeper than ${MAX_DEPTH}`)
  const o = obj(x, what)
  const keys = Object.keys(o)
  if (keys.length !== 1) throw new BadRecord(`${what} must have exactly one kind key (int, float, string, bool, list or dict)`)
  const kind = keys[0] as string
  const v = o[kind]
  switch (kind) {
    case 'int': {
      const s = string(v, `${what}.int`)
      if (!/^-?\d{1,19}$/.test(s)) throw new BadRecord(`${what}.int must be a decimal integer string`)
      const n = BigInt(s)
      if (n < INT64_MIN || n > INT64_MAX) throw new BadRecord(`${what}.int does not fit in 64 bits`)
      return { kind: 'int', value: n }
    }
    case 'float': return { kind: 'float', value: decodeFloat(v, `${what}.float`) }
    case 'string': return { kind: 'string', value: string(v, `${what}.string`) }
    case 'bool':
      if (typeof v !== 'boolean') throw new BadRecord(`${what}.bool must be true or false`)
      return { kind: 'bool', value: v }
    case 'list':
      if (!Array.isArray(v)) throw new BadRecord(`${what}.list must be an array`)
      return { kind: 'list', value: v.map((e, i) => decodeValue(e, `${what}[${i}]`, depth + 1, check)) }
    case 'dict': {
      const d = obj(v, `${what}.dict`)
      check?.dicts.add(d)
      return { kind: 'dict', value: mapRecordChecked(d, (e, k) => decodeValue(e, `${what}.${k}`, depth + 1, check)) }
    }
    default: throw new BadRecord(`${what} has unknown kind "${kind.slice(0, 40)}"`)
  }
}

function mapRecordChecked<B>(r: Json, f: (a: unknown, key: string) => B): Record<string, B> {
  const out = Object.create(null) as Record<string, B>
  for (const k of Object.keys(r)) out[k] = f(r[k], k)
  return out
}

function decodeParam(x: unknown, what: string, keys: KeyCheck): Param {
  const o = obj(x, what)
  const type = field(o, 'type', what)
  if (type === 'discrete') {
    const values = field(o, 'values', what)
    if (!Array.isArray(values)) throw new BadRecord(`${what}.values must be an array`)
    return { type: 'discrete', values: values.map((v, i) => decodeValue(v, `${what}.values[${i}]`, 0, keys)) }
  }
  if (type === 'range') {
    const start = decodeValue(field(o, 'start', what), `${what}.start`, 0, keys)
    const end = decodeValue(field(o, 'end', what), `${what}.end`, 0, keys)
    if ((start.kind !== 'int' && start.kind !== 'float') || start.kind !== end.kind) {
      throw new BadRecord(`${what}: a range's ends must both be ints or both floats`)
    }
    return { type: 'range', start: start as IntValue | FloatValue, end: end as IntValue | FloatValue }
  }
  throw new BadRecord(`${what}.type must be "discrete" or "range"`)
}

function decodeObjective(x: unknown): Objective {
  const o = obj(x, 'objective')
  const direction = field(o, 'direction', 'objective')
  if (direction !== 'minimize' && direction !== 'maximize') throw new BadRecord('objective.direction must be "minimize" or "maximize"')
  return { direction, metric: string(field(o, 'metric', 'objective'), 'objective.metric') }
}

function decodeStudy(o: Json, keys: KeyCheck): DumpRecord {
  const params: Params = mapRecordChecked(obj(field(o, 'params', 'study'), 'study.params'), (p, k) => decodeParam(p, `param ${k}`, keys))
  const raw: Study = {
    name: string(field(o, 'name', 'study'), 'study.name'),
    objective: decodeObjective(field(o, 'objective', 'study')),
    params,
    replicates: integer(field(o, 'replicates', 'study'), 'study.replicates', 0, 63),
    description: string(field(o, 'description', 'study'), 'study.description'),
    oracle: freeJson(obj(field(o, 'oracle', 'study'), 'study.oracle'), 'study.oracle') as OracleSpec,
  }
  let study: Study
  try {
    study = validateStudy(raw)
  } catch (e) {
    throw new BadRecord(isDivinerError(e) ? e.message : String(e))
  }
  return { type: 'study', study, created: time(field(o, 'created', 'study'), 'study.created') }
}

const STATES: Record<string, RunState> = { pending: RunState.Pending, success: RunState.Success, failure: RunState.Failure }

function decodeRun(o: Json, keys: KeyCheck): DumpRecord {
  const stateName = string(field(o, 'state', 'run'), 'run.state')
  const state = Object.hasOwn(STATES, stateName) ? STATES[stateName] : undefined
  if (state === undefined) throw new BadRecord(`run.state must be pending, success or failure, got ${describe(stateName)}`)
  const origin = obj(field(o, 'origin', 'run'), 'run.origin')
  const run: RunHead = {
    id: nonEmpty(field(o, 'id', 'run'), 'run.id'),
    study: nonEmpty(field(o, 'study', 'run'), 'run.study'),
    seq: integer(field(o, 'seq', 'run'), 'run.seq', 1),
    origin: { db: nonEmpty(field(origin, 'db', 'run.origin'), 'run.origin.db'), seq: integer(field(origin, 'seq', 'run.origin'), 'run.origin.seq', 1) },
    values: mapRecordChecked(obj(field(o, 'values', 'run'), 'run.values'), (v, k) => decodeValue(v, `value ${k}`, 0, keys)),
    replicate: integer(field(o, 'replicate', 'run'), 'run.replicate', 0, 63),
    state,
    status: string(field(o, 'status', 'run'), 'run.status'),
    config: runConfig(field(o, 'config', 'run')),
    created: time(field(o, 'created', 'run'), 'run.created'),
    updated: time(field(o, 'updated', 'run'), 'run.updated'),
    runtime: finiteNonNegative(field(o, 'runtime_ms', 'run'), 'run.runtime_ms'),
    retries: integer(field(o, 'retries', 'run'), 'run.retries', 0),
    metricCount: integer(field(o, 'metrics', 'run'), 'run.metrics', 0),
    logCount: integer(field(o, 'log', 'run'), 'run.log', 0),
  }
  return { type: 'run', run }
}

/**
 * A run's config: free-form JSON, except that the fields the page shows for
 * what they are (script text, lists of local files and datasets) have their
 * types (a `localFiles` of `{"length": 1e9}` would otherwise be walked as a list).
 */
function runConfig(x: unknown): RunConfig {
  const config = freeJson(obj(x, 'run.config'), 'run.config') as Json
  if (Object.hasOwn(config, 'script')) string(config['script'], 'run.config.script')
  for (const key of ['localFiles', 'datasets']) {
    if (Object.hasOwn(config, key)) stringList(config[key], `run.config.${key}`)
  }
  return config as RunConfig
}

function nonEmpty(x: unknown, what: string): string {
  const s = string(x, what)
  if (s === '') throw new BadRecord(`${what} must not be empty`)
  return s
}

function decodeMetrics(o: Json): DumpRecord {
  const entries = field(o, 'entries', 'metrics')
  if (!Array.isArray(entries)) throw new BadRecord('metrics.entries must be an array')
  return {
    type: 'metrics',
    run: nonEmpty(field(o, 'run', 'metrics'), 'metrics.run'),
    from: integer(field(o, 'from', 'metrics'), 'metrics.from', 0),
    entries: entries.map((e, i) => mapRecordChecked(obj(e, `metrics.entries[${i}]`), (x, k) => decodeFloat(x, `metric ${k}`))),
  }
}

function decodeLog(o: Json): DumpRecord {
  const entries = field(o, 'entries', 'log')
  if (!Array.isArray(entries)) throw new BadRecord('log.entries must be an array')
  return {
    type: 'log',
    run: nonEmpty(field(o, 'run', 'log'), 'log.run'),
    from: integer(field(o, 'from', 'log'), 'log.from', 0),
    entries: entries.map((e, i) => {
      const eo = obj(e, `log.entries[${i}]`)
      return { t: time(field(eo, 't', 'log entry'), 'log entry t'), text: string(field(eo, 'text', 'log entry'), 'log entry text') }
    }),
  }
}

function decodeCovers(x: unknown): DumpCovers {
  const o = obj(x, 'header.covers')
  switch (o.kind) {
    case 'all': return { kind: 'all' }
    case 'studies': return { kind: 'studies', studies: stringList(o.studies, 'header.covers.studies') }
    case 'runs': return { kind: 'runs', runs: stringList(o.runs, 'header.covers.runs') }
    case 'delta': return { kind: 'delta', since: decodeCheckpoint(o.since, 'header.covers.since') }
    default: throw new BadRecord('header.covers.kind must be all, studies, runs or delta')
  }
}

function stringList(x: unknown, what: string): string[] {
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) throw new BadRecord(`${what} must be a list of strings`)
  return x
}

/** A checkpoint from its JSON form, checked. */
export function decodeCheckpoint(x: unknown, what: string): Checkpoint {
  const o = obj(x, what)
  return { db: string(field(o, 'db', what), `${what}.db`), rev: integer(field(o, 'rev', what), `${what}.rev`, 0) }
}

/** Why a header names a version this code cannot read. */
export class UnsupportedVersion extends Error {
  constructor(readonly version: unknown) {
    super(`dump format version ${JSON.stringify(version)} is not supported (this page reads version ${DUMP_VERSION}); update the page to import it`)
    this.name = 'UnsupportedVersion'
  }
}

function decodeHeader(o: Json): DumpRecord {
  const version = o.version
  if (version !== DUMP_VERSION) {
    if (typeof version !== 'number' || !Number.isInteger(version)) throw new BadRecord('header.version must be an integer')
    throw new UnsupportedVersion(version)
  }
  const header: DumpHeader = {
    format: DUMP_FORMAT,
    version,
    origin: nonEmpty(field(o, 'origin', 'header'), 'header.origin'),
    exported: new Date(time(field(o, 'exported', 'header'), 'header.exported')),
    covers: decodeCovers(field(o, 'covers', 'header')),
    checkpoint: decodeCheckpoint(field(o, 'checkpoint', 'header'), 'header.checkpoint'),
  }
  return { type: 'header', header }
}

/** True when parsed JSON is a dump header (it names the format). */
export function isHeader(o: unknown): boolean {
  return isObject(o) && o.format === DUMP_FORMAT
}

/**
 * One parsed line, decoded and checked. `hostile` maps each object of the line
 * that holds a key such as `__proto__` to that key: such a key is data inside a
 * dict value and refused anywhere else.
 */
export function decodeRecord(parsed: unknown, hostile?: ReadonlyMap<object, string>): DumpRecord {
  const keys = new KeyCheck(hostile)
  const record = decodeFields(obj(parsed, 'a line'), keys)
  keys.check()
  return record
}

function decodeFields(o: Json, keys: KeyCheck): DumpRecord {
  if (Object.hasOwn(o, 'format')) {
    if (o.format !== DUMP_FORMAT) throw new BadRecord(`not a Diviner Local dump (format ${describe(o.format)})`)
    return decodeHeader(o)
  }
  switch (o.t) {
    case 'study': return decodeStudy(o, keys)
    case 'run': return decodeRun(o, keys)
    case 'metrics': return decodeMetrics(o)
    case 'log': return decodeLog(o)
    default: throw new BadRecord(`unknown record type ${describe(o.t ?? null)}`)
  }
}

/** The values of a study record for storage, copied onto null prototypes. */
export function studyParams(study: Study): Params {
  return nullProtoCopy(study.params)
}
