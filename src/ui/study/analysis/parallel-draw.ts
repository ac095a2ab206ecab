/**
 * Drawing parallel coordinates on a canvas: the trials' lines in colour
 * buckets from worse to better (grey where a brush hides them), the axes with
 * their labels and ticks, and the brushes. The component decides when; these
 * only draw.
 */
import { isRange, type AxisBrush } from '../../../db/analysis/brush.js'
import type { StudyAnalysis } from '../../../worker/api.js'
import { fit, fitMiddle, ramp, tickText, ticks, type Ink } from './canvas.js'
import { categoryY, type Frame, type PlacedAxis } from './parallel.js'

/** Adds row `i`'s line across `axes` to the current path (broken where it has no number). */
export function traceRow(ctx: CanvasRenderingContext2D, columns: readonly Float64Array[], axes: readonly PlacedAxis[], i: number): void {
  let pen = false
  axes.forEach((a, k) => {
    const n = (columns[k] as Float64Array)[i] as number
    if (!Number.isFinite(n)) { pen = false; return }
    const y = a.y(n)
    if (pen) ctx.lineTo(a.x, y)
    else ctx.moveTo(a.x, y)
    pen = true
  })
}

/** How good a trial's objective is, 0 (worst) to 1 (best), for its colour. */
function goodness(d: StudyAnalysis, v: number): number {
  const ax = d.parallel.axes[d.parallel.axes.length - 1]
  if (!ax || ax.kind !== 'numeric' || ax.max === ax.min) return 1
  const t = (v - ax.min) / (ax.max - ax.min)
  return d.objective.direction === 'maximize' ? t : 1 - t
}

/** Colour buckets lines are drawn in: one path per bucket, so 2,000 lines cost a few dozen strokes. */
const BUCKETS = 24

/** Draws the drawn trials' lines, coloured by how good their objective is; with `brushing`, those `kept` hides in grey beneath. */
export function drawLines(ctx: CanvasRenderingContext2D, d: StudyAnalysis, axes: PlacedAxis[], kept: Uint8Array, brushing: boolean, ink: Ink): void {
  const cols = d.parallel.columns
  const objective = cols[cols.length - 1] as Float64Array
  const rows = d.parallel.drawn
  const alpha = Math.min(0.85, Math.max(0.12, 12 / Math.sqrt(rows.length)))
  const trace = (i: number) => traceRow(ctx, d.parallel.columns, axes, i)
  ctx.lineWidth = 1
  if (brushing) {
    ctx.strokeStyle = ink.rule
    ctx.globalAlpha = 0.5
    ctx.beginPath()
    for (const i of rows) if (!kept[i]) trace(i)
    ctx.stroke()
  }
  ctx.globalAlpha = 1
  const buckets: number[][] = Array.from({ length: BUCKETS }, () => [])
  for (const i of rows) {
    if (brushing && !kept[i]) continue
    const g = goodness(d, objective[i] as number)
    ;(buckets[Math.min(BUCKETS - 1, Math.floor(g * BUCKETS))] as number[]).push(i)
  }
  // Worse first, better on top.
  buckets.forEach((bucket, b) => {
    if (bucket.length === 0) return
    ctx.strokeStyle = ramp((b + 0.5) / BUCKETS, alpha)
    ctx.beginPath()
    for (const i of bucket) trace(i)
    ctx.stroke()
  })
}

/** Draws each axis with its label, kind, ticks or categories (haloed over the lines), and its brush when it has one. */
export function drawAxes(ctx: CanvasRenderingContext2D, axes: PlacedAxis[], f: Frame, brush: Record<string, AxisBrush>, ink: Ink): void {
  for (const [k, a] of axes.entries()) {
    const isLast = k === axes.length - 1
    ctx.strokeStyle = ink.fg
    ctx.lineWidth = 1
    ctx.beginPath()
    ctx.moveTo(a.x, f.top)
    ctx.lineTo(a.x, f.bottom)
    ctx.stroke()
    ctx.fillStyle = ink.fg
    ctx.textAlign = 'center'
    ctx.font = '600 12px system-ui, sans-serif'
    ctx.fillText(fit(ctx, a.axis.label, 130), a.x, f.top - 24)
    ctx.font = '11px system-ui, sans-serif'
    ctx.fillStyle = ink.muted
    const kind = isLast ? 'objective' : a.axis.kind === 'categorical' ? 'categories' : a.axis.log ? 'log scale' : 'linear'
    ctx.fillText(kind, a.x, f.top - 10)
    ctx.textAlign = isLast ? 'left' : 'right'
    const dx = isLast ? 6 : -6
    ctx.fillStyle = ink.fg
    // Labels sit over the lines: a halo of the background keeps them legible.
    ctx.strokeStyle = ink.bg
    ctx.lineWidth = 4
    ctx.lineJoin = 'round'
    const label = (text: string, y: number) => {
      ctx.strokeText(text, a.x + dx, y + 4)
      ctx.fillText(text, a.x + dx, y + 4)
    }
    if (a.axis.kind === 'categorical') {
      const k = a.axis.labels.length
      a.axis.labels.forEach((text, i) => label(fitMiddle(ctx, text, 90), categoryY(i, k, f)))
    } else {
      for (const t of ticks(a.axis.min, a.axis.max, 5, a.axis.log)) label(tickText(t), a.y(t))
    }
    ctx.lineWidth = 1
    const b = Object.hasOwn(brush, a.axis.key) ? brush[a.axis.key] : undefined
    if (b) drawBrush(ctx, a, b, f, ink)
  }
}

function drawBrush(ctx: CanvasRenderingContext2D, a: PlacedAxis, b: AxisBrush, f: Frame, ink: Ink): void {
  ctx.fillStyle = ink.accent
  ctx.globalAlpha = 0.25
  ctx.strokeStyle = ink.accent
  const box = (y0: number, y1: number) => {
    ctx.globalAlpha = 0.25
    ctx.fillRect(a.x - 8, Math.min(y0, y1), 16, Math.abs(y1 - y0))
    ctx.globalAlpha = 1
    ctx.strokeRect(a.x - 8, Math.min(y0, y1), 16, Math.abs(y1 - y0))
  }
  if (isRange(b)) {
    box(a.y(Math.max(b[0], a.axis.kind === 'numeric' ? a.axis.min : b[0])), a.y(Math.min(b[1], a.axis.kind === 'numeric' ? a.axis.max : b[1])))
  } else if (a.axis.kind === 'categorical') {
    const k = a.axis.labels.length
    const half = Math.max(4, ((f.bottom - f.top) / k) * 0.3)
    a.axis.keys.forEach((key, i) => { if (b.includes(key)) box(categoryY(i, k, f) - half, categoryY(i, k, f) + half) })
  }
  ctx.globalAlpha = 1
}
