/**
 * Listing what an import brought in: as each batch commits, the importing
 * connection's row cache takes the rows it wrote (nothing is read back), and
 * they are the rows a fresh connection reads; when another connection wrote
 * during the import, the batches after that write are not taken, and when the
 * import was rolled back nothing of it is served: the cache serves the truth.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { type RunRow } from '../../../src/db/model/run.js'
import { importDump } from '../../../src/db/merge/import.js'
import { discrete } from '../../../src/db/model/params.js'
import { minimize } from '../../../src/db/model/study.js'
import { int } from '../../../src/db/model/values.js'
import { freshDb } from '../dump/helpers.js'

const GENERATOR = fileURLToPath(new URL('../../../scripts/optuna-journal.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'optuna-listing-'))

function journal(trials: number, steps: number): Uint8Array {
  const file = join(dir, `j-${trials}-${steps}.log`)
  execFileSync(process.execPath, [GENERATOR, String(trials), file, String(steps)])
  return new Uint8Array(readFileSync(file))
}

/** What a fresh connection to the same database reads: the truth. */
async function truth(db: DexieDatabase, study: string): Promise<RunRow[]> {
  const fresh = new DexieDatabase(db.dexie.name)
  try {
    await fresh.createTable()
    return await fresh.listRunRows(study)
  } finally {
    fresh.close()
  }
}

const LOCAL = { name: 'local', objective: minimize('loss'), params: { x: discrete(int(1), int(2)) } }

describe('listing an imported Optuna study', () => {
  it('serves the imported rows from the cache without reading them back, equal to a fresh read', async () => {
    const db = await freshDb('optuna-listing')
    await db.createStudyIfNotExist(LOCAL)
    await db.insertRun({ study: 'local', values: { x: int(1) } })
    expect(await db.listRunRows('local')).toHaveLength(1)
    // 2,500 trials: two batches.
    const summary = await importDump(db, new Blob([journal(2500, 3) as BlobPart]))
    expect(summary.runs.added).toBe(2500)
    const rows = await db.listRunRows('bench-journal-2500')
    expect(rows).toHaveLength(2500)
    // Only the study listed before was read (a run whose head and history fell in two batches is taken twice).
    expect(db.rowCache).toMatchObject({ summaryReads: 1, fills: 0, deltaReads: 0 })
    expect(db.rowCache.adopted).toBeGreaterThanOrEqual(2500)
    expect(rows).toEqual(await truth(db, 'bench-journal-2500'))
    expect(rows[0]?.last).toEqual({ value: expect.any(Number) })
    // The study cached before the import is still served right; and a later write is followed as usual.
    await db.insertRun({ study: 'local', values: { x: int(2) } })
    expect(await db.listRunRows('local')).toEqual(await truth(db, 'local'))
    // The import wrote the study's summary, which the next connection reads.
    await db.rowCache.saved()
    const next = new DexieDatabase(db.dexie.name)
    await next.createTable()
    expect(await next.listRunRows('bench-journal-2500')).toEqual(rows)
    expect(next.rowCache).toMatchObject({ summaryReads: 1, fills: 0 })
    next.close()
    db.close()
  })

  it('adds a re-import\'s changes to a cached study, equal to a fresh read', async () => {
    const db = await freshDb('optuna-listing')
    const whole = new TextDecoder().decode(journal(600, 2))
    // The first 300 trials (each 4 + 2 + 1 lines after the study's), then the whole journal: 300 runs added to the cached study.
    const first = whole.split('\n').slice(0, 1 + 300 * 7).join('\n') + '\n'
    await importDump(db, new Blob([first]))
    expect(await db.listRunRows('bench-journal-600')).toHaveLength(300)
    const summary = await importDump(db, new Blob([whole]))
    expect(summary.runs).toMatchObject({ added: 300, unchanged: 300 })
    const rows = await db.listRunRows('bench-journal-600')
    expect(rows).toHaveLength(600)
    // Nothing read back (a run whose head and history fell in two batches is taken twice).
    expect(db.rowCache).toMatchObject({ fills: 0, deltaReads: 0 })
    expect(db.rowCache.adopted).toBeGreaterThanOrEqual(600)
    expect(rows).toEqual(await truth(db, 'bench-journal-600'))
    db.close()
  })

  it('serves the truth when another connection wrote during the import', async () => {
    const db = await freshDb('optuna-listing')
    await db.createStudyIfNotExist(LOCAL)
    expect(await db.listRunRows('local')).toHaveLength(0)
    const other = new DexieDatabase(db.dexie.name)
    await other.createTable()
    let wrote: Promise<unknown> | undefined
    // After the first batch is applied, another tab writes; the import goes on.
    await importDump(db, new Blob([journal(2500, 2) as BlobPart]), {
      onProgress: () => { wrote ??= other.insertRun({ study: 'local', values: { x: int(2) } }) },
    })
    await wrote
    expect(await db.listRunRows('bench-journal-2500')).toEqual(await truth(db, 'bench-journal-2500'))
    expect(await db.listRunRows('local')).toEqual(await truth(db, 'local'))
    expect(await db.listRunRows('local')).toHaveLength(1)
    other.close()
    db.close()
  })

  it('serves nothing of an import rolled back', async () => {
    const db = await freshDb('optuna-listing')
    await db.createStudyIfNotExist(LOCAL)
    expect(await db.listRunRows('local')).toHaveLength(0)
    const good = new TextDecoder().decode(journal(2500, 2))
    // Every trial, then a corrupted line: the applied batch is undone.
    await expect(importDump(db, new Blob([`${good}{"op_code":4,"study_id":\n`]))).rejects.toMatchObject({ code: 'bad-dump' })
    await expect(db.lookupStudy('bench-journal-2500')).rejects.toMatchObject({ code: 'not-exist' })
    await expect(db.listRunRows('bench-journal-2500')).rejects.toMatchObject({ code: 'not-exist' })
    expect(await db.listRunRows('local')).toEqual(await truth(db, 'local'))
    db.close()
  })
})
