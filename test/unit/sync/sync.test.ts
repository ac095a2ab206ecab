/**
 * Sync through a real S3-compatible server (s3rver on a free loopback port):
 * journal directories and an IndexedDB database converge to the same runs,
 * every run once, whatever fails on the way.
 */
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { AwsV4Signer } from 'aws4fetch'
import { afterEach, describe, expect, it } from 'vitest'
import { JournalDatabase } from '../../../src/db/journal/database.js'
import { JournalMarks, JournalPush } from '../../../src/db/journal/sync-state.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState, type Run } from '../../../src/db/model/run.js'
import { minimize, type Study } from '../../../src/db/model/study.js'
import { int } from '../../../src/db/model/values.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { DexieMarks } from '../../../src/db/store/dexie-marks.js'
import { DexiePush } from '../../../src/db/store/dexie-push.js'
import { objectKey, remoteId, syncBucket, type PushStore } from '../../../src/db/sync/bucket-sync.js'
import { importDump } from '../../../src/db/merge/import.js'
import { S3Bucket } from '../../../src/db/sync/s3.js'
import type { MergeTarget } from '../../../src/db/merge/target.js'
import type { MarkStore } from '../../../src/db/sync/segments.js'
import { tempDir } from '../cli/cli.js'
import { S3_KEY, startS3, type S3Server } from './s3-server.js'

const STUDY: Study = { name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2), int(3)) } }

let cleanup: (() => Promise<void> | void)[] = []
afterEach(async () => { for (const c of cleanup.reverse()) await c(); cleanup = [] })

/** A server with the bucket `team`, or (given its port and files) the same server started again, its objects kept. */
async function server(port?: number, directory?: string): Promise<S3Server> {
  const s = await startS3(directory ? [] : ['team'], { ...(port ? { port } : {}), ...(directory ? { directory } : {}) })
  cleanup.push(() => s.stop().catch(() => undefined))
  return s
}

function bucket(s: S3Server | string, prefix = 'exp', key = S3_KEY, fetcher?: typeof fetch): S3Bucket {
  return new S3Bucket({ endpoint: typeof s === 'string' ? s : s.endpoint, bucket: 'team', prefix, region: 'us-east-1', pathStyle: true }, key, fetcher)
}

/** A database that syncs: a journal directory or an IndexedDB database. */
interface Side { readonly db: MergeTarget & Pick<JournalDatabase, 'createStudyIfNotExist' | 'insertRun' | 'appendRunMetrics' | 'updateRun' | 'listRuns' | 'setRunNote' | 'setRunTags' | 'runAnnotations'>; readonly push: PushStore; readonly marks: MarkStore }

async function journal(): Promise<Side & { dir: string }> {
  const t = tempDir('diviner-sync-')
  const db = new JournalDatabase(join(t.dir, 'data'), { onProblem: () => undefined })
  await db.createTable()
  cleanup.push(() => { db.close(); t.remove() })
  return { db, push: new JournalPush(db), marks: new JournalMarks(db), dir: join(t.dir, 'data') }
}

let pages = 0
async function page(): Promise<Side & { dexie: DexieDatabase }> {
  const db = new DexieDatabase(`sync-page-${++pages}-${Date.now()}`)
  await db.createTable()
  cleanup.push(async () => { db.close(); await db.dexie.delete() })
  return { db, push: new DexiePush(db), marks: new DexieMarks(db), dexie: db }
}

/** How far a page's pushes to `b` (and the pulls counted as pushed) have covered its changes, and its change counter. */
async function pushedThrough(p: { dexie: DexieDatabase }, b: S3Bucket): Promise<{ state: number | undefined; counter: number }> {
  const state = await p.dexie.dexie.pushStates.get(remoteId(b.location))
  return { state: state?.rev, counter: await p.dexie.exportView().changeCounter() }
}

