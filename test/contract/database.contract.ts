/**
 * The Database contract (SPEC §2): one suite, run against every way of reaching
 * a Database (direct on fake-indexeddb, through the Comlink worker, on real
 * IndexedDB in Chromium).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/model/database.js'
import type { Annotating } from '../../src/db/model/annotations.js'
import { isDivinerError } from '../../src/db/model/errors.js'
import { discrete, logRange, range } from '../../src/db/model/params.js'
import { RunState, type Metrics } from '../../src/db/model/run.js'
import { maximize, minimize, type Study } from '../../src/db/model/study.js'
import { trials } from '../../src/db/model/trial.js'
import { bool, dict, float, int, list, str, valuesEqual, type Values } from '../../src/db/model/values.js'
import type { ContractHarness, HarnessFactory } from './harness.js'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A study with params of every kind. */
export function mnistStudy(name = 'mnist'): Study {
  return {
    name,
    objective: maximize('acc'),
    params: {
      lr: discrete(float(0.1), float(0.01)),
      layers: range(int(1), int(4)),
      optimizer: discrete(str('adam'), str('sgd')),
      dropout: range(float(0), float(0.5)),
    },
    replicates: 1,
    description: 'digits',
  }
}

const v1: Values = { lr: float(0.1), layers: int(2), optimizer: str('adam'), dropout: float(0.25) }
const v2: Values = { lr: float(0.01), layers: int(3), optimizer: str('sgd'), dropout: float(0) }

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  let err: unknown
  try { await p } catch (e) { err = e }
  expect(err, `expected a rejection with code ${code}`).toBeDefined()
  expect(isDivinerError(err) ? err.code : err).toBe(code)
}

async function readAll(stream: ReadableStream<string>): Promise<string> {
  let out = ''
  const reader = stream.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return out
    out += value
  }
}

async function writeLog(db: Database, study: string, seq: number, ...texts: string[]): Promise<void> {
  const w = db.logger(study, seq).getWriter()
  for (const t of texts) await w.write(t)
  await w.close()
}

