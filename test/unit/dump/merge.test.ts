/**
 * Merging dumps (SPEC §4): idempotent, convergent, non-destructive, monotonic;
 * deltas, partial exports, conflicting studies, concatenated and plain dumps.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { join } from 'node:path'
import type { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { JournalDatabase } from '../../../src/db/journal/database.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { exportDump } from '../../../src/db/dump/export.js'
import { importDump } from '../../../src/db/merge/import.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState, type Metrics } from '../../../src/db/model/run.js'
import { maximize, minimize, type Study } from '../../../src/db/model/study.js'
import { float, int, str, type Values } from '../../../src/db/model/values.js'
import { dbPlan, build, grow, text, values as valuesArb } from './gen.js'
import {
  Clock, collect, concat, dumpBytes, dumpLines, freshDb, gunzip, gzLines, headerLine, logLine, metricsLine,
  rawSnapshot, runLine, studyLine,
} from './helpers.js'
import { tempDir } from '../cli/cli.js'

const mnist: Study = { name: 'mnist', objective: minimize('loss'), params: { lr: discrete(float(0.1), float(0.01)), layers: discrete(int(1), int(2)) } }

/** Run lines of a dump, by id. */
function runIds(bytes: Uint8Array): string[] {
  return dumpLines(bytes).filter((l) => l['t'] === 'run').map((l) => l['id'] as string).sort()
}

function studyNames(bytes: Uint8Array): string[] {
  return dumpLines(bytes).filter((l) => l['t'] === 'study').map((l) => l['name'] as string).sort()
}

/** Reads a stream that must fail, returning its error. */
async function failure(stream: ReadableStream<Uint8Array>): Promise<unknown> {
  return collect(stream).then(() => undefined, (e: unknown) => e)
}

describe('import twice = once', () => {
  it('leaves everything unchanged the second time (property)', async () => {
    await fc.assert(fc.asyncProperty(dbPlan(4), async (plan) => {
      const clock = new Clock()
      const a = await freshDb('src', clock)
      const b = await freshDb('dst', clock)
      const runs = await build(a, clock, plan)
      const bytes = await dumpBytes(a)
      await importDump(b, bytes)
      const once = await rawSnapshot(b)
      clock.tick()
      const again = await importDump(b, bytes)
      expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: runs.length, rejected: 0 })
      expect(again.studies).toEqual({ added: 0, updated: 0, unchanged: plan.studies.length, conflicts: 0 })
      expect(await rawSnapshot(b)).toEqual(once)
      a.close()
      b.close()
    }), { numRuns: 15 })
  })
})

// ---- convergence: two writers, dumps taken along the way, imported in any order ----

type Op =
  | { op: 'insert'; db: number; study: number; values: Values; replicate: number }
  | { op: 'update'; db: number; run: number; state: number; status: string; runtime: number; retries: number }
  | { op: 'metrics'; db: number; run: number; entries: Metrics[] }
  | { op: 'log'; db: number; run: number; texts: string[] }
  | { op: 'export'; db: number }
  | { op: 'relay' }
  | { op: 'note'; db: number; run: number; text: string }
  | { op: 'tags'; db: number; run: number; tags: string[] }
  | { op: 'studyNote'; db: number; study: number; text: string }

const dbIndex = fc.integer({ min: 0, max: 1 })
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('insert' as const), db: dbIndex, study: fc.nat({ max: 1 }), values: valuesArb, replicate: fc.nat({ max: 3 }) }),
  fc.record({ op: fc.constant('update' as const), db: dbIndex, run: fc.nat(), state: fc.constantFrom(1, 2, 4), status: text, runtime: fc.nat(), retries: fc.nat({ max: 3 }) }),
  fc.record({ op: fc.constant('metrics' as const), db: dbIndex, run: fc.nat(), entries: fc.oneof(
    fc.array(fc.record({ loss: fc.double() }), { minLength: 1, maxLength: 3 }),
    fc.integer({ min: 250, max: 300 }).map((n) => Array.from({ length: n }, (_, i) => ({ loss: i === 7 ? Number.NaN : 1 / (i + 1) }))),
  ) }),
  fc.record({ op: fc.constant('log' as const), db: dbIndex, run: fc.nat(), texts: fc.array(text, { minLength: 1, maxLength: 3 }) }),
  fc.record({ op: fc.constant('export' as const), db: dbIndex }),
  fc.constant({ op: 'relay' as const }),
  fc.record({ op: fc.constant('note' as const), db: dbIndex, run: fc.nat(), text: fc.oneof(text, fc.constant('')) }),
  fc.record({ op: fc.constant('tags' as const), db: dbIndex, run: fc.nat(), tags: fc.array(fc.constantFrom('good', 'baseline', 'odd'), { maxLength: 3 }) }),
  fc.record({ op: fc.constant('studyNote' as const), db: dbIndex, study: fc.nat({ max: 1 }), text }),
)

