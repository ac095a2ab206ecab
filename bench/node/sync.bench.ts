/**
 * Sync's figures (issue 14), against s3rver on loopback and Dexie on
 * fake-indexeddb, each over several rounds (median, min, max):
 * - sync_pull_10k_vs_file_import: pulling a 10,000-run study (100 metric
 *   points each) from the bucket into an empty database, against importing
 *   the same dump from bytes (the floor): higher is better, goal ≥ 0.8;
 * - sync_incremental_10_ms: a sync that brings 10 new runs into that
 *   10,000-run database, against a sync of 10 runs into an empty one
 *   (`sync_incremental_10_vs_empty`, goal ≤ 2);
 * - sync_incremental_10_bytes: the bytes that sync moved (and, beside it,
 *   `sync_full_bytes`, the 10,000 runs' object).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { it } from 'vitest'
import { exportDump } from '../../src/db/dump/export.js'
import { JournalDatabase } from '../../src/db/journal/database.js'
import { JournalMarks, JournalPush } from '../../src/db/journal/sync-state.js'
import { importDump } from '../../src/db/merge/import.js'
import { discrete, range } from '../../src/db/model/params.js'
import { RunState } from '../../src/db/model/run.js'
import { minimize } from '../../src/db/model/study.js'
import { float, int } from '../../src/db/model/values.js'
import { DexieDatabase } from '../../src/db/store/dexie-database.js'
import { DexieMarks } from '../../src/db/store/dexie-marks.js'
import { DexiePush } from '../../src/db/store/dexie-push.js'
import { syncBucket } from '../../src/db/sync/bucket-sync.js'
import { S3Bucket } from '../../src/db/sync/s3.js'
import { tempDir } from '../../test/unit/cli/cli.js'
import { S3_KEY } from '../../test/unit/sync/s3-server.js'
import { ratio, rounds, spread } from '../stats.js'

const RUNS = 10_000
const POINTS = 100
const STUDY = { name: 'big', objective: minimize('loss'), params: { lr: range(float(0), float(1)), depth: discrete(int(1), int(2), int(3)) } }

async function writeRuns(db: JournalDatabase, n: number, from: number): Promise<void> {
  await db.createStudyIfNotExist(STUDY)
  const one = async (i: number) => {
    const run = await db.insertRun({ study: 'big', values: { lr: float((i % 997) / 997), depth: int(1 + (i % 3)) } })
    const rec = db.state.runAt('big', run.seq)
    // Straight into the state (the push reads it): this sets the data up, it is not what is measured.
    for (let p = 0; p < POINTS; p++) rec?.metrics.push({ loss: 1 / (p + 1) + (i % 13) / 100, acc: p / POINTS })
    if (rec) rec.mCount = rec.metrics.length
    await db.updateRun('big', run.seq, RunState.Success, 'done', 1000, 0)
  }
  // Many at once, so that one disk sync serves many state changes.
  for (let i = from; i < from + n; i += 200) await Promise.all(Array.from({ length: Math.min(200, from + n - i) }, (_, k) => one(i + k)))
}

let names = 0
async function freshPage(): Promise<DexieDatabase> {
  const db = new DexieDatabase(`sync-bench-${++names}`)
  await db.createTable()
  return db
}

async function dispose(db: DexieDatabase): Promise<void> {
  db.close()
  await db.dexie.delete()
}

/** s3rver in a child process (serving must not share the measured event loop): its endpoint, and how to stop it. */
async function startS3Process(bucket: string): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/s3-child.ts', bucket], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; if (out.includes('\n')) resolve(out.trim()) })
    child.once('exit', (code) => reject(new Error(`s3rver exited (${code})`)))
  })
  return { endpoint, stop: async () => { child.kill('SIGTERM'); await once(child, 'exit') } }
}

it('sync: a 10,000-run pull against a file import, and an incremental sync of 10 runs', async () => {
  const s3 = await startS3Process('bench')
  const dirs = [tempDir('diviner-sync-bench-'), tempDir('diviner-sync-bench-')]
  try {
    const bucket = (prefix: string) => new S3Bucket({ endpoint: s3.endpoint, bucket: 'bench', prefix, region: 'us-east-1', pathStyle: true }, S3_KEY)
    // The writer: 10,000 runs pushed to prefix `full` as one object.
    const writer = new JournalDatabase(join((dirs[0] as { dir: string }).dir, 'data'), { onProblem: () => undefined })
    await writer.createTable()
    await writeRuns(writer, RUNS, 0)
    const first = await syncBucket(writer, bucket('full'), new JournalPush(writer), new JournalMarks(writer))
    const dump = new Uint8Array(await new Response(exportDump(writer)).arrayBuffer())

    const pulls: number[] = []
    const imports: number[] = []
    for (let r = 0; r < rounds(); r++) {
      let page = await freshPage()
      let t0 = performance.now()
      await importDump(page, dump)
      imports.push(performance.now() - t0)
      await dispose(page)
      page = await freshPage()
      t0 = performance.now()
      await syncBucket(page, bucket('full'), new DexiePush(page), new DexieMarks(page))
      pulls.push(performance.now() - t0)
      await dispose(page)
    }

    // The incremental case: a database holding the 10,000 runs, then 10 new ones of the writer.
    const big = await freshPage()
    await syncBucket(big, bucket('full'), new DexiePush(big), new DexieMarks(big))
    const small = new JournalDatabase(join((dirs[1] as { dir: string }).dir, 'data'), { onProblem: () => undefined })
    await small.createTable()
    const incremental: number[] = []
    const empty: number[] = []
    let bytes = 0
    for (let r = 0; r < rounds(); r++) {
      await writeRuns(writer, 10, RUNS + 10 * r)
      await syncBucket(writer, bucket('full'), new JournalPush(writer), new JournalMarks(writer))
      let t0 = performance.now()
      const got = await syncBucket(big, bucket('full'), new DexiePush(big), new DexieMarks(big))
      incremental.push(performance.now() - t0)
      bytes = got.pulled.bytes + got.pushed.bytes
      // The same 10 runs alone under a prefix of their own, into an empty database.
      await writeRuns(small, 10, RUNS + 10 * r)
      await syncBucket(small, bucket(`ten-${r}`), new JournalPush(small), new JournalMarks(small))
      const page = await freshPage()
      t0 = performance.now()
      await syncBucket(page, bucket(`ten-${r}`), new DexiePush(page), new DexieMarks(page))
      empty.push(performance.now() - t0)
      await dispose(page)
    }
    await dispose(big)
    writer.close()
    small.close()
    const figures = {
      sync_runs: RUNS, sync_points_per_run: POINTS, sync_full_bytes: first.pushed.bytes,
      ...ratio('sync_pull_10k_vs_file_import', imports, pulls),
      ...spread('sync_pull_10k_ms', pulls.map(Math.round)),
      ...spread('sync_file_import_10k_ms', imports.map(Math.round)),
      ...spread('sync_incremental_10_ms', incremental.map(Math.round)),
      ...spread('sync_empty_10_ms', empty.map(Math.round)),
      ...ratio('sync_incremental_10_vs_empty', incremental, empty),
      sync_incremental_10_bytes: bytes,
    }
    console.log(figures)
    await writeFile(new URL('../.results/sync.json', import.meta.url), JSON.stringify(figures))
  } finally {
    await s3.stop()
    for (const d of dirs) d.remove()
  }
})
