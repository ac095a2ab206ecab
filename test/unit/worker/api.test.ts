/**
 * The worker API beyond the Database, through a real worker thread: dumps as
 * Blobs with proxied progress, study overviews, run rows, leaderboards, and the
 * change announcements every write makes.
 */
import * as Comlink from 'comlink'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { DivinerError } from '../../../src/db/model/errors.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { maximize, minimize, type Study } from '../../../src/db/model/study.js'
import { float, int, str } from '../../../src/db/model/values.js'
import { dumpFilename, type ImportProgress } from '../../../src/worker/api.js'
import { onDatabaseChange, type DatabaseChange } from '../../../src/worker/changes.js'
import { startNodeWorkerDatabase, type NodeWorkerDatabase } from '../../node-worker/start.js'

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e)
}

async function writeLog(w: NodeWorkerDatabase, study: string, seq: number, ...texts: string[]): Promise<void> {
  const writer = w.db.logger(study, seq).getWriter()
  for (const t of texts) await writer.write(t)
  await writer.close()
}

async function readLog(w: NodeWorkerDatabase, study: string, seq: number): Promise<string> {
  let text = ''
  for await (const piece of w.db.log(study, seq)) text += piece
  return text
}

/** The lines of a dump Blob, decompressed. */
async function dumpLines(blob: Blob): Promise<unknown[]> {
  const text = gunzipSync(new Uint8Array(await blob.arrayBuffer())).toString('utf8')
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown)
}

const FILENAME = /^diviner-all-\d{8}-\d{6}\.diviner\.gz$/

const sweep: Study = {
  name: 'sweep',
  objective: minimize('loss'),
  params: { lr: range(0.0001, 1), opt: discrete(str('adam'), str('sgd')) },
  replicates: 1,
}