/** An edit of a note or tags, as made: what it set and when. */
interface NoteEdit { readonly key: string; readonly field: 'note' | 'tags'; readonly value: unknown; readonly at: number }

const scenarioArb = fc.record({
  ops: fc.array(opArb, { maxLength: 14 }),
  /** B describes its copies of the studies differently (an equivalent definition). */
  descriptions: fc.tuple(text, text),
  permutationSeed: fc.nat(),
})

/** The items of `xs` in an order chosen by `seed`. */
function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs]
  let s = seed + 1
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) % 2 ** 31
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j] as T, out[i] as T]
  }
  return out
}

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer S> ? S : never

/** Plays the scenario on two databases A and B; returns them, their own runs, and the dumps taken (a final one of each last). */
async function playScenario(scenario: Scenario) {
  const clock = new Clock()
  const dbs = [await freshDb('a', clock), await freshDb('b', clock)] as [DexieDatabase, DexieDatabase]
  const studyNames = ['s1', 's2 ✓']
  for (const [i, db] of dbs.entries()) {
    for (const name of studyNames) {
      await db.createStudyIfNotExist({ ...mnist, name, description: i === 0 ? 'A' : scenario.descriptions[1] })
      clock.tick()
    }
  }
  const own: { study: string; seq: number; id: string }[][] = [[], []]
  const edits: NoteEdit[] = []
  const dumps: Uint8Array[] = []
  let lastOfA: Uint8Array | undefined
  for (const op of scenario.ops) {
    clock.tick(1 + (scenario.permutationSeed % 3))
    if (op.op === 'relay') {
      if (lastOfA) await importDump(dbs[1], lastOfA)
      continue
    }
    const db = dbs[op.db] as DexieDatabase
    if (op.op === 'export') {
      const bytes = await dumpBytes(db)
      dumps.push(bytes)
      if (op.db === 0) lastOfA = bytes
      continue
    }
    if (op.op === 'insert') {
      const run = await db.insertRun({ study: studyNames[op.study] as string, values: op.values, replicate: op.replicate })
      own[op.db]?.push({ study: run.study, seq: run.seq, id: run.id })
      continue
    }
    if (op.op === 'studyNote') {
      const study = studyNames[op.study] as string
      await db.setStudyNote(study, op.text)
      edits.push({ key: `study ${study}`, field: 'note', value: op.text, at: clock.t })
      continue
    }
    if (op.op === 'note' || op.op === 'tags') {
      // Any run this database holds, its own or one it imported: two databases may edit one run.
      const held = await db.dexie.runs.toArray()
      const run = held.sort((p, q) => (p.id < q.id ? -1 : 1))[op.run % Math.max(1, held.length)]
      if (!run) continue
      if (op.op === 'note') await db.setRunNote(run.study, run.seq, op.text)
      else await db.setRunTags(run.study, run.seq, op.tags)
      edits.push({ key: `run ${run.id}`, field: op.op, value: op.op === 'note' ? op.text : [...new Set(op.tags)].sort(), at: clock.t })
      continue
    }
    const mine = own[op.db] as { study: string; seq: number }[]
    if (mine.length === 0) continue
    const run = mine[op.run % mine.length] as { study: string; seq: number }
    if (op.op === 'update') await db.updateRun(run.study, run.seq, op.state, op.status, op.runtime, op.retries)
    else if (op.op === 'metrics') await grow(db, run.study, run.seq, op.entries, [])
    else await db.appendLog(run.study, run.seq, op.texts.map((t, i) => ({ t: clock.t + i, text: t })))
  }
  dumps.push(await dumpBytes(dbs[0]), await dumpBytes(dbs[1]))
  return { dbs, own, dumps, clock, edits }
}

