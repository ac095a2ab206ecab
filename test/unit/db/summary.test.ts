/**
 * Study summaries (src/db/store/summary.ts): whatever writes a study (inserts,
 * updates and appends from two connections, imports that add runs or extend
 * histories across sealed chunks, imports rolled back, compactions, rewrites,
 * a summary dropped and built again), what a connection reads from the summary
 * (`listRuns` with whole histories, `listRunRows`) is exactly what the run
 * records say.
 */
import { Dexie } from 'dexie'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { importDump } from '../../../src/db/merge/import.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState, type Run, type RunRow } from '../../../src/db/model/run.js'
import { minimize } from '../../../src/db/model/study.js'
import { trials } from '../../../src/db/model/trial.js'
import { float, int, str } from '../../../src/db/model/values.js'
import { toRun } from '../../../src/db/store/dexie-views.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { toRow } from '../../../src/db/store/row-cache.js'
import { compactSummary } from '../../../src/db/store/summary-compact.js'
import { Clock, freshDb, gzLines, headerLine, metricsLine, runLine, studyLine } from '../dump/helpers.js'

const STUDY = { name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2), int(3)) } }

/** The study's runs as their records say, read without any summary. */
async function truth(db: DexieDatabase, study = 's'): Promise<{ runs: Run[]; rows: RunRow[] }> {
  const localId = await db.id()
  const recs = await db.dexie.runs.where('[study+seq]').between([study, Dexie.minKey], [study, Dexie.maxKey]).toArray()
  const runs: Run[] = []
  for (const rec of recs) runs.push(toRun(rec, localId, await db.sealedMetrics(rec), db.clock()))
  return { runs, rows: recs.map((r) => toRow(r, localId)) }
}

/** What a fresh connection reads (from the summary, when the study has one). */
async function fresh(db: DexieDatabase, study = 's'): Promise<{ runs: Run[]; rows: RunRow[]; fromSummary: boolean }> {
  const other = new DexieDatabase(db.dexie.name, { now: () => db.clock() })
  await other.createTable()
  try {
    const runs = await other.listRuns(study, RunState.Any)
    const rows = await other.listRunRows(study)
    await other.rowCache.saved()
    return { runs, rows, fromSummary: other.rowCache.summaryReads === 1 }
  } finally {
    other.close()
  }
}

const op = fc.oneof(
  fc.record({ kind: fc.constant('insert' as const), who: fc.nat(1), x: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('append' as const), who: fc.nat(1), target: fc.nat(30), n: fc.constantFrom(1, 3, 140), v: fc.constantFrom(0.5, NaN, -0, Infinity) }),
  fc.record({ kind: fc.constant('update' as const), who: fc.nat(1), target: fc.nat(30), state: fc.constantFrom(RunState.Pending, RunState.Success, RunState.Failure) }),
  fc.record({ kind: fc.constant('import' as const), runs: fc.integer({ min: 1, max: 4 }), entries: fc.constantFrom(0, 3, 260), fail: fc.boolean() }),
  fc.record({ kind: fc.constant('compact' as const), who: fc.nat(1), rewrite: fc.boolean() }),
  fc.record({ kind: fc.constant('drop' as const) }),
)

type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

/** Two connections to a fresh database holding the study. */
async function twoConnections(clock: Clock): Promise<[DexieDatabase, DexieDatabase]> {
  const a = await freshDb('summary', clock)
  const b = new DexieDatabase(a.dexie.name, { now: clock.now })
  await b.createTable()
  await a.createStudyIfNotExist(STUDY)
  return [a, b]
}

/**
 * Makes the write `o` says, through connection `o.who` (imports and drops
 * through the first): at most `maxAppends` entries an append, and imports of
 * `importLines` runs (new ones and ones imported before, then with a longer
 * history; `imports` is this import's number).
 */
