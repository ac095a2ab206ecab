/**
 * Downsampling a series for drawing: per bucket of consecutive points, the
 * point with the least and the point with the greatest y survive, so every
 * peak and trough a reader would look for is still drawn. Simpler than LTTB
 * and provably keeps the extremes: the global minimum and maximum are the
 * minimum and maximum of their own bucket.
 */

/** The most points a series crossing to the page carries unless told otherwise. */
export const MAX_SERIES_POINTS = 2000

/**
 * Indices (ascending) of the points of `ys` to draw, at most `maxPoints` (≥ 2):
 * all finite ones when there are few enough; otherwise `floor(maxPoints / 2)`
 * buckets of consecutive indices, each giving the index of its least and of
 * its greatest finite y (the earliest on ties). Non-finite entries (NaN,
 * ±Infinity) cannot be drawn and are never kept; a bucket holding only such
 * entries gives nothing.
 */
export function minMaxIndices(ys: ArrayLike<number>, maxPoints: number = MAX_SERIES_POINTS): number[] {
  const n = ys.length
  const cap = Math.max(2, Math.floor(maxPoints))
  const out: number[] = []
  if (countFinite(ys) <= cap) {
    for (let i = 0; i < n; i++) if (Number.isFinite(ys[i] as number)) out.push(i)
    return out
  }
  const buckets = Math.floor(cap / 2)
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets)
    const to = Math.floor(((b + 1) * n) / buckets)
    let lo = -1
    let hi = -1
    for (let i = from; i < to; i++) {
      const y = ys[i] as number
      if (!Number.isFinite(y)) continue
      if (lo < 0 || y < (ys[lo] as number)) lo = i
      if (hi < 0 || y > (ys[hi] as number)) hi = i
    }
    if (lo < 0) continue
    if (lo === hi) out.push(lo)
    else out.push(Math.min(lo, hi), Math.max(lo, hi))
  }
  return out
}

function countFinite(ys: ArrayLike<number>): number {
  let k = 0
  for (let i = 0; i < ys.length; i++) if (Number.isFinite(ys[i] as number)) k++
  return k
}

/** A series as drawn: x and y of the kept points, and how many finite points there were before downsampling. */
export interface DrawnSeries {
  readonly x: number[]
  readonly y: number[]
  /** Finite points in the full series. */
  readonly total: number
}

/** The points of (`xs`, `ys`) that `minMaxIndices` keeps. */
export function downsample(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints: number = MAX_SERIES_POINTS): DrawnSeries {
  const keep = minMaxIndices(ys, maxPoints)
  return { x: keep.map((i) => xs[i] as number), y: keep.map((i) => ys[i] as number), total: countFinite(ys) }
}