describe('convergence', () => {
  it('any order of the same dumps gives the same database, holding the latest of every run (property)', async () => {
    await fc.assert(fc.asyncProperty(scenarioArb, async (scenario) => {
      const { dbs, own, dumps, clock, edits } = await playScenario(scenario)
      const x = await freshDb('x', clock)
      const y = await freshDb('y', clock)
      for (const d of dumps) await importDump(x, d)
      for (const d of shuffled(dumps, scenario.permutationSeed)) await importDump(y, d)
      const sx = await rawSnapshot(x, { ignoreSeq: true }) as { studies: unknown[]; runs: { id: string }[] }
      expect(await rawSnapshot(y, { ignoreSeq: true })).toEqual(sx)
      // Every run is there, as its own writer last left it (state, status, longest history and log).
      const latest = []
      for (const [i, db] of dbs.entries()) {
        const ids = new Set(own[i]?.map((r) => r.id))
        const snap = await rawSnapshot(db, { ignoreSeq: true }) as { runs: { id: string }[] }
        latest.push(...snap.runs.filter((r) => ids.has(r.id)))
      }
      latest.sort((p, q) => (p.id < q.id ? -1 : 1))
      expect(sx.runs).toEqual(latest)
      // Each note and tags field holds its last edit (ties: the greater text), wherever it was made.
      const snapshot = sx as unknown as { notes: Record<string, unknown>[]; misindexed: string[] }
      expect(snapshot.misindexed).toEqual([])
      for (const e of edits) {
        const winner = edits.filter((f) => f.key === e.key && f.field === e.field)
          .reduce((w, f) => (f.at > w.at || (f.at === w.at && JSON.stringify(f.value) > JSON.stringify(w.value)) ? f : w))
        const kind = e.key.slice(0, e.key.indexOf(' ')) as 'study' | 'run'
        const name = e.key.slice(e.key.indexOf(' ') + 1)
        const held = snapshot.notes.find((n) => n[kind] === name)
        expect(held?.[e.field]).toEqual(winner.value)
      }
      // The earliest-created of the equivalent definitions (A's) is the one every database keeps.
      expect(sx.studies).toEqual((await rawSnapshot(dbs[0]) as { studies: unknown[] }).studies)
      // And importing them all again changes nothing.
      const before = await rawSnapshot(x)
      for (const d of dumps) {
        const s = await importDump(x, d)
        expect(s.runs.added + s.runs.updated + s.runs.rejected).toBe(0)
      }
      expect(await rawSnapshot(x)).toEqual(before)
      for (const db of [...dbs, x, y]) db.close()
    }), { numRuns: 20 })
  })

  it('settles equivalent study definitions on the earliest created, whatever the order', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    await a.createStudyIfNotExist({ ...mnist, description: 'first', replicates: 2, oracle: { name: 'random', seed: 1 } })
    clock.tick()
    const b = await freshDb('b', clock)
    await b.createStudyIfNotExist({ ...mnist, description: 'second' })
    const [da, db] = [await dumpBytes(a), await dumpBytes(b)]
    const summary = await importDump(b, da)
    expect(summary.studies).toEqual({ added: 0, updated: 1, unchanged: 0, conflicts: 0 })
    expect((await importDump(a, db)).studies).toEqual({ added: 0, updated: 0, unchanged: 1, conflicts: 0 })
    expect(await rawSnapshot(b)).toEqual(await rawSnapshot(a))
    const info = await b.lookupStudy('mnist')
    expect([info.description, info.replicates, info.oracle]).toEqual(['first', 2, { name: 'random', seed: 1 }])
  })
})

