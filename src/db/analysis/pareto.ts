/**
 * Pareto fronts of a study of several objectives: which trials no other trial
 * beats on every objective (non-dominated), and the picture of two of them,
 * every trial a point, the front highlighted.
 */
import type { Objective } from '../model/study.js'
import type { LeaderboardTrial } from './leaderboard.js'
import { valuesLabel } from './pictures.js'

/** True when `a` is at least as good as `b` on every objective and better on one (both in objective order, `sign` +1 to minimize, −1 to maximize). */
function dominates(a: ArrayLike<number>, b: ArrayLike<number>, sign: readonly number[]): boolean {
  let better = false
  for (let k = 0; k < sign.length; k++) {
    const d = ((a[k] as number) - (b[k] as number)) * (sign[k] as number)
    if (d > 0) return false
    if (d < 0) better = true
  }
  return better
}

/**
 * For each point (its objective values, in the objectives' order; every value
 * finite), whether it is on the Pareto front: no other point dominates it.
 * Two objectives take a sort (n log n); more compare pairs among the points
 * not yet dominated.
 */
export function paretoMask(points: readonly (readonly number[])[], objectives: readonly Objective[]): boolean[] {
  const sign = objectives.map((o) => (o.direction === 'minimize' ? 1 : -1))
  const n = points.length
  const front = new Array<boolean>(n).fill(false)
  if (sign.length === 2) {
    // By the first objective (best first, ties by the second); a point is on the front when it beats the best second seen so far.
    const order = [...points.keys()].sort((i, j) => {
      const a = points[i] as readonly number[]
      const b = points[j] as readonly number[]
      return ((a[0] as number) - (b[0] as number)) * (sign[0] as number) || ((a[1] as number) - (b[1] as number)) * (sign[1] as number)
    })
    let bestY = Infinity
    let bestX = NaN
    for (const i of order) {
      const p = points[i] as readonly number[]
      const x = (p[0] as number) * (sign[0] as number)
      const y = (p[1] as number) * (sign[1] as number)
      // Better on the second than every point before (which are no worse on the first), or a copy of the last front point.
      if (y < bestY) { front[i] = true; bestY = y; bestX = x } else if (y === bestY && x === bestX) front[i] = true
    }
    return front
  }
  for (let i = 0; i < n; i++) {
    let dominated = false
    for (let j = 0; j < n && !dominated; j++) if (j !== i && dominates(points[j] as readonly number[], points[i] as readonly number[], sign)) dominated = true
    front[i] = !dominated
  }
  return front
}

/** The trials (of `trials`) that report every objective and that no other such trial dominates, in the given order. */
export function paretoSet<T extends Pick<LeaderboardTrial, 'metrics'>>(trials: readonly T[], objectives: readonly Objective[]): T[] {
  const having = trials.filter((t) => objectives.every((o) => Number.isFinite(t.metrics[o.metric])))
  const mask = paretoMask(having.map((t) => objectives.map((o) => t.metrics[o.metric] as number)), objectives)
  return having.filter((_, i) => mask[i])
}

/** One trial of a Pareto picture. */
export interface ParetoPoint {
  /** Its rank on the leaderboard (by the study's first objective). */
  readonly rank: number
  /** Its first run's seq (what a click opens), and its values as `a=1, b=adam`. */
  readonly seq: number
  readonly label: string
  readonly x: number
  readonly y: number
  /** On the front of the two objectives drawn. */
  readonly front: boolean
}

/** The Pareto picture of two objectives. */
export interface ParetoPicture {
  /** The objectives drawn: x, then y. */
  readonly x: Objective
  readonly y: Objective
  /** Every objective of the study, to choose from. */
  readonly objectives: Objective[]
  /** Every trial reporting both (mean over its replicates), the front first in x order, then the rest. */
  readonly points: ParetoPoint[]
  /** Trials lacking one of the two. */
  readonly lacking: number
}

/** The picture of `ranked` trials (best first) against objectives `x` and `y`, the front of those two marked. */
export function paretoPicture(ranked: readonly LeaderboardTrial[], objectives: readonly Objective[], x: Objective, y: Objective): ParetoPicture {
  const drawn: { t: LeaderboardTrial; rank: number }[] = []
  ranked.forEach((t, i) => { if (Number.isFinite(t.metrics[x.metric]) && Number.isFinite(t.metrics[y.metric])) drawn.push({ t, rank: i + 1 }) })
  const mask = paretoMask(drawn.map(({ t }) => [t.metrics[x.metric] as number, t.metrics[y.metric] as number]), [x, y])
  const points = drawn.map(({ t, rank }, i): ParetoPoint => ({
    rank, seq: t.runs[0]?.seq ?? 0, label: valuesLabel(t.values), x: t.metrics[x.metric] as number, y: t.metrics[y.metric] as number, front: mask[i] === true,
  }))
  const front = points.filter((p) => p.front).sort((a, b) => a.x - b.x)
  return { x, y, objectives: [...objectives], points: [...front, ...points.filter((p) => !p.front)], lacking: ranked.length - drawn.length }
}
