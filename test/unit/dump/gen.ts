/**
 * fast-check generators for databases worth dumping (every value kind, NaN and
 * ±Infinity and -0, unicode, long histories and logs that seal chunks, every run
 * state, replicates, retries, runtimes, configs), and a builder that writes such
 * a plan into a database through its API.
 */
import fc from 'fast-check'
import type { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { appendMetricEntries } from '../../../src/db/store/history.js'
import { discrete, logRange, range, type Param } from '../../../src/db/model/params.js'
import { RunState, type Metrics, type RunConfig } from '../../../src/db/model/run.js'
import { LOG_CHUNK_CHARS, LOG_CHUNK_ENTRIES, METRIC_CHUNK, type LogEntry } from '../../../src/db/store/schema.js'
import { maximize, minimize, type OracleSpec, type Study } from '../../../src/db/model/study.js'
import { bool, dict, float, int, list, str, valueKey, type Value, type Values } from '../../../src/db/model/values.js'
import type { Clock } from './helpers.js'

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n
const HOSTILE = new Set(['__proto__', 'constructor', 'prototype'])

/** Short strings of any UTF-16 content: unicode, escapes, control characters, lone surrogates. */
export const text = fc.string({
  unit: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('a', 'Z', ' ', '\n', '\t', '"', '\\', '/', '\u0000', '\u2028', 'é', 'ß', '中', '🎉', '\r\n') },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
    { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
  ),
  maxLength: 10,
})

/** A name: non-empty text that is not a key the dump format refuses. */
export const name = text.filter((s) => s !== '' && !HOSTILE.has(s))

const int64 = fc.oneof(
  fc.bigInt({ min: INT64_MIN, max: INT64_MAX }),
  fc.constantFrom(INT64_MIN, INT64_MAX, 0n, -1n, 2n ** 53n + 1n, -(2n ** 53n) - 1n),
)
const anyFloat = fc.oneof(fc.double(), fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, 0, 5e-324, Number.MAX_VALUE, 0.1))
/** A dict key: any text, including keys that name prototype properties. */
const dictKey = fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', ''), text)

/** Values of every kind, nested lists and dicts included. */
export const value: fc.Arbitrary<Value> = fc.letrec<{ value: Value; leaf: Value; list: Value; dict: Value }>((tie) => ({
  value: fc.oneof({ maxDepth: 3, depthIdentifier: 'value' }, tie('leaf'), tie('leaf'), tie('list'), tie('dict')),
  leaf: fc.oneof(int64.map(int), anyFloat.map(float), text.map(str), fc.boolean().map(bool)),
  list: fc.array(tie('value'), { maxLength: 3, depthIdentifier: 'value' }).map((vs) => list(...vs)),
  dict: fc.array(fc.tuple(dictKey, tie('value')), { maxLength: 3, depthIdentifier: 'value' })
    .map((es) => dict(Object.fromEntries(es))),
})).value

/** A value set over some names. */
export const values: fc.Arbitrary<Values> = fc.uniqueArray(fc.tuple(name, value), { maxLength: 4, selector: ([k]) => k })
  .map((es) => Object.fromEntries(es))

function distinct<T extends Value>(arb: fc.Arbitrary<T>): fc.Arbitrary<T[]> {
  return fc.uniqueArray(arb, { minLength: 1, maxLength: 4, selector: valueKey })
}

/** A valid param of any kind: discrete over each kind, int and float ranges. */
export const param: fc.Arbitrary<Param> = fc.oneof(
  distinct(int64.map(int)).map((vs) => discrete(...vs)),
  distinct(anyFloat.map(float)).map((vs) => discrete(...vs)),
  distinct(text.map(str)).map((vs) => discrete(...vs)),
  fc.constantFrom(discrete(bool(false), bool(true)), discrete(bool(true))),
  distinct(value.filter((v) => v.kind === 'list')).map((vs) => discrete(...vs)),
  distinct(value.filter((v) => v.kind === 'dict')).map((vs) => discrete(...vs)),
  fc.tuple(int64, int64).filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? range(int(a), int(b)) : range(int(b), int(a)))),
  fc.tuple(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.double({ noNaN: true, noDefaultInfinity: true }))
    .filter(([a, b]) => a !== b).map(([a, b]) => (a < b ? range(float(a), float(b)) : range(float(b), float(a)))),
  // Log-scale ranges (a param attribute kept in dumps), over positive floats and ints.
  fc.tuple(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), fc.double({ min: 1e-300, max: 1e300, noNaN: true }))
    .filter(([a, b]) => a !== b).map(([a, b]) => logRange(float(Math.min(a, b)), float(Math.max(a, b)))),
  fc.tuple(fc.bigInt({ min: 1n, max: 1n << 40n }), fc.bigInt({ min: 1n, max: 1n << 40n }))
    .filter(([a, b]) => a !== b).map(([a, b]) => logRange(int(a < b ? a : b), int(a < b ? b : a))),
)

