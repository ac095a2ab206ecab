/**
 * The import fuzz: runs mutated dumps (fuzz-cases.ts) against databases that
 * already hold data, and checks every case's outcome without stopping at the
 * first failure, so that one run reports everything it found.
 *
 * A case passes when either
 * - the import succeeds, nothing the database held before is lost (every study,
 *   every run with at least its metric entries and log entries), every run line
 *   of the dump is in the database or listed as rejected, no import bookkeeping
 *   is left, and importing the same bytes again changes nothing; or
 * - it is refused with a DivinerError of code `bad-dump` or
 *   `unsupported-version` naming a line, and the database is exactly as before;
 * and in both cases within the time limit, and with Object.prototype untouched.
 */
import fc from 'fast-check'
import type { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { importDump, type ImportSummary } from '../../../src/db/merge/import.js'
import { seededUniform } from '../../../src/db/model/prng.js'
import { dumpText, handWrittenDump, linesOf, mutate, olderDump, type FuzzCase, type MutationKind } from './fuzz-cases.js'
import { build, dbPlan } from './gen.js'
import { Clock, dumpBytes, freshDb, gzLines, rawSnapshot } from './helpers.js'

/** How a fuzz run goes. */
export interface FuzzOptions {
  readonly cases: number
  readonly seed: number
  /** Cases run side by side (fake-indexeddb mostly waits). */
  readonly lanes?: number
  /** Dumps exported from databases fast-check builds, besides the hand-written one. */
  readonly generatedBases?: number
  /** The longest a case may take before it counts as a hang, ms. */
  readonly caseTimeoutMs?: number
}

/** What a fuzz run found. */
export interface FuzzReport {
  readonly cases: number
  readonly seed: number
  /** Outcomes by kind of damage: imported, or refused with each code. */
  readonly outcomes: Record<string, { imported: number; refused: number; failed: number }>
  /** Each case that broke a rule, and how (empty when all passed). */
  readonly failures: string[]
}

type Snapshot = string

/** Everything stored, as comparable text: rawSnapshot (records, histories, logs, import bookkeeping) plus study counters. */
async function snapshot(db: DexieDatabase): Promise<Snapshot> {
  const counters = (await db.dexie.studies.toArray()).map((s) => [s.name, s.counter])
  return JSON.stringify([await rawSnapshot(db), counters])
}

/** Rejects when `p` takes longer than `ms`. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Hang(ms)), ms) })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

class Hang extends Error {
  constructor(ms: number) { super(`no answer within ${ms} ms`) }
}

/** Valid dumps to damage: the hand-written one, and exports of databases built from fast-check plans. */
async function bases(seed: number, generated: number): Promise<Record<string, unknown>[][]> {
  const out = [handWrittenDump()]
  if (generated === 0) return out
  for (const plan of fc.sample(dbPlan(5), { seed, numRuns: generated })) {
    const clock = new Clock()
    const db = await freshDb('fuzz-base', clock)
    await build(db, clock, plan)
    out.push(linesOf(await dumpBytes(db)))
    db.close()
  }
  return out
}

/** The ids of the run lines of a dump that was imported (its text parses, line by line). */
function runIds(bytes: Uint8Array): Set<string> {
  const ids = new Set<string>()
  for (const line of dumpText(bytes).split('\n')) {
    if (line.trim() === '') continue
    const o = JSON.parse(line) as Record<string, unknown>
    if (o['t'] === 'run' && typeof o['id'] === 'string') ids.add(o['id'])
  }
  return ids
}

/** What a database holds, reduced to what must never be lost: studies, and runs with their history lengths. */
async function holdings(db: DexieDatabase): Promise<{ studies: Set<string>; runs: Map<string, { m: number; l: number }> }> {
  const d = db.dexie
  const studies = new Set((await d.studies.toArray()).map((s) => s.name))
  const runs = new Map((await d.runs.toArray()).map((r) => [r.id, { m: r.mCount, l: r.lCount }]))
  return { studies, runs }
}

/** The problems with a successful import of `bytes` into `db`, which held `before` (empty when none). */
async function checkImported(db: DexieDatabase, bytes: Uint8Array, summary: ImportSummary, before: Awaited<ReturnType<typeof holdings>>): Promise<string[]> {
  const problems: string[] = []
  const after = await holdings(db)
  for (const s of before.studies) if (!after.studies.has(s)) problems.push(`study ${s} was lost`)
  for (const [id, was] of before.runs) {
    const now = after.runs.get(id)
    if (!now) problems.push(`run ${id} was lost`)
    else if (now.m < was.m || now.l < was.l) problems.push(`run ${id} lost history: ${was.m}/${was.l} entries before, ${now.m}/${now.l} after`)
  }
  const rejected = new Set(summary.rejections.map((r) => r.id))
  for (const id of runIds(bytes)) {
    if (!after.runs.has(id) && !rejected.has(id) && summary.rejections.length < 1000) problems.push(`run ${id} of the dump is neither stored nor rejected`)
  }
  const first = await snapshot(db)
  const raw = JSON.parse(first) as [{ imports: number; undo: number; orphanChunks: unknown[] }]
  if (raw[0].imports || raw[0].undo || raw[0].orphanChunks.length) problems.push(`bookkeeping left: ${JSON.stringify({ imports: raw[0].imports, undo: raw[0].undo, orphans: raw[0].orphanChunks.length })}`)
  try {
    await importDump(db, bytes)
    const second = await snapshot(db)
    if (second !== first) {
      // A run line before its study's line is rejected (docs/dump-format.md); the
      // second time the study is here, so the run is taken. Then a third import
      // must change nothing.
      if (summary.runs.rejected === 0) problems.push('importing the same bytes again changed the database')
      else {
        await importDump(db, bytes)
        if (await snapshot(db) !== second) problems.push('importing the same bytes a third time still changed the database')
      }
    }
  } catch (e) {
    problems.push(`importing the same bytes again failed: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`)
  }
  return problems
}

/** Case `i` of a fuzz run with `seed` (as `runFuzz` draws it), to look at one that failed. */
export async function fuzzCase(seed: number, i: number, generatedBases = 4): Promise<FuzzCase> {
  const dumps = await bases(seed, generatedBases)
  const rnd = seededUniform(seed)
  let c: FuzzCase | undefined
  for (let k = 0; k <= i; k++) c = mutate(dumps[Math.floor(rnd() * dumps.length)] as Record<string, unknown>[], rnd)
  return c as FuzzCase
}

/** Runs the fuzz; never throws for a failing case (see `failures`). */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const { cases, seed, lanes = 6, generatedBases = 4, caseTimeoutMs = 60_000 } = options
  const dumps = await bases(seed, generatedBases)
  const rnd = seededUniform(seed)
  const outcomes: FuzzReport['outcomes'] = {}
  const failures: string[] = []
  const older = gzLines(olderDump())
  const start = async () => {
    const db = await freshDb('fuzz')
    await importDump(db, older)
    return db
  }
  const pristine = await snapshot(await start())
  // Cases are drawn one at a time, as lanes ask for them (a huge case is never held for long).
  let next = 0
  const draw = (): { i: number; c: FuzzCase } | undefined => {
    if (next >= cases) return undefined
    const i = next++
    return { i, c: mutate(dumps[Math.floor(rnd() * dumps.length)] as Record<string, unknown>[], rnd) }
  }
  const tally = (kind: MutationKind, outcome: 'imported' | 'refused' | 'failed') => {
    const o = outcomes[kind] ??= { imported: 0, refused: 0, failed: 0 }
    o[outcome]++
  }
  await Promise.all(Array.from({ length: lanes }, async () => {
    let db = await start()
    for (let item = draw(); item; item = draw()) {
      const { i, c: { kind, bytes } } = item
      const where = `case ${i} (${kind}, ${bytes.length} bytes)`
      const before = await holdings(db)
      const result = await within(importDump(db, bytes), caseTimeoutMs).then((s) => ({ summary: s }), (e: unknown) => ({ error: e }))
      const problems: string[] = []
      if (Reflect.get(Object.prototype, 'polluted') !== undefined) problems.push('Object.prototype was polluted')
      if ('summary' in result) {
        problems.push(...await checkImported(db, bytes, result.summary, before))
        tally(kind, problems.length ? 'failed' : 'imported')
        db.close()
        db = await start()
      } else if (result.error instanceof Hang) {
        problems.push(result.error.message)
        tally(kind, 'failed')
        db = await start() // the hung import keeps its database
      } else {
        const e = result.error
        if (!(e instanceof DivinerError)) problems.push(`threw ${e instanceof Error ? `${e.name}: ${e.message.slice(0, 300)}` : String(e)}`)
        else {
          if (e.code !== 'bad-dump' && e.code !== 'unsupported-version') problems.push(`refused with code ${e.code}: ${e.message.slice(0, 300)}`)
          const line = e.details?.['line']
          if (typeof line !== 'number' || line < 1 || !e.message.includes(`line ${line}`)) problems.push(`the error names no line: ${e.message.slice(0, 300)}`)
        }
        if (await snapshot(db) !== pristine) {
          problems.push('a refused import changed the database')
          db.close()
          db = await start()
        }
        tally(kind, problems.length ? 'failed' : 'refused')
      }
      for (const p of problems) failures.push(`${where}: ${p}`)
    }
    db.close()
  }))
  return { cases, seed, outcomes, failures }
}
