/**
 * A brush over parallel coordinates: per axis, a range of numbers or a set of
 * categories, which a trial must fall in on every brushed axis. It travels in
 * the study page's address (`brush=` JSON), so the runs tab shows the runs of
 * the brushed trials and a shared link keeps the selection.
 *
 * Axis keys are the runs table's column keys: `v.<param>` for a parameter,
 * `m.<metric>` for the objective (the trial's replicate mean of that metric).
 */
import { leaderboard, type RankedRow } from './leaderboard.js'
import { RunState } from '../model/run.js'
import { maximize } from '../model/study.js'
import { valueKey, valueNumber, valuesKey, type Values } from '../model/values.js'

/** One axis's selection: an inclusive range `[low, high]`, or the `valueKey`s of the categories kept. */
export type AxisBrush = readonly [number, number] | readonly string[]

/** Axis key → selection; an axis not named is not brushed. */
export type Brush = Readonly<Record<string, AxisBrush>>

/** No axis brushed. */
export const NO_BRUSH: Brush = Object.freeze({})

/** True when `b` is a range rather than a category list. */
export function isRange(b: AxisBrush): b is readonly [number, number] {
  return b.length === 2 && typeof b[0] === 'number' && typeof b[1] === 'number'
}

/** The brush a `brush=` parameter holds; anything malformed (or absent) is no brush, and malformed axes are dropped. */
export function parseBrush(text: string): Brush {
  if (text.trim() === '') return NO_BRUSH
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return NO_BRUSH
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return NO_BRUSH
  const out: Record<string, AxisBrush> = Object.create(null)
  for (const [key, b] of Object.entries(raw)) {
    if (!Array.isArray(b) || !/^[vm]\./.test(key)) continue
    if (b.length === 2 && b.every((x) => typeof x === 'number' && !Number.isNaN(x))) out[key] = [Math.min(b[0], b[1]), Math.max(b[0], b[1])]
    else if (b.every((x) => typeof x === 'string')) out[key] = b as string[]
  }
  return out
}

/** The `brush=` parameter of a brush ('' for none). */
export function formatBrush(brush: Brush): string {
  return Object.keys(brush).length === 0 ? '' : JSON.stringify(brush)
}

/** True when no axis is brushed. */
export function brushEmpty(brush: Brush): boolean {
  return Object.keys(brush).length === 0
}

/**
 * True when a trial with `values` and objective-axis numbers `metrics`
 * (metric → trial mean) falls in every brushed axis. A trial lacking a
 * brushed value or metric does not match.
 */
export function matchesBrush(brush: Brush, values: Values, metrics: Readonly<Record<string, number>> = {}): boolean {
  for (const key in brush) {
    const b = brush[key] as AxisBrush
    const name = key.slice(2)
    if (key.startsWith('m.')) {
      const x = Object.hasOwn(metrics, name) ? metrics[name] : undefined
      if (x === undefined || !isRange(b) || !(x >= b[0] && x <= b[1])) return false
      continue
    }
    const v = Object.hasOwn(values, name) ? values[name] : undefined
    if (v === undefined) return false
    if (isRange(b)) {
      const x = valueNumber(v)
      if (x === undefined || !(x >= b[0] && x <= b[1])) return false
    } else if (!b.includes(valueKey(v))) {
      return false
    }
  }
  return true
}

/**
 * For each of `rows`, whether its trial (its value set, its metrics averaged
 * over the successful replicates as the analysis pictures do) matches `brush`. Trial means are
 * computed only when a metric axis is brushed.
 */
export function brushMask(brush: Brush, rows: readonly RankedRow[]): Uint8Array {
  const mask = new Uint8Array(rows.length)
  const metricKeys = Object.keys(brush).filter((k) => k.startsWith('m.'))
  const means = new Map<string, Record<string, number>>()
  if (metricKeys.length > 0) {
    const done = rows.filter((r) => r.state === RunState.Success)
    for (const t of leaderboard(maximize(metricKeys[0]?.slice(2) ?? ''), done).trials) means.set(valuesKey(t.values), { ...t.metrics })
  }
  rows.forEach((r, i) => {
    const metrics = metricKeys.length > 0 ? means.get(valuesKey(r.values)) : undefined
    mask[i] = matchesBrush(brush, r.values, metrics) ? 1 : 0
  })
  return mask
}
