/**
 * Replicate spread: how much a trial's replicates disagree. The least and
 * greatest value, the mean, and with 3 or more replicates a 95% confidence
 * interval of the mean by Student's t (replicates are few, so the normal
 * approximation would be too narrow).
 */

/** A 95% confidence interval. */
export interface Interval { readonly low: number; readonly high: number }

/** The spread of one metric over a trial's replicates. */
export interface Spread {
  /** How many values. */
  readonly n: number
  readonly mean: number
  readonly min: number
  readonly max: number
  /** The 95% confidence interval of the mean, with n ≥ 3 finite values; absent otherwise. */
  readonly ci?: Interval
}

/** The fewest replicates for which a confidence interval is given. */
export const CI_MIN_REPLICATES = 3

/** t quantiles at 0.975 for 1…30 degrees of freedom. */
const T975 = [
  12.706204736, 4.30265273, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252, 2.306004135,
  2.262157163, 2.228138852, 2.20098516, 2.17881283, 2.160368656, 2.144786688, 2.131449546, 2.119905299,
  2.109815578, 2.10092204, 2.093024054, 2.085963447, 2.079613845, 2.073873068, 2.06865761, 2.063898562,
  2.059538553, 2.055529439, 2.051830516, 2.048407142, 2.045229642, 2.042272456,
]
const Z975 = 1.959963984540054

/**
 * The 0.975 quantile of Student's t with `df` ≥ 1 degrees of freedom: from a
 * table up to 30, beyond by the Cornish–Fisher expansion (error below 1e-5 there).
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return NaN
  const d = Math.floor(df)
  if (d <= T975.length) return T975[d - 1] as number
  const z = Z975
  const z3 = z ** 3
  const z5 = z ** 5
  const z7 = z ** 7
  return z + (z3 + z) / (4 * d) + (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d ** 3)
}

/**
 * The spread of `xs` (undefined for none). The mean is NaN when a value is;
 * min and max ignore NaN unless every value is NaN. The interval is mean ± t·s/√n
 * with the sample standard deviation s, given only with n ≥ 3, all finite.
 */
export function spreadOf(xs: readonly number[]): Spread | undefined {
  const n = xs.length
  if (n === 0) return undefined
  let sum = 0
  let min = NaN
  let max = NaN
  for (const x of xs) {
    sum += x
    if (!Number.isNaN(x)) {
      if (!(x >= min)) min = x
      if (!(x <= max)) max = x
    }
  }
  const mean = sum / n
  if (n < CI_MIN_REPLICATES || !xs.every(Number.isFinite)) return { n, mean, min, max }
  let ss = 0
  for (const x of xs) ss += (x - mean) ** 2
  const half = tQuantile975(n - 1) * Math.sqrt(ss / (n - 1) / n)
  return { n, mean, min, max, ci: { low: mean - half, high: mean + half } }
}
