/**
 * Oracles: which value sets a study should run next, as pure functions of the
 * study and what has been tried. `grid` walks every combination of finite
 * params; `random` draws from a seeded generator. Studies are assumed to have
 * passed `validateStudy`.
 */
import { invalid } from './errors.js'
import { paramIndexOf, paramSize, paramValueAt, type Param, type Params } from './params.js'
import type { Study } from './study.js'
import { float, int, type IntValue, type Value, type Values } from './values.js'
import { mulberry32 } from './prng.js'

/** The most value sets `grid` lists when not given a limit `n`. */
export const MAX_GRID_LIST = 1_000_000

/** One param of a grid: a digit whose base is the param's number of values. */
export interface Axis { readonly name: string; readonly param: Param; readonly size: bigint }

/** The grid of `params`: their axes by sorted name. Throws `invalid` naming a param that is a float range. */
export function axes(params: Params): Axis[] {
  return Object.keys(params).sort().map((name) => {
    const param = params[name] as Param
    return { name, param, size: paramSize(param, name) }
  })
}

/**
 * How many value sets the grid of `params` has: the product of the params'
 * sizes (1 with no params). Throws `invalid` naming a param that is a float range.
 */
export function gridSize(params: Params): bigint {
  return axes(params).reduce((n, a) => n * a.size, 1n)
}

/** The position of `values` in the grid, or undefined when a param's value is missing or not valid for it. */
export function gridIndex(grid: readonly Axis[], values: Values): bigint | undefined {
  let index = 0n
  for (const a of grid) {
    const v = Object.hasOwn(values, a.name) ? values[a.name] : undefined
    const digit = v === undefined ? undefined : paramIndexOf(a.param, v, a.name)
    if (digit === undefined) return undefined
    index = index * a.size + digit
  }
  return index
}

/** The value set at `index` in the grid: the last param varies fastest. */
export function gridPoint(grid: readonly Axis[], index: bigint): Values {
  const digits: bigint[] = []
  for (let i = grid.length - 1; i >= 0; i--) {
    const size = (grid[i] as Axis).size
    digits[i] = index % size
    index /= size
  }
  const out: Record<string, Value> = Object.create(null)
  grid.forEach((a, i) => { out[a.name] = paramValueAt(a.param, digits[i] as bigint, a.name) })
  return out
}

function checkCount(study: Study, what: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) throw invalid(`study "${study.name}": ${what} must be a whole number, got ${n}`, what)
  return n
}

/** How many value sets to list of the `remaining`: `n` (checked), else all (unless too many to list: `invalid`). */
export function gridLimit(study: Study, remaining: bigint, n: number | undefined): number {
  if (n !== undefined) return checkCount(study, 'n', n)
  if (remaining > BigInt(MAX_GRID_LIST)) {
    throw invalid(`study "${study.name}": ${remaining} value sets remain in its grid, too many to list; ask for at most n`, 'n')
  }
  return Number(remaining)
}

/**
 * The study's value sets not yet in `tried`, in a stable order: params by
 * sorted name, each param's values in enumeration order, the last name
 * varying fastest; at most `n` of them (all when `n` is absent). Tried value
 * sets with a missing or invalid value are ignored; names beyond the study's
 * params do not matter. Throws `invalid` naming a param that is a float range.
 */
export function grid(study: Study, tried: readonly Values[], n?: number): Values[] {
  const g = axes(study.params)
  const total = g.reduce((size, a) => size * a.size, 1n)
  const done = new Set<bigint>()
  for (const values of tried) {
    const index = gridIndex(g, values)
    if (index !== undefined) done.add(index)
  }
  const limit = gridLimit(study, total - BigInt(done.size), n)
  const out: Values[] = []
  for (let i = 0n; i < total && out.length < limit; i++) {
    if (!done.has(i)) out.push(gridPoint(g, i))
  }
  return out
}

