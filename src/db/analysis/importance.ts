/**
 * Parameter importance as the share of the objective's variance that a
 * parameter's main effect explains: fANOVA's first-order term, estimated
 * directly from the trials instead of through a random forest. For each
 * parameter the trials are grouped (by category, or by quantile bin of a
 * numeric parameter) and the between-group variance is measured with ω²,
 *
 *     ω² = (SS_between − (k − 1)·MS_within) / (SS_total + MS_within),
 *
 * which subtracts what k groups would explain by chance, so a pure-noise
 * parameter scores about 0 rather than the small positive share raw η² gives.
 * Chosen over permutation importance on a forest because it is exact for the
 * grid sweeps this tool runs (a full grid is the balanced design fANOVA
 * assumes), needs no training or random state, and is O(trials × params),
 * so it runs over 100,000 trials in the worker in milliseconds.
 */

/** One parameter's importance. */
export interface ParamImportance {
  /** The axis key (`v.<param>`). */
  readonly key: string
  readonly label: string
  /** ω², clamped to [0, 1]: the share of the objective's variance its main effect explains. */
  readonly score: number
  /** Groups compared (categories, or quantile bins). */
  readonly groups: number
  /** Trials compared (those with a finite objective and this parameter set). */
  readonly trials: number
  /** Distinct values of the parameter among them. */
  readonly distinct: number
}

/**
 * Fewer trials than this per group, on average, and a parameter's ω² cannot
 * tell its effect from noise (it is then mostly 0): the page says so.
 */
export const FEW_PER_GROUP = 3

/** The most quantile bins a numeric parameter is cut into. */
export const MAX_BINS = 10
/** Fewest trials per bin, on average, when cutting a numeric parameter. */
const PER_BIN = 5

/**
 * ω² of `objective` grouped by `groups` (a group number per trial; NaN
 * leaves a trial out, as does a non-finite objective). 0 with fewer than two
 * groups or no variance.
 */
export function omegaSquared(groups: ArrayLike<number>, objective: ArrayLike<number>): { score: number; groups: number; trials: number } {
  const sums = new Map<number, { n: number; sum: number }>()
  let n = 0
  let total = 0
  for (let i = 0; i < objective.length; i++) {
    const g = groups[i] as number
    const y = objective[i] as number
    if (Number.isNaN(g) || !Number.isFinite(y)) continue
    const s = sums.get(g) ?? { n: 0, sum: 0 }
    s.n++
    s.sum += y
    sums.set(g, s)
    n++
    total += y
  }
  const k = sums.size
  if (k < 2 || n <= k) return { score: 0, groups: k, trials: n }
  const mean = total / n
  let ssTotal = 0
  for (let i = 0; i < objective.length; i++) {
    const y = objective[i] as number
    if (!Number.isNaN(groups[i] as number) && Number.isFinite(y)) ssTotal += (y - mean) ** 2
  }
  let ssBetween = 0
  for (const s of sums.values()) ssBetween += s.n * (s.sum / s.n - mean) ** 2
  const msWithin = (ssTotal - ssBetween) / (n - k)
  if (!(ssTotal > 0)) return { score: 0, groups: k, trials: n }
  const score = (ssBetween - (k - 1) * msWithin) / (ssTotal + msWithin)
  return { score: Math.min(1, Math.max(0, score)), groups: k, trials: n }
}

/**
 * Quantile bins of `xs`: each finite value's bin 0…bins−1 by rank (ties share
 * a bin), NaN for non-finite ones; at most `MAX_BINS` bins and about
 * `PER_BIN` values per bin or more.
 */
export function quantileBins(xs: ArrayLike<number>): Float64Array {
  const finite: number[] = []
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i] as number)) finite.push(i)
  const bins = Math.max(1, Math.min(MAX_BINS, Math.floor(finite.length / PER_BIN)))
  finite.sort((a, b) => (xs[a] as number) - (xs[b] as number))
  const out = new Float64Array(xs.length).fill(NaN)
  let bin = 0
  finite.forEach((i, r) => {
    const want = Math.floor((r * bins) / finite.length)
    // Equal values stay in one bin.
    if (want > bin && (r === 0 || (xs[i] as number) !== (xs[finite[r - 1] as number] as number))) bin = want
    out[i] = bin
  })
  return out
}

/**
 * Importance of each axis of a trial table for its objective, most important
 * first (ties by label). Categorical axes group by category, numeric ones by
 * quantile bin.
 */
export function paramImportance(
  axes: readonly { readonly kind: 'numeric' | 'categorical'; readonly key: string; readonly label: string }[],
  columns: readonly Float64Array[],
  objective: Float64Array,
): ParamImportance[] {
  const out = axes.map((axis, i): ParamImportance => {
    const column = columns[i] as Float64Array
    const { score, groups, trials } = omegaSquared(axis.kind === 'numeric' ? quantileBins(column) : column, objective)
    const seen = new Set<number>()
    for (let t = 0; t < column.length; t++) if (!Number.isNaN(column[t] as number) && Number.isFinite(objective[t] as number)) seen.add(column[t] as number)
    return { key: axis.key, label: axis.label, score, groups, trials, distinct: seen.size }
  })
  return out.sort((a, b) => b.score - a.score || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
}
