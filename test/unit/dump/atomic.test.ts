/**
 * An import is atomic: a dump that fails anywhere (even after several batches
 * were applied), an aborted import, or one interrupted by a closed connection
 * leaves the database exactly as it was. Also: progress reports.
 */
import { describe, expect, it } from 'vitest'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { importDump, type ImportProgress } from '../../../src/db/merge/import.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { RunState } from '../../../src/db/model/run.js'
import { minimize } from '../../../src/db/model/study.js'
import { METRIC_CHUNK } from '../../../src/db/store/schema.js'
import {
  expectRefused, freshDb, gz, gzLines, headerLine, jsonl, logLine, metricsLine, rawSnapshot, runLine, studyLine,
} from './helpers.js'

const RUNS = 1200 // several batches (they grow from 200 runs)

/**
 * The lines of a dump of RUNS runs in study `big`; the first ten have long
 * histories (sealing metric chunks) and logs. `history(i)` is run i's length.
 */
function bigDump(options: { runs?: number; history?: (i: number) => number; state?: string; updated?: string } = {}): Record<string, unknown>[] {
  const { runs = RUNS, history = (i: number) => (i < 10 ? METRIC_CHUNK + 44 : 2), state = 'success', updated = '2024-01-02T00:00:00.000Z' } = options
  const lines: Record<string, unknown>[] = [headerLine(), studyLine('big')]
  for (let i = 0; i < runs; i++) {
    const id = `run-${String(i).padStart(5, '0')}`
    const n = history(i)
    lines.push(runLine(id, 'big', i + 1, { state, updated, metrics: n, log: i < 10 ? n : 0 }))
    const entries = Array.from({ length: n }, (_, k) => ({ loss: 1 / (k + 1) }))
    for (let k = 0; k < n; k += METRIC_CHUNK) lines.push(metricsLine(id, k, entries.slice(k, k + METRIC_CHUNK)))
    if (i < 10) lines.push(logLine(id, 0, Array.from({ length: n }, (_, k) => `line ${k} ✓\n`)))
  }
  return lines
}

/** A database holding a local study and, when `overlap`, the first 600 runs of the big dump with shorter histories, still pending. */
async function populated(overlap: boolean): Promise<DexieDatabase> {
  const db = await freshDb('target')
  await db.createStudyIfNotExist({ name: 'local', objective: minimize('loss'), params: {} })
  const r = await db.insertRun({ study: 'local', values: {} })
  await db.appendRunMetrics('local', r.seq, { loss: 3 })
  if (overlap) {
    const summary = await importDump(db, gzLines(bigDump({ runs: 600, history: (i) => (i < 10 ? METRIC_CHUNK - 56 : 1), state: 'pending', updated: '2024-01-01T12:00:00.000Z' })))
    expect(summary.runs.added).toBe(600)
  }
  return db
}

/**
 * Starts importing the big dump into `db` from a stream whose part from run
 * `cutId` on waits until `release` is called; resolves once the first part's
 * batches are in.
 */
async function importWaiting(db: DexieDatabase, cutId: string) {
  const lines = bigDump()
  const cut = lines.findIndex((l) => l['id'] === cutId)
  const parts = [jsonl(lines.slice(0, cut)), jsonl(lines.slice(cut))].map((t) => new TextEncoder().encode(t))
  let release!: () => void
  const gate = new Promise<void>((resolve) => { release = resolve })
  let sent = 0
  const source = new ReadableStream<Uint8Array>({
    async pull(c) {
      if (sent === 1) await gate
      if (sent < 2) c.enqueue(parts[sent] as Uint8Array)
      else c.close()
      sent++
    },
  }, { highWaterMark: 0 })
  let batches = 0
  const running = importDump(db, source, { onProgress: () => { batches++ } })
  while (batches === 0) await new Promise((r) => setTimeout(r, 5))
  return { running, release }
}

