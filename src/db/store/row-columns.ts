/**
 * Run rows in columns: the form a study's summary segments keep them in
 * (summary.ts). One segment holds a few thousand runs as a handful of typed
 * arrays and small dictionaries (statuses, configs, value sets, metric names),
 * which IndexedDB stores and reads back as whole buffers, where the same runs
 * as objects cost tens of objects each to write and to read. Decoding gives
 * exactly the rows `toRow` makes of the records (values and configs shared
 * between runs that have equal ones). Pure.
 */
import type { Metrics, RunConfig, RunOrigin, RunRow } from '../model/run.js'
import type { Values } from '../model/values.js'
import { decodeNumbers, encodeNumbers, indexArray, numberAt, type IndexArray, type NumberColumn } from './number-columns.js'
import { decodeValueSets, encodeValueSets, exactValuesKey, packStrings, unpackStrings, type PackedStrings, type ValueSetColumns, type ValueSetPool } from './value-columns.js'

/** What a row is made of: the fields of a stored run record (schema.ts) that a row shows. */
export interface RowSource {
  readonly id: string
  readonly seq: number
  readonly rev: number
  readonly origin: RunOrigin
  readonly values: Values
  readonly replicate: number
  readonly state: number
  readonly status: string
  readonly config: RunConfig
  readonly created: number
  readonly updated: number
  readonly runtime: number
  readonly retries: number
  readonly mCount: number
  readonly lCount: number
  /** The history's tail: its last entry is the row's last metrics. */
  readonly mTail: readonly Metrics[]
}

/** Strings with repeats, as a dictionary and an index into it per run. */
export interface DictColumn { readonly values: PackedStrings; readonly index: IndexArray }

/** Metrics objects in columns: each one's key list (a shape, from a dictionary), and its values one after another. */
export interface MetricsColumn {
  readonly shapes: string[][]
  /** Per object, its shape; or one shape number for all of them. */
  readonly shape: IndexArray | number
  readonly values: Float64Array
}

/** Some runs' rows in columns, in the order given, with each run's rev. */
export interface RowColumns {
  readonly count: number
  readonly ids: PackedStrings
  /**
   * The runs' numbers, a column each (number-columns.ts): seq, rev,
   * replicate, state, created, updated, runtime, retries, metric count, log
   * count, origin seq.
   */
  readonly numbers?: readonly NumberColumn[]
  /** The same numbers as segments written before `numbers` keep them: `NUMS` per run, run after run. */
  readonly nums?: Float64Array
  readonly status: DictColumn
  /** Configs: JSON texts (index ≥ 0) or, for a config JSON cannot carry exactly, the object (index −1 − k). */
  readonly config: { readonly json: PackedStrings; readonly raw: RunConfig[]; readonly index: Int32Array | IndexArray }
  readonly originDb: DictColumn
  /** The distinct value sets, and each run's. */
  readonly values: { readonly sets: ValueSetColumns; readonly index: IndexArray }
  /** Each run's last metrics entry (empty when none). */
  readonly last: MetricsColumn
}

const NUMS = 11

/** A dictionary being built: each distinct key once, in first-seen order. */
class DictBuilder<T> {
  readonly values: T[] = []
  private readonly at = new Map<string, number>()
  add(key: string, value: T): number {
    let i = this.at.get(key)
    if (i === undefined) { i = this.values.length; this.values.push(value); this.at.set(key, i) }
    return i
  }
}

/** Encodes Metrics objects (in order) into columns. */
export function encodeMetrics(entries: readonly Metrics[]): MetricsColumn {
  const shapes = new DictBuilder<string[]>()
  const shape = new Uint32Array(entries.length)
  let values = new Float64Array(entries.length * 4)
  let at = 0
  // Entries in a row mostly share their keys: a shape is looked up only when they change.
  let lastKeys: string[] | undefined
  let lastShape = 0
  for (let i = 0; i < entries.length; i++) {
    const m = entries[i] as Metrics
    const keys = Object.keys(m)
    if (lastKeys === undefined || !sameKeys(keys, lastKeys)) {
      lastShape = shapes.add(JSON.stringify(keys), keys)
      lastKeys = keys
    }
    shape[i] = lastShape
    if (at + keys.length > values.length) {
      const grown = new Float64Array(Math.max(values.length * 2, at + keys.length))
      grown.set(values)
      values = grown
    }
    for (const k of keys) values[at++] = m[k] as number
  }
  return { shapes: shapes.values, shape: shapes.values.length === 1 ? 0 : indexArray(shape, shapes.values.length), values: at === values.length ? values : values.slice(0, at) }
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

/** Sets `o[k] = v` as an own data property, whatever `k` is (`__proto__` included). */
function setOwn(o: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true })
  else o[k] = v
}