describe('deleting', () => {
  type DeleteOp = { op: 'insert'; db: number; values: Values } | { op: 'deleteRun'; db: number; run: number } | { op: 'deleteStudy'; db: number } | { op: 'export'; db: number } | { op: 'relay' }
  const deleteOps: fc.Arbitrary<DeleteOp> = fc.oneof(
    { weight: 4, arbitrary: fc.record({ op: fc.constant('insert' as const), db: dbIndex, values: valuesArb }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteRun' as const), db: dbIndex, run: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteStudy' as const), db: dbIndex }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('export' as const), db: dbIndex }) },
    { weight: 1, arbitrary: fc.constant({ op: 'relay' as const }) },
  )

  it('converges whatever the order, deleted studies and runs never come back (runs made on another machine after the delete included), and a second import changes nothing (property)', async () => {
    await fc.assert(fc.asyncProperty(fc.array(deleteOps, { maxLength: 16 }), fc.nat(), async (ops, seed) => {
      const clock = new Clock()
      const dbs = [await freshDb('a', clock), await freshDb('b', clock)] as [DexieDatabase, DexieDatabase]
      for (const db of dbs) { await db.createStudyIfNotExist(mnist); clock.tick() }
      const dumps: Uint8Array[] = []
      const deletedRuns = new Set<string>()
      let lastOfA: Uint8Array | undefined
      for (const op of ops) {
        clock.tick()
        if (op.op === 'relay') { if (lastOfA) await importDump(dbs[1], lastOfA); continue }
        const db = dbs[op.db] as DexieDatabase
        if (op.op === 'export') { const b = await dumpBytes(db); dumps.push(b); if (op.db === 0) lastOfA = b; continue }
        if (op.op === 'insert') {
          // Into the study while this database has it (making a deleted study again is its own test below).
          if ((await db.listStudies('')).length) await db.insertRun({ study: 'mnist', values: op.values })
          continue
        }
        if (op.op === 'deleteStudy') { if ((await db.listStudies('')).length) await db.deleteStudy('mnist'); continue }
        const held = (await db.dexie.runs.toArray()).sort((p, q) => (p.id < q.id ? -1 : 1))
        const run = held[op.run % Math.max(1, held.length)]
        if (!run) continue
        await db.deleteRun(run.study, run.seq)
        deletedRuns.add(run.id)
      }
      dumps.push(await dumpBytes(dbs[0]), await dumpBytes(dbs[1]))
      const x = await freshDb('x', clock)
      const y = await freshDb('y', clock)
      for (const d of dumps) await importDump(x, d)
      for (const d of shuffled(dumps, seed)) await importDump(y, d)
      const sx = await rawSnapshot(x, { ignoreSeq: true }) as { runs: { id: string }[] }
      expect(await rawSnapshot(y, { ignoreSeq: true })).toEqual(sx)
      for (const r of sx.runs) expect(deletedRuns.has(r.id)).toBe(false)
      const before = await rawSnapshot(x)
      for (const d of dumps) await importDump(x, d)
      expect(await rawSnapshot(x)).toEqual(before)
      for (const db of [...dbs, x, y]) db.close()
    }), { numRuns: 25 })
  })

  it('a study deleted and made again: the new one and its runs stay, the old runs go, whatever the order', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    await a.createStudyIfNotExist(mnist)
    await a.insertRun({ study: 'mnist', values: { lr: float(0.1), layers: int(1) } })
    const old = await dumpBytes(a)
    clock.tick()
    await a.deleteStudy('mnist')
    clock.tick()
    await a.createStudyIfNotExist({ ...mnist, description: 'again' })
    const fresh = await a.insertRun({ study: 'mnist', values: { lr: float(0.01), layers: int(2) } })
    const now = await dumpBytes(a)
    const x = await freshDb('x', clock)
    const y = await freshDb('y', clock)
    await importDump(x, old)
    await importDump(x, now)
    await importDump(y, now)
    await importDump(y, old)
    for (const db of [x, y]) {
      expect((await db.lookupStudy('mnist')).description).toBe('again')
      expect((await db.listRuns('mnist', RunState.Any)).map((r) => r.id)).toEqual([fresh.id])
    }
    expect(await rawSnapshot(x, { ignoreSeq: true })).toEqual(await rawSnapshot(y, { ignoreSeq: true }))
  })

  it('a run deleted on one machine and still there on another is deleted there too by the dump, and an older dump does not bring it back', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    const b = await freshDb('b', clock)
    await a.createStudyIfNotExist(mnist)
    const run = await a.insertRun({ study: 'mnist', values: { lr: float(0.1), layers: int(1) } })
    await a.appendRunMetrics('mnist', run.seq, { loss: 1 })
    const before = await dumpBytes(a)
    await importDump(b, before)
    clock.tick()
    await a.deleteRun('mnist', run.seq)
    const after = await dumpBytes(a)
    expect(dumpLines(after).filter((l) => l['t'] === 'run').map((l) => [l['id'], typeof l['deleted']])).toEqual([[run.id, 'string']])
    const s = await importDump(b, after)
    expect(s.runs).toMatchObject({ updated: 1 })
    await expect(b.lookupRun('mnist', run.seq)).rejects.toMatchObject({ code: 'not-exist' })
    const again = await importDump(b, before)
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 1, rejected: 0 })
    await expect(b.lookupRun('mnist', run.seq)).rejects.toMatchObject({ code: 'not-exist' })
    expect(await rawSnapshot(b)).toEqual(await rawSnapshot(a))
  })

  it('a deleted study stays deleted against older dumps, and runs made elsewhere after the delete are rejected with the reason', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    await a.createStudyIfNotExist(mnist)
    await a.insertRun({ study: 'mnist', values: { lr: float(0.1), layers: int(1) } })
    const old = await dumpBytes(a)
    const b = await freshDb('b', clock)
    await importDump(b, old)
    clock.tick()
    await a.deleteStudy('mnist')
    clock.tick()
    await b.insertRun({ study: 'mnist', values: { lr: float(0.01), layers: int(2) } })
    expect((await importDump(a, old)).studies).toEqual({ added: 0, updated: 0, unchanged: 1, conflicts: 0 })
    expect(await a.listStudies('')).toEqual([])
    const fromB = await importDump(a, await dumpBytes(b))
    expect(fromB.runs.rejected).toBe(1)
    expect(fromB.rejections[0]?.reason).toBe('study mnist was deleted here')
    await importDump(b, await dumpBytes(a))
    expect(await b.listStudies('')).toEqual([])
  })
})