function hasHostileKey(x: unknown): boolean {
  if (typeof x !== 'object' || x === null) return false
  return Object.keys(x).some((k) => HOSTILE.has(k) || hasHostileKey((x as Record<string, unknown>)[k]))
}

function hasNegativeZero(x: unknown): boolean {
  if (Object.is(x, -0)) return true
  return typeof x === 'object' && x !== null && Object.values(x).some(hasNegativeZero)
}

/** JSON data (which has no -0) without keys the dump format refuses. */
const json = fc.jsonValue({ maxDepth: 2 }).filter((x) => !hasHostileKey(x) && !hasNegativeZero(x))

/** A run config: script, files, datasets and other JSON settings. */
export const config: fc.Arbitrary<RunConfig> = fc.record({
  script: text, localFiles: fc.array(text, { maxLength: 2 }), datasets: fc.array(text, { maxLength: 2 }), extra: json,
}, { requiredKeys: [] })

const oracle: fc.Arbitrary<OracleSpec> = fc.oneof(
  fc.constant({ name: 'grid' }),
  fc.integer().map((seed) => ({ name: 'random', seed })),
  fc.record({ name: fc.constantFrom('vizier', 'hyperband'), budget: fc.nat(), settings: json }),
)

const metricName = fc.oneof(fc.constantFrom('loss', 'acc', 'val/loss', 'λ', ''), name)

/** Study definitions with distinct names. */
export const studies: fc.Arbitrary<Study[]> = fc.uniqueArray(fc.record({
  name,
  objective: fc.tuple(fc.boolean(), fc.oneof(fc.constantFrom('loss', 'acc'), name)).map(([min, m]) => (min ? minimize(m) : maximize(m))),
  params: fc.uniqueArray(fc.tuple(name, param), { minLength: 1, maxLength: 3, selector: ([k]) => k }).map((es) => Object.fromEntries(es)),
  replicates: fc.integer({ min: 0, max: 63 }),
  description: text,
  oracle,
}), { minLength: 1, maxLength: 3, selector: (s) => s.name })

const metricsEntry: fc.Arbitrary<Metrics> = fc.uniqueArray(fc.tuple(metricName, anyFloat), { maxLength: 3, selector: ([k]) => k })
  .map((es) => Object.fromEntries(es))

/** A long metric history (more than one chunk), its content derived from a seed. */
const longMetrics = fc.tuple(fc.integer({ min: METRIC_CHUNK + 1, max: 2 * METRIC_CHUNK + 40 }), fc.nat()).map(([n, seed]) =>
  Array.from({ length: n }, (_, i): Metrics => {
    const k = (i * 7 + seed) % 11
    const loss = k === 0 ? Number.NaN : k === 1 ? Infinity : k === 2 ? -Infinity : k === 3 ? -0 : 1 / (i + 1 + seed % 5)
    return i % 3 === 0 ? { loss, 'λ': i } : { loss }
  }))

/** Log entry times, some before 1970 and some at the ends of the Date range. */
const logTime = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, -8.64e15, 8.64e15, Date.UTC(-1, 0, 1), Date.UTC(12000, 0, 1)) },
)

const logEntry: fc.Arbitrary<LogEntry> = fc.record({ t: logTime, text })

/** A long log (more entries or more text than one chunk holds), derived from a seed. */
const longLog = fc.oneof(
  fc.tuple(fc.integer({ min: LOG_CHUNK_ENTRIES + 1, max: 3 * LOG_CHUNK_ENTRIES }), fc.nat()).map(([n, seed]) =>
    Array.from({ length: n }, (_, i): LogEntry => ({ t: Date.UTC(2024, 0, 1) + i * 1000 + seed, text: `step ${i}: ℓ=${(seed + i) % 97} ✓\n` }))),
  fc.tuple(fc.integer({ min: 2, max: 4 }), fc.nat()).map(([n, seed]) =>
    Array.from({ length: n }, (_, i): LogEntry => ({ t: Date.UTC(2024, 0, 1) + i, text: `${'é'.repeat(LOG_CHUNK_CHARS / 2)}🎉${seed}\n` }))),
)

