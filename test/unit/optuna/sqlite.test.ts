/**
 * Importing an Optuna RDB storage (SQLite): the real fixture written by Optuna
 * (pytorch_simple.sqlite3) imports with every count, value and state right;
 * re-importing changes nothing; damaged, truncated and foreign SQLite files are
 * refused with the database unchanged.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { importDump } from '../../../src/db/merge/import.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { RunState } from '../../../src/db/model/run.js'
import { trialRunId } from '../../../src/db/optuna/runs.js'
import { loadSqlite } from '../../../src/db/optuna/sql-wasm.js'
import { freshDb, rawSnapshot } from '../dump/helpers.js'

const FIXTURE = new URL('../../fixtures/optuna/pytorch_simple.sqlite3', import.meta.url)
const bytes = (): Uint8Array => new Uint8Array(readFileSync(FIXTURE))

/** What the fixture holds, read with SQL (the expected figures come from the file, not from the importer). */
async function expected() {
  const SQL = await loadSqlite()
  const db = new SQL.Database(bytes())
  const q = (sql: string) => db.exec(sql)[0]?.values ?? []
  const trials = q('SELECT trial_id, number, state FROM trials ORDER BY number')
  const values = new Map(q('SELECT trial_id, value FROM trial_values WHERE objective = 0').map(([t, v]) => [t, v]))
  const inter = new Map<unknown, [number, number][]>()
  for (const [t, s, v] of q('SELECT trial_id, step, intermediate_value FROM trial_intermediate_values ORDER BY trial_id, step')) {
    inter.set(t, [...(inter.get(t) ?? []), [s as number, v as number]])
  }
  const params = new Map<unknown, Record<string, number>>()
  for (const [t, k, v] of q('SELECT trial_id, param_name, param_value FROM trial_params')) {
    params.set(t, { ...(params.get(t) ?? {}), [k as string]: v as number })
  }
  const study = q('SELECT study_id, study_name FROM studies')[0] as [number, string]
  const firstStart = q('SELECT datetime_start FROM trials ORDER BY number LIMIT 1')[0]?.[0] as string
  db.close()
  return { trials, values, inter, params, study, firstStart }
}

