/**
 * Labels cut to fit a canvas, measured in a real page's font: `fit` keeps the
 * start, `fitMiddle` the start and the end (what tells 0.15000000000000002
 * from 0.15), each as much as fits and never wider than asked.
 */
import { expect, test } from 'vitest'
import { fit, fitMiddle } from '../../src/ui/study/analysis/canvas.js'

const ctx = document.createElement('canvas').getContext('2d') as CanvasRenderingContext2D
ctx.font = '11px sans-serif'

test('a label that fits is left whole; a longer one is cut to the width, in the middle or at the end', () => {
  expect(fitMiddle(ctx, '0.15', 90)).toBe('0.15')
  const text = '0.15000000000000002'
  for (const width of [30, 50, 70, 90]) {
    const middle = fitMiddle(ctx, text, width)
    expect(ctx.measureText(middle).width).toBeLessThanOrEqual(width)
    const [head = '', tail = ''] = middle.split('…')
    expect(text.startsWith(head) && text.endsWith(tail)).toBe(true)
    expect(tail.length).toBeGreaterThan(0)
    // As much as fits: one more character would not.
    expect(head.length - tail.length).toBeGreaterThanOrEqual(0)
    expect(head.length - tail.length).toBeLessThanOrEqual(1)
    const more = `${text.slice(0, head.length + (head.length === tail.length ? 1 : 0))}…${text.slice(text.length - tail.length - (head.length === tail.length ? 0 : 1))}`
    expect(ctx.measureText(more).width).toBeGreaterThan(width)
    const end = fit(ctx, text, width)
    expect(ctx.measureText(end).width).toBeLessThanOrEqual(width)
    expect(text.startsWith(end.slice(0, -1)) && end.endsWith('…')).toBe(true)
  }
})