/** A 32-bit generator state from a seed and a point's index (both safe integers), well mixed. */
function pointState(seed: number, index: number): number {
  let h = 0x9e3779b9
  for (const x of [seed, index]) {
    for (const w of [x % 2 ** 32, Math.floor(x / 2 ** 32)]) {
      h = Math.imul(h ^ (w >>> 0), 0x85ebca6b)
      h ^= h >>> 13
      h = Math.imul(h, 0xc2b2ae35)
      h ^= h >>> 16
    }
  }
  return h >>> 0
}

const SPAN64 = 1n << 64n

/** A uniform integer in [0, size), size ≤ 2^64, by rejection (no modulo bias). */
function uniformBelow(next: () => number, size: bigint): bigint {
  const limit = SPAN64 - (SPAN64 % size)
  for (;;) {
    const r = (BigInt(next()) << 32n) | BigInt(next())
    if (r < limit) return r % size
  }
}

/** A uniform float in [start, end) with 53 random bits. */
function uniformFloat(next: () => number, start: number, end: number): number {
  for (;;) {
    const u = ((next() >>> 5) * 2 ** 26 + (next() >>> 6)) / 2 ** 53
    const x = start * (1 - u) + end * u
    if (x >= start && x < end) return x
  }
}

function sample(p: Param, next: () => number): Value {
  if (p.type === 'discrete') return p.values[Number(uniformBelow(next, BigInt(p.values.length)))] as Value
  if (p.log === true) return logSample(p, next)
  if (p.start.kind === 'int') return int(p.start.value + uniformBelow(next, paramSize(p)))
  return float(uniformFloat(next, p.start.value, (p.end as { value: number }).value))
}

/**
 * A log-uniform draw from a log-scale range: a float's logarithm is uniform
 * over [log start, log end); an int is the rounding of a log-uniform float
 * over [start − ½, end − ½), as Optuna samples its log int distributions.
 */
function logSample(p: Param & { type: 'range' }, next: () => number): Value {
  if (p.start.kind === 'int') {
    const lo = Number(p.start.value)
    const hi = Number((p.end as IntValue).value) - 1
    const x = Math.exp(uniformFloat(next, Math.log(Math.max(lo - 0.5, Number.MIN_VALUE)), Math.log(hi + 0.5)))
    return int(BigInt(Math.min(hi, Math.max(lo, Math.round(x)))))
  }
  const start = p.start.value
  const end = (p.end as { value: number }).value
  for (;;) {
    const x = Math.exp(uniformFloat(next, Math.log(start), Math.log(end)))
    if (x >= start && x < end) return float(x)
  }
}

/**
 * `n` value sets drawn at random: a discrete param picks uniformly among its
 * values, an int range a uniform int in [start, end), a float range a uniform
 * float in [start, end), a log-scale range a log-uniform one. Point i depends only on `seed` and `start + i`, so the
 * same seed gives the same points, and a longer draw extends a shorter one.
 */
export function random(study: Study, seed: number, n: number, start = 0): Values[] {
  checkCount(study, 'n', n)
  checkCount(study, 'start', start)
  if (!Number.isSafeInteger(seed)) throw invalid(`study "${study.name}": a random seed must be an integer, got ${seed}`, 'seed')
  const names = Object.keys(study.params).sort()
  return Array.from({ length: n }, (_, i) => {
    const next = mulberry32(pointState(seed, start + i))
    const out: Record<string, Value> = Object.create(null)
    for (const name of names) out[name] = sample(study.params[name] as Param, next)
    return out
  })
}

/**
 * Up to `n` value sets to try next, chosen by the study's oracle (grid when
 * absent): grid skips the tried value sets; random continues its sequence
 * after the `tried.length` points already drawn. Any other oracle throws
 * `invalid`: it cannot propose here.
 */
export function propose(study: Study, tried: readonly Values[], n: number): Values[] {
  const oracle = study.oracle ?? { name: 'grid' }
  if (oracle.name === 'grid') return grid(study, tried, n)
  if (oracle.name === 'random') return random(study, typeof oracle.seed === 'number' ? oracle.seed : NaN, n, tried.length)
  throw invalid(`study "${study.name}": oracle ${oracle.name} cannot propose here; use grid or random`, 'oracle')
}
