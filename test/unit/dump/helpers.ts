/**
 * Shared helpers for the dump tests: databases on a test clock, byte and line
 * plumbing, a lossless snapshot of everything a database holds, hand-written
 * dump lines (docs/dump-format.md), and an assertion for refused dumps.
 */
import { Gunzip, gunzipSync, gzipSync } from 'fflate'
import { expect } from 'vitest'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { exportDump, type ExportOptions } from '../../../src/db/dump/export.js'
import { importDump, type ImportOptions } from '../../../src/db/merge/import.js'
import type { DumpSource } from '../../../src/db/dump/lines.js'

let n = 0

/** A settable clock in epoch milliseconds, shared by the databases of one test. */
export class Clock {
  constructor(public t = Date.UTC(2024, 0, 1)) {}
  /** Moves the clock on by `ms` (1 s by default) and returns the new time. */
  tick(ms = 1000): number {
    this.t += ms
    return this.t
  }
  readonly now = (): number => this.t
}

/** A fresh, empty database on fake-indexeddb, on `clock` when given. */
export async function freshDb(label = 'db', clock?: Clock): Promise<DexieDatabase> {
  const db = new DexieDatabase(`${label}-${++n}-${Math.random().toString(36).slice(2)}`, {
    followPollMs: 20, loggerFlushMs: 5, ...(clock ? { now: clock.now } : {}),
  })
  await db.createTable()
  return db
}

/** Reads a byte stream to one Uint8Array; a stream error rejects with that very error. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader()
  const parts: Uint8Array[] = []
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    parts.push(value)
  }
  return concat(...parts)
}

/** The bytes of `parts`, one after the other. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0))
  let off = 0
  for (const p of parts) { out.set(p, off); off += p.length }
  return out
}

/** The whole dump of `db` (or the part `options` selects) as bytes. */
export async function dumpBytes(db: DexieDatabase, options?: ExportOptions): Promise<Uint8Array> {
  return collect(exportDump(db, options))
}

/** Every line of a (single- or multi-member) gzip dump or plain JSON Lines, parsed. */
export function dumpLines(bytes: Uint8Array): Record<string, unknown>[] {
  const text = new TextDecoder().decode(bytes[0] === 0x1f ? gunzipMembers(bytes) : bytes)
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>)
}

/** The concatenated contents of every gzip member in `bytes` (gunzipSync reads only the first). */
function gunzipMembers(bytes: Uint8Array): Uint8Array {
  const parts: Uint8Array[] = []
  const g = new Gunzip((chunk) => { parts.push(chunk) })
  g.push(bytes, true)
  return concat(...parts)
}

/** Plain JSON Lines text of `records`, one JSON object a line. */
export function jsonl(records: readonly unknown[]): string {
  return records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n'
}

/** `text` (or bytes) gzipped. */
export function gz(data: string | Uint8Array): Uint8Array {
  return gzipSync(typeof data === 'string' ? new TextEncoder().encode(data) : data)
}

/** A gzipped dump made of `records` (objects, or raw line text). */
export function gzLines(records: readonly unknown[]): Uint8Array {
  return gz(jsonl(records))
}

/** `bytes` decompressed (first member). */
export function gunzip(bytes: Uint8Array): Uint8Array {
  return gunzipSync(bytes)
}

// ---- a lossless, comparable snapshot ----

/**
 * A comparable form of any stored data that keeps what `toEqual` might blur:
 * bigints, -0, NaN, value kinds, keys such as `__proto__`. Objects become
 * sorted `[key, value]` pair lists.
 */
export function canon(x: unknown): unknown {
  if (typeof x === 'bigint') return `${x}n`
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : Number.isNaN(x) ? 'NaN' : x
  if (x instanceof Date) return `date:${x.getTime()}`
  if (Array.isArray(x)) return x.map(canon)
  if (typeof x === 'object' && x !== null) {
    return ['{}', ...Object.keys(x).sort().map((k) => [k, canon((x as Record<string, unknown>)[k])])]
  }
  return x
}

/** What `rawSnapshot` leaves out. */
export interface SnapshotOptions {
  /** Ignore local seq numbers (they depend on the order of imports). */
  readonly ignoreSeq?: boolean
}

/**
 * Everything a database holds that export, import and merge must preserve, read
 * from the stored records: studies (but not their local counters), runs with
 * their whole metric history and log (every entry's time and text), and the
 * bookkeeping that must be empty when no import runs (pending imports, undo
 * records, chunk records no run refers to).
 */
