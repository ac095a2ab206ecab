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
import { indexArray, type IndexArray } from './number-columns.js'

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
  | { readonly kind: 'string'; readonly dict: PackedStrings; readonly index: IndexArray }
  | { readonly kind: 'any'; readonly values: (Value | null)[] }
  /** Few distinct values (of a grid, say): each once, and which one each set has. */
  | { readonly kind: 'few'; readonly dict: Value[]; readonly index: IndexArray }

/** Value sets in columns: the names, each set's list of names (a shape) in order, and a column per name. */
export interface ValueSetColumns {
  readonly count: number
  readonly names: PackedStrings
  /** Shapes as name numbers one after another, with where each shape ends. */
  readonly shapeNames: Uint32Array
  readonly shapeEnds: Uint32Array
  /** Each set's shape. */
  readonly shape: IndexArray
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
    if (i === sets.length) return { kind: 'few', dict: values, index: indexArray(index, values.length) }
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
      return { kind, dict: packStrings([...dict.keys()]), index: indexArray(index, dict.size) }
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
    count: sets.length, names: packStrings(nameList), shapeNames: Uint32Array.from(shapeNames), shapeEnds: Uint32Array.from(shapeEnds), shape: indexArray(shape, shapes.size),
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

/** A key equal for two values exactly when they are the same value (kind, -0 and NaN included). */
export function exactValueKey(v: Value): string {
  switch (v.kind) {
    case 'float': return Object.is(v.value, -0) ? 'f-0' : `f${String(v.value)}`
    case 'int': return `i${v.value}`
    case 'string': return `s${JSON.stringify(v.value)}`
    case 'bool': return v.value ? 'T' : 'F'
    case 'list': return `[${v.value.map(exactValueKey).join(',')}]`
    case 'dict': return `{${Object.keys(v.value).map((k) => `${JSON.stringify(k)}:${exactValueKey(v.value[k] as Value)}`).join(',')}}`
  }
}

/** A key equal for two value sets exactly when they hold the same names in the same order with the same values. */
export function exactValuesKey(values: Values): string {
  return Object.keys(values).map((k) => `${JSON.stringify(k)}:${exactValueKey(values[k] as Value)}`).join(',')
}

/**
 * Value sets decoded so far, by their exact content: decoding several
 * segments' columns through one pool gives one object per distinct value set,
 * as rows written by one writer share theirs (a study's replicates usually
 * sit in different segments). What reads a whole study keys its value sets
 * once per object, so this spares it a key per run.
 */
export class ValueSetPool {
  /**
   * By the set's names in order, then by each value's atom (see `atomOf`) in
   * that order. A branch that one set alone has so far holds that set and
   * its remaining atoms; it is split when a second set takes it.
   */
  private readonly root = new Map<string, Map<unknown, PoolNode>>()