async function write(o: Op, dbs: readonly DexieDatabase[], clock: Clock, imports: number, sizes: { importLines: number; maxAppends: number }): Promise<void> {
  const a = dbs[0] as DexieDatabase
  const seqs = (await truth(a)).rows.map((r) => r.seq)
  const target = (t: number) => seqs[t % Math.max(1, seqs.length)]
  if (o.kind === 'insert') await dbs[o.who]?.insertRun({ study: 's', values: { x: int(o.x) } })
  else if (o.kind === 'append' && target(o.target) !== undefined) {
    for (let k = 0; k < Math.min(o.n, sizes.maxAppends); k++) await dbs[o.who]?.appendRunMetrics('s', target(o.target) as number, { loss: o.v, step: k })
  } else if (o.kind === 'update' && target(o.target) !== undefined) {
    await dbs[o.who]?.updateRun('s', target(o.target) as number, o.state, `u${clock.t}`, 5, 0)
  } else if (o.kind === 'import') {
    const lines: unknown[] = [headerLine(), studyLine('s')]
    for (let i = 0; i < sizes.importLines; i++) {
      const id = `imp-${i % (o.runs * 130)}`
      lines.push(runLine(id, 's', 1000 + (i % (o.runs * 130)), { metrics: o.entries * imports, status: `import ${imports}` }))
      if (o.entries) lines.push(metricsLine(id, 0, Array.from({ length: o.entries * imports }, (_, k) => ({ loss: k, other: -k }))))
    }
    if (o.fail) lines.push({ t: 'run' })
    await importDump(a, new Blob([gzLines(lines) as Uint8Array<ArrayBuffer>])).catch(() => undefined)
  } else if (o.kind === 'compact') {
    await compactSummary(dbs[o.who] as DexieDatabase, 's', 1, o.rewrite ? -Infinity : undefined)
  } else if (o.kind === 'drop') {
    await a.dexie.summaryHeads.delete('s')
  }
}