/** Decodes the Metrics objects `from` … `from + count − 1` of a column, given where object `from`'s values start. */
export function decodeMetrics(col: MetricsColumn, from: number, count: number, valueAt: number, out: Metrics[]): number {
  const { shapes, shape, values } = col
  for (let i = from; i < from + count; i++) {
    const keys = shapes[typeof shape === 'number' ? shape : (shape[i] as number)] as string[]
    const m: Record<string, number> = {}
    for (const k of keys) setOwn(m, k, values[valueAt++])
    out.push(m)
  }
  return valueAt
}

/** True when JSON.parse(JSON.stringify(x)) gives back exactly `x` (plain data: no -0, NaN, undefined, Date, bigint…). */
function jsonExact(x: unknown, depth = 0): boolean {
  if (depth > 64) return false
  if (x === null || typeof x === 'string' || typeof x === 'boolean') return true
  if (typeof x === 'number') return Number.isFinite(x) && !Object.is(x, -0)
  if (typeof x !== 'object') return false
  if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) if (!(i in x) || !jsonExact(x[i], depth + 1)) return false
    return true
  }
  const proto = Object.getPrototypeOf(x) as unknown
  if (proto !== Object.prototype && proto !== null) return false
  for (const k of Object.keys(x)) if (!jsonExact((x as Record<string, unknown>)[k], depth + 1)) return false
  return Object.getOwnPropertySymbols(x).length === 0
}

/** The rows of `recs` (all of one study) in columns. */
export function encodeRows(recs: readonly RowSource[]): RowColumns {
  const n = recs.length
  const nums = new Float64Array(n * NUMS)
  const status = new DictBuilder<string>()
  const statusIx = new Uint32Array(n)
  const json = new DictBuilder<string>()
  const raw: RunConfig[] = []
  const configIx = new Int32Array(n)
  const origins = new DictBuilder<string>()
  const originIx = new Uint32Array(n)
  const sets = new DictBuilder<Values>()
  const setIx = new Uint32Array(n)
  recs.forEach((r, i) => {
    // Field after field here (each field's numbers together make its column).
    nums[i] = r.seq; nums[n + i] = r.rev; nums[2 * n + i] = r.replicate; nums[3 * n + i] = r.state
    nums[4 * n + i] = r.created; nums[5 * n + i] = r.updated; nums[6 * n + i] = r.runtime; nums[7 * n + i] = r.retries
    nums[8 * n + i] = r.mCount; nums[9 * n + i] = r.lCount; nums[10 * n + i] = r.origin.seq
    statusIx[i] = status.add(r.status, r.status)
    if (jsonExact(r.config)) {
      const text = JSON.stringify(r.config)
      configIx[i] = json.add(text, text)
    } else {
      configIx[i] = -1 - raw.length
      raw.push(r.config)
    }
    originIx[i] = origins.add(r.origin.db, r.origin.db)
    setIx[i] = sets.add(exactValuesKey(r.values), r.values)
  })
  return {
    count: n, ids: packStrings(recs.map((r) => r.id)), numbers: Array.from({ length: NUMS }, (_, k) => encodeNumbers(nums.subarray(k * n, k * n + n))),
    status: { values: packStrings(status.values), index: indexArray(statusIx, status.values.length) },
    config: { json: packStrings(json.values), raw, index: raw.length ? configIx : indexArray(Uint32Array.from(configIx), json.values.length) },
    originDb: { values: packStrings(origins.values), index: indexArray(originIx, origins.values.length) },
    values: { sets: encodeValueSets(sets.values), index: indexArray(setIx, sets.values.length) },
    last: encodeMetrics(recs.map((r) => r.mTail[r.mTail.length - 1] ?? {})),
  }
}

/** Number `k` (in `RowColumns.numbers`' order) of row `i`. */
function rowNumber(cols: RowColumns, i: number, k: number): number {
  return cols.numbers ? numberAt(cols.numbers[k] as NumberColumn, i) : (cols.nums as Float64Array)[i * NUMS + k] as number
}

