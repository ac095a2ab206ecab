/**
 * Values: the six kinds a parameter value can take (SPEC §1). Kinds are part of
 * identity (int 1 ≠ float 1); values order within a kind, and across kinds by a
 * fixed kind order so that any two values compare.
 */

/** A 64-bit integer value. */
export interface IntValue { readonly kind: 'int'; readonly value: bigint }
/** A 64-bit float value; NaN and ±Infinity are allowed. */
export interface FloatValue { readonly kind: 'float'; readonly value: number }
/** A string value. */
export interface StringValue { readonly kind: 'string'; readonly value: string }
/** A boolean value (false < true). */
export interface BoolValue { readonly kind: 'bool'; readonly value: boolean }
/** A list of values, ordered lexicographically. */
export interface ListValue { readonly kind: 'list'; readonly value: readonly Value[] }
/** A string → value dictionary (own keys only; `__proto__` is an ordinary key). */
export interface DictValue { readonly kind: 'dict'; readonly value: Readonly<Record<string, Value>> }

/** One parameter value of any of the six kinds. */
export type Value = IntValue | FloatValue | StringValue | BoolValue | ListValue | DictValue

/** The name of a value kind. */
export type ValueKind = Value['kind']

/** A value set: parameter name → value. */
export type Values = Readonly<Record<string, Value>>

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** The int value `n`; a number must be a safe integer, and the result fits in 64 bits. */
export function int(n: number | bigint): IntValue {
  if (typeof n === 'number' && !Number.isSafeInteger(n)) {
    throw new RangeError(`int(${n}): not a safe integer; pass a bigint`)
  }
  const value = BigInt(n)
  if (value < INT64_MIN || value > INT64_MAX) throw new RangeError(`int(${n}): outside 64 bits`)
  return { kind: 'int', value }
}

/** The float value `x`. */
export function float(x: number): FloatValue {
  return { kind: 'float', value: x }
}

/** The string value `s`. */
export function str(s: string): StringValue {
  return { kind: 'string', value: s }
}

/** The bool value `b`. */
export function bool(b: boolean): BoolValue {
  return { kind: 'bool', value: b }
}

/** The list value holding `values` in order. */
export function list(...values: Value[]): ListValue {
  return { kind: 'list', value: values }
}

/** The dict value with the entries of `entries` (own enumerable keys). */
export function dict(entries: Readonly<Record<string, Value>>): DictValue {
  return { kind: 'dict', value: nullProtoCopy(entries) }
}

/** A copy of `record` on a null prototype, so that any key (even `__proto__`) is plain data. */
export function nullProtoCopy<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  const out = Object.create(null) as Record<string, T>
  for (const k of Object.keys(record)) out[k] = record[k] as T
  return out
}

const KIND_ORDER: Record<ValueKind, number> = { bool: 0, int: 1, float: 2, string: 3, list: 4, dict: 5 }

function compareFloat(a: number, b: number): number {
  const an = Number.isNaN(a)
  const bn = Number.isNaN(b)
  if (an || bn) return an && bn ? 0 : an ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/**
 * Total order on values: by kind (bool, int, float, string, list, dict), then
 * within the kind. Floats order numerically with NaN first and -0 equal to 0;
 * lists lexicographically; dicts by their sorted (key, value) pairs.
 */
export function compareValues(a: Value, b: Value): number {
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind]
  switch (a.kind) {
    case 'bool': return Number(a.value) - Number((b as BoolValue).value)
    case 'int': { const bv = (b as IntValue).value; return a.value < bv ? -1 : a.value > bv ? 1 : 0 }
    case 'float': return compareFloat(a.value, (b as FloatValue).value)
    case 'string': return compareStrings(a.value, (b as StringValue).value)
    case 'list': return compareLists(a.value, (b as ListValue).value)
    case 'dict': return compareRecords(a.value, (b as DictValue).value)
  }
}