describe('a study summary', () => {
  it('reads what the run records say, whatever wrote them', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 12 }), async (ops) => {
      const clock = new Clock()
      const [a, b] = await twoConnections(clock)
      let imports = 0
      for (const o of ops) {
        clock.tick()
        // 520 runs an import, so that it takes two batches.
        await write(o, [a, b], clock, o.kind === 'import' ? ++imports : imports, { importLines: 520, maxAppends: Infinity })
      }
      await a.rowCache.saved()
      await b.rowCache.saved()
      await a.summaries.idle()
      const want = await truth(a)
      const got = await fresh(a)
      expect(got.runs).toEqual(want.runs)
      expect(got.rows).toEqual(want.rows)
      // Built again by that read if it was dropped: the next read is from the summary, and the same.
      const again = await fresh(a)
      expect(again.fromSummary).toBe(true)
      expect(again.runs).toEqual(want.runs)
      a.close()
      b.close()
    }), { numRuns: 20 })
  }, 120_000)

  it('lists runs with their histories from a connection\'s cached rows exactly, whatever was written since they were cached', async () => {
    let placed = 0
    await fc.assert(fc.asyncProperty(fc.array(op, { maxLength: 10 }), async (ops) => {
      const clock = new Clock()
      const [a, b] = await twoConnections(clock)
      const dbs = [a, b]
      let imports = 0
      for (const o of ops) {
        clock.tick()
        await write(o, dbs, clock, o.kind === 'import' ? ++imports : imports, { importLines: o.kind === 'import' ? o.runs * 3 : 0, maxAppends: 3 })
        // A compacting connection then reads the study afresh (as a page opened later): every run then has its place.
        if (o.kind === 'compact') dbs[o.who]?.rowCache.clear()
        // Both connections keep the study's rows cached across the writes (as a table reads them), and list from them.
        const want = (await truth(a)).runs
        for (const db of dbs) {
          await db.listRunRows('s')
          const before = db.rowCache.placedListings
          expect(await db.listRuns('s', RunState.Any)).toEqual(want)
          placed += db.rowCache.placedListings - before
          const since = new Date(clock.t - 2000)
          expect(await db.listRuns('s', RunState.Success | RunState.Failure, since)).toEqual(
            want.filter((r) => (r.state & (RunState.Success | RunState.Failure)) !== 0 && r.updated >= since))
        }
      }
      await a.rowCache.saved()
      await b.rowCache.saved()
      a.close()
      b.close()
    }), {
      numRuns: 25,
      // A run imported (so cached with its place) and then appended to.
      examples: [[[{ kind: 'import', runs: 1, entries: 0, fail: false }, { kind: 'append', who: 0, target: 0, n: 1, v: 0.5 }]]],
    })
    // Not a vacuous pass: listings were served from the cached rows.
    expect(placed).toBeGreaterThan(20)
  }, 120_000)

  it('keeps values, configs and metrics exactly (kinds, -0, NaN, key order, odd names)', async () => {
    const db = await freshDb('summary')
    await db.createStudyIfNotExist({ name: 'odd', objective: minimize('loss'), params: { b: discrete(str('é'), str('\ud800')), a: discrete(float(-0), float(1)) } })
    const r1 = await db.insertRun({ study: 'odd', values: { b: str('\ud800'), a: float(-0) }, config: { script: 'x', when: new Date(5) } as never })
    const r2 = await db.insertRun({ study: 'odd', values: { a: float(1), b: str('é') }, config: { n: -0, list: [1, 'two', null] } as never })
    await db.appendRunMetrics('odd', r1.seq, { '': 1, ['__proto__']: 2, loss: -0 })
    await db.appendRunMetrics('odd', r1.seq, {})
    await db.appendRunMetrics('odd', r2.seq, { z: NaN, a: -Infinity })
    await compactSummary(db, 'odd')
    const got = await fresh(db, 'odd')
    const want = await truth(db, 'odd')
    expect(got.fromSummary).toBe(true)
    expect(got.runs).toEqual(want.runs)
    expect(got.rows).toEqual(want.rows)
    const run1 = got.runs[0] as Run
    expect(Object.keys(run1.values)).toEqual(['b', 'a'])
    expect(Object.is(run1.values.a?.value, -0)).toBe(true)
    expect(Object.keys(run1.metrics[0] ?? {})).toEqual(['', '__proto__', 'loss'])
    expect(Object.getPrototypeOf(run1.metrics[0])).toBe(Object.prototype)
    expect(Object.is(run1.metrics[0]?.loss, -0)).toBe(true)
    expect(run1.config.when).toEqual(new Date(5))
    expect(Object.is((got.runs[1] as Run).config.n, -0)).toBe(true)
    db.close()
  })

  it('gives trials the same answer as the runs it lists', async () => {
    const db = await freshDb('summary')
    await db.createStudyIfNotExist(STUDY)
    for (let i = 0; i < 30; i++) {
      const r = await db.insertRun({ study: 's', values: { x: int(1 + (i % 3)) }, replicate: i % 4 })
      await db.appendRunMetrics('s', r.seq, { loss: i })
      await db.updateRun('s', r.seq, i % 5 ? RunState.Success : RunState.Failure, '', 1, 0)
    }
    await compactSummary(db, 's')
    const study = await db.lookupStudy('s')
    const runs = (await truth(db)).runs
    expect(await trials(db, study, RunState.Any)).toEqual(await trials({ listRuns: () => Promise.resolve(runs) }, study, RunState.Any))
    db.close()
  })
  it("hands out runs whose histories are each their own, kept once read, and copied whole across a worker's boundary", async () => {
    const db = await freshDb('summary')
    await db.createStudyIfNotExist(STUDY)
    for (let i = 0; i < 4; i++) {
      const r = await db.insertRun({ study: 's', values: { x: int(1 + (i % 3)) } })
      for (let k = 0; k <= i; k++) await db.appendRunMetrics('s', r.seq, { loss: 10 * i + k })
    }
    await compactSummary(db, 's')
    const got = await fresh(db)
    expect(got.fromSummary).toBe(true)
    const runs = [...got.runs].reverse()
    expect(runs.map((r) => r.metrics.map((m) => m.loss))).toEqual([[30, 31, 32, 33], [20, 21, 22], [10, 11], [0]])
    const run = runs[1] as Run
    expect(run.metrics).toBe(run.metrics)
    expect(Object.keys(run)).toContain('metrics')
    const copy = structuredClone(run)
    expect(Object.getOwnPropertyDescriptor(copy, 'metrics')?.value).toEqual([{ loss: 20 }, { loss: 21 }, { loss: 22 }])
    expect(copy).toEqual(run)
    db.close()
  })
})