describe('dumps', () => {
  let source: NodeWorkerDatabase
  let target: NodeWorkerDatabase

  beforeAll(async () => {
    ;[source, target] = await Promise.all([startNodeWorkerDatabase('dump-source'), startNodeWorkerDatabase('dump-target')])
    await source.db.createStudyIfNotExist(sweep)
    for (let i = 0; i < 5; i++) {
      const run = await source.db.insertRun({ study: 'sweep', values: { lr: float(0.1 * (i + 1)), opt: str('adam') }, replicate: i % 2 })
      await source.db.appendRunMetrics('sweep', run.seq, { loss: 1 / (i + 1), step: 1 })
      await source.db.appendRunMetrics('sweep', run.seq, { loss: NaN, step: 2 })
      if (i < 3) await source.db.updateRun('sweep', run.seq, RunState.Success, `done ${i}`, 1000 * i, 0)
      await writeLog(source, 'sweep', run.seq, `run ${i}\n`, 'epoch 1\n')
    }
  })

  afterAll(async () => {
    await Promise.all([source?.terminate(), target?.terminate()])
  })

  test('an export is a Blob of a gzip dump, with its checkpoint, a file name and progress', async () => {
    const progress: { runs: number; bytes: number }[] = []
    const { blob, checkpoint, filename } = await source.api.exportDump({}, Comlink.proxy((p: { runs: number; bytes: number }) => { progress.push(p) }))
    expect(blob).toBeInstanceOf(Blob)
    expect(filename).toMatch(FILENAME)
    const [header, ...records] = await dumpLines(blob)
    expect(header).toMatchObject({ format: 'diviner-local-dump', version: 1, covers: { kind: 'all' } })
    expect(header).toMatchObject({ origin: checkpoint.db, checkpoint })
    expect(checkpoint.rev).toBeGreaterThan(0)
    expect(records.filter((r) => (r as { t?: string }).t === 'run')).toHaveLength(5)
    expect(progress.at(-1)).toEqual({ runs: 5, bytes: blob.size })
  })

  test('file names say what the dump holds', async () => {
    const one = await source.api.exportDump({ studies: ['sweep'] })
    expect(one.filename).toMatch(/^diviner-sweep-\d{8}-\d{6}\.diviner\.gz$/)
    const runs = await source.api.exportDump({ runs: ['sweep:1', { study: 'sweep', seq: 2 }] })
    expect(runs.filename).toMatch(/^diviner-2-runs-\d{8}-\d{6}\.diviner\.gz$/)
    const delta = await source.api.exportDump({ since: one.checkpoint })
    expect(delta.filename).toMatch(new RegExp(`^diviner-changes-since-${one.checkpoint.rev}-\\d{8}-\\d{6}\\.diviner\\.gz$`))
    expect((await dumpLines(delta.blob))[0]).toMatchObject({ covers: { kind: 'delta', since: one.checkpoint } })

    const when = new Date(2024, 0, 31, 23, 5, 9)
    expect(dumpFilename({ studies: ['a b/c:ü'] }, when)).toBe('diviner-a_b_c__-20240131-230509.diviner.gz')
    expect(dumpFilename({ studies: ['a', 'b'] }, when)).toBe('diviner-2-studies-20240131-230509.diviner.gz')
    expect(dumpFilename({ runs: ['a:1'] }, when)).toBe('diviner-1-run-20240131-230509.diviner.gz')
    expect(dumpFilename({}, when)).toBe('diviner-all-20240131-230509.diviner.gz')
  })

  test('an export of a missing study, or a cancelled one, rejects with its code', async () => {
    expect(await rejection(source.api.exportDump({ studies: ['nope'] }))).toMatchObject({ code: 'not-exist' })
    const e = await rejection(source.api.exportDump({}, undefined, AbortSignal.abort()))
    expect(e).toBeInstanceOf(DivinerError)
    expect(e).toMatchObject({ code: 'aborted' })
  })

  test('an import reports progress, ends with a final report, and resolves to the summary', async () => {
    const { blob } = await source.api.exportDump({})
    const progress: ImportProgress[] = []
    const summary = await target.api.importDump(blob, Comlink.proxy((p: ImportProgress) => { progress.push(p) }))
    expect(summary).toMatchObject({
      source: 'diviner-dump',
      studies: { added: 1, updated: 0, unchanged: 0, conflicts: 0 },
      runs: { added: 5, updated: 0, unchanged: 0, rejected: 0 },
    })
    expect(progress.length).toBeGreaterThanOrEqual(1)
    expect(progress.at(-1)).toEqual({ bytesRead: blob.size, bytesTotal: blob.size, records: summary.records })

    const strip = (runs: Awaited<ReturnType<typeof source.db.listRuns>>) => runs.map(({ origin: _origin, ...r }) => r)
    expect(strip(await target.db.listRuns('sweep', RunState.Any))).toEqual(strip(await source.db.listRuns('sweep', RunState.Any)))
    for (let seq = 1; seq <= 5; seq++) expect(await readLog(target, 'sweep', seq)).toBe(await readLog(source, 'sweep', seq))

    const again = await target.api.importDump(blob)
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 5, rejected: 0 })
  })

  test('a corrupt dump rejects with bad-dump naming the line, and changes nothing', async () => {
    const { blob } = await source.api.exportDump({})
    const lines = gunzipSync(new Uint8Array(await blob.arrayBuffer())).toString('utf8').split('\n')
    lines[2] = '{"type": "run", "this is": not json'
    const bad = new Blob([gzipSync(lines.join('\n'))])
    const before = await target.db.listStudies('')
    const e = await rejection(target.api.importDump(new Blob([bad]), Comlink.proxy(() => undefined)))
    expect(e).toBeInstanceOf(DivinerError)
    expect(e).toMatchObject({ code: 'bad-dump', details: { line: 3 } })
    expect(await target.db.listStudies('')).toEqual(before)

    const notGzip = await rejection(target.api.importDump(new Blob(['hello, world'])))
    expect(notGzip).toMatchObject({ code: 'bad-dump', details: { line: 1 } })
  })

  test('a cancelled import rejects with aborted', async () => {
    const { blob } = await source.api.exportDump({})
    expect(await rejection(target.api.importDump(blob, undefined, AbortSignal.abort()))).toMatchObject({ code: 'aborted' })
  })
})

