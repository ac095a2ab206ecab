/**
 * Kept leaderboards (src/db/store/kept-boards.ts): a big import keeps its
 * study's default board and objective history, and the worker API gives them
 * out while, and only while, they are exactly what the study's rows would
 * give, whatever was written, deleted, rolled back or gone stale since.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { trialBoard, trialNumbersOf, withTrialNumbers, type TrialBoard } from '../../../src/db/analysis/trial-board.js'
import { importDump } from '../../../src/db/merge/import.js'
import { RunState } from '../../../src/db/model/run.js'
import { minimize } from '../../../src/db/model/study.js'
import { int } from '../../../src/db/model/values.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { keptBoard, KEPT_TRIALS } from '../../../src/db/store/kept-boards.js'
import { compactSummary } from '../../../src/db/store/summary-compact.js'
import { createApi } from '../../../src/worker/api.js'
import { Clock, gzLines, headerLine, metricsLine, runLine, studyLine } from '../dump/helpers.js'

const OBJECTIVE = minimize('loss')
/** Boards are kept from this many runs here (a real page: thousands). */
const FROM = 12
const STATES = ['success', 'success', 'failure', 'pending'] as const

let n = 0
async function open(clock: Clock, name = `kept-${++n}-${Math.random().toString(36).slice(2)}`, keepBoardsFrom = FROM): Promise<DexieDatabase> {
  const db = new DexieDatabase(name, { now: clock.now, keepBoardsFrom })
  await db.createTable()
  return db
}

/** A dump of `count` runs of study `s` (ids from `first`), of three value sets, some with Optuna trial numbers; `bad` ends it with a broken line. */
function dump(first: number, count: number, updated: number, bad = false): Blob {
  const lines: unknown[] = [headerLine(), studyLine('s')]
  for (let i = first; i < first + count; i++) {
    const id = `imp-${i}`
    const state = STATES[i % STATES.length]
    const config = i % 3 === 0 ? { script: 'train.py', optuna: { number: i } } : { script: 'train.py' }
    lines.push(runLine(id, 's', 1000 + i, { values: { x: { int: String(1 + (i % 3)) } }, replicate: i % 5, state, metrics: 2, config, updated: new Date(updated).toISOString() }))
    lines.push(metricsLine(id, 0, [{ loss: 10 + i }, { loss: (i * 7) % 13 }]))
  }
  if (bad) lines.push({ t: 'run' })
  return new Blob([gzLines(lines) as Uint8Array<ArrayBuffer>])
}

/** The study's board as ranking its rows gives it, read by a fresh connection that keeps nothing: the best `limit`. */
async function ranked(db: DexieDatabase, clock: Clock, limit = KEPT_TRIALS): Promise<TrialBoard> {
  const other = await open(clock, db.dexie.name, Infinity)
  try {
    const rows = await other.listRunRows('s')
    const board = trialBoard(OBJECTIVE, rows)
    return withTrialNumbers({ ...board, trials: board.trials.slice(0, limit) }, trialNumbersOf(rows))
  } finally {
    other.close()
  }
}

type Api = ReturnType<typeof createApi>
const apis = new WeakMap<DexieDatabase, Api>()

/** One API per database (each listens to the database's changes). */
function apiOf(db: DexieDatabase): Api {
  const api = apis.get(db) ?? createApi(db)
  apis.set(db, api)
  return api
}

/**
 * What `draw` asks of the API, given with the study's kept board, and given
 * from the rows (on a fresh connection, the kept board taken away for the
 * while and then put back).
 */
async function bothWays<T>(db: DexieDatabase, clock: Clock, draw: (api: Api) => Promise<T>): Promise<{ withKept: T; fromRows: T }> {
  const withKept = await draw(apiOf(db))
  const kept = await db.dexie.keptBoards.get('s')
  await db.dexie.keptBoards.delete('s')
  const other = await open(clock, db.dexie.name, Infinity)
  try {
    return { withKept, fromRows: await draw(createApi(other)) }
  } finally {
    other.close()
    if (kept) await db.dexie.keptBoards.put(kept)
  }
}

/** The learning curves of the best `top` trials, both ways. */
const curvesBothWays = (db: DexieDatabase, clock: Clock, top: number) => bothWays(db, clock, (api) => api.learningCurves('s', { top }))

/** The objective history on each axis, both ways. */
const historiesBothWays = (db: DexieDatabase, clock: Clock) =>
  bothWays(db, clock, (api) => Promise.all([api.objectiveHistory('s'), api.objectiveHistory('s', { axis: 'time' }), api.objectiveHistory('s', { objective: '+loss' })]))

const op = fc.oneof(
  fc.record({ kind: fc.constant('import' as const), count: fc.integer({ min: 1, max: 30 }), bad: fc.boolean() }),
  fc.record({ kind: fc.constant('insert' as const), x: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('append' as const), target: fc.nat(60), loss: fc.integer({ min: -5, max: 40 }) }),
  fc.record({ kind: fc.constant('update' as const), target: fc.nat(60), state: fc.constantFrom(RunState.Pending, RunState.Success, RunState.Failure) }),
  fc.record({ kind: fc.constant('delete' as const), target: fc.nat(60) }),
  fc.record({ kind: fc.constant('wait' as const), ms: fc.constantFrom(1000, 61_000, 200_000) }),
  fc.record({ kind: fc.constant('compact' as const) }),
)

