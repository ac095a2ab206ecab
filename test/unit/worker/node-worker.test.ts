/**
 * The Database through a real worker thread (the worker API on Dexie over
 * fake-indexeddb, behind Comlink's Node adapter): data, errors, signals and
 * the two streams survive the crossing.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { DivinerError } from '../../../src/db/model/errors.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { minimize, type Study } from '../../../src/db/model/study.js'
import { bool, dict, float, int, list, str } from '../../../src/db/model/values.js'
import { startNodeWorkerDatabase, type NodeWorkerDatabase } from '../../node-worker/start.js'

let worker: NodeWorkerDatabase

beforeAll(async () => {
  worker = await startNodeWorkerDatabase('node-worker-test')
})

afterAll(async () => {
  await worker.terminate()
})

const study: Study = {
  name: 'mnist',
  objective: minimize('loss'),
  params: {
    lr: range(0.0001, 0.1),
    layers: range(1n, 5n),
    act: discrete(str('relu'), str('tanh')),
    bn: discrete(bool(false), bool(true)),
  },
  replicates: 1,
  description: 'digits',
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e)
}

async function readAll(stream: ReadableStream<string>): Promise<string> {
  let text = ''
  for await (const piece of stream) text += piece
  return text
}

describe('data', () => {
  test('studies and runs keep their kinds, Dates, bigints and non-finite metrics', async () => {
    expect(await worker.db.createStudyIfNotExist(study)).toBe(true)
    expect(await worker.db.createStudyIfNotExist(study)).toBe(false)
    const info = await worker.db.lookupStudy('mnist')
    expect(info.params).toEqual(study.params)
    expect(info.created).toBeInstanceOf(Date)

    const values = { lr: float(0.01), layers: int(2n ** 40n), act: str('relu'), bn: bool(true), extra: list(dict({ ['__proto__']: int(1) })) }
    const run = await worker.db.insertRun({ study: 'mnist', values })
    expect(run.seq).toBe(1)
    await worker.db.appendRunMetrics('mnist', 1, { loss: NaN, acc: Infinity, neg: -Infinity, zero: -0 })
    await worker.db.updateRun('mnist', 1, RunState.Success, 'done', 1500, 0)

    const [got] = await worker.db.listRuns('mnist', RunState.Any)
    expect(got?.values).toEqual(values)
    expect(got?.values.layers).toEqual({ kind: 'int', value: 2n ** 40n })
    const extra = got?.values.extra
    expect(extra?.kind === 'list' && extra.value[0]?.kind === 'dict' && Object.keys(extra.value[0].value)).toEqual(['__proto__'])
    expect(got?.metrics).toEqual([{ loss: NaN, acc: Infinity, neg: -Infinity, zero: -0 }])
    expect(Object.is(got?.metrics[0]?.zero, -0)).toBe(true)
    expect(got?.state).toBe(RunState.Success)
    expect(got?.updated).toBeInstanceOf(Date)
  })
})

describe('errors', () => {
  test('a missing study or run rejects with a not-exist DivinerError', async () => {
    for (const call of [worker.db.lookupStudy('nope'), worker.db.nextSeq('nope'), worker.db.lookupRun('mnist', 99)]) {
      const e = await rejection(call)
      expect(e).toBeInstanceOf(DivinerError)
      expect(e).toMatchObject({ code: 'not-exist' })
    }
    expect(await rejection(worker.db.lookupRun('mnist', 99))).toMatchObject({ message: 'no run mnist:99' })
  })

  test('an invalid study rejects with its details', async () => {
    const e = await rejection(worker.db.createStudyIfNotExist({ ...study, name: 'bad', replicates: -1 }))
    expect(e).toBeInstanceOf(DivinerError)
    expect(e).toMatchObject({ code: 'invalid' })
    expect((e as DivinerError).details).toMatchObject({ field: expect.any(String) })
  })

  test('an aborted signal crosses and aborts the call', async () => {
    const e = await rejection(worker.db.listStudies('', undefined, AbortSignal.abort()))
    expect(e).toMatchObject({ code: 'aborted' })
  })
})

describe('log and logger', () => {
  test('what a logger writes, a log reads back after close', async () => {
    const writer = worker.db.logger('mnist', 1).getWriter()
    await writer.write('epoch 1\n')
    await writer.write('epoch 2\n')
    await writer.close()
    expect(await readAll(worker.db.log('mnist', 1))).toBe('epoch 1\nepoch 2\n')
  })

  test('since filters by arrival time', async () => {
    expect(await readAll(worker.db.log('mnist', 1, { since: new Date(Date.now() + 60_000) }))).toBe('')
  })

  test('the log of a missing run errors with not-exist through the stream', async () => {
    const e = await rejection(readAll(worker.db.log('mnist', 42)))
    expect(e).toBeInstanceOf(DivinerError)
    expect(e).toMatchObject({ code: 'not-exist' })
  })

  test('a logger on a missing run fails its writes or close with not-exist', async () => {
    const writer = worker.db.logger('mnist', 43).getWriter()
    const e = await rejection(writer.write('x').then(() => writer.close()))
    expect(e).toMatchObject({ code: 'not-exist' })
  })

  test('a follower sees new text, and stops when cancelled', async () => {
    const reader = worker.db.log('mnist', 1, { follow: true }).getReader()
    expect(await reader.read()).toEqual({ done: false, value: 'epoch 1\nepoch 2\n' })
    const next = reader.read()
    const writer = worker.db.logger('mnist', 1).getWriter()
    await writer.write('epoch 3\n')
    await writer.close()
    expect(await next).toEqual({ done: false, value: 'epoch 3\n' })
    await reader.cancel()
    expect(await reader.read()).toEqual({ done: true, value: undefined })
  })

  test('a follower stops when its signal aborts', async () => {
    const controller = new AbortController()
    const reader = worker.db.log('mnist', 1, { follow: true, signal: controller.signal }).getReader()
    await reader.read()
    const next = reader.read()
    controller.abort()
    expect(await next).toEqual({ done: true, value: undefined })
  })
})

test('once the worker is gone, calls reject instead of waiting', async () => {
  const doomed = await startNodeWorkerDatabase('doomed')
  await doomed.terminate()
  expect(await rejection(doomed.db.listStudies(''))).toBeInstanceOf(Error)
  expect(await rejection(readAll(doomed.db.log('x', 1)))).toBeInstanceOf(Error)
})
