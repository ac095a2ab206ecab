/**
 * `drawSoon`, which spreads the pictures' draws over tasks: each draw runs in
 * a task of its own, in the order queued; a draw cancelled before it runs
 * never runs; one that ran is undone by its cleanup; a draw that throws does
 * not stop the ones after it.
 */
import { afterEach, describe, expect, test } from 'vitest'
import { drawSoon } from '../../../src/ui/shell/draw-soon.js'

/** Resolves once every draw queued so far has run (one more draw, queued last, has). */
const drained = () => new Promise<void>((r) => { drawSoon(() => r()) })

describe('drawSoon', () => {
  const log: string[] = []
  afterEach(() => { log.length = 0 })

  test('runs draws in the order queued, none of them synchronously, each in a task of its own', async () => {
    // A microtask a draw queues runs before the next draw only if that draw is in a later task.
    for (const name of ['a', 'b', 'c']) drawSoon(() => { log.push(name); queueMicrotask(() => log.push(`${name} done`)) })
    expect(log).toEqual([])
    await drained()
    expect(log).toEqual(['a', 'a done', 'b', 'b done', 'c', 'c done'])
  })

  test('a draw cancelled before it runs never runs; one that ran is undone by its cleanup', async () => {
    const cancel = drawSoon(() => { log.push('cancelled draw') })
    const undo = drawSoon(() => {
      log.push('drawn')
      return () => log.push('cleaned up')
    })
    cancel()
    await drained()
    expect(log).toEqual(['drawn'])
    undo()
    undo()
    expect(log).toEqual(['drawn', 'cleaned up'])
  })

  test('a draw that throws does not stop the ones after it', async () => {
    const errors: unknown[] = []
    const onError = (e: unknown) => { errors.push(e) }
    process.on('uncaughtException', onError)
    try {
      drawSoon(() => { throw new Error('broken picture') })
      drawSoon(() => { log.push('next') })
      await drained()
    } finally {
      process.off('uncaughtException', onError)
    }
    expect(log).toEqual(['next'])
    expect(errors).toEqual([new Error('broken picture')])
  })
})