describe('atomic import', () => {
  for (const overlap of [false, true]) {
    it(`rejects a ${RUNS}-run dump whose last line is corrupt and changes nothing (${overlap ? 'some runs already here' : 'empty database'})`, async () => {
      const db = overlap ? await populated(true) : await freshDb('target')
      const lines = [...bigDump().map((l) => JSON.stringify(l)), '{"t":"run","id":"broken",']
      const progress: ImportProgress[] = []
      const err = await expectRefused(db, gz(jsonl(lines)), { line: lines.length, message: /not valid JSON/ }, { onProgress: (p) => progress.push(p) })
      expect(err.details?.['line']).toBe(lines.length)
      // The failure came after batches had been applied (and then undone).
      expect(progress.length).toBeGreaterThanOrEqual(2)
      // The same dump without its bad line imports.
      const ok = await importDump(db, gz(jsonl(lines.slice(0, -1))))
      expect(ok.runs).toEqual(overlap
        ? { added: RUNS - 600, updated: 600, unchanged: 0, rejected: 0 }
        : { added: RUNS, updated: 0, unchanged: 0, rejected: 0 })
      expect((await db.lookupRun('big', 3)).metrics).toHaveLength(METRIC_CHUNK + 44)
    })
  }

  it('an import aborted midway leaves the database as before', async () => {
    const db = await populated(true)
    const before = await rawSnapshot(db)
    const controller = new AbortController()
    let calls = 0
    const err = await importDump(db, gzLines(bigDump()), {
      signal: controller.signal,
      onProgress: () => { if (++calls === 1) controller.abort() },
    }).then(() => undefined, (e: unknown) => e)
    // Not a bad dump: a cancelled import says so, with a DivinerError like every other cancelled call.
    expect(err).toBeInstanceOf(DivinerError)
    expect(err).toMatchObject({ code: 'aborted' })
    expect(calls).toBe(1)
    expect(await rawSnapshot(db)).toEqual(before)
  })

  it('an import whose signal is already aborted changes nothing', async () => {
    const db = await populated(false)
    const before = await rawSnapshot(db)
    const err = await importDump(db, gzLines(bigDump({ runs: 10 })), { signal: AbortSignal.abort() }).then(() => undefined, (e: unknown) => e)
    expect(err).toMatchObject({ code: 'aborted' })
    expect(await rawSnapshot(db)).toEqual(before)
  })

  it('reports progress: bytes read of the known total, and records applied', async () => {
    const lines = bigDump()
    const text = jsonl(lines)
    for (const source of [new Blob([text]), gz(text), new Blob([gz(text) as Uint8Array<ArrayBuffer>])]) {
      const db = await freshDb('target')
      const progress: ImportProgress[] = []
      const summary = await importDump(db, source, { onProgress: (p) => progress.push({ ...p }) })
      const size = source instanceof Blob ? source.size : source.length
      expect(progress.length).toBeGreaterThanOrEqual(3)
      // The first batch holds the study definitions before the first run: a page lists the studies at once.
      const definitions = lines.slice(1).findIndex((l) => (l as { t?: string }).t === 'run')
      expect(definitions).toBeGreaterThan(0)
      expect(progress[0]).toMatchObject({ records: definitions, studies: [expect.objectContaining({ runs: 0 })] })
      for (const [i, p] of progress.entries()) {
        expect(p.bytesTotal).toBe(size)
        expect(p.bytesRead).toBeLessThanOrEqual(size)
        if (i > 0) {
          expect(p.bytesRead).toBeGreaterThanOrEqual((progress[i - 1] as ImportProgress).bytesRead)
          expect(p.records).toBeGreaterThan((progress[i - 1] as ImportProgress).records)
        }
      }
      const last = progress.at(-1) as ImportProgress
      expect(last.bytesRead).toBe(size)
      // Records are the lines after the header.
      expect(last.records).toBe(lines.length - 1)
      expect(summary.records).toBe(lines.length - 1)
      expect(summary.bytes).toBe(size)
    }
    // A Blob read in many chunks (one per line here): bytes read grows from batch to batch.
    const db = await freshDb('target')
    const seen: number[] = []
    await importDump(db, new Blob(lines.map((l) => `${JSON.stringify(l)}\n`)), { onProgress: (p) => seen.push(p.bytesRead) })
    expect(seen.length).toBeGreaterThanOrEqual(3)
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1] as number)
  })

  it('reports no total for a stream source', async () => {
    const db = await freshDb('target')
    const bytes = gzLines(bigDump({ runs: 10 }))
    const progress: ImportProgress[] = []
    await importDump(db, new Blob([bytes as Uint8Array<ArrayBuffer>]).stream(), { onProgress: (p) => progress.push(p) })
    expect(progress.at(-1)).toMatchObject({ bytesTotal: undefined, bytesRead: bytes.length })
  })
})

