/**
 * How the benchmarks report a timed figure: measured in several rounds (3 by
 * default; `BENCH_ROUNDS` changes it), written as the median under its name
 * with the least and greatest beside it (`name_min`, `name_max`), so that one
 * noisy round neither passes nor fails a goal. A ratio against a floor is
 * taken round by round (ours and the floor measured back to back), then
 * summarised the same way.
 */

/** Rounds each timed figure is measured in. */
export function rounds(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  const asked = env?.BENCH_ROUNDS ?? (import.meta as unknown as { env?: Record<string, string | undefined> }).env?.VITE_BENCH_ROUNDS
  return Math.max(1, Number(asked ?? 3) || 3)
}

/** Rounds to 3 significant digits, for figures. */
export function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(3)) : x
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const mid = s.length >> 1
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

/** `name`: the median of the rounds' values, with `name_min` and `name_max`. */
export function spread(name: string, xs: readonly number[]): Record<string, number> {
  if (xs.length === 0) return {}
  return { [name]: round(median(xs)), [`${name}_min`]: round(Math.min(...xs)), [`${name}_max`]: round(Math.max(...xs)) }
}

/** `name`: round by round `top[i] / bottom[i]`, summarised as `spread` does. */
export function ratio(name: string, top: readonly number[], bottom: readonly number[]): Record<string, number> {
  return spread(name, top.map((t, i) => t / (bottom[i] as number)))
}

/** Times `work`, in milliseconds, with its result. */
export async function timed<T>(work: () => Promise<T> | T): Promise<[number, T]> {
  const t0 = performance.now()
  const v = await work()
  return [performance.now() - t0, v]
}