describe('non-destructive merge', () => {
  it('keeps every run of two databases that numbered runs of one study independently', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    const b = await freshDb('b', clock)
    await a.createStudyIfNotExist(mnist)
    await b.createStudyIfNotExist(mnist)
    const aRuns = [], bRuns = []
    for (let i = 0; i < 3; i++) { aRuns.push(await a.insertRun({ study: 'mnist', values: { lr: float(0.1), layers: int(i) } })); clock.tick() }
    for (let i = 0; i < 2; i++) { bRuns.push(await b.insertRun({ study: 'mnist', values: { lr: float(0.01), layers: int(i) } })); clock.tick() }
    await a.appendRunMetrics('mnist', 1, { loss: 0.5 })
    await b.appendLog('mnist', 1, [{ t: clock.t, text: 'b1\n' }])
    const [da, db] = [await dumpBytes(a), await dumpBytes(b)]
    const intoB = await importDump(b, da)
    const intoA = await importDump(a, db)
    expect(intoB.runs).toEqual({ added: 3, updated: 0, unchanged: 0, rejected: 0 })
    expect(intoA.runs).toEqual({ added: 2, updated: 0, unchanged: 0, rejected: 0 })
    const [idA, idB] = [await a.id(), await b.id()]
    for (const [db, other, mine, theirs, otherId] of [[a, b, aRuns, bRuns, idB], [b, a, bRuns, aRuns, idA]] as const) {
      const runs = await db.listRuns('mnist', RunState.Any)
      expect(runs.map((r) => r.id).sort()).toEqual([...aRuns, ...bRuns].map((r) => r.id).sort())
      // Local runs keep their seqs; the incoming ones, whose seqs were taken, get fresh ones and show their origin.
      for (const r of mine) expect((await db.lookupRun('mnist', r.seq)).id).toBe(r.id)
      for (const r of theirs) {
        const here = runs.find((x) => x.id === r.id)
        expect(here?.seq).toBeGreaterThan(mine.length)
        expect(here?.origin).toEqual({ db: otherId, seq: r.seq })
      }
      expect(await db.nextSeq('mnist')).toBe(6)
      void other
    }
    expect(await rawSnapshot(a, { ignoreSeq: true })).toEqual(await rawSnapshot(b, { ignoreSeq: true }))
  })

  it('keeps an incoming seq above the local counter, and moves the counter up to it', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    const b = await freshDb('b', clock)
    await a.createStudyIfNotExist(mnist)
    await b.createStudyIfNotExist(mnist)
    for (let i = 0; i < 9; i++) await a.nextSeq('mnist')
    const far = await a.insertRun({ study: 'mnist', values: {} }) // seq 10
    await b.insertRun({ study: 'mnist', values: {} }) // seq 1
    await importDump(b, await dumpBytes(a))
    const here = await b.lookupRun('mnist', 10)
    expect(here.id).toBe(far.id)
    expect(here.origin).toEqual({ db: await a.id(), seq: 10 })
    expect(await b.nextSeq('mnist')).toBe(11)
  })
})