describe('recovery of an interrupted import', () => {
  it('undoes, when the database is next opened, an import whose connection closed midway', async () => {
    const db = await populated(true)
    const before = await rawSnapshot(db)
    const name = db.dexie.name
    // A second connection (another tab) starts a big import and goes away after its first batch.
    const doomed = new DexieDatabase(name)
    await doomed.createTable()
    let batches = 0
    const outcome = await importDump(doomed, gzLines(bigDump()), { onProgress: () => { batches++; doomed.close() } })
      .then(() => 'completed', () => 'failed')
    expect(outcome).toBe('failed')
    expect(batches).toBe(1)
    // What it left: one applied batch, its undo record, and the in-progress marker.
    const left = await rawSnapshot(db) as { imports: number; undo: number }
    expect(left.imports).toBe(1)
    expect(left.undo).toBeGreaterThanOrEqual(1)
    expect(left).not.toEqual(before)
    // The next connection to open the database puts it back.
    const next = new DexieDatabase(name)
    await next.createTable()
    expect(await rawSnapshot(next)).toEqual(before)
    expect(await rawSnapshot(db)).toEqual(before)
    next.close()
  })

  it('does not undo an import that is still running in another connection', async () => {
    const db = await populated(false)
    // The dump arrives in two parts; the second waits until the test lets it through.
    const { running, release } = await importWaiting(db, 'run-00600')
    // Another connection opens while the import waits for the rest of the dump; it runs
    // recovery, which must leave the live import alone.
    const other = new DexieDatabase(db.dexie.name)
    await other.createTable()
    const markers = await other.dexie.imports.count()
    other.close()
    release()
    const summary = await running
    expect(markers).toBe(1)
    expect(summary.runs.added).toBe(RUNS)
    const snap = await rawSnapshot(db) as { runs: unknown[]; imports: number; undo: number }
    expect([snap.runs.length, snap.imports, snap.undo]).toEqual([RUNS + 1, 0, 0])
    expect((await db.listRuns('big', RunState.Any)).length).toBe(RUNS)
  })

  it('a run deleted while an import waits for the rest of the dump is not brought back by it', async () => {
    const db = await populated(true)
    const { running, release } = await importWaiting(db, 'run-00300')
    // The import's later batches must see the tombstone this leaves, though its first batches found none.
    const gone = (await db.listRuns('big', RunState.Any)).find((r) => r.id === 'run-00400')
    expect(gone).toBeDefined()
    await db.deleteRun('big', gone?.seq as number)
    release()
    const summary = await running
    expect(summary.runs).toMatchObject({ added: 600, unchanged: 1 })
    const runs = await db.listRuns('big', RunState.Any)
    expect(runs.length).toBe(RUNS - 1)
    expect(runs.some((r) => r.id === 'run-00400')).toBe(false)
  })

  it('fails with the store\'s own error when the store cannot begin (an earlier undo needs room), leaving no promise unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (e: unknown) => { unhandled.push(e) }
    process.on('unhandledRejection', onUnhandled)
    try {
      const full = new DivinerError('quota', 'the browser refused to store more data')
      // The store fails at once, while the file (a stream that takes a while to start) is still being sniffed.
      const target = { beginMerge: () => Promise.reject(full) }
      const bytes = gz(jsonl(bigDump({ runs: 3 }).map((l) => JSON.stringify(l))))
      const source = new ReadableStream<Uint8Array>({
        async pull(c) {
          await new Promise((r) => setTimeout(r, 30))
          c.enqueue(bytes)
          c.close()
        },
      }, { highWaterMark: 0 })
      await expect(importDump(target, source)).rejects.toBe(full)
      await new Promise((r) => setTimeout(r, 30))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })
})