function compareLists(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] as Value, b[i] as Value)
    if (c !== 0) return c
  }
  return a.length - b.length
}

function compareRecords(a: Readonly<Record<string, Value>>, b: Readonly<Record<string, Value>>): number {
  const ak = Object.keys(a).sort()
  const bk = Object.keys(b).sort()
  const n = Math.min(ak.length, bk.length)
  for (let i = 0; i < n; i++) {
    const ka = ak[i] as string
    const kb = bk[i] as string
    if (ka !== kb) return compareStrings(ka, kb)
    const c = compareValues(a[ka] as Value, b[kb] as Value)
    if (c !== 0) return c
  }
  return ak.length - bk.length
}

/** Kind-aware equality: true when `compareValues(a, b) === 0` (so NaN equals NaN, -0 equals 0). */
export function valueEqual(a: Value, b: Value): boolean {
  return compareValues(a, b) === 0
}

/** Orders value sets by their sorted (name, value) pairs. */
export function compareValueSets(a: Values, b: Values): number {
  return compareRecords(a, b)
}

/** True when two value sets have the same names with kind-aware equal values. */
export function valuesEqual(a: Values, b: Values): boolean {
  return compareRecords(a, b) === 0
}

/**
 * A canonical string for a value: two values have the same key exactly when
 * `valueEqual` holds, so keys can index maps.
 */
export function valueKey(v: Value): string {
  switch (v.kind) {
    case 'bool': return v.value ? 'T' : 'F'
    case 'int': return `i${v.value}`
    case 'float': return `f${Number.isNaN(v.value) ? 'NaN' : Object.is(v.value, -0) ? '0' : String(v.value)}`
    case 'string': return `s${JSON.stringify(v.value)}`
    case 'list': return `[${v.value.map(valueKey).join(',')}]`
    case 'dict': return `{${recordKey(v.value)}}`
  }
}

function recordKey(r: Readonly<Record<string, Value>>): string {
  return Object.keys(r).sort().map((k) => `${JSON.stringify(k)}:${valueKey(r[k] as Value)}`).join(',')
}

/** A canonical string for a value set: equal keys exactly when `valuesEqual` holds. */
export function valuesKey(values: Values): string {
  return recordKey(values)
}

/**
 * A short human rendering of a value, as Diviner prints it: strings bare (`adam`),
 * floats with a fraction or exponent (`0.1`, `1.0`), lists and dicts bracketed (`[1, 2]`).
 */
export function formatValue(v: Value): string {
  switch (v.kind) {
    case 'bool': return String(v.value)
    case 'int': return v.value.toString()
    case 'float': { const s = String(v.value); return /^-?\d+$/.test(s) ? `${s}.0` : s }
    case 'string': return v.value
    case 'list': return `[${v.value.map(formatValue).join(', ')}]`
    case 'dict': return `{${Object.keys(v.value).sort().map((k) => `${k}: ${formatValue(v.value[k] as Value)}`).join(', ')}}`
  }
}

/** The value as a plain number where it has one (int, float, bool), else undefined. */
export function valueNumber(v: Value): number | undefined {
  switch (v.kind) {
    case 'int': return Number(v.value)
    case 'float': return v.value
    case 'bool': return v.value ? 1 : 0
    default: return undefined
  }
}

/**
 * True when `x` is a well-formed value: a known kind holding the right type
 * (an int a bigint within 64 bits), recursively for lists and dicts.
 */
export function isValue(x: unknown): x is Value {
  if (typeof x !== 'object' || x === null) return false
  const { kind, value } = x as { kind?: unknown; value?: unknown }
  switch (kind) {
    case 'int': return typeof value === 'bigint' && value >= INT64_MIN && value <= INT64_MAX
    case 'float': return typeof value === 'number'
    case 'string': return typeof value === 'string'
    case 'bool': return typeof value === 'boolean'
    case 'list': return Array.isArray(value) && value.every(isValue)
    case 'dict': return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every(isValue)
    default: return false
  }
}