export async function rawSnapshot(db: DexieDatabase, options: SnapshotOptions = {}): Promise<unknown> {
  const d = db.dexie
  // Read everything in one transaction, awaiting nothing else inside it.
  const [studyRecs, runRecs, metricChunks, logChunks, imports, undo] = await d.transaction('r', [d.studies, d.runs, d.metricChunks, d.logChunks, d.imports, d.undo], () =>
    Promise.all([d.studies.toArray(), d.runs.toArray(), d.metricChunks.toArray(), d.logChunks.toArray(), d.imports.count(), d.undo.count()]))
  const studies = studyRecs.map((s) => canon({
    name: s.name, objective: s.objective, params: s.params, replicates: s.replicates,
    description: s.description, oracle: s.oracle, created: s.created,
  }))
  const chunks = new Map<string, unknown[]>()
  for (const c of metricChunks) chunks.set(`m ${c.run} ${c.chunk}`, c.entries)
  for (const c of logChunks) chunks.set(`l ${c.run} ${c.chunk}`, c.entries)
  const referenced = new Set<string>()
  const sealed = (kind: 'm' | 'l', run: string, count: number): unknown[] => {
    const out: unknown[] = []
    for (let c = 0; c < count; c++) {
      const key = `${kind} ${run} ${c}`
      const entries = chunks.get(key)
      if (!entries) throw new Error(`chunk ${key} is missing`)
      referenced.add(key)
      out.push(...entries)
    }
    return out
  }
  const runs = runRecs.map((r) => {
    const metrics = [...sealed('m', r.id, r.mSealed), ...r.mTail]
    const log = [...sealed('l', r.id, r.lSealed), ...r.lTail]
    if (metrics.length !== r.mCount) throw new Error(`run ${r.id}: ${metrics.length} metric entries stored, mCount ${r.mCount}`)
    if (log.length !== r.lCount) throw new Error(`run ${r.id}: ${log.length} log entries stored, lCount ${r.lCount}`)
    return {
      id: r.id,
      run: canon({
        study: r.study, seq: options.ignoreSeq ? 0 : r.seq, origin: r.origin, values: r.values,
        replicate: r.replicate, state: r.state, status: r.status, config: r.config, created: r.created,
        updated: r.updated, runtime: r.runtime, retries: r.retries, metrics, log,
      }),
    }
  })
  runs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  // Notes and tags (merged field by field, apart from the run's own writer), and the index of annotated runs kept with them.
  const notes = [
    ...studyRecs.filter((s) => s.noteAt !== undefined).map((s) => ({ study: s.name, note: s.note, noteAt: s.noteAt })),
    ...runRecs.filter((r) => r.noteAt !== undefined || r.tagsAt !== undefined).map((r) => ({ run: r.id, note: r.note, noteAt: r.noteAt, tags: r.tags, tagsAt: r.tagsAt })),
  ].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
  const tombs = (await d.tombstones.toArray()).map((t) => canon({ key: t.key, deleted: t.deleted })).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))
  const misindexed = runRecs.filter((r) => (r.annotated !== undefined) !== (Boolean(r.note) || (r.tags?.length ?? 0) > 0)).map((r) => r.id)
  return { studies, runs, notes, tombstones: tombs, misindexed, orphanChunks: [...chunks.keys()].filter((k) => !referenced.has(k)), imports, undo }
}

// ---- hand-written dump lines (docs/dump-format.md) ----

export const T0 = '2024-01-01T00:00:00.000Z'
export const ORIGIN = '0d1f0000-0000-4000-8000-000000000001'

/** A header line (object), with `fields` replacing the defaults. */
export function headerLine(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: 'diviner-local-dump', version: 1, origin: ORIGIN, exported: T0, covers: { kind: 'all' }, checkpoint: { db: ORIGIN, rev: 1 }, ...fields }
}

/** A study line: minimize(loss) over x ∈ discrete(1, 2, 3), with `fields` replacing the defaults. */
export function studyLine(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    t: 'study', name, objective: { direction: 'minimize', metric: 'loss' },
    params: { x: { type: 'discrete', values: [{ int: '1' }, { int: '2' }, { int: '3' }] } },
    replicates: 0, description: '', oracle: { name: 'grid' }, created: T0, ...fields,
  }
}

/** A run line (a successful run with x = 1), with `fields` replacing the defaults. */
export function runLine(id: string, study: string, seq: number, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    t: 'run', id, study, seq, origin: { db: ORIGIN, seq }, values: { x: { int: '1' } }, replicate: 0,
    state: 'success', status: 'done', config: { script: 'train.py' }, created: T0, updated: '2024-01-01T00:01:00.000Z',
    runtime_ms: 60000, retries: 0, metrics: 0, log: 0, ...fields,
  }
}

/** A metrics line. */
export function metricsLine(run: string, from: number, entries: readonly Record<string, unknown>[]): Record<string, unknown> {
  return { t: 'metrics', run, from, entries }
}

/** A log line. */
export function logLine(run: string, from: number, texts: readonly string[], t = T0): Record<string, unknown> {
  return { t: 'log', run, from, entries: texts.map((text) => ({ t, text })) }
}

// ---- refused dumps ----

/** What a refused import must say. */
export interface Refusal {
  readonly code?: 'bad-dump' | 'unsupported-version'
  /** The line the error must name (message `line N` and `details.line`). */
  readonly line?: number
  /** A pattern the message must match besides the line. */
  readonly message?: RegExp
}

/**
 * Imports `source` into `db` and checks that it is refused with a DivinerError
 * of the expected code naming a line (`line N` in the message, `details.line`),
 * and that the database is exactly as before. Returns the error.
 */
export async function expectRefused(db: DexieDatabase, source: DumpSource, refusal: Refusal = {}, options?: ImportOptions): Promise<DivinerError> {
  const before = await rawSnapshot(db)
  const err: unknown = await importDump(db, source, options).then(() => undefined, (e: unknown) => e)
  expect(err, 'the import must be refused').toBeInstanceOf(DivinerError)
  const e = err as DivinerError
  expect(e.code).toBe(refusal.code ?? 'bad-dump')
  const line = e.details?.['line']
  expect(typeof line).toBe('number')
  expect(e.message).toContain(`line ${String(line)}`)
  if (refusal.line !== undefined) expect(line).toBe(refusal.line)
  if (refusal.message) expect(e.message).toMatch(refusal.message)
  expect(await rawSnapshot(db)).toEqual(before)
  return e
}
