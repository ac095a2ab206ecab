/**
 * `drawCanvasSoon` in a real page: a canvas that takes a new size gets its
 * pixels in one task and its drawing in a later one (a canvas's pixels are
 * made when it is first drawn on); one that keeps its size is drawn in one
 * task; a drawing cancelled before it runs never runs.
 */
import { expect, test } from 'vitest'
import { drawCanvasSoon } from '../../src/ui/study/analysis/canvas.js'
import { drawSoon } from '../../src/ui/shell/draw-soon.js'

const px = (css: number) => Math.round(css * (window.devicePixelRatio || 1))

test('a canvas given a new size is sized in one task and drawn in a later one; kept at its size, drawn in one', async () => {
  const canvas = document.createElement('canvas')
  document.body.append(canvas)
  const seen: string[] = []
  await new Promise<void>((resolve) => {
    drawCanvasSoon(canvas, 320, 200, (ctx) => {
      seen.push(`drawn at ${canvas.width}×${canvas.height}`)
      ctx.fillRect(0, 0, 10, 10)
      resolve()
    })
    // Queued after the sizing: runs between it and the drawing.
    drawSoon(() => { seen.push(`between, at ${canvas.width}×${canvas.height}`) })
  })
  expect(seen).toEqual([`between, at ${px(320)}×${px(200)}`, `drawn at ${px(320)}×${px(200)}`])

  const again: string[] = []
  await new Promise<void>((resolve) => {
    drawCanvasSoon(canvas, 320, 200, () => { again.push('drawn') })
    drawSoon(() => { again.push('after'); resolve() })
  })
  expect(again).toEqual(['drawn', 'after'])
  canvas.remove()
})

test('a drawing cancelled before it runs never runs, even once its canvas is sized', async () => {
  const canvas = document.createElement('canvas')
  const drawn: string[] = []
  let cancel: () => void = () => undefined
  await new Promise<void>((resolve) => {
    cancel = drawCanvasSoon(canvas, 200, 100, () => { drawn.push('drawn') })
    // Runs after the sizing, before the drawing: cancels it there.
    drawSoon(() => cancel())
    drawSoon(() => drawSoon(() => resolve()))
  })
  expect(canvas.width).toBe(px(200))
  expect(drawn).toEqual([])
})