/** The rev of the record row `i` of the columns is of. */
export function rowRev(cols: RowColumns, i: number): number {
  return rowNumber(cols, i, 1)
}

/** The seq of row `i` of the columns. */
export function rowSeq(cols: RowColumns, i: number): number {
  return rowNumber(cols, i, 0)
}

/** The rows' numbers by what they are, a column each. */
interface RowNumbers {
  readonly seq: Float64Array; readonly replicate: Float64Array; readonly state: Float64Array; readonly created: Float64Array; readonly updated: Float64Array
  readonly runtime: Float64Array; readonly retries: Float64Array; readonly mCount: Float64Array; readonly lCount: Float64Array; readonly originSeq: Float64Array
}

/**
 * Buffers the numbers of the segment being decoded are written into, reused:
 * fresh ones for every segment would be megabytes of memory outside the heap
 * for each study read, which the collector answers with full collections.
 */
let scratch: Float64Array[] = []

/** Every row's numbers but its rev, valid until the next call. */
function rowNumbers(cols: RowColumns): RowNumbers {
  const n = cols.count
  if ((scratch[0]?.length ?? -1) < n) scratch = Array.from({ length: NUMS }, () => new Float64Array(n))
  const nums = cols.nums
  const column = (k: number): Float64Array => {
    const into = scratch[k] as Float64Array
    if (cols.numbers) return decodeNumbers(cols.numbers[k] as NumberColumn, into)
    for (let i = 0; i < n; i++) into[i] = (nums as Float64Array)[i * NUMS + k] as number
    return into
  }
  return {
    seq: column(0), replicate: column(2), state: column(3), created: column(4), updated: column(5),
    runtime: column(6), retries: column(7), mCount: column(8), lCount: column(9), originSeq: column(10),
  }
}

/**
 * The rows of `study` in columns (those `keep` keeps, by seq; all by default),
 * as `toRow` makes them of their records on the database `localId`; and
 * where each one is in the columns. Value sets come through `pool` when
 * given (see ValueSetPool).
 */
export function decodeRows(cols: RowColumns, study: string, localId: string, keep?: (seq: number) => boolean, pool?: ValueSetPool): { rows: RunRow[]; at: number[] } {
  const configs = unpackStrings(cols.config.json).map((text) => JSON.parse(text) as RunConfig)
  const ids = unpackStrings(cols.ids)
  const statuses = unpackStrings(cols.status.values)
  const dbs = unpackStrings(cols.originDb.values)
  const sets = decodeValueSets(cols.values.sets, pool)
  const last: Metrics[] = []
  decodeMetrics(cols.last, 0, cols.count, 0, last)
  const rows: RunRow[] = []
  const at: number[] = []
  const { seq: seqs, replicate: replicates, state: states, created: createds, updated: updateds, runtime: runtimes, retries: retryCounts, mCount: mCounts, lCount: lCounts, originSeq: originSeqs } = rowNumbers(cols)
  for (let i = 0; i < cols.count; i++) {
    const seq = seqs[i] as number
    if (keep && !keep(seq)) continue
    const c = cols.config.index[i] as number
    const db = dbs[cols.originDb.index[i] as number] as string
    const originSeq = originSeqs[i] as number
    const id = ids[i] as string
    const values = sets[cols.values.index[i] as number] as Values
    const status = statuses[cols.status.index[i] as number] as string
    const config = (c >= 0 ? configs[c] : cols.config.raw[-1 - c]) as RunConfig
    const created = new Date(createds[i] as number)
    const updated = new Date(updateds[i] as number)
    const replicate = replicates[i] as number
    const state = states[i] as number
    const runtime = runtimes[i] as number
    const retries = retryCounts[i] as number
    const metricCount = mCounts[i] as number
    const logCount = lCounts[i] as number
    // Two literals, not a spread: rows of a whole study are made here.
    rows.push(db === localId && originSeq === seq
      ? { id, study, seq, values, replicate, state, status, config, created, updated, runtime, retries, last: last[i] as Metrics, metricCount, logCount }
      : { id, study, seq, values, replicate, state, status, config, created, updated, runtime, retries, last: last[i] as Metrics, metricCount, logCount, origin: { db, seq: originSeq } })
    at.push(i)
  }
  return { rows, at }
}