/** How a run ends up: its last update (none for a run that stays pending untouched). */
export interface RunUpdate { state: number; status: string; runtime: number; retries: number }

/** One run to create. */
export interface RunPlan {
  /** Index of its study in the plan. */
  study: number
  values: Values
  replicate: number
  config: RunConfig
  /** Seqs reserved with nextSeq and left unused before the run is inserted. */
  skip: number
  metrics: Metrics[]
  log: LogEntry[]
  update: RunUpdate | null
}

/** A database to build. */
export interface DbPlan { studies: Study[]; runs: RunPlan[] }

const update: fc.Arbitrary<RunUpdate> = fc.record({
  state: fc.constantFrom(RunState.Pending, RunState.Success, RunState.Failure),
  status: text,
  runtime: fc.oneof(fc.nat(), fc.double({ min: 0, max: 1e12, noNaN: true })),
  retries: fc.nat({ max: 1000 }),
})

/** One run of a plan over `nStudies` studies. */
export function runPlan(nStudies: number): fc.Arbitrary<RunPlan> {
  return fc.record({
    study: fc.nat({ max: nStudies - 1 }),
    values,
    replicate: fc.integer({ min: 0, max: 63 }),
    config,
    skip: fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
    metrics: fc.oneof({ weight: 5, arbitrary: fc.array(metricsEntry, { maxLength: 4 }) }, { weight: 1, arbitrary: longMetrics }),
    log: fc.oneof({ weight: 5, arbitrary: fc.array(logEntry, { maxLength: 4 }) }, { weight: 1, arbitrary: longLog }),
    update: fc.option(update, { freq: 4 }),
  })
}

/** A database plan: one to three studies, up to `maxRuns` runs. */
export function dbPlan(maxRuns = 6): fc.Arbitrary<DbPlan> {
  return studies.chain((ss) => fc.record({ studies: fc.constant(ss), runs: fc.array(runPlan(ss.length), { maxLength: maxRuns }) }))
}

/**
 * Appends a whole metric history in one transaction, as `appendRunMetrics`
 * would one entry at a time (same sealing, same bookkeeping), to keep tests fast.
 */
export async function appendMetricsBulk(db: DexieDatabase, study: string, seq: number, entries: readonly Metrics[]): Promise<void> {
  const d = db.dexie
  await d.transaction('rw', [d.runs, d.metricChunks, d.meta], async () => {
    const rec = await db.findRun(study, seq)
    if (!rec) throw new Error(`no run ${study}:${seq}`)
    const sealed = appendMetricEntries(rec, entries.map((m) => ({ ...m })))
    if (sealed.length) await d.metricChunks.bulkPut(sealed)
    rec.touched = db.clock()
    rec.rev = await db.nextRev()
    await d.runs.put(rec)
  })
}

/** Grows run `study:seq` by `metrics` and `log` through the API (bulk for long histories). */
export async function grow(db: DexieDatabase, study: string, seq: number, metrics: readonly Metrics[], log: readonly LogEntry[]): Promise<void> {
  if (metrics.length > 8) await appendMetricsBulk(db, study, seq, metrics)
  else for (const m of metrics) await db.appendRunMetrics(study, seq, m)
  if (log.length) await db.appendLog(study, seq, log)
}

/** Writes `plan` into `db`, moving `clock` on between writes; returns the runs' ids and seqs in plan order. */
export async function build(db: DexieDatabase, clock: Clock, plan: DbPlan): Promise<{ id: string; study: string; seq: number }[]> {
  for (const s of plan.studies) { await db.createStudyIfNotExist(s); clock.tick() }
  const out = []
  for (const r of plan.runs) {
    const study = (plan.studies[r.study] as Study).name
    for (let i = 0; i < r.skip; i++) await db.nextSeq(study)
    const run = await db.insertRun({ study, values: r.values, replicate: r.replicate, config: r.config })
    clock.tick()
    await grow(db, study, run.seq, r.metrics, r.log)
    if (r.update) {
      clock.tick(137)
      await db.updateRun(study, run.seq, r.update.state, r.update.status, r.update.runtime, r.update.retries)
    }
    out.push({ id: run.id, study, seq: run.seq })
  }
  return out
}
