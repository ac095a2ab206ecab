/**
 * Params: the domain of one study parameter (SPEC §1).
 */
import { invalid } from './errors.js'
import {
  compareValues, float, formatValue, int, isValue, valueEqual, valueKey,
  type FloatValue, type IntValue, type Value, type ValueKind,
} from './values.js'

/** A parameter taking one of a fixed list of values, all of one kind (at least one). */
export interface DiscreteParam { readonly type: 'discrete'; readonly values: readonly Value[] }
/** A half-open range `[start, end)` over ints or over floats (both ends of one kind). */
export interface RangeParam {
  readonly type: 'range'
  readonly start: IntValue | FloatValue
  readonly end: IntValue | FloatValue
  /**
   * True for a log-scale range (a learning rate): the random oracle samples it
   * log-uniformly and charts draw it on a log axis. Its start is above 0.
   * Absent (or false) for a linear range.
   */
  readonly log?: boolean
}
/** A study parameter. */
export type Param = DiscreteParam | RangeParam
/** A study's params: name → param. */
export type Params = Readonly<Record<string, Param>>

/** The most values `paramValues` lists; a larger int range is only walked lazily (by `grid`). */
export const MAX_LISTED_VALUES = 1_000_000

/**
 * The param taking exactly `values`, in that order: at least one, all of one
 * kind, no two equal (kind-aware). Throws `invalid` otherwise.
 */
export function discrete(...values: Value[]): DiscreteParam {
  const p: DiscreteParam = { type: 'discrete', values }
  checkDiscrete('discrete', p)
  return p
}

/**
 * The half-open range `[start, end)`: both ends ints (an `IntValue` or a bigint)
 * or both floats (a `FloatValue` or a number), with `start < end`; float ends
 * are finite. Throws `invalid` otherwise.
 */
export function range(start: IntValue | FloatValue | bigint | number, end: IntValue | FloatValue | bigint | number, options: { readonly log?: boolean } = {}): RangeParam {
  const p: RangeParam = { type: 'range', start: rangeEnd(start), end: rangeEnd(end), ...(options.log === true ? { log: true } : {}) }
  checkRange('range', p)
  return p
}

/** The log-scale range `[start, end)` (start above 0): `range(start, end, {log: true})`. */
export function logRange(start: IntValue | FloatValue | bigint | number, end: IntValue | FloatValue | bigint | number): RangeParam {
  return range(start, end, { log: true })
}

/** True when `p` is a log-scale range. */
export function isLogRange(p: Param): p is RangeParam & { readonly log: true } {
  return p.type === 'range' && p.log === true
}

function rangeEnd(x: IntValue | FloatValue | bigint | number): IntValue | FloatValue {
  if (typeof x === 'bigint') {
    if (!isValue({ kind: 'int', value: x })) throw invalid(`range: ${x} does not fit in a 64-bit int`, 'range')
    return int(x)
  }
  if (typeof x === 'number') return float(x)
  return x
}

/** The kind of every value the param admits. */
export function paramKind(p: Param): ValueKind {
  return p.type === 'discrete' ? (p.values[0] as Value).kind : p.start.kind
}

/** True when `v` is of the param's kind and in its set (kind-aware equality) or range. */
export function isValidValue(p: Param, v: Value): boolean {
  if (v.kind !== paramKind(p)) return false
  if (p.type === 'discrete') return p.values.some((w) => valueEqual(v, w))
  return compareValues(p.start, v) <= 0 && compareValues(v, p.end) < 0
}

/** True when the param has a finite list of values: a discrete param or an int range. */
export function isFinite(p: Param): boolean {
  return p.type === 'discrete' || p.start.kind === 'int'
}

/** How many values a finite param has; throws `invalid` naming `name` for a float range. */
export function paramSize(p: Param, name = 'param'): bigint {
  if (p.type === 'discrete') return BigInt(p.values.length)
  if (p.start.kind === 'float' || p.end.kind === 'float') throw notFinite(name, p)
  return p.end.value - p.start.value
}

/** The `index`-th value of a finite param in enumeration order (given order; ascending for a range). */
export function paramValueAt(p: Param, index: bigint, name = 'param'): Value {
  if (index < 0n || index >= paramSize(p, name)) throw invalid(`param "${name}": no value at index ${index}`, name)
  if (p.type === 'discrete') return p.values[Number(index)] as Value
  return int((p.start as IntValue).value + index)
}

/**
 * Where `v` sits in a finite param's enumeration, or undefined when it is not a
 * valid value. Throws `invalid` naming `name` for a float range.
 */
export function paramIndexOf(p: Param, v: Value, name = 'param'): bigint | undefined {
  if (!isFinite(p)) throw notFinite(name, p)
  if (!isValidValue(p, v)) return undefined
  if (p.type === 'range') return (v as IntValue).value - (p.start as IntValue).value
  return BigInt(p.values.findIndex((w) => valueEqual(v, w)))
}

