/**
 * `drawSoon` in a real page: a draw waits for the page's next rendered frame,
 * so it finds the layout already done rather than forcing it in its own task.
 */
import { expect, test } from 'vitest'
import { drawSoon } from '../../src/ui/shell/draw-soon.js'

test("a draw runs after the page's next frame, not before it", async () => {
  const log: string[] = []
  await new Promise<void>((resolve) => {
    drawSoon(() => {
      log.push('draw')
      resolve()
    })
    // Queued after the draw: without the wait for a frame, the draw's task comes first.
    requestAnimationFrame(() => log.push('frame'))
  })
  expect(log).toEqual(['frame', 'draw'])
})

test('draws queued together each wait for a frame of their own', async () => {
  const frames: number[] = []
  let counting = true
  const count = () => {
    frames.push(performance.now())
    if (counting) requestAnimationFrame(count)
  }
  requestAnimationFrame(count)
  const seen: number[] = []
  await new Promise<void>((resolve) => {
    for (let i = 0; i < 3; i++) drawSoon(() => { seen.push(frames.length); if (i === 2) resolve() })
  })
  counting = false
  expect(seen[0]).toBeGreaterThanOrEqual(1)
  expect(seen[1]).toBeGreaterThan(seen[0] as number)
  expect(seen[2]).toBeGreaterThan(seen[1] as number)
})
