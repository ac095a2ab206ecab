/**
 * The two rate limits of the worker: progress reports to the page (throttled,
 * then a final one) and change announcements (coalesced per interval).
 */
import * as Comlink from 'comlink'
import { afterEach, describe, expect, test, vi } from 'vitest'
import { ChangeBroadcaster, isDatabaseChange, onDatabaseChange, type DatabaseChange } from '../../../src/worker/changes.js'
import { progressReporter } from '../../../src/worker/progress.js'

afterEach(() => {
  vi.useRealTimers()
})

describe('progressReporter', () => {
  test('reports at most once per interval, then a final report', async () => {
    vi.useFakeTimers()
    const got: number[] = []
    const progress = progressReporter((n: number) => { got.push(n) }, 100)
    for (let i = 1; i <= 50; i++) {
      progress.report(i)
      vi.advanceTimersByTime(10)
    }
    await progress.finish(99)
    expect(got).toEqual([1, 11, 21, 31, 41, 99])
  })

  test('a failing callback does not fail the work; after finish nothing more is sent', async () => {
    const got: number[] = []
    const progress = progressReporter((n: number) => {
      got.push(n)
      throw new Error('page gone')
    })
    progress.report(1)
    await expect(progress.finish(2)).resolves.toBeUndefined()
    progress.report(3)
    await progress.finish(4)
    expect(got).toEqual([1, 2])
  })

  test('no callback is fine', async () => {
    const progress = progressReporter<number>(undefined)
    progress.report(1)
    await progress.finish(2)
    progress.release()
  })

  test('a proxied callback gets its reports in order and is released after finish', async () => {
    const { port1, port2 } = new MessageChannel()
    const got: number[] = []
    Comlink.expose((n: number) => { got.push(n) }, port1)
    const remote = Comlink.wrap<(n: number) => void>(port2)
    const progress = progressReporter<number>(remote, 0)
    progress.report(1)
    progress.report(2)
    await progress.finish(3)
    expect(got).toEqual([1, 2, 3])
    await expect(Promise.resolve().then(() => remote(4))).rejects.toThrow(/released/)
    port1.close()
  })
})

describe('ChangeBroadcaster', () => {
  test('coalesces a burst into one message naming each study once', async () => {
    vi.useFakeTimers()
    const posted: DatabaseChange[] = []
    const changes = new ChangeBroadcaster((c) => posted.push(c), 100)
    changes.changed('a')
    changes.changed('b')
    changes.changed('a')
    expect(posted).toEqual([])
    await vi.advanceTimersByTimeAsync(0)
    expect(posted).toEqual([{ type: 'changed', studies: ['a', 'b'] }])
  })

  test('posts at most once per interval while writes keep coming', async () => {
    vi.useFakeTimers()
    const posted: { at: number; studies: readonly string[] }[] = []
    const start = Date.now()
    const changes = new ChangeBroadcaster((c) => posted.push({ at: Date.now() - start, studies: c.studies }), 100)
    for (let i = 0; i < 50; i++) {
      changes.changed(`s${i % 3}`)
      await vi.advanceTimersByTimeAsync(10)
    }
    await vi.advanceTimersByTimeAsync(200)
    expect(posted.length).toBeGreaterThanOrEqual(5)
    expect(posted.length).toBeLessThanOrEqual(6)
    for (let i = 1; i < posted.length; i++) expect((posted[i]?.at ?? 0) - (posted[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(100)
    expect(new Set(posted.flatMap((p) => p.studies))).toEqual(new Set(['s0', 's1', 's2']))
  })
})

describe('onDatabaseChange', () => {
  test('hears changes posted on the channel, ignores other messages, and stops when asked', async () => {
    const heard: DatabaseChange[] = []
    const stop = onDatabaseChange((c) => heard.push(c))
    const sender = new BroadcastChannel('diviner-changes')
    sender.postMessage({ type: 'other' })
    sender.postMessage({ type: 'changed', studies: [1] })
    sender.postMessage({ type: 'changed', studies: ['x'] })
    await vi.waitFor(() => expect(heard).toEqual([{ type: 'changed', studies: ['x'] }]))
    stop()
    sender.postMessage({ type: 'changed', studies: ['y'] })
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(heard).toHaveLength(1)
    sender.close()
  })

  test('isDatabaseChange checks the shape', () => {
    expect(isDatabaseChange({ type: 'changed', studies: [] })).toBe(true)
    expect(isDatabaseChange({ type: 'changed' })).toBe(false)
    expect(isDatabaseChange(null)).toBe(false)
    expect(isDatabaseChange('changed')).toBe(false)
  })
})
