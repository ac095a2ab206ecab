/**
 * Strings and value sets in columns, for summary segments (row-columns.ts):
 * a list of strings as one string and where each ends, and value sets as one
 * typed array per parameter name where the values are all floats, ints or
 * bools (a dictionary for strings; the values themselves only for lists,
 * dicts and mixed kinds). Structured clone copies such columns as whole
 * buffers, where it walks every object and string of the same data as
 * objects. Exact: kinds, -0, NaN and the order of names come back. Pure.
 */
import type { Value, Values } from '../model/values.js'

/** Strings as one text and the end of each. */
export interface PackedStrings { readonly text: string; readonly ends: Uint32Array }

/** Packs strings (any content) into one text. */
export function packStrings(xs: readonly string[]): PackedStrings {
  const ends = new Uint32Array(xs.length)
  let at = 0
  xs.forEach((x, i) => { at += x.length; ends[i] = at })
  return { text: xs.join(''), ends }
}

/** The strings packed. */
export function unpackStrings(p: PackedStrings): string[] {
  const out: string[] = new Array<string>(p.ends.length)
  let from = 0
  for (let i = 0; i < p.ends.length; i++) {
    const to = p.ends[i] as number
    out[i] = p.text.slice(from, to)
    from = to
  }
  return out
}

/** One parameter name's values across value sets (entries of sets lacking it are unused). */
type ValueColumn =
  | { readonly kind: 'float'; readonly values: Float64Array }
  | { readonly kind: 'int'; readonly values: BigInt64Array }
  | { readonly kind: 'bool'; readonly values: Uint8Array }
  | { readonly kind: 'string'; readonly dict: PackedStrings; readonly index: Uint32Array }
  | { readonly kind: 'any'; readonly values: (Value | null)[] }
  /** Few distinct values (of a grid, say): each once, and which one each set has. */
  | { readonly kind: 'few'; readonly dict: Value[]; readonly index: Uint32Array }

/** Value sets in columns: the names, each set's list of names (a shape) in order, and a column per name. */
export interface ValueSetColumns {
  readonly count: number
  readonly names: PackedStrings
  /** Shapes as name numbers one after another, with where each shape ends. */
  readonly shapeNames: Uint32Array
  readonly shapeEnds: Uint32Array
  /** Each set's shape. */
  readonly shape: Uint32Array
  readonly columns: ValueColumn[]
}

/** Distinct values a column keeps as a dictionary at most. */
const FEW = 256
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

function columnOf(sets: readonly Values[], name: string): ValueColumn {
  const kinds = new Set<string>()
  for (const s of sets) {
    const v = Object.hasOwn(s, name) ? s[name] : undefined
    if (v) kinds.add(v.kind === 'int' && (v.value < INT64_MIN || v.value > INT64_MAX) ? 'bigint' : v.kind)
  }
  const kind = kinds.size === 1 ? [...kinds][0] : 'any'
  const at = (s: Values) => (Object.hasOwn(s, name) ? s[name] : undefined)
  if (kind === 'float' || kind === 'int' || kind === 'bool') {
    // Few distinct values: each decoded once and shared by the sets that have it.
    const dict = new Map<unknown, number>()
    const index = new Uint32Array(sets.length)
    const values: Value[] = []
    let i = 0
    for (const s of sets) {
      const v = at(s)
      const key = v === undefined ? undefined : Object.is(v.value, -0) ? '-0' : v.value
      let k = dict.get(key)
      if (k === undefined) {
        if (dict.size >= FEW) break
        dict.set(key, (k = dict.size))
        values.push(v ?? { kind: 'bool', value: false })
      }
      index[i++] = k
    }
    if (i === sets.length) return { kind: 'few', dict: values, index }
  }
  switch (kind) {
    case 'float': return { kind, values: Float64Array.from(sets, (s) => (at(s)?.value as number | undefined) ?? 0) }
    case 'int': return { kind, values: BigInt64Array.from(sets, (s) => (at(s)?.value as bigint | undefined) ?? 0n) }
    case 'bool': return { kind, values: Uint8Array.from(sets, (s) => (at(s)?.value === true ? 1 : 0)) }
    case 'string': {
      const dict = new Map<string, number>()
      const index = Uint32Array.from(sets, (s) => {
        const v = (at(s)?.value as string | undefined) ?? ''
        let i = dict.get(v)
        if (i === undefined) dict.set(v, (i = dict.size))
        return i
      })
      return { kind, dict: packStrings([...dict.keys()]), index }
    }
    default: return { kind: 'any', values: sets.map((s) => at(s) ?? null) }
  }
}

/** The value sets in columns. */
export function encodeValueSets(sets: readonly Values[]): ValueSetColumns {
  const names = new Map<string, number>()
  const shapes = new Map<string, number>()
  const shapeNames: number[] = []
  const shapeEnds: number[] = []
  const shape = Uint32Array.from(sets, (s) => {
    const ids = Object.keys(s).map((k) => {
      let i = names.get(k)
      if (i === undefined) names.set(k, (i = names.size))
      return i
    })
    const key = ids.join(',')
    let sh = shapes.get(key)
    if (sh === undefined) {
      shapes.set(key, (sh = shapes.size))
      shapeNames.push(...ids)
      shapeEnds.push(shapeNames.length)
    }
    return sh
  })
  const nameList = [...names.keys()]
  return {
    count: sets.length, names: packStrings(nameList), shapeNames: Uint32Array.from(shapeNames), shapeEnds: Uint32Array.from(shapeEnds), shape,
    columns: nameList.map((name) => columnOf(sets, name)),
  }
}

function valueAt(col: ValueColumn, i: number, strings: Value[] | undefined): Value {
  switch (col.kind) {
    case 'float': return { kind: 'float', value: col.values[i] as number }
    case 'int': return { kind: 'int', value: col.values[i] as bigint }
    case 'bool': return { kind: 'bool', value: col.values[i] === 1 }
    case 'string': return (strings as Value[])[col.index[i] as number] as Value
    case 'few': return col.dict[col.index[i] as number] as Value
    case 'any': return col.values[i] as Value
  }
}

/** The value sets, in order. */
export function decodeValueSets(cols: ValueSetColumns): Values[] {
  const names = unpackStrings(cols.names)
  // A string is decoded once, and its value shared by the sets that have it.
  const strings = cols.columns.map((c) => (c.kind === 'string' ? unpackStrings(c.dict).map((value): Value => ({ kind: 'string', value })) : undefined))
  const out: Values[] = new Array<Values>(cols.count)
  for (let i = 0; i < cols.count; i++) {
    const sh = cols.shape[i] as number
    const set: Record<string, Value> = {}
    for (let k = sh === 0 ? 0 : (cols.shapeEnds[sh - 1] as number); k < (cols.shapeEnds[sh] as number); k++) {
      const n = cols.shapeNames[k] as number
      const name = names[n] as string
      const v = valueAt(cols.columns[n] as ValueColumn, i, strings[n])
      if (name === '__proto__') Object.defineProperty(set, name, { value: v, writable: true, enumerable: true, configurable: true })
      else set[name] = v
    }
    out[i] = set
  }
  return out
}
