/**
 * The geometry of parallel coordinates: where each axis stands, how a number
 * on it maps to a height, and which brush a drag along an axis makes. Plain
 * functions, so the component only draws and listens.
 */
import { isRange, type AxisBrush, type Brush } from '../../../db/analysis/brush.js'
import type { Axis, ParallelCoordinates } from '../../../worker/api.js'
import { scale, type Scale } from './canvas.js'

/** The plot area inside the canvas. */
export interface Frame { readonly left: number; readonly right: number; readonly top: number; readonly bottom: number }

/** An axis placed in the frame: its x, and its map from number (value or category index) to y. */
export interface PlacedAxis {
  readonly axis: Axis
  readonly x: number
  readonly y: (n: number) => number
  /** For a numeric axis, its scale (for ticks and inverting). */
  readonly scale?: Scale
}

/** Axes spread evenly across the frame, the first at its left, the last at its right. */
export function placeAxes(axes: readonly Axis[], f: Frame): PlacedAxis[] {
  const step = axes.length > 1 ? (f.right - f.left) / (axes.length - 1) : 0
  return axes.map((axis, i) => {
    const x = axes.length > 1 ? f.left + i * step : (f.left + f.right) / 2
    if (axis.kind === 'categorical') return { axis, x, y: (n: number) => categoryY(n, axis.labels.length, f) }
    const s = scale([axis.min, axis.max], [f.bottom, f.top], axis.log)
    return { axis, x, y: s, scale: s }
  })
}

/** The height of category `i` of `k`: evenly spaced, the first at the bottom. */
export function categoryY(i: number, k: number, f: Frame): number {
  return f.bottom - ((i + 0.5) / Math.max(1, k)) * (f.bottom - f.top)
}

/**
 * The brush a drag from height `y0` to `y1` along `placed` makes: a range of
 * numbers (ordered) on a numeric axis; on a categorical one, the categories
 * whose height lies in the span (the nearest one when none does).
 */
export function brushOfDrag(placed: PlacedAxis, y0: number, y1: number, f: Frame): AxisBrush {
  const [lo, hi] = [Math.min(y0, y1), Math.max(y0, y1)]
  const axis = placed.axis
  if (axis.kind === 'numeric') {
    const s = placed.scale as Scale
    const a = s.invert(Math.min(hi, f.bottom))
    const b = s.invert(Math.max(lo, f.top))
    return [Math.min(a, b), Math.max(a, b)]
  }
  const k = axis.labels.length
  const inside = axis.keys.filter((_, i) => {
    const y = categoryY(i, k, f)
    return y >= lo && y <= hi
  })
  if (inside.length > 0) return inside
  const mid = (lo + hi) / 2
  let best = 0
  for (let i = 1; i < k; i++) if (Math.abs(categoryY(i, k, f) - mid) < Math.abs(categoryY(best, k, f) - mid)) best = i
  return axis.keys[best] === undefined ? [] : [axis.keys[best] as string]
}

/** The index of the axis within `reach` pixels of `x`, or -1. */
export function axisAt(placed: readonly PlacedAxis[], x: number, reach = 16): number {
  let best = -1
  for (let i = 0; i < placed.length; i++) {
    const d = Math.abs((placed[i] as PlacedAxis).x - x)
    if (d <= reach && (best < 0 || d < Math.abs((placed[best] as PlacedAxis).x - x))) best = i
  }
  return best
}

/**
 * Which rows of parallel coordinates `brush` keeps, as `matchesBrush` judges
 * a trial: a numeric axis's number in the range, a categorical axis's
 * category among those listed; an axis of the brush that the picture lacks
 * keeps nothing.
 */
export function keptRows(parallel: ParallelCoordinates, brush: Brush): Uint8Array {
  const n = parallel.total
  const kept = new Uint8Array(n).fill(1)
  for (const key in brush) {
    const b = brush[key] as AxisBrush
    const a = parallel.axes.findIndex((x) => x.key === key)
    const axis = parallel.axes[a]
    const column = parallel.columns[a]
    if (axis === undefined || column === undefined) return kept.fill(0)
    if (isRange(b)) {
      for (let i = 0; i < n; i++) if (!((column[i] as number) >= b[0] && (column[i] as number) <= b[1])) kept[i] = 0
    } else {
      const keys = axis.kind === 'categorical' ? axis.keys : []
      const allowed = new Set(b)
      for (let i = 0; i < n; i++) {
        const c = column[i] as number
        if (Number.isNaN(c) || !allowed.has(keys[c] ?? '')) kept[i] = 0
      }
    }
  }
  return kept
}

/**
 * The drawn line (an index into `parallel.drawn`) passing within `reach`
 * pixels of the point (`x`, `y`), measured vertically between the two axes
 * around `x` (the nearest line wins), or undefined. With `kept`, lines the
 * brush hides are skipped; a line with no number on either axis there is not
 * drawn there and is not found.
 */
export function lineAt(parallel: ParallelCoordinates, placed: readonly PlacedAxis[], x: number, y: number, kept?: Uint8Array, reach = 5): number | undefined {
  const j = placed.findIndex((a, k) => k + 1 < placed.length && x >= a.x && x <= (placed[k + 1] as PlacedAxis).x)
  if (j < 0) return undefined
  const [a, b] = [placed[j] as PlacedAxis, placed[j + 1] as PlacedAxis]
  const [ca, cb] = [parallel.columns[j] as Float64Array, parallel.columns[j + 1] as Float64Array]
  const t = b.x === a.x ? 0 : (x - a.x) / (b.x - a.x)
  let best: number | undefined
  let gap = reach
  parallel.drawn.forEach((row, k) => {
    if (kept && !kept[row]) return
    const [na, nb] = [ca[row] as number, cb[row] as number]
    if (!Number.isFinite(na) || !Number.isFinite(nb)) return
    const d = Math.abs(a.y(na) + (b.y(nb) - a.y(na)) * t - y)
    if (d <= gap) { gap = d; best = k }
  })
  return best
}
