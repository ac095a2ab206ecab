/**
 * Sync convergence, for any interleaving (fast-check): three databases (two
 * journal directories and an IndexedDB database) write runs, report more
 * metrics on runs they wrote, set notes and tags on any run they hold (their
 * own or another's), and sync in any order; once each has synced enough after
 * the last write, all hold the same runs, each once, with the same notes and
 * tags, and one more sync pushes nothing.
 */
import { join } from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { JournalDatabase } from '../../../src/db/journal/database.js'
import { JournalMarks, JournalPush } from '../../../src/db/journal/sync-state.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { minimize } from '../../../src/db/model/study.js'
import { int } from '../../../src/db/model/values.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { DexieMarks } from '../../../src/db/store/dexie-marks.js'
import { DexiePush } from '../../../src/db/store/dexie-push.js'
import { syncBucket } from '../../../src/db/sync/bucket-sync.js'
import { S3Bucket } from '../../../src/db/sync/s3.js'
import { tempDir } from '../cli/cli.js'
import { S3_KEY, startS3, type S3Server } from './s3-server.js'

type Op = { kind: 'write'; side: number; runs: number } | { kind: 'report'; side: number; loss: number } | { kind: 'sync'; side: number } |
  { kind: 'annotate'; side: number; run: number; note?: string; tags?: string[] }

// Syncs weigh most: a run must travel before another side can annotate it.
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('write' as const), side: fc.nat(2), runs: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('report' as const), side: fc.nat(2), loss: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), side: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('annotate' as const), side: fc.nat(2), run: fc.nat(20), note: fc.constantFrom('', 'good', 'bad') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('annotate' as const), side: fc.nat(2), run: fc.nat(20), tags: fc.subarray(['a', 'b', 'c']) }) },
)

let s3: S3Server
beforeAll(async () => { s3 = await startS3(['team']) })
afterAll(async () => { await s3.stop() })

let n = 0

describe('sync', () => {
  it('converges for any interleaving of writes, reports, notes, tags and syncs', async () => {
    await fc.assert(fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
      const prefix = `p${++n}`
      const bucket = new S3Bucket({ endpoint: s3.endpoint, bucket: 'team', prefix, region: 'us-east-1', pathStyle: true }, S3_KEY)
      const dirs = [tempDir('diviner-conv-'), tempDir('diviner-conv-')]
      const journals = dirs.map((d) => new JournalDatabase(join(d.dir, 'data'), { onProblem: () => undefined }))
      const page = new DexieDatabase(`conv-${n}`)
      try {
        for (const j of journals) await j.createTable()
        await page.createTable()
        const sides = [
          { db: journals[0] as JournalDatabase, push: new JournalPush(journals[0] as JournalDatabase), marks: new JournalMarks(journals[0] as JournalDatabase), mine: [] as number[] },
          { db: journals[1] as JournalDatabase, push: new JournalPush(journals[1] as JournalDatabase), marks: new JournalMarks(journals[1] as JournalDatabase), mine: [] as number[] },
          { db: page, push: new DexiePush(page), marks: new DexieMarks(page), mine: [] as number[] },
        ]
        const study = { name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2)) }, description: '' }
        let written = 0
        for (const o of ops) {
          const side = sides[o.side] as (typeof sides)[number]
          if (o.kind === 'write') {
            await side.db.createStudyIfNotExist(study)
            for (let i = 0; i < o.runs; i++) side.mine.push((await side.db.insertRun({ study: 's', values: { x: int(1 + (i % 2)) } })).seq)
            written += o.runs
          } else if (o.kind === 'report') {
            const seq = side.mine.at(-1)
            if (seq !== undefined) await side.db.appendRunMetrics('s', seq, { loss: o.loss })
          } else if (o.kind === 'annotate') {
            const runs = await side.db.listRuns('s', RunState.Any).catch(() => [])
            const run = runs[o.run % Math.max(1, runs.length)]
            if (run && o.note !== undefined) await side.db.setRunNote('s', run.seq, o.note)
            if (run && o.tags) await side.db.setRunTags('s', run.seq, o.tags)
          } else {
            await syncBucket(side.db, bucket, side.push, side.marks)
          }
        }
        for (let round = 0; round < 3; round++) for (const side of sides) await syncBucket(side.db, bucket, side.push, side.marks)
        const prints = await Promise.all(sides.map(async (side) => {
          const runs = await side.db.listRuns('s', RunState.Any).catch(() => [])
          const notes = new Map((await side.db.runAnnotations('s').catch(() => [])).map((a) => [a.id, [a.note, a.tags]]))
          return runs.map((r) => JSON.stringify([r.id, r.metrics, notes.get(r.id) ?? null])).sort()
        }))
        expect(prints[0]).toHaveLength(written)
        expect(prints[1]).toEqual(prints[0])
        expect(prints[2]).toEqual(prints[0])
        for (const side of sides) expect((await syncBucket(side.db, bucket, side.push, side.marks)).pushed.objects).toBe(0)
      } finally {
        for (const j of journals) j.close()
        for (const d of dirs) d.remove()
        page.close()
        await page.dexie.delete()
      }
    }), { numRuns: 20, seed: 20261204 })
  }, 240_000)
})