/** Defines the contract suite for one way of reaching a Database. */
export function describeDatabaseContract(label: string, factory: HarnessFactory): void {
  describe(`Database contract: ${label}`, () => {
    let h: ContractHarness
    let db: Database
    beforeEach(async () => {
      h = await factory()
      db = h.db
      await db.createTable()
    })
    afterEach(async () => { await h.close() })

    describe('studies', () => {
      it('createTable is idempotent', async () => {
        await db.createStudyIfNotExist(mnistStudy())
        await db.createTable()
        await db.createTable()
        expect((await db.lookupStudy('mnist')).name).toBe('mnist')
      })

      it('creates a study once and never changes an existing one', async () => {
        expect(await db.createStudyIfNotExist(mnistStudy())).toBe(true)
        const other: Study = { name: 'mnist', objective: minimize('loss'), params: { x: discrete(int(1)) }, replicates: 5 }
        expect(await db.createStudyIfNotExist(other)).toBe(false)
        const got = await db.lookupStudy('mnist')
        expect(got.objective).toEqual(maximize('acc'))
        expect(got.replicates).toBe(1)
        expect(got.description).toBe('digits')
        expect(Object.keys(got.params).sort()).toEqual(['dropout', 'layers', 'lr', 'optimizer'])
        expect(got.params.lr).toEqual(discrete(float(0.1), float(0.01)))
        expect(got.params.layers).toEqual(range(int(1), int(4)))
      })

      it('fills defaults: replicates 0, empty description, grid oracle', async () => {
        await db.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2)) } })
        const got = await db.lookupStudy('s')
        expect(got.replicates).toBe(0)
        expect(got.description).toBe('')
        expect(got.oracle).toEqual({ name: 'grid' })
      })

      it('keeps a log-scale range as such', async () => {
        await db.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: { lr: logRange(1e-4, 0.1), n: logRange(int(1), int(9)), x: range(0, 1) } })
        const got = await db.lookupStudy('s')
        expect(got.params).toEqual({ lr: logRange(1e-4, 0.1), n: logRange(int(1), int(9)), x: range(0, 1) })
        expect(got.params['x']).not.toHaveProperty('log')
      })

      it('keeps an oracle it does not know verbatim', async () => {
        const oracle = { name: 'skopt', acquisition: 'EI', n: 3 }
        await db.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: {}, oracle })
        expect((await db.lookupStudy('s')).oracle).toEqual(oracle)
      })

      it('rejects an invalid study naming the field', async () => {
        const bad = [
          { ...mnistStudy(), name: '' },
          { ...mnistStudy(), replicates: 64 },
          { ...mnistStudy(), replicates: -1 },
        ]
        for (const s of bad) await rejectsWith(db.createStudyIfNotExist(s), 'invalid')
        expect(await db.listStudies('')).toEqual([])
      })

      it('looks up a missing study as not-exist', async () => {
        await rejectsWith(db.lookupStudy('nope'), 'not-exist')
      })

      it('lists studies by prefix, by name', async () => {
        for (const n of ['mnist-b', 'cifar', 'mnist-a']) await db.createStudyIfNotExist(mnistStudy(n))
        expect((await db.listStudies('mnist')).map((s) => s.name)).toEqual(['mnist-a', 'mnist-b'])
        expect((await db.listStudies('')).map((s) => s.name)).toEqual(['cifar', 'mnist-a', 'mnist-b'])
        expect(await db.listStudies('zzz')).toEqual([])
      })

      it('lists studies by activity: creation or any write to one of their runs', async () => {
        await db.createStudyIfNotExist(mnistStudy('quiet'))
        await db.createStudyIfNotExist(mnistStudy('busy'))
        const run = await db.insertRun({ study: 'busy', values: v1 })
        await sleep(30)
        const mark = new Date()
        await sleep(30)
        expect((await db.listStudies('', mark)).map((s) => s.name)).toEqual([])
        await db.updateRun('busy', run.seq, RunState.Pending, 'epoch 1', 1000, 0)
        expect((await db.listStudies('', mark)).map((s) => s.name)).toEqual(['busy'])
        await db.createStudyIfNotExist(mnistStudy('fresh'))
        expect((await db.listStudies('', mark)).map((s) => s.name)).toEqual(['busy', 'fresh'])
        const busy = await db.lookupStudy('busy')
        expect(busy.activity.getTime()).toBeGreaterThanOrEqual(mark.getTime())
        expect(busy.created.getTime()).toBeLessThan(mark.getTime())
      })
    })

    describe('seq', () => {
      beforeEach(async () => { await db.createStudyIfNotExist(mnistStudy()) })

      it('hands out 1, 2, 3 …', async () => {
        expect([await db.nextSeq('mnist'), await db.nextSeq('mnist'), await db.nextSeq('mnist')]).toEqual([1, 2, 3])
      })

      it('rejects a missing study as not-exist', async () => {
        await rejectsWith(db.nextSeq('nope'), 'not-exist')
      })

      it('is unique under concurrent calls', async () => {
        const seqs = await Promise.all(Array.from({ length: 200 }, () => db.nextSeq('mnist')))
        expect(new Set(seqs).size).toBe(200)
        expect(Math.max(...seqs)).toBe(200)
      })

      it('is unique across two connections racing 500 calls each', async ({ skip }) => {
        if (!h.connect) return skip('this way has a single connection')
        const other = await h.connect()
        const [a, b] = await Promise.all([
          Promise.all(Array.from({ length: 500 }, () => db.nextSeq('mnist'))),
          Promise.all(Array.from({ length: 500 }, () => other.nextSeq('mnist'))),
        ])
        const all = new Set([...a, ...b])
        expect(all.size).toBe(1000)
        expect(Math.min(...all)).toBe(1)
        expect(Math.max(...all)).toBe(1000)
      })
    })

    describe('runs', () => {
      beforeEach(async () => { await db.createStudyIfNotExist(mnistStudy()) })

      it('inserts a pending run with a fresh seq, empty status and metrics, created = updated = now', async () => {
        const before = Date.now()
        const run = await db.insertRun({ study: 'mnist', values: v1, config: { script: 'python train.py' }, replicate: 1 })
        expect(run.seq).toBe(1)
        expect(run.study).toBe('mnist')
        expect(run.state).toBe(RunState.Pending)
        expect(run.status).toBe('')
        expect(run.metrics).toEqual([])
        expect(run.runtime).toBe(0)
        expect(run.retries).toBe(0)
        expect(run.replicate).toBe(1)
        expect(run.config.script).toBe('python train.py')
        expect(run.created.getTime()).toBe(run.updated.getTime())
        expect(run.created.getTime()).toBeGreaterThanOrEqual(before - 5)
        expect(run.origin).toBeUndefined()
        expect(valuesEqual(run.values, v1)).toBe(true)
        expect((await db.insertRun({ study: 'mnist', values: v2 })).seq).toBe(2)
      })

      it('inserts with a seq reserved by nextSeq', async () => {
        const seq = await db.nextSeq('mnist')
        const other = await db.nextSeq('mnist')
        const run = await db.insertRun({ study: 'mnist', values: v1, seq: other })
        expect(run.seq).toBe(other)
        expect((await db.insertRun({ study: 'mnist', values: v1, seq })).seq).toBe(seq)
        expect((await db.insertRun({ study: 'mnist', values: v2 })).seq).toBe(other + 1)
        await rejectsWith(db.insertRun({ study: 'mnist', values: v1, seq }), 'conflict')
      })

      it('rejects a run of a missing study as not-exist', async () => {
        await rejectsWith(db.insertRun({ study: 'nope', values: v1 }), 'not-exist')
      })

      it('rejects a replicate outside 0..63', async () => {
        await rejectsWith(db.insertRun({ study: 'mnist', values: v1, replicate: 64 }), 'invalid')
      })

      it('gives every run a unique id that never changes', async () => {
        const a = await db.insertRun({ study: 'mnist', values: v1 })
        const b = await db.insertRun({ study: 'mnist', values: v1 })
        expect(a.id).not.toBe(b.id)
        expect(a.id).toMatch(/^[0-9a-f-]{36}$/)
        await db.updateRun('mnist', a.seq, RunState.Success, 'done', 5000, 1)
        await db.appendRunMetrics('mnist', a.seq, { acc: 0.9 })
        expect((await db.lookupRun('mnist', a.seq)).id).toBe(a.id)
      })

      it('keeps values of every kind exactly', async () => {
        const values: Values = {
          i: int(2n ** 62n + 1n), f: float(Number.NaN), s: str('ü "q"'), b: bool(false),
          l: list(int(1), float(1), str('1')), d: dict({ a: list(), __proto__: int(7), b: dict({}) }),
          inf: float(-Infinity),
        }
        const run = await db.insertRun({ study: 'mnist', values })
        const got = await db.lookupRun('mnist', run.seq)
        expect(valuesEqual(got.values, values)).toBe(true)
        expect(got.values.i).toEqual(int(2n ** 62n + 1n))
        expect(valuesEqual(got.values, { ...values, i: float(Number(2n ** 62n + 1n)) })).toBe(false)
      })

      it('updateRun sets state, status, runtime, retries and the keepalive', async () => {
        const run = await db.insertRun({ study: 'mnist', values: v1 })
        await sleep(5)
        await db.updateRun('mnist', run.seq, RunState.Failure, 'OOM', 1234, 2)
        const got = await db.lookupRun('mnist', run.seq)
        expect(got.state).toBe(RunState.Failure)
        expect(got.status).toBe('OOM')
        expect(got.runtime).toBe(1234)
        expect(got.retries).toBe(2)
        expect(got.updated.getTime()).toBeGreaterThan(run.updated.getTime())
        expect(got.created.getTime()).toBe(run.created.getTime())
      })

      it('updateRun and appendRunMetrics reject a missing run as not-exist', async () => {
        await rejectsWith(db.updateRun('mnist', 9, RunState.Success, '', 0, 0), 'not-exist')
        await rejectsWith(db.appendRunMetrics('mnist', 9, { acc: 1 }), 'not-exist')
        await rejectsWith(db.lookupRun('mnist', 9), 'not-exist')
        await rejectsWith(db.lookupRun('nope', 1), 'not-exist')
      })

      it('keeps the metric history in order, NaN and ±Infinity included', async () => {
        const run = await db.insertRun({ study: 'mnist', values: v1 })
        const history: Metrics[] = [
          { loss: 2.5, acc: 0.1 }, { loss: Number.NaN }, { loss: Infinity, acc: -Infinity }, { acc: 0.97 },
        ]
        for (const m of history) await db.appendRunMetrics('mnist', run.seq, m)
        const got = await db.lookupRun('mnist', run.seq)
        expect(got.metrics).toEqual(history)
        expect(Number.isNaN(got.metrics[1]?.loss)).toBe(true)
      })

      it('keeps a long metric history in order', async () => {
        const run = await db.insertRun({ study: 'mnist', values: v1 })
        for (let i = 0; i < 600; i++) await db.appendRunMetrics('mnist', run.seq, { step: i })
        const got = await db.lookupRun('mnist', run.seq)
        expect(got.metrics.map((m) => m.step)).toEqual(Array.from({ length: 600 }, (_, i) => i))
        const [listed] = await db.listRuns('mnist', RunState.Any)
        expect(listed?.metrics.length).toBe(600)
        expect(listed?.metrics[599]).toEqual({ step: 599 })
      })

      it('lists runs by state and since, by seq', async () => {
        const a = await db.insertRun({ study: 'mnist', values: v1 })
        const b = await db.insertRun({ study: 'mnist', values: v2 })
        const c = await db.insertRun({ study: 'mnist', values: v2, replicate: 1 })
        await db.updateRun('mnist', b.seq, RunState.Success, 'ok', 10, 0)
        await db.updateRun('mnist', c.seq, RunState.Failure, 'bad', 10, 0)
        const seqs = async (states: number, since?: Date) => (await db.listRuns('mnist', states, since)).map((r) => r.seq)
        expect(await seqs(RunState.Any)).toEqual([a.seq, b.seq, c.seq])
        expect(await seqs(RunState.Pending)).toEqual([a.seq])
        expect(await seqs(RunState.Success)).toEqual([b.seq])
        expect(await seqs(RunState.Failure | RunState.Success)).toEqual([b.seq, c.seq])
        await sleep(20)
        const mark = new Date()
        await sleep(5)
        await db.updateRun('mnist', a.seq, RunState.Pending, 'alive', 20, 0)
        expect(await seqs(RunState.Any, mark)).toEqual([a.seq])
        await rejectsWith(db.listRuns('nope', RunState.Any), 'not-exist')
      })

      it('reports a pending run with a stale keepalive as failure without changing it', async () => {
        const run = await db.insertRun({ study: 'mnist', values: v1 })
        h.advanceClock(59_000)
        expect((await db.lookupRun('mnist', run.seq)).state).toBe(RunState.Pending)
        h.advanceClock(2_000)
        expect((await db.lookupRun('mnist', run.seq)).state).toBe(RunState.Failure)
        expect((await db.listRuns('mnist', RunState.Pending)).length).toBe(0)
        expect((await db.listRuns('mnist', RunState.Failure)).map((r) => r.seq)).toEqual([run.seq])
        await db.updateRun('mnist', run.seq, RunState.Pending, 'back', 0, 0)
        expect((await db.lookupRun('mnist', run.seq)).state).toBe(RunState.Pending)
        expect((await db.listRuns('mnist', RunState.Pending)).map((r) => r.seq)).toEqual([run.seq])
      })

      it('does not report a finished run as stale', async () => {
        const run = await db.insertRun({ study: 'mnist', values: v1 })
        await db.updateRun('mnist', run.seq, RunState.Success, 'ok', 1, 0)
        h.advanceClock(3_600_000)
        expect((await db.lookupRun('mnist', run.seq)).state).toBe(RunState.Success)
      })
    })

    describe('logs', () => {
      let seq: number
      beforeEach(async () => {
        await db.createStudyIfNotExist(mnistStudy())
        seq = (await db.insertRun({ study: 'mnist', values: v1 })).seq
      })

      it('an empty log reads as nothing', async () => {
        expect(await readAll(db.log('mnist', seq))).toBe('')
      })

      it('a logger appends what is written; closing flushes', async () => {
        await writeLog(db, 'mnist', seq, 'epoch 1\n', 'epoch 2\n', 'ünïcødé ✓\n')
        expect(await readAll(db.log('mnist', seq))).toBe('epoch 1\nepoch 2\nünïcødé ✓\n')
        await writeLog(db, 'mnist', seq, 'more\n')
        expect(await readAll(db.log('mnist', seq))).toBe('epoch 1\nepoch 2\nünïcødé ✓\nmore\n')
      })

      it('keeps a long log in order', async () => {
        const lines = Array.from({ length: 150 }, (_, i) => `line ${i} ${'x'.repeat(i % 50)}\n`)
        for (const line of lines) await writeLog(db, 'mnist', seq, line)
        const big = 'y'.repeat(100_000)
        await writeLog(db, 'mnist', seq, big)
        await writeLog(db, 'mnist', seq, 'end\n')
        expect(await readAll(db.log('mnist', seq))).toBe(lines.join('') + big + 'end\n')
      })

      it('since: only text appended at or after the time', async () => {
        await writeLog(db, 'mnist', seq, 'old\n')
        await sleep(30)
        const mark = new Date()
        await writeLog(db, 'mnist', seq, 'new\n')
        expect(await readAll(db.log('mnist', seq, { since: mark }))).toBe('new\n')
      })

      it('follow: a follower sees text written after it started, and stops when cancelled', async () => {
        await writeLog(db, 'mnist', seq, 'first\n')
        const reader = db.log('mnist', seq, { follow: true }).getReader()
        expect((await reader.read()).value).toBe('first\n')
        const next = reader.read()
        await writeLog(db, 'mnist', seq, 'second\n')
        expect((await next).value).toBe('second\n')
        await reader.cancel()
      })

      it('follow: an abort signal ends the stream', async () => {
        const ac = new AbortController()
        const text = readAll(db.log('mnist', seq, { follow: true, signal: ac.signal }))
        await writeLog(db, 'mnist', seq, 'a\n')
        await sleep(50)
        ac.abort()
        expect(await text).toBe('a\n')
      })

      it('a log of a missing run errors with not-exist through the stream', async () => {
        await rejectsWith(readAll(db.log('mnist', 99)), 'not-exist')
        const w = db.logger('mnist', 99).getWriter()
        await rejectsWith(w.write('x').then(() => w.close()), 'not-exist')
      })
    })

    describe("port of Diviner's localdb TestDB", () => {
      it('runs, last metrics, completion and a 1 MiB log written in pieces', async () => {
        const N = 100
        const study: Study = {
          name: 'test1',
          params: { index: range(int(0), int(N)), learning_rate: range(float(0.1), float(1)), dropout: range(float(0.01), float(0.1)) },
          objective: maximize('acc'),
        }
        await db.createStudyIfNotExist(study)
        const values = (i: number): Values => ({ index: int(i), learning_rate: float(0.5), dropout: float(0.05) })
        const run = await db.insertRun({ study: 'test1', values: values(0) })
        const run2 = await db.lookupRun('test1', run.seq)
        expect(run2).toEqual(run)
        expect(run2.metrics).toEqual([])
        expect(run2.state).toBe(RunState.Pending)
        for (const acc of [0.5, 0.67, 0]) await db.appendRunMetrics('test1', run.seq, { acc })
        expect((await db.lookupRun('test1', run.seq)).metrics.at(-1)).toEqual({ acc: 0 })
        const one = await db.listRuns('test1', RunState.Any)
        expect(one.map((r) => r.id)).toEqual([run.id])
        for (let i = 1; i < N; i++) {
          const r = await db.insertRun({ study: 'test1', values: values(i) })
          await db.appendRunMetrics('test1', r.seq, { acc: i })
        }
        const runs = await db.listRuns('test1', RunState.Any)
        expect(runs.length).toBe(N)
        for (const r of runs) await db.updateRun('test1', r.seq, RunState.Success, '', 0, 0)
        const done = await db.listRuns('test1', RunState.Any)
        done.forEach((r, i) => {
          expect(r.state).toBe(RunState.Success)
          expect(r.metrics.at(-1)?.acc).toBe(i)
        })
        // Go writes 1 MiB of random bytes; our logs are text, so random printable text in random-size pieces.
        let seed = 7
        const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2 ** 31; return seed % n }
        const size = 1 << 20
        const pieces: string[] = []
        for (let n = 0; n < size;) {
          const m = Math.min(1 + rand(size / 8), size - n)
          pieces.push(Array.from({ length: Math.min(m, 64) }, () => String.fromCharCode(32 + rand(95))).join('').repeat(Math.ceil(m / 64)).slice(0, m))
          n += m
        }
        const first = done[0] as { seq: number }
        await writeLog(db, 'test1', first.seq, ...pieces)
        const got = await readAll(db.log('test1', first.seq))
        expect(got.length).toBe(size)
        expect(got).toBe(pieces.join(''))
      })
    })

    describe('trials over the database', () => {
      it('replicates combine into one trial per value set', async () => {
        await db.createStudyIfNotExist(mnistStudy())
        const a0 = await db.insertRun({ study: 'mnist', values: v1, replicate: 0 })
        const a1 = await db.insertRun({ study: 'mnist', values: v1, replicate: 1 })
        const b0 = await db.insertRun({ study: 'mnist', values: v2, replicate: 0 })
        await db.appendRunMetrics('mnist', a0.seq, { acc: 0.5 })
        await db.appendRunMetrics('mnist', a0.seq, { acc: 0.8 })
        await db.appendRunMetrics('mnist', a1.seq, { acc: 0.6 })
        await db.appendRunMetrics('mnist', b0.seq, { acc: 0.1 })
        for (const r of [a0, a1]) await db.updateRun('mnist', r.seq, RunState.Success, '', 1, 0)
        const got = await trials(db, await db.lookupStudy('mnist'), RunState.Any)
        expect(got.length).toBe(2)
        const a = got.find((t) => valuesEqual(t.values, v1))
        const b = got.find((t) => valuesEqual(t.values, v2))
        expect(a?.metrics.acc).toBeCloseTo(0.7)
        expect(a?.pending).toBe(false)
        expect(a?.runs.length).toBe(2)
        expect(b?.pending).toBe(true)
        const done = await trials(db, await db.lookupStudy('mnist'), RunState.Success)
        expect(done.length).toBe(1)
      })
    })

    describe('notes and tags', () => {
      const notes = () => db as Database & Annotating

      it('keeps a study\'s note, and a run\'s note and tags, and lists a study\'s annotated runs', async () => {
        await db.createStudyIfNotExist(mnistStudy())
        const a = await db.insertRun({ study: 'mnist', values: v1 })
        const b = await db.insertRun({ study: 'mnist', values: v2 })
        await notes().setStudyNote('mnist', '# Plan\nTry **smaller** rates.')
        expect((await db.lookupStudy('mnist')).note).toBe('# Plan\nTry **smaller** rates.')
        await notes().setRunNote('mnist', b.seq, 'diverged at epoch 3')
        await notes().setRunTags('mnist', b.seq, [' odd ', 'baseline', 'odd', ''])
        expect(await notes().runAnnotations('mnist')).toEqual([{ id: b.id, seq: b.seq, note: 'diverged at epoch 3', tags: ['baseline', 'odd'] }])
        await notes().setRunTags('mnist', a.seq, ['good'])
        await notes().setRunNote('mnist', b.seq, '')
        await notes().setRunTags('mnist', b.seq, [])
        expect(await notes().runAnnotations('mnist')).toEqual([{ id: a.id, seq: a.seq, note: '', tags: ['good'] }])
        await notes().setStudyNote('mnist', '')
        expect((await db.lookupStudy('mnist')).note).toBeUndefined()
      })

      it('refuses a note or tags of a missing study or run as not-exist, and bad tags as invalid', async () => {
        await rejectsWith(notes().setStudyNote('nope', 'x'), 'not-exist')
        await db.createStudyIfNotExist(mnistStudy())
        await rejectsWith(notes().setRunNote('mnist', 9, 'x'), 'not-exist')
        const r = await db.insertRun({ study: 'mnist', values: v1 })
        await rejectsWith(notes().setRunTags('mnist', r.seq, ['a,b']), 'invalid')
        await rejectsWith(notes().runAnnotations('nope'), 'not-exist')
      })
    })

    describe('deleting', () => {
      const store = () => db as Database & Annotating

      it('deletes a run: it is gone from lookups, listings and trials; the others stay', async () => {
        await db.createStudyIfNotExist(mnistStudy())
        const a = await db.insertRun({ study: 'mnist', values: v1 })
        const b = await db.insertRun({ study: 'mnist', values: v2 })
        await db.appendRunMetrics('mnist', a.seq, { acc: 0.5 })
        await writeLog(db, 'mnist', a.seq, 'hello')
        await store().deleteRun('mnist', a.seq)
        await rejectsWith(db.lookupRun('mnist', a.seq), 'not-exist')
        expect((await db.listRuns('mnist', RunState.Any)).map((r) => r.id)).toEqual([b.id])
        await rejectsWith(store().deleteRun('mnist', a.seq), 'not-exist')
        // A new run does not take the deleted run's seq.
        expect((await db.insertRun({ study: 'mnist', values: v1 })).seq).toBe(b.seq + 1)
      })

      it('deletes a study with all its runs; its name can be used again', async () => {
        await db.createStudyIfNotExist(mnistStudy())
        await db.insertRun({ study: 'mnist', values: v1 })
        await store().deleteStudy('mnist')
        await rejectsWith(db.lookupStudy('mnist'), 'not-exist')
        expect((await db.listStudies('')).map((s) => s.name)).toEqual([])
        await rejectsWith(store().deleteStudy('mnist'), 'not-exist')
        h.advanceClock(10)
        expect(await db.createStudyIfNotExist(mnistStudy())).toBe(true)
        expect(await db.listRuns('mnist', RunState.Any)).toEqual([])
      })
    })
  })
}