describe('kept leaderboards', () => {
  it('an import of a big study keeps its board; the API gives it out, the same as ranking the rows', async () => {
    const clock = new Clock()
    const db = await open(clock)
    await importDump(db, dump(0, 40, clock.t))
    const kept = await keptBoard(db, 's', OBJECTIVE)
    expect(kept).toBeDefined()
    expect(kept).toEqual(await ranked(db, clock))
    expect(kept?.numbers).toBeDefined()
    const api = apiOf(db)
    for (const limit of [1, 5, KEPT_TRIALS]) {
      const { objectives, ...board } = await api.leaderboard('s', { limit })
      expect(objectives).toEqual([OBJECTIVE])
      expect(board).toEqual(await ranked(db, clock, limit))
    }
    // The learning curves of the best trials come from the kept board, reading no row, as the rows would give them.
    // So does the objective history over seq.
    const fresh = await open(clock, db.dexie.name, Infinity)
    const curves = await createApi(fresh).learningCurves('s', { top: 2 })
    const history = await createApi(fresh).objectiveHistory('s')
    expect(fresh.rowCache.summaryReads + fresh.rowCache.fills).toBe(0)
    fresh.close()
    expect(curves.curves.length).toBeGreaterThan(0)
    expect(history.history.seq.length).toBeGreaterThan(0)
    expect(history.whiskers.length).toBeGreaterThan(0)
    for (const top of [1, 2, 3]) {
      const { withKept, fromRows } = await curvesBothWays(db, clock, top)
      expect(withKept).toEqual(fromRows)
    }
    const histories = await historiesBothWays(db, clock)
    expect(histories.withKept).toEqual(histories.fromRows)
    // A small import into it (fewer runs than a tenth of the threshold) keeps nothing anew: the board is no longer current.
    await importDump(db, dump(40, 1, clock.t))
    expect(await keptBoard(db, 's', OBJECTIVE)).toBeUndefined()
    // Another objective is not the kept board's.
    expect(await keptBoard(db, 's', minimize('other'))).toBeUndefined()
    db.close()
  })

  it('learning curves of more trials than a kept board holds are drawn from the rows', async () => {
    const clock = new Clock()
    const db = await open(clock)
    // More value sets (so trials) than a kept board keeps, each one successful run.
    const lines: unknown[] = [headerLine(), studyLine('s')]
    for (let i = 0; i < KEPT_TRIALS + 30; i++) {
      lines.push(runLine(`wide-${i}`, 's', i + 1, { values: { x: { int: String(i) } }, state: 'success', metrics: 1, updated: new Date(clock.t).toISOString() }))
      lines.push(metricsLine(`wide-${i}`, 0, [{ loss: (i * 37) % 101 }]))
    }
    await importDump(db, new Blob([gzLines(lines) as Uint8Array<ArrayBuffer>]))
    expect((await keptBoard(db, 's', OBJECTIVE))?.trials).toHaveLength(KEPT_TRIALS)
    for (const top of [3, KEPT_TRIALS, KEPT_TRIALS + 20]) {
      const { withKept, fromRows } = await curvesBothWays(db, clock, top)
      expect(withKept).toEqual(fromRows)
      expect(withKept.curves.length + withKept.cut).toBe(top)
    }
    db.close()
  })

  it('is given out only while it is exact, whatever happens after it was kept', async () => {
    let given = 0
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 8 }), async (ops) => {
      const clock = new Clock()
      const db = await open(clock)
      await importDump(db, dump(0, 24, clock.t))
      const api = apiOf(db)
      let imported = 24
      for (const o of ops) {
        clock.tick()
        const seqs = (await db.listRunRows('s')).map((r) => r.seq)
        const target = (t: number) => seqs[t % Math.max(1, seqs.length)]
        if (o.kind === 'import') {
          await importDump(db, dump(imported, o.count, clock.t, o.bad)).catch(() => undefined)
          imported += o.count
        } else if (o.kind === 'insert') await db.insertRun({ study: 's', values: { x: int(o.x) } })
        else if (o.kind === 'append' && target(o.target) !== undefined) await db.appendRunMetrics('s', target(o.target) as number, { loss: o.loss })
        else if (o.kind === 'update' && target(o.target) !== undefined) await db.updateRun('s', target(o.target) as number, o.state, 'u', 1, 0)
        else if (o.kind === 'delete' && target(o.target) !== undefined) await db.deleteRun('s', target(o.target) as number)
        else if (o.kind === 'wait') clock.tick(o.ms)
        else if (o.kind === 'compact') await compactSummary(db, 's', 1, -Infinity)
        const kept = await keptBoard(db, 's', OBJECTIVE)
        if (kept) {
          given++
          expect(kept).toEqual(await ranked(db, clock))
        }
        const { objectives: _, ...board } = await api.leaderboard('s', { limit: 7 })
        expect(board).toEqual(await ranked(db, clock, 7))
        const { withKept, fromRows } = await curvesBothWays(db, clock, 3)
        expect(withKept).toEqual(fromRows)
        const histories = await historiesBothWays(db, clock)
        expect(histories.withKept).toEqual(histories.fromRows)
      }
      db.close()
    }), { numRuns: 25 })
    // Not a vacuous pass: kept boards were given out along the way.
    expect(given).toBeGreaterThan(0)
  }, 240_000)
})
