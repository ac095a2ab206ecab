/**
 * The transfer handlers over a real structured-clone boundary (a MessageChannel
 * in this thread), with a stub Database that fails and waits on demand.
 */
import * as Comlink from 'comlink'
import { afterAll, describe, expect, expectTypeOf, test } from 'vitest'
import type { Database, StudyInfo } from '../../../src/db/model/database.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { DivinerError, notExist } from '../../../src/db/model/errors.js'
import { createApi, type WorkerApi } from '../../../src/worker/api.js'
import { WorkerDatabase } from '../../../src/worker/client.js'

/** Signals as the stub received them, by call. */
const received: AbortSignal[] = []

/**
 * Fails or waits as the name it is given says; nothing else is called. A
 * DexieDatabase (never opened) because the API serves one.
 */
class StubDatabase extends DexieDatabase {
  override async createTable(): Promise<void> {}
  override createStudyIfNotExist(): Promise<boolean> {
    return unused()
  }
  override async lookupStudy(name: string): Promise<StudyInfo> {
    switch (name) {
      case 'diviner': throw new DivinerError('conflict', 'study x differs', { line: 3, field: 'params.lr', nested: { at: [1, 2] }, when: new Date(0) })
      case 'not-exist': throw notExist('no study not-exist')
      case 'type': throw new TypeError('not a study')
      case 'string': throw 'a plain string'
      case 'uncloneable': throw new DivinerError('invalid', 'has a function', { f: () => 1 })
      default: throw new Error('boom')
    }
  }
  override async listStudies(prefix: string, since?: Date, signal?: AbortSignal): Promise<StudyInfo[]> {
    if (signal) received.push(signal)
    return [{ name: prefix, created: since ?? new Date(0), activity: new Date(1) } as unknown as StudyInfo]
  }
  override nextSeq(_study: string, signal?: AbortSignal): Promise<number> {
    return new Promise((_, reject) => {
      if (signal) received.push(signal)
      if (signal?.aborted) reject(signal.reason)
      signal?.addEventListener('abort', () => reject(signal.reason))
    })
  }
}

const stub = new StubDatabase('transfer-stub')

function unused(): never {
  throw new Error('not used by this test')
}

const channel = new MessageChannel()
Comlink.expose(createApi(stub), channel.port1)
const api = Comlink.wrap<WorkerApi>(channel.port2)
const db = new WorkerDatabase(api)

afterAll(() => {
  channel.port1.close()
  channel.port2.close()
})

/** What `promise` rejects with. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => { throw new Error('expected a rejection') }, (e: unknown) => e)
}

/** Lets messages in flight arrive. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

describe('errors across the boundary', () => {
  test('a DivinerError keeps its class, code, message and details', async () => {
    const e = await rejection(db.lookupStudy('diviner'))
    expect(e).toBeInstanceOf(DivinerError)
    const d = e as DivinerError
    expect(d.code).toBe('conflict')
    expect(d.message).toBe('study x differs')
    expect(d.name).toBe('DivinerError')
    expect(d.details).toEqual({ line: 3, field: 'params.lr', nested: { at: [1, 2] }, when: new Date(0) })
    expect(d.stack).toContain('lookupStudy')
  })

  test('a not-exist error can be told apart', async () => {
    const e = await rejection(db.lookupStudy('not-exist'))
    expect(e).toMatchObject({ code: 'not-exist', message: 'no study not-exist' })
  })

  test('details that cannot be cloned do not lose the error', async () => {
    const e = await rejection(db.lookupStudy('uncloneable'))
    expect(e).toBeInstanceOf(DivinerError)
    expect(e).toMatchObject({ code: 'invalid', message: 'has a function' })
    expect((e as DivinerError).details).toHaveProperty('unsendable')
  })

  test('other errors arrive as errors with their name and message', async () => {
    const type = await rejection(db.lookupStudy('type'))
    expect(type).toBeInstanceOf(TypeError)
    expect(type).toMatchObject({ message: 'not a study' })
    const plain = await rejection(db.lookupStudy('other'))
    expect(plain).toBeInstanceOf(Error)
    expect(plain).toMatchObject({ name: 'Error', message: 'boom' })
  })

  test('a thrown non-error value arrives as that value', async () => {
    expect(await rejection(db.lookupStudy('string'))).toBe('a plain string')
  })
})

describe('AbortSignal across the boundary', () => {
  test('an abort during a call reaches the other side, reason included', async () => {
    const controller = new AbortController()
    const pending = rejection(db.nextSeq('s', controller.signal))
    await settle()
    const remote = received.at(-1)
    expect(remote?.aborted).toBe(false)
    controller.abort(new DivinerError('aborted', 'user cancelled'))
    const e = await pending
    expect(remote?.aborted).toBe(true)
    expect(e).toBeInstanceOf(DivinerError)
    expect(e).toMatchObject({ code: 'aborted', message: 'user cancelled' })
  })

  test('the default reason arrives as an AbortError', async () => {
    const controller = new AbortController()
    const pending = rejection(db.nextSeq('s', controller.signal))
    await settle()
    controller.abort()
    const e = await pending
    expect(e).toBeInstanceOf(DOMException)
    expect(e).toMatchObject({ name: 'AbortError' })
  })

  test('an already aborted signal arrives aborted', async () => {
    const e = await rejection(db.nextSeq('s', AbortSignal.abort(new DivinerError('aborted', 'too late'))))
    expect(received.at(-1)?.aborted).toBe(true)
    expect(e).toMatchObject({ code: 'aborted', message: 'too late' })
  })

  test('after the call, the signal is let go: a later abort is not delivered', async () => {
    const controller = new AbortController()
    const since = new Date(1234)
    const [info] = await db.listStudies('p', since, controller.signal)
    expect(info?.created).toEqual(since)
    expect(info?.created).toBeInstanceOf(Date)
    const remote = received.at(-1)
    await settle()
    controller.abort()
    await settle()
    expect(remote?.aborted).toBe(false)
  })
})

test('the API holds the Database, method for method', () => {
  expectTypeOf<keyof Database>().toExtend<keyof WorkerApi>()
  expectTypeOf<Awaited<ReturnType<Comlink.Remote<WorkerApi>['lookupRun']>>>().toEqualTypeOf<Awaited<ReturnType<Database['lookupRun']>>>()
})