  /** The pooled set of these names (as one key) and set `i`'s atoms, or the one `make(i)` makes (then pooled). */
  get(names: string, atoms: readonly ((i: number) => unknown)[], i: number, make: (i: number) => Values): Values {
    let node: Map<unknown, PoolNode> | undefined = this.root.get(names)
    if (node === undefined) this.root.set(names, (node = new Map()))
    const n = atoms.length
    for (let k = 0; ; k++) {
      const atom = k < n ? (atoms[k] as (i: number) => unknown)(i) : undefined
      const at: PoolNode | undefined = node.get(atom)
      if (at === undefined) {
        const set = make(i)
        const rest: unknown[] = []
        for (let j = k + 1; j < n; j++) rest.push((atoms[j] as (i: number) => unknown)(i))
        node.set(atom, { rest, set })
        return set
      }
      if (at instanceof Map) { node = at; continue }
      // A set alone on this branch: the same set when its remaining atoms are the same; else the branch splits.
      let same = true
      for (let j = 0; j < at.rest.length && same; j++) same = sameAtom(at.rest[j], (atoms[k + 1 + j] as (i: number) => unknown)(i))
      if (same) return at.set
      const split: Map<unknown, PoolNode> = new Map<unknown, PoolNode>([[at.rest[0], { rest: at.rest.slice(1), set: at.set }]])
      node.set(atom, split)
      node = split
    }
  }
}

/** A pool's branch: deeper branches by the next atom, or the one set that has taken it so far. */
type PoolNode = Map<unknown, PoolNode> | { readonly rest: readonly unknown[]; readonly set: Values }

/** SameValueZero, as a Map compares its keys. */
function sameAtom(a: unknown, b: unknown): boolean {
  return a === b || (a !== a && b !== b)
}

/**
 * A Map key equal (SameValueZero) for two values exactly when they are the
 * same value: the number of a float (−0 apart), the bigint of an int, the
 * boolean of a bool, and `exactValueKey`'s string for the rest (which no
 * number, bigint or boolean equals).
 */
function atomOf(v: Value): unknown {
  switch (v.kind) {
    case 'float': return Object.is(v.value, -0) ? 'f-0' : v.value
    case 'int': return v.value
    case 'bool': return v.value
    default: return exactValueKey(v)
  }
}

/** Each column's atom (`atomOf`) of set `i`'s value, read cheaply from the column (dictionaries' atoms made once). */
function columnAtoms(cols: ValueSetColumns, strings: (Value[] | undefined)[]): ((i: number) => unknown)[] {
  return cols.columns.map((col, n) => {
    switch (col.kind) {
      case 'float': return (i) => { const v = col.values[i] as number; return Object.is(v, -0) ? 'f-0' : v }
      case 'int': return (i) => col.values[i] as bigint
      case 'bool': return (i) => col.values[i] === 1
      case 'string': {
        const atoms = (strings[n] as Value[]).map(atomOf)
        return (i) => atoms[col.index[i] as number]
      }
      case 'few': {
        const atoms = col.dict.map(atomOf)
        return (i) => atoms[col.index[i] as number]
      }
      case 'any': return (i) => atomOf(col.values[i] as Value)
    }
  })
}

/** The value sets, in order; through `pool`, each exactly equal set already pooled is that very object. */
export function decodeValueSets(cols: ValueSetColumns, pool?: ValueSetPool): Values[] {
  const names = unpackStrings(cols.names)
  // A string is decoded once, and its value shared by the sets that have it.
  const strings = cols.columns.map((c) => (c.kind === 'string' ? unpackStrings(c.dict).map((value): Value => ({ kind: 'string', value })) : undefined))
  const decode = (i: number): Values => {
    const sh = cols.shape[i] as number
    const set: Record<string, Value> = {}
    for (let k = sh === 0 ? 0 : (cols.shapeEnds[sh - 1] as number); k < (cols.shapeEnds[sh] as number); k++) {
      const n = cols.shapeNames[k] as number
      const name = names[n] as string
      const v = valueAt(cols.columns[n] as ValueColumn, i, strings[n])
      if (name === '__proto__') Object.defineProperty(set, name, { value: v, writable: true, enumerable: true, configurable: true })
      else set[name] = v
    }
    return set
  }
  const out: Values[] = new Array<Values>(cols.count)
  if (pool === undefined) {
    for (let i = 0; i < cols.count; i++) out[i] = decode(i)
    return out
  }
  const atomsOf = columnAtoms(cols, strings)
  // Shape `sh`'s names as one key (JSON: no raw control characters), and its columns' atoms.
  const shapes: { key: string; atoms: ((i: number) => unknown)[] }[] = []
  for (let sh = 0, from = 0; sh < cols.shapeEnds.length; from = cols.shapeEnds[sh] as number, sh++) {
    const columns = Array.from(cols.shapeNames.subarray(from, cols.shapeEnds[sh]))
    shapes.push({ key: JSON.stringify(columns.map((n) => names[n])), atoms: columns.map((n) => atomsOf[n] as (i: number) => unknown) })
  }
  for (let i = 0; i < cols.count; i++) {
    const shape = shapes[cols.shape[i] as number] as { key: string; atoms: ((i: number) => unknown)[] }
    out[i] = pool.get(shape.key, shape.atoms, i, decode)
  }
  return out
}