describe('Optuna SQLite import', () => {
  it('imports the pytorch_simple fixture with every count, value and state right', async () => {
    const db = await freshDb('optuna-sqlite')
    const e = await expected()
    expect(e.trials.length).toBe(100)
    const summary = await importDump(db, bytes())
    expect(summary.source).toBe('optuna-sqlite')
    expect(summary.studies).toEqual({ added: 1, updated: 0, unchanged: 0, conflicts: 0 })
    expect(summary.runs).toEqual({ added: 100, updated: 0, unchanged: 0, rejected: 0 })
    expect(summary.origins).toEqual([`optuna:pytorch_simple@sqlite:1:${new Date(`${e.firstStart.replace(' ', 'T').slice(0, 23)}Z`).toISOString()}`])

    const study = await db.lookupStudy('pytorch_simple')
    expect(study.objective).toEqual({ direction: 'maximize', metric: 'value' })
    // The union of every trial's params: n_layers decides which n_units_l*/dropout_l* a trial has.
    expect(Object.keys(study.params).sort()).toEqual(['dropout_l0', 'dropout_l1', 'dropout_l2', 'lr', 'n_layers', 'n_units_l0', 'n_units_l1', 'n_units_l2', 'optimizer'])
    expect(study.params.n_layers).toEqual({ type: 'range', start: { kind: 'int', value: 1n }, end: { kind: 'int', value: 4n } })
    expect(study.params.optimizer).toEqual({ type: 'discrete', values: ['Adam', 'RMSprop', 'SGD'].map((value) => ({ kind: 'string', value })) })
    const lr = study.params.lr
    expect(lr?.type).toBe('range')
    if (lr?.type === 'range' && lr.end.kind === 'float') {
      expect(lr.start).toEqual({ kind: 'float', value: 1e-5 })
      const end = lr.end.value
      expect(end).toBeGreaterThan(0.1) // inclusive high made exact: the float just above 0.1…
      // …with no float strictly between (the range holds exactly Optuna's [low, high]).
      const mid = (0.1 + end) / 2
      expect(mid === 0.1 || mid === end).toBe(true)
    }
    expect(study.description).toContain('lr: log')

    const runs = await db.listRuns('pytorch_simple', RunState.Any)
    expect(runs.length).toBe(100)
    expect(runs.filter((r) => r.state === RunState.Success).length).toBe(25)
    const pruned = runs.filter((r) => r.state === RunState.Failure)
    expect(pruned.length).toBe(75)
    expect(pruned.every((r) => r.status === 'pruned')).toBe(true)
    let intermediates = 0
    for (const [tid, number, state] of e.trials as [number, number, string][]) {
      const run = runs.find((r) => r.seq === number + 1)
      expect(run, `trial ${number}`).toBeDefined()
      if (!run) continue
      expect(run.id).toBe(trialRunId(summary.origins[0] as string, number))
      expect(run.status).toBe(state.toLowerCase())
      const inter = e.inter.get(tid) ?? []
      intermediates += inter.length
      const full = await db.lookupRun('pytorch_simple', run.seq)
      // Intermediate values by step, then the final value as the last entry.
      expect(full.metrics.slice(0, -1)).toEqual(inter.map(([step, value]) => ({ step, value })))
      expect(full.metrics.at(-1)).toEqual({ value: e.values.get(tid) })
      const p = e.params.get(tid) ?? {}
      expect(Object.keys(run.values).sort()).toEqual(Object.keys(p).sort())
      expect(run.values.n_layers).toEqual({ kind: 'int', value: BigInt(p.n_layers as number) })
      expect(run.values.lr).toEqual({ kind: 'float', value: p.lr })
      expect(run.values.optimizer).toEqual({ kind: 'string', value: ['Adam', 'RMSprop', 'SGD'][p.optimizer as number] })
      expect(run.runtime).toBeGreaterThan(0)
      expect(run.config.optuna).toMatchObject({ number, trial_id: tid, storage: 'sqlite' })
    }
    expect(intermediates).toBe(389)
  })

  it('re-importing the same file changes nothing', async () => {
    const db = await freshDb('optuna-sqlite-again')
    await importDump(db, bytes())
    const before = await rawSnapshot(db)
    const again = await importDump(db, new Blob([bytes() as BlobPart]))
    expect(again.studies).toEqual({ added: 0, updated: 0, unchanged: 1, conflicts: 0 })
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 100, rejected: 0 })
    expect(await rawSnapshot(db)).toEqual(before)
  })

  async function refused(data: Uint8Array, code: string, message: RegExp): Promise<void> {
    const db = await freshDb('optuna-sqlite-bad')
    await importDump(db, bytes()) // something there already, which must stay as it is
    const before = await rawSnapshot(db)
    const err = await importDump(db, data).then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(DivinerError)
    expect((err as DivinerError).code).toBe(code)
    expect((err as DivinerError).message).toMatch(message)
    expect(await rawSnapshot(db)).toEqual(before)
  }

  it('refuses a truncated file, leaving the database as it was', async () => {
    const b = bytes()
    await refused(b.slice(0, Math.floor(b.length / 2)), 'bad-dump', /Optuna SQLite.*truncated/)
    await refused(b.slice(0, 60), 'bad-dump', /truncated/)
  })

  it('refuses a corrupted file, leaving the database as it was', async () => {
    const b = bytes().slice()
    // Overwrite the middle pages (table b-trees) with garbage.
    for (let i = 4096 * 2; i < b.length - 4096; i++) b[i] = (i * 7919) & 0xff
    await refused(b, 'bad-dump', /bad Optuna SQLite file/)
  })

  it('refuses an SQLite file that is not an Optuna storage, and an unsupported schema version', async () => {
    const SQL = await loadSqlite()
    const other = new SQL.Database()
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT); INSERT INTO notes (text) VALUES (\'hello\')')
    const exported = (other as unknown as { export(): Uint8Array }).export()
    other.close()
    await refused(exported, 'bad-dump', /not an Optuna storage/)

    const old = new SQL.Database(bytes())
    old.exec("UPDATE alembic_version SET version_num = 'v2.6.0.a'")
    const oldBytes = (old as unknown as { export(): Uint8Array }).export()
    old.close()
    await refused(oldBytes, 'unsupported-version', /v2\.6\.0\.a.*not supported/)
  })
})
