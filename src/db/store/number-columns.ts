/**
 * A column of numbers kept in as few bytes as give every one back exactly:
 * integers whose range fits 8, 16 or 32 bits are stored as offsets from the
 * least of them (seqs, revs, states, counts, and times a few weeks apart all
 * do), anything else as 64-bit floats. A store's summary segments keep their
 * runs' numbers so (row-columns.ts): IndexedDB's time to read a segment grows
 * with its bytes. Pure.
 */

/** Numbers in a typed array, each `base` plus its stored value. */
export interface NumberColumn {
  readonly base: number
  readonly values: Float64Array | Uint32Array | Uint16Array | Uint8Array
}

/** `xs` in the narrowest column that gives each back exactly (-0, NaN and ±Infinity included). */
export function encodeNumbers(xs: ArrayLike<number>): NumberColumn {
  let min = Infinity
  let max = -Infinity
  let integral = true
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i] as number
    if (!Number.isSafeInteger(x) || Object.is(x, -0)) { integral = false; break }
    if (x < min) min = x
    if (x > max) max = x
  }
  const span = max - min
  if (!integral || xs.length === 0 || span >= 2 ** 32) return { base: 0, values: Float64Array.from(xs) }
  const values = span < 2 ** 8 ? new Uint8Array(xs.length) : span < 2 ** 16 ? new Uint16Array(xs.length) : new Uint32Array(xs.length)
  for (let i = 0; i < xs.length; i++) values[i] = (xs[i] as number) - min
  return { base: min, values }
}

/** Number `i` of the column. */
export function numberAt(col: NumberColumn, i: number): number {
  // Floats are stored as they are (base 0, and 0 + -0 would be 0).
  return col.values instanceof Float64Array ? (col.values[i] as number) : col.base + (col.values[i] as number)
}

/**
 * Every number of the column, in order, as 64-bit floats: written into
 * `into` (at least as long as the column) when given, and returned.
 */
export function decodeNumbers(col: NumberColumn, into?: Float64Array): Float64Array {
  const n = col.values.length
  const out = into ?? new Float64Array(n)
  // A typed array's own conversion: exact for each of the column's element types.
  out.set(col.values)
  const base = col.base
  if (base !== 0) for (let i = 0; i < n; i++) out[i] = (out[i] as number) + base
  return out
}

/** Positions in a dictionary, in the narrowest unsigned typed array that holds them. */
export type IndexArray = Uint8Array | Uint16Array | Uint32Array

/** `xs`, positions in a dictionary of `size` entries, in the narrowest array that holds every one. */
export function indexArray(xs: Uint32Array, size: number): IndexArray {
  if (size <= 2 ** 8) return Uint8Array.from(xs)
  if (size <= 2 ** 16) return Uint16Array.from(xs)
  return xs
}