/**
 * Every value of a finite param in enumeration order. Throws `invalid` naming
 * `name` for a float range, or for a range of more than `MAX_LISTED_VALUES`.
 */
export function paramValues(p: Param, name = 'param'): Value[] {
  const size = paramSize(p, name)
  if (size > BigInt(MAX_LISTED_VALUES)) {
    throw invalid(`param "${name}": ${formatParam(p)} has ${size} values, too many to list`, name)
  }
  if (p.type === 'discrete') return [...p.values]
  const start = (p.start as IntValue).value
  return Array.from({ length: Number(size) }, (_, i) => int(start + BigInt(i)))
}

function notFinite(name: string, p: Param) {
  return invalid(`param "${name}": ${formatParam(p)} is a float range, which has no finite list of values`, name)
}

/**
 * Checks that `p` is a well-formed param (as `discrete` and `range` build them);
 * throws `invalid` naming the param otherwise. `name` must be non-empty.
 */
export function validateParam(name: string, p: Param): void {
  if (typeof name !== 'string' || name === '') throw invalid('params: a param name must be a non-empty string', 'params')
  const field = `params.${name}`
  const shape = p as { type?: unknown } | null
  if (typeof shape !== 'object' || shape === null) throw invalid(`param "${name}" must be discrete(…) or range(…)`, field)
  if (shape.type === 'discrete') return checkDiscrete(`param "${name}"`, p as DiscreteParam, field)
  if (shape.type === 'range') return checkRange(`param "${name}"`, p as RangeParam, field)
  throw invalid(`param "${name}" must be discrete(…) or range(…), got type ${String(shape.type)}`, field)
}

/** Checks a discrete param; messages start with `where`. */
function checkDiscrete(where: string, p: DiscreteParam, field?: string): void {
  const { values } = p
  if (!Array.isArray(values) || values.length === 0) throw invalid(`${where}: needs at least one value`, field)
  const bad = values.findIndex((v) => !isValue(v))
  if (bad >= 0) throw invalid(`${where}: value #${bad + 1} is not a well-formed value`, field)
  const kind = (values[0] as Value).kind
  const other = values.find((v) => v.kind !== kind)
  if (other) throw invalid(`${where}: values must be of one kind, got ${kind} and ${other.kind}`, field)
  const seen = new Set<string>()
  for (const v of values) {
    const key = valueKey(v)
    if (seen.has(key)) throw invalid(`${where}: value ${formatValue(v)} appears twice`, field)
    seen.add(key)
  }
}

/** Checks a range param; messages start with `where`. */
function checkRange(where: string, p: RangeParam, field?: string): void {
  const start: unknown = p.start
  const end: unknown = p.end
  if (!isValue(start) || !isValue(end)) throw invalid(`${where}: ends must be well-formed values`, field)
  if (start.kind !== end.kind) throw invalid(`${where}: ends must be of one kind, got ${start.kind} and ${end.kind}`, field)
  if (start.kind !== 'int' && start.kind !== 'float') throw invalid(`${where}: a range is over ints or floats, got ${start.kind}`, field)
  if (start.kind === 'float' && !(Number.isFinite(start.value) && Number.isFinite(end.value as number))) {
    throw invalid(`${where}: float ends must be finite, got ${formatParam(p)}`, field)
  }
  if (compareValues(start, end) >= 0) throw invalid(`${where}: ${formatParam(p)} is empty; start must be below end`, field)
  const log: unknown = (p as { log?: unknown }).log
  if (log !== undefined && typeof log !== 'boolean') throw invalid(`${where}: log must be true or false`, field)
  if (log === true && !((start.kind === 'int' ? Number(start.value) : start.value as number) > 0)) {
    throw invalid(`${where}: a log-scale range must start above 0, got ${formatParam(p)}`, field)
  }
}

/** The param as a user would write it: `discrete(0.1, 0.01)`, `range(1, 10)`, `logRange(0.0001, 0.1)`. */
export function formatParam(p: Param): string {
  if (p.type === 'discrete') return `discrete(${p.values.map(formatValue).join(', ')})`
  return `${p.log === true ? 'logRange' : 'range'}(${formatValue(p.start)}, ${formatValue(p.end)})`
}

/** True when two params are the same definition: same type, and kind-aware equal values in the same order (a range's scale too). */
export function paramsEqual(a: Param, b: Param): boolean {
  if (a.type === 'range') return b.type === 'range' && valueEqual(a.start, b.start) && valueEqual(a.end, b.end) && (a.log === true) === (b.log === true)
  if (b.type === 'range') return false
  return a.values.length === b.values.length && a.values.every((v, i) => valueEqual(v, b.values[i] as Value))
}