async function write(side: Side, runs: number, tag: number): Promise<void> {
  await side.db.createStudyIfNotExist(STUDY)
  for (let i = 0; i < runs; i++) {
    const r = await side.db.insertRun({ study: 's', values: { x: int(1 + (i % 3)) } })
    await side.db.appendRunMetrics('s', r.seq, { loss: tag + i / 1000 })
    await side.db.updateRun('s', r.seq, RunState.Success, `tag ${tag}`, 10, 0)
  }
}

/**
 * A bucket holding one object of 1,500 runs pushed by another page (the
 * object's bytes, to import as a pull would, batch by batch); a page `p` that
 * has pushed once (nothing: its push state at 0) and not yet pulled; and a
 * page `q` that has done neither.
 */
async function pulling() {
  const b = bucket(await server())
  const [a, p, q] = [await page(), await page(), await page()]
  await sync(p, b)
  await write(a, 1500, 1)
  await sync(a, b)
  const { objects } = await b.list('exp/')
  const object = await b.get((objects[0] as { key: string }).key)
  expect(await p.dexie.dexie.runs.count()).toBe(0)
  return { b, p, q, object }
}

function sync(side: Side, b: S3Bucket) {
  return syncBucket(side.db, b, side.push, side.marks)
}

/** What every side must agree on: each run by id with its state and history (seqs are local names). */
async function fingerprint(side: Side): Promise<string[]> {
  const runs: Run[] = await side.db.listRuns('s', RunState.Any)
  return runs.map((r) => JSON.stringify([r.id, r.state, r.status, r.metrics, r.values['x']?.value.toString()])).sort()
}