describe('monotonic merge', () => {
  async function twoVersions() {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    await a.createStudyIfNotExist(mnist)
    const r = await a.insertRun({ study: 'mnist', values: { lr: float(0.1) } })
    await grow(a, 'mnist', r.seq, [{ loss: 1 }, { loss: 0.5 }], [{ t: clock.t, text: 'start\n' }])
    clock.tick()
    await a.updateRun('mnist', r.seq, RunState.Pending, 'epoch 2', 1000, 0)
    const older = await dumpBytes(a)
    clock.tick()
    await grow(a, 'mnist', r.seq, Array.from({ length: 300 }, (_, i) => ({ loss: 1 / (i + 3) })), [{ t: clock.t, text: 'done\n' }])
    await a.updateRun('mnist', r.seq, RunState.Success, 'finished', 5000, 1)
    const newer = await dumpBytes(a)
    return { a, clock, older, newer }
  }

  it('an older dump imported after a newer one changes nothing', async () => {
    const { a, clock, older, newer } = await twoVersions()
    const x = await freshDb('x', clock)
    await importDump(x, newer)
    const before = await rawSnapshot(x)
    const summary = await importDump(x, older)
    expect(summary.runs).toEqual({ added: 0, updated: 0, unchanged: 1, rejected: 0 })
    expect(await rawSnapshot(x)).toEqual(before)
    expect(before).toEqual(await rawSnapshot(a))
    const run = await x.lookupRun('mnist', 1)
    expect([run.state, run.status, run.metrics.length]).toEqual([RunState.Success, 'finished', 302])
  })

  it('a newer dump after an older one brings the run up to date', async () => {
    const { a, clock, older, newer } = await twoVersions()
    const x = await freshDb('x', clock)
    await importDump(x, older)
    expect((await importDump(x, newer)).runs).toEqual({ added: 0, updated: 1, unchanged: 0, rejected: 0 })
    expect(await rawSnapshot(x)).toEqual(await rawSnapshot(a))
  })

  it('a finished run never goes back to pending, even against a version updated at the same moment', async () => {
    const updated = '2024-01-01T00:05:00.000Z'
    const pending = gzLines([headerLine(), studyLine('s'), runLine('r1', 's', 1, { state: 'pending', status: 'running', updated })])
    const done = gzLines([headerLine(), studyLine('s'), runLine('r1', 's', 1, { state: 'success', status: 'done', updated })])
    for (const order of [[pending, done], [done, pending]]) {
      const x = await freshDb('x')
      for (const d of order) await importDump(x, d)
      const run = await x.lookupRun('s', 1)
      expect([run.state, run.status]).toEqual([RunState.Success, 'done'])
    }
  })

  it('merges histories by index: entries the database has are kept, only new ones are added', async () => {
    const x = await freshDb('x')
    const head = [headerLine(), studyLine('s'), runLine('r1', 's', 1)]
    await importDump(x, gzLines([...head, metricsLine('r1', 0, [{ loss: 1 }, { loss: 2 }]), logLine('r1', 0, ['a', 'b'])]))
    // A dump that repeats entries 1.. and adds two more: only the new ones are appended.
    await importDump(x, gzLines([...head, metricsLine('r1', 1, [{ loss: 2 }, { loss: 3 }, { loss: 4 }]), logLine('r1', 2, ['c'])]))
    const run = await x.lookupRun('s', 1)
    expect(run.metrics).toEqual([{ loss: 1 }, { loss: 2 }, { loss: 3 }, { loss: 4 }])
    expect(await new Response(x.log('s', 1).pipeThrough(new TextEncoderStream())).text()).toBe('abc')
  })
})