describe('overviews, run rows and leaderboards', () => {
  let w: NodeWorkerDatabase

  /** Inserts a run and reports `metrics` as its only entry, then puts it in `state`. */
  async function run(study: string, values: Record<string, ReturnType<typeof float>>, metrics: Record<string, number> | undefined, state: number, replicate = 0): Promise<number> {
    const { seq } = await w.db.insertRun({ study, values, replicate })
    if (metrics) await w.db.appendRunMetrics(study, seq, metrics)
    if (state !== RunState.Pending) await w.db.updateRun(study, seq, state, '', 0, 0)
    w.advanceClock(10)
    return seq
  }

  const A = { lr: float(0.1) }
  const B = { lr: float(0.01) }
  const C = { lr: float(0.001) }

  beforeAll(async () => {
    w = await startNodeWorkerDatabase('overviews')
    await w.db.createStudyIfNotExist({ name: 'ov-a', objective: minimize('loss'), params: { lr: range(0, 1) }, replicates: 1 })
    await w.db.createStudyIfNotExist({ name: 'ov-b', objective: maximize('acc'), params: { lr: range(0, 1) } })
    await w.db.createStudyIfNotExist({ name: 'other', objective: maximize('acc'), params: { n: discrete(int(1)) } })
    // By hand, minimizing loss: B 0.25 (rep 0 0.15, rep 1 the newer pending 0.35; pending), A 0.3, C lacks loss.
    await run('ov-a', A, { loss: 0.4, acc: 0.8 }, RunState.Success, 0) // 1
    await run('ov-a', A, { loss: 0.2, acc: 0.9 }, RunState.Success, 1) // 2
    await run('ov-a', A, { loss: 0.1, acc: 0.1 }, RunState.Pending, 0) // 3: a finished rep 0 beats it
    await run('ov-a', B, { loss: 0.15, acc: 0.7 }, RunState.Success, 0) // 4
    await run('ov-a', B, { loss: 0.9, acc: 0.1 }, RunState.Failure, 1) // 5: older than 6
    await run('ov-a', B, { loss: 0.35, acc: 0.6 }, RunState.Pending, 1) // 6
    await run('ov-a', C, { acc: 0.5 }, RunState.Success, 0) // 7
    await run('ov-a', C, undefined, RunState.Pending, 1) // 8: reported nothing
  })

  afterAll(async () => {
    await w?.terminate()
  })

  test('runRows: runs without histories, with their last entry and counts', async () => {
    const rows = await w.api.runRows('ov-a')
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(rows[0]).toMatchObject({ study: 'ov-a', seq: 1, values: A, state: RunState.Success, last: { loss: 0.4, acc: 0.8 }, metricCount: 1, logCount: 0 })
    expect(rows[0]?.updated).toBeInstanceOf(Date)
    expect(rows[7]).toMatchObject({ last: {}, metricCount: 0 })
    expect(rows[0]).not.toHaveProperty('metrics')
    expect((await w.api.runRows('ov-a', RunState.Failure)).map((r) => r.seq)).toEqual([5])
    expect(await rejection(w.api.runRows('nope'))).toMatchObject({ code: 'not-exist' })
  })

  test('leaderboard: trials of successful runs only, as Diviner ranks them, the lacking last', async () => {
    const board = await w.api.leaderboard('ov-a', {})
    expect(board.objective).toEqual(minimize('loss'))
    expect(board.running).toBe(false)
    expect(board.left).toEqual({ running: 3, failed: 1, pruned: 0 })
    expect(board.trials.map((t) => [t.values, t.metrics['loss'], t.pending])).toEqual([[B, 0.15, false], [A, expect.closeTo(0.3, 12), false], [C, undefined, false]])
    expect(board.lacking).toBe(1)
    const [b, a] = board.trials
    // The failed replicate 1 of B never enters its mean, nor its runs.
    expect(b?.replicates).toEqual([0])
    expect(b?.runs.map((r) => r.seq)).toEqual([4])
    expect(a?.spread).toEqual({ loss: { min: 0.2, max: 0.4 }, acc: { min: 0.8, max: 0.9 } })
    expect(a?.runs.map((r) => r.seq)).toEqual([1, 2])
  })

  test('leaderboard: running trials when asked, marked pending; failures never', async () => {
    const board = await w.api.leaderboard('ov-a', { running: true })
    expect(board.running).toBe(true)
    expect(board.left).toEqual({ running: 0, failed: 1, pruned: 0 })
    expect(board.trials.map((t) => t.values)).toEqual([B, A, C])
    const [b, a, c] = board.trials
    expect(b?.metrics['loss']).toBeCloseTo(0.25, 12)
    expect(b?.pending).toBe(true)
    expect(b?.replicates).toEqual([0, 1])
    expect(b?.spread['loss']).toEqual({ min: 0.15, max: 0.35 })
    expect(b?.runs.map((r) => [r.seq, r.replicate, r.state])).toEqual([[4, 0, RunState.Success], [6, 1, RunState.Pending]])
    expect(a?.metrics['loss']).toBeCloseTo(0.3, 12)
    expect(a?.metrics['acc']).toBeCloseTo(0.85, 12)
    expect(a?.pending).toBe(false)
    expect(a?.runs[2]).toEqual({ seq: 3, replicate: 0, state: RunState.Pending, metrics: { loss: 0.1, acc: 0.1 } })
    expect(c?.metrics).toEqual({ acc: 0.5 })
    expect(c?.pending).toBe(true)
  })

  test('leaderboard: +metric and -metric override the objective', async () => {
    const up = await w.api.leaderboard('ov-a', { objective: '+acc', running: true })
    expect(up.objective).toEqual(maximize('acc'))
    expect(up.trials.map((t) => t.values)).toEqual([A, B, C])
    expect(up.lacking).toBe(0)
    const down = await w.api.leaderboard('ov-a', { objective: '-acc', running: true })
    expect(down.objective).toEqual(minimize('acc'))
    expect(down.trials.map((t) => t.values)).toEqual([C, B, A])
    expect(await rejection(w.api.leaderboard('ov-a', { objective: 'acc' }))).toMatchObject({ code: 'invalid' })
    expect(await rejection(w.api.leaderboard('nope', {}))).toMatchObject({ code: 'not-exist' })
  })

  test('studyOverviews: counts by reported state, runs, best, filtered by prefix and activity', async () => {
    const all = await w.api.studyOverviews()
    expect(all.map((o) => o.name)).toEqual(['other', 'ov-a', 'ov-b'])
    const [a, b] = await w.api.studyOverviews('ov-')
    expect(a).toMatchObject({ name: 'ov-a', objective: minimize('loss'), replicates: 1, counts: { pending: 3, success: 4, failure: 1 }, runs: 8, best: 0.15 })
    expect(a?.activity).toBeInstanceOf(Date)
    expect(b).toMatchObject({ name: 'ov-b', counts: { pending: 0, success: 0, failure: 0 }, runs: 0, best: undefined })
    expect(await w.api.studyOverviews('ov-', new Date(Date.now() + 3_600_000))).toEqual([])
  })

  test('studyOverviews: a pending run gone stale counts as failure', async () => {
    w.advanceClock(61_000)
    const [a] = await w.api.studyOverviews('ov-a')
    expect(a?.counts).toEqual({ pending: 0, success: 4, failure: 4, pruned: 0 })
  })
})