describe('sync through a bucket', () => {
  it('two journal directories and a page converge, every run once, and a repeated sync moves nothing', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, c, p] = [await journal(), await journal(), await page()]
    await write(a, 5, 1)
    await write(c, 4, 2)
    await write(p, 3, 3)
    // Three rounds: the first brings every run everywhere; the second settles the study's definition (the
    // earliest created wins, a change each side passes on once); then nothing moves.
    for (let round = 0; round < 3; round++) for (const side of [a, c, p]) await sync(side, b)
    const expected = await fingerprint(a)
    expect(expected).toHaveLength(12)
    expect(await fingerprint(c)).toEqual(expected)
    expect(await fingerprint(p)).toEqual(expected)
    for (const side of [a, c, p]) {
      const again = await sync(side, b)
      expect(again.pushed.objects).toBe(0)
      expect(again.pulled.segments).toBe(0)
    }
    // Each origin's objects, numbered from 1, never rewritten.
    const { objects } = await b.list('exp/')
    expect(objects.map((o) => o.key.replace(/^exp\/[^/]+\//, ''))).toEqual(expect.arrayContaining(['000000000001.jsonl.gz']))
  })

  it('later changes travel as new objects: a run that goes on reporting reaches the others', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, p] = [await journal(), await page()]
    await a.db.createStudyIfNotExist(STUDY)
    const run = await a.db.insertRun({ study: 's', values: { x: int(1) } })
    await a.db.appendRunMetrics('s', run.seq, { loss: 1 })
    await sync(a, b)
    await sync(p, b)
    expect((await p.db.listRuns('s', RunState.Any))[0]?.metrics).toEqual([{ loss: 1 }])
    await a.db.appendRunMetrics('s', run.seq, { loss: 0.5 })
    await a.db.updateRun('s', run.seq, RunState.Success, 'done', 5, 0)
    expect((await sync(a, b)).pushed.objects).toBe(1)
    await sync(p, b)
    expect(await fingerprint(p)).toEqual(await fingerprint(a))
  })

  it('a note or tags set on a run another origin recorded reach every side, as the run\'s line alone, and nothing echoes back and forth', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, c, p] = [await journal(), await journal(), await page()]
    await write(a, 2, 1)
    for (const side of [a, c, p]) await sync(side, b)
    // a's runs by their values: x = 1 for the first, 2 for the second.
    const seqOf = async (side: Side, n: number) => ((await side.db.listRuns('s', RunState.Any)).find((r) => r.values['x']?.value === BigInt(n + 1)) as Run).seq
    // The page notes a's first run, a journal tags it, and a notes its own second run.
    await p.db.setRunNote('s', await seqOf(p, 0), 'diverged after warm-up')
    await c.db.setRunTags('s', await seqOf(c, 0), ['baseline'])
    await a.db.setRunNote('s', await seqOf(a, 1), 'the one to beat')
    const pushed = []
    for (const side of [p, c, a]) pushed.push((await sync(side, b)).pushed)
    expect(pushed.map((x) => x.runs)).toEqual([1, 1, 1])
    // The page's and the journal's objects hold the study and the run's line, not its history.
    const { objects } = await b.list('exp/')
    const lines = await Promise.all(objects.map(async (o) => gunzipSync(await b.get(o.key)).toString().trim().split('\n').map((l) => (JSON.parse(l) as { t?: string }).t ?? 'header')))
    expect(lines.filter((ts) => ts.length === 3)).toHaveLength(2)
    for (const ts of lines.filter((t) => t.length === 3)) expect(ts).toEqual(['header', 'study', 'run'])
    for (let round = 0; round < 2; round++) for (const side of [a, c, p]) await sync(side, b)
    const notes = async (side: Side) => (await side.db.runAnnotations('s')).map((r) => JSON.stringify([r.id, r.note, r.tags])).sort()
    const expected = await notes(a)
    expect(expected).toHaveLength(2)
    expect(expected.join()).toContain('diverged after warm-up')
    expect(expected.join()).toContain('baseline')
    expect(expected.join()).toContain('the one to beat')
    expect(await notes(c)).toEqual(expected)
    expect(await notes(p)).toEqual(expected)
    for (const side of [a, c, p]) expect((await sync(side, b)).pushed.objects).toBe(0)
    expect(await fingerprint(c)).toEqual(await fingerprint(a))
    expect(await fingerprint(p)).toEqual(await fingerprint(a))
  })

  it('three writers pushing 1,000 runs each at once end with 3,000 runs, none twice', async () => {
    const s = await server()
    const b = bucket(s)
    const sides = [await journal(), await journal(), await page()]
    await Promise.all(sides.map((side, i) => write(side, 1000, i)))
    await Promise.all(sides.map((side) => sync(side, b)))
    for (const side of sides) await sync(side, b)
    const prints = await Promise.all(sides.map(fingerprint))
    expect(prints[0]).toHaveLength(3000)
    expect(new Set(prints[0]).size).toBe(3000)
    expect(prints[1]).toEqual(prints[0])
    expect(prints[2]).toEqual(prints[0])
  }, 120_000)

  it('what a page pulls counts as pushed: the next push reads none of it back, and sends only what the page wrote', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, p, q] = [await page(), await page(), await page()]
    await write(a, 300, 1)
    await sync(a, b)
    await sync(p, b)
    expect(await fingerprint(p)).toHaveLength(300)
    const after = await pushedThrough(p, b)
    expect(after.counter).toBeGreaterThan(0)
    expect(after.state).toBe(after.counter)
    await write(p, 1, 2)
    const r = await sync(p, b)
    expect(r.pushed).toMatchObject({ objects: 1, runs: 1 })
    await sync(q, b)
    expect(await fingerprint(q)).toEqual(await fingerprint(p))
  })

  it('a page\'s own write made before a pull is still pushed after it', async () => {
    const { b, p, q, object } = await pulling()
    await write(p, 1, 2)
    const before = await pushedThrough(p, b)
    expect(before.state).toBeLessThan(before.counter)
    await importDump(p.db, object, { from: remoteId(b.location) })
    const after = await pushedThrough(p, b)
    expect(after.state).toBe(before.state)
    expect(await fingerprint(p)).toHaveLength(1501)
    const r = await sync(p, b)
    expect(r.pushed.runs).toBe(1)
    await sync(q, b)
    expect(await fingerprint(q)).toEqual(await fingerprint(p))
  }, 60_000)

  it('a write between two batches of a pull stops the pull from counting later batches as pushed', async () => {
    const { b, p, q, object } = await pulling()
    // The page's import, with the page's own write made once its first batch is in and before the next one.
    let batches = 0
    const between: MergeTarget = {
      async beginMerge(options) {
        const session = await p.dexie.beginMerge(options)
        return {
          localId: session.localId,
          async apply(names, ids, merge) {
            await session.apply(names, ids, merge)
            if (++batches === 1) await write(p, 1, 3)
          },
          announce: (studies) => session.announce(studies),
          commit: (changed) => session.commit(changed),
          rollback: (cause) => session.rollback(cause),
        }
      },
    }
    await importDump(between, object, { from: remoteId(b.location) })
    expect(batches).toBeGreaterThan(2)
    const after = await pushedThrough(p, b)
    expect(after.state).toBeGreaterThan(0)
    expect(after.state).toBeLessThan(after.counter)
    const r = await sync(p, b)
    expect(r.pushed.runs).toBe(1)
    await sync(q, b)
    expect(await fingerprint(q)).toEqual(await fingerprint(p))
    expect(await fingerprint(q)).toHaveLength(1501)
  }, 60_000)

  it('a server stopped in a pull is repaired by the next sync: nothing half merged, nothing lost', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, p] = [await journal(), await page()]
    await write(a, 50, 1)
    await sync(a, b)
    await s.close()
    await expect(sync(p, b)).rejects.toMatchObject({ message: expect.stringContaining(`cannot reach ${s.endpoint}`) })
    expect(await fingerprint(p).catch(() => [])).toEqual([])
    // The same server comes back (same port, same files): the next sync completes.
    const port = Number(new URL(s.endpoint).port)
    await server(port, s.directory)
    await sync(p, b)
    expect(await fingerprint(p)).toEqual(await fingerprint(a))
  })

  it('a server stopped in a push leaves the run to push again; the next push writes the next object, nothing twice', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, p] = [await journal(), await page()]
    await write(a, 3, 1)
    await sync(a, b)
    await write(a, 2, 2)
    const port = Number(new URL(s.endpoint).port)
    await s.close()
    await expect(sync(a, b)).rejects.toMatchObject({ details: { remote: true } })
    await server(port, s.directory)
    const again = await sync(a, b)
    expect(again.pushed).toMatchObject({ objects: 1, runs: 2 })
    await sync(p, b)
    expect(await fingerprint(p)).toEqual(await fingerprint(a))
    expect(await fingerprint(p)).toHaveLength(5)
  })

  it('a server that goes down in the middle of a pull: what came in stays, the rest comes at the next sync, nothing twice', async () => {
    const s = await server()
    const [a, c, p] = [await journal(), await journal(), await page()]
    await write(a, 20, 1)
    await write(c, 20, 2)
    await sync(a, bucket(s))
    await sync(c, bucket(s))
    // The real server stops as the second object is asked for.
    let gets = 0
    const stopping: typeof fetch = async (input, init) => {
      const req = new Request(input, init)
      if (req.method === 'GET' && /\.jsonl\.gz$/.test(new URL(req.url).pathname) && ++gets === 2) await s.close()
      return fetch(req)
    }
    const r = await sync(p, bucket(s, 'exp', S3_KEY, stopping))
    expect(r.pulled.segments).toBe(1)
    expect(r.pulled.failed).toHaveLength(1)
    expect(r.pulled.failed[0]?.error.message).toContain('cannot reach')
    expect(await fingerprint(p)).toHaveLength(20)
    await server(Number(new URL(s.endpoint).port), s.directory)
    await sync(p, bucket(s))
    const all = await fingerprint(p)
    expect(all).toHaveLength(40)
    expect([...await fingerprint(a), ...await fingerprint(c)].sort()).toEqual(expect.arrayContaining(all))
  })

  it('a server that goes down in the middle of a push (the object stored, its answer lost): the next push does not overwrite it, nothing twice', async () => {
    const s = await server()
    const [a, p] = [await journal(), await page()]
    await write(a, 4, 1)
    const losing: typeof fetch = async (input, init) => {
      const req = new Request(input, init)
      const res = await fetch(req)
      if (req.method === 'PUT') { await s.close(); throw new TypeError('fetch failed') }
      return res
    }
    await expect(sync(a, bucket(s, 'exp', S3_KEY, losing))).rejects.toMatchObject({ details: { remote: true } })
    await server(Number(new URL(s.endpoint).port), s.directory)
    await write(a, 1, 2)
    const again = await sync(a, bucket(s))
    expect(again.pushed).toMatchObject({ objects: 1, runs: 5 })
    const { objects } = await bucket(s).list('exp/')
    expect(objects.map((o) => o.key.slice(-21))).toEqual(['000000000001.jsonl.gz', '000000000002.jsonl.gz'])
    await sync(p, bucket(s))
    expect(await fingerprint(p)).toEqual(await fingerprint(a))
    expect(await fingerprint(p)).toHaveLength(5)
  })

  it('wrong credentials and a missing bucket give a clear error naming the cause', async () => {
    const s = await server()
    const a = await journal()
    await write(a, 1, 1)
    await expect(sync(a, bucket(s, 'exp', { accessKeyId: 'someone-else', secretAccessKey: 'x' }))).rejects.toMatchObject({
      message: 'the server does not know this access key id: check the credentials for team',
    })
    const missing = new S3Bucket({ endpoint: s.endpoint, bucket: 'nothere', prefix: 'exp', region: 'us-east-1', pathStyle: true }, S3_KEY)
    await expect(sync(a, missing)).rejects.toMatchObject({ code: 'not-exist', message: expect.stringContaining('there is no bucket nothere') })
    // The secret never shows in an error.
    const err = await sync(a, bucket(s, 'exp', { accessKeyId: 'someone-else', secretAccessKey: 'hunter2-secret' })).catch((e: unknown) => e)
    expect(JSON.stringify(err) + String(err)).not.toContain('hunter2-secret')
  })

  it('a corrupted or foreign object is reported by key while everything else keeps syncing', async () => {
    const s = await server()
    const b = bucket(s)
    const [a, c, p] = [await journal(), await journal(), await page()]
    await write(a, 3, 1)
    await write(c, 2, 2)
    await sync(a, b)
    await sync(c, b)
    const bad = objectKey('exp', 'f00dface-0000-4000-8000-000000000000', 1)
    await b.put(bad, new TextEncoder().encode('this is not gzip'))
    await b.put('exp/readme.txt', new TextEncoder().encode('hello'))
    const r = await sync(p, b)
    expect(r.pulled.failed.map((f) => f.key)).toEqual([bad])
    expect(r.pulled.failed[0]?.error.message).toMatch(new RegExp(`^${bad.replace(/[.]/g, '\\.')}: line 1: not a dump`))
    expect(r.foreign).toEqual(['exp/readme.txt'])
    expect(await fingerprint(p)).toHaveLength(5)
  })
})

describe('SigV4 signing (s3rver does not check signatures)', () => {
  it('signs AWS\'s published examples as AWS does', async () => {
    const vanilla = await new AwsV4Signer({ method: 'GET', url: 'https://example.amazonaws.com/', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', service: 'service', region: 'us-east-1', datetime: '20150830T123600Z' }).sign()
    expect(vanilla.headers.get('authorization')).toBe('AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31')
    // S3's own example (GET /test.txt with a range; the range signed as AWS's example signs it).
    const s3 = await new AwsV4Signer({ method: 'GET', url: 'https://examplebucket.s3.amazonaws.com/test.txt', headers: { Range: 'bytes=0-9', 'X-Amz-Content-Sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', service: 's3', region: 'us-east-1', datetime: '20130524T000000Z', allHeaders: true }).sign()
    expect(s3.headers.get('authorization')).toBe('AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41')
  })
})