describe('delta exports', () => {
  it('carry exactly the runs and studies changed since the checkpoint', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    await a.createStudyIfNotExist(mnist)
    await a.createStudyIfNotExist({ ...mnist, name: 'other' })
    const runs = []
    for (let i = 0; i < 6; i++) runs.push(await a.insertRun({ study: i < 5 ? 'mnist' : 'other', values: { layers: int(i) } }))
    const full = exportDump(a)
    const fullBytes = await collect(full)
    const checkpoint = await full.checkpoint
    expect(checkpoint.db).toBe(await a.id())
    clock.tick()
    const [r0, r1, r2] = runs as [typeof runs[0], typeof runs[0], typeof runs[0]]
    await a.updateRun('mnist', r0.seq, RunState.Success, 'ok', 10, 0)
    await a.appendRunMetrics('mnist', r1.seq, { loss: 0.25 })
    await a.appendLog('mnist', r2.seq, [{ t: clock.t, text: 'hi\n' }])
    const fresh = await a.insertRun({ study: 'mnist', values: {} })
    await a.createStudyIfNotExist({ ...mnist, name: 'new study' })
    await a.nextSeq('other') // reserving a seq changes no run
    const delta = exportDump(a, { since: checkpoint })
    const deltaBytes = await collect(delta)
    const lines = dumpLines(deltaBytes)
    expect(lines[0]).toMatchObject({ format: 'diviner-local-dump', version: 1, covers: { kind: 'delta', since: checkpoint } })
    expect(runIds(deltaBytes)).toEqual([r0.id, r1.id, r2.id, fresh.id].sort())
    expect(studyNames(deltaBytes)).toEqual(['mnist', 'new study'])
    expect(lines.filter((l) => l['t'] === 'metrics').map((l) => l['run'])).toEqual([r1.id])
    expect(lines.filter((l) => l['t'] === 'log').map((l) => l['run'])).toEqual([r2.id])
    // The full dump then the delta give what the database holds.
    const x = await freshDb('x', clock)
    await importDump(x, fullBytes)
    const summary = await importDump(x, deltaBytes)
    expect(summary.runs).toEqual({ added: 1, updated: 3, unchanged: 0, rejected: 0 })
    expect(await rawSnapshot(x)).toEqual(await rawSnapshot(a))
    // Nothing changed since the delta: the next delta holds no records.
    const next = await dumpBytes(a, { since: await delta.checkpoint })
    expect(dumpLines(next)).toHaveLength(1)
  })

  it('leave out the runs other origins recorded, past whole pages of them, in both stores', async () => {
    const b = await freshDb('b')
    await b.createStudyIfNotExist(mnist)
    for (let i = 0; i < 450; i++) await b.insertRun({ study: 'mnist', values: { layers: int(i % 2 + 1) } })
    const theirs = await dumpBytes(b)
    const skipOrigins = new Set([await b.id()])
    const dir = tempDir('diviner-export-skip-')
    const journal = new JournalDatabase(join(dir.dir, 'data'), { onProblem: () => undefined })
    await journal.createTable()
    try {
      for (const a of [await freshDb('a'), journal]) {
        const before = exportDump(a)
        await collect(before)
        // The other origin's 450 runs come first in change order: two whole pages, then part of a third.
        await importDump(a, theirs)
        const own = [await a.insertRun({ study: 'mnist', values: { layers: int(1) } }), await a.insertRun({ study: 'mnist', values: { layers: int(2) } })]
        const ownIds = own.map((r) => r.id).sort()
        expect(runIds(await collect(exportDump(a, { skipOrigins })))).toEqual(ownIds)
        expect(runIds(await collect(exportDump(a, { since: await before.checkpoint, skipOrigins })))).toEqual(ownIds)
        expect(runIds(await collect(exportDump(a)))).toHaveLength(452)
      }
    } finally {
      journal.close()
      dir.remove()
    }
  })

  it('refuses a checkpoint from another database', async () => {
    const a = await freshDb('a')
    const b = await freshDb('b')
    const s = exportDump(a)
    await collect(s)
    const foreign = exportDump(b, { since: await s.checkpoint })
    const err = await failure(foreign)
    expect(err).toBeInstanceOf(DivinerError)
    expect((err as DivinerError).code).toBe('invalid')
    expect((err as DivinerError).message).toContain(await a.id())
    // A failed export gives no checkpoint to continue from.
    await expect(foreign.checkpoint).rejects.toBeInstanceOf(DivinerError)
  })

  it('gives no checkpoint for an export that was cancelled', async () => {
    const a = await freshDb('a')
    const s = exportDump(a)
    await s.cancel()
    const settled = await Promise.race([
      s.checkpoint.then(() => 'resolved', (e: unknown) => e),
      new Promise((resolve) => setTimeout(() => resolve('still pending'), 1000)),
    ])
    expect(settled).toMatchObject({ code: 'aborted' })
  })
})

describe('partial exports', () => {
  async function threeStudies() {
    const a = await freshDb('a')
    const ids: Record<string, string[]> = {}
    for (const name of ['s1', 's2', 's3']) {
      await a.createStudyIfNotExist({ ...mnist, name })
      ids[name] = []
      for (let i = 0; i < 3; i++) ids[name].push((await a.insertRun({ study: name, values: { layers: int(i) } })).id)
    }
    return { a, ids: ids as Record<'s1' | 's2' | 's3', string[]> }
  }

  it('of chosen studies holds only those studies and their runs', async () => {
    const { a, ids } = await threeStudies()
    const bytes = await dumpBytes(a, { studies: ['s1', 's3'] })
    expect(studyNames(bytes)).toEqual(['s1', 's3'])
    expect(runIds(bytes)).toEqual([...ids.s1, ...ids.s3].sort())
    expect(dumpLines(bytes)[0]).toMatchObject({ covers: { kind: 'studies', studies: ['s1', 's3'] } })
  })

  it('of chosen runs holds only those runs and the lines of their studies', async () => {
    const { a, ids } = await threeStudies()
    const bytes = await dumpBytes(a, { runs: ['s2:2', { study: 's3', seq: 1 }, 's2:3'] })
    expect(studyNames(bytes)).toEqual(['s2', 's3'])
    expect(runIds(bytes)).toEqual([ids.s2[1], ids.s3[0], ids.s2[2]].sort())
    const x = await freshDb('x')
    expect((await importDump(x, bytes)).runs.added).toBe(3)
    expect((await x.lookupRun('s2', 3)).id).toBe(ids.s2[2])
  })

  it('of a missing study or run fails with not-exist', async () => {
    const { a } = await threeStudies()
    expect(await failure(exportDump(a, { studies: ['nope'] }))).toMatchObject({ code: 'not-exist' })
    expect(await failure(exportDump(a, { runs: ['s1:9'] }))).toMatchObject({ code: 'not-exist' })
  })
})