describe('change announcements', () => {
  let w: NodeWorkerDatabase
  let stops: (() => void)[] = []

  /** Starts listening as another tab would; returns what it hears. */
  function listen(): DatabaseChange[] {
    const heard: DatabaseChange[] = []
    stops.push(onDatabaseChange((c) => heard.push(c)))
    return heard
  }

  /** The studies named in what was heard. */
  const named = (heard: DatabaseChange[]) => new Set(heard.flatMap((c) => c.studies))

  beforeAll(async () => {
    w = await startNodeWorkerDatabase('changes', { loggerFlushMs: 20 })
  })

  afterAll(async () => {
    for (const stop of stops) stop()
    stops = []
    await w?.terminate()
  })

  test('a created study and an inserted run reach every listener', async () => {
    const first = listen()
    const second = listen()
    await w.db.createStudyIfNotExist({ name: 'ch-1', objective: minimize('loss'), params: { lr: range(0, 1) } })
    await vi.waitFor(() => expect(named(second)).toContain('ch-1'))
    second.length = 0
    await w.db.insertRun({ study: 'ch-1', values: { lr: float(0.5) } })
    await vi.waitFor(() => expect(named(second)).toContain('ch-1'))
    expect(named(first)).toContain('ch-1')
    expect(first.every((c) => c.type === 'changed')).toBe(true)
  })

  test('updates, metrics and log flushes are announced; bursts are coalesced', async () => {
    const heard = listen()
    const started = Date.now()
    for (let i = 0; i < 20; i++) {
      await w.db.updateRun('ch-1', 1, RunState.Pending, `step ${i}`, i, 0)
      await w.db.appendRunMetrics('ch-1', 1, { loss: 1 / (i + 1) })
    }
    await vi.waitFor(() => expect(named(heard)).toContain('ch-1'))
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(heard.length).toBeLessThanOrEqual(Math.ceil((Date.now() - started) / 100) + 1)
    heard.length = 0
    await writeLog(w, 'ch-1', 1, 'hello\n')
    await vi.waitFor(() => expect(named(heard)).toContain('ch-1'))
  })

  test('an import that changes something is announced; one that changes nothing is not', async () => {
    const other = await startNodeWorkerDatabase('changes-source')
    try {
      await other.db.createStudyIfNotExist({ name: 'ch-2', objective: minimize('loss'), params: { lr: range(0, 1) } })
      await other.db.insertRun({ study: 'ch-2', values: { lr: float(0.5) } })
      const { blob } = await other.api.exportDump({})
      await new Promise((resolve) => setTimeout(resolve, 150))
      const heard = listen()
      await w.api.importDump(blob)
      await vi.waitFor(() => expect(named(heard)).toContain('ch-2'))
      // Each batch of an import is announced, and the import again when it commits: let those arrive.
      await new Promise((resolve) => setTimeout(resolve, 250))
      heard.length = 0
      await w.api.importDump(blob)
      await new Promise((resolve) => setTimeout(resolve, 250))
      expect(heard).toEqual([])
    } finally {
      await other.terminate()
    }
  })
})