describe('conflicting study definitions', () => {
  it('are reported; the local study stays and the incoming runs are rejected with the reason', async () => {
    const a = await freshDb('a')
    const b = await freshDb('b')
    await a.createStudyIfNotExist(mnist)
    await a.createStudyIfNotExist({ ...mnist, name: 'same' })
    await b.createStudyIfNotExist({ ...mnist, objective: maximize('acc') })
    await b.createStudyIfNotExist({ ...mnist, name: 'same' })
    const local = await a.insertRun({ study: 'mnist', values: {} })
    const r1 = await b.insertRun({ study: 'mnist', values: { opt: str('x') } })
    const r2 = await b.insertRun({ study: 'mnist', values: {} })
    const ok = await b.insertRun({ study: 'same', values: {} })
    const before = await a.lookupStudy('mnist')
    const summary = await importDump(a, await dumpBytes(b))
    expect(summary.studies).toEqual({ added: 0, updated: 1, unchanged: 0, conflicts: 1 })
    expect(summary.conflicts).toEqual([{ study: 'mnist', reason: expect.stringMatching(/objective or params/) as unknown }])
    expect(summary.runs).toEqual({ added: 1, updated: 0, unchanged: 0, rejected: 2 })
    expect(summary.rejections.map((r) => r.id).sort()).toEqual([r1.id, r2.id].sort())
    for (const r of summary.rejections) expect(r.reason).toMatch(/mnist conflicts/)
    expect(await a.lookupStudy('mnist')).toEqual(before)
    expect((await a.listRuns('mnist', RunState.Any)).map((r) => r.id)).toEqual([local.id])
    expect((await a.listRuns('same', RunState.Any)).map((r) => r.id)).toEqual([ok.id])
    // A differing param is a conflict as well.
    const c = await freshDb('c')
    await c.createStudyIfNotExist({ ...mnist, params: { ...mnist.params, lr: discrete(float(0.1), float(0.001)) } })
    expect((await importDump(c, await dumpBytes(a))).studies.conflicts).toBe(1)
  })
})

describe('dump containers', () => {
  it('imports concatenated gzip members as one dump', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    const b = await freshDb('b', clock)
    await a.createStudyIfNotExist(mnist)
    await b.createStudyIfNotExist({ ...mnist, name: 'other' })
    for (let i = 0; i < 3; i++) {
      const r = await a.insertRun({ study: 'mnist', values: {} })
      await grow(a, 'mnist', r.seq, Array.from({ length: 100 * i }, (_, k) => ({ loss: k })), [{ t: clock.t, text: 'x' }])
      await b.insertRun({ study: 'other', values: {} })
    }
    const x = await freshDb('x', clock)
    const summary = await importDump(x, concat(await dumpBytes(a), await dumpBytes(b)))
    expect(summary.runs.added).toBe(6)
    expect(summary.origins.sort()).toEqual([await a.id(), await b.id()].sort())
    const y = await freshDb('y', clock)
    await importDump(y, await dumpBytes(a))
    await importDump(y, await dumpBytes(b))
    expect(await rawSnapshot(x)).toEqual(await rawSnapshot(y))
  })

  it('imports an uncompressed JSON Lines dump the same as the gzip one', async () => {
    const clock = new Clock()
    const a = await freshDb('a', clock)
    await build(a, clock, {
      studies: [mnist],
      runs: [{ study: 0, values: { lr: float(0.1) }, replicate: 1, config: { script: 'ü' }, skip: 0, metrics: [{ loss: Number.NaN }], log: [{ t: 5, text: 'ß' }], update: { state: 2, status: 'ok', runtime: 3, retries: 1 } }],
    })
    const bytes = await dumpBytes(a)
    const [x, y] = [await freshDb('x', clock), await freshDb('y', clock)]
    const plain = gunzip(bytes)
    expect(plain[0]).toBe(0x7b)
    const { bytes: _plainBytes, ...fromPlain } = await importDump(x, plain)
    const { bytes: _gzipBytes, ...fromGzip } = await importDump(y, bytes)
    expect(fromPlain).toEqual(fromGzip)
    expect(await rawSnapshot(x)).toEqual(await rawSnapshot(y))
    expect(await rawSnapshot(x)).toEqual(await rawSnapshot(a))
    // A text editor may have added a byte order mark.
    const z = await freshDb('z', clock)
    await importDump(z, concat(new Uint8Array([0xef, 0xbb, 0xbf]), plain))
    expect(await rawSnapshot(z)).toEqual(await rawSnapshot(a))
  })
})
