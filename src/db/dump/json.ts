/**
 * Reading untrusted parsed JSON with every field checked: the primitives the
 * record decoders share, and values (the six kinds) with their JSON form.
 * Failures throw `BadRecord` with a reason naming the field.
 */
import type { Value } from '../model/values.js'

/** A record that breaks the format; `reason` says how. */
export class BadRecord extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'BadRecord'
  }
}


/** A parsed JSON object. */
export type Json = Record<string, unknown>

/** True for a JSON object (not an array, not null). */
export function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** `x` as an object, else BadRecord naming `what`. */
export function obj(x: unknown, what: string): Json {
  if (!isObject(x)) throw new BadRecord(`${what} must be an object`)
  return x
}

/** The own field `key` of `o`, else BadRecord saying `what` lacks it. */
export function field(o: Json, key: string, what: string): unknown {
  if (!Object.hasOwn(o, key)) throw new BadRecord(`${what} lacks "${key}"`)
  return o[key]
}

/** `x` as a string, else BadRecord. */
export function string(x: unknown, what: string): string {
  if (typeof x !== 'string') throw new BadRecord(`${what} must be a string`)
  return x
}

/** A short description of untrusted JSON for a message (never the whole of a large or deep value). */
export function describe(x: unknown): string {
  if (Array.isArray(x)) return 'an array'
  if (typeof x === 'object' && x !== null) return 'an object'
  if (typeof x === 'string') return JSON.stringify(x.slice(0, 40))
  return String(x)
}

/** `x` as an integer in min..max, else BadRecord. */
export function integer(x: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof x !== 'number' || !Number.isInteger(x) || x < min || x > max) {
    throw new BadRecord(`${what} must be an integer in ${min}..${max}, got ${describe(x)}`)
  }
  return x
}

/** `x` as a finite number ≥ 0, else BadRecord. */
export function finiteNonNegative(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) throw new BadRecord(`${what} must be a non-negative number, got ${describe(x)}`)
  return x
}

/** A time: an ISO 8601 string as `Date.toISOString` writes it (years beyond 0000–9999 as ±YYYYYY). */
export function time(x: unknown, what: string): number {
  const s = string(x, what)
  const ms = Date.parse(s)
  if (!/^(\d{4}|[+-]\d{6})-\d\d-\d\dT/.test(s) || Number.isNaN(ms)) throw new BadRecord(`${what} must be an ISO 8601 time, got ${describe(s)}`)
  return ms
}

/** The most deeply nested JSON a free-form field (config, oracle settings) may hold. */
const MAX_JSON_DEPTH = 32

/** Free-form JSON kept as it is (a run's config, an oracle's settings), checked to nest at most MAX_JSON_DEPTH deep. */
export function freeJson(x: unknown, what: string, depth = 0): unknown {
  if (typeof x !== 'object' || x === null) return x
  if (depth >= MAX_JSON_DEPTH) throw new BadRecord(`${what} nests deeper than ${MAX_JSON_DEPTH}`)
  for (const v of Array.isArray(x) ? x : Object.values(x)) freeJson(v, what, depth + 1)
  return x
}

/** A float from JSON: a number or one of "NaN", "Infinity", "-Infinity". */
export function decodeFloat(x: unknown, what: string): number {
  if (typeof x === 'number') return x
  if (x === 'NaN') return Number.NaN
  if (x === 'Infinity') return Infinity
  if (x === '-Infinity') return -Infinity
  if (x === '-0') return -0
  throw new BadRecord(`${what} must be a number, "NaN", "Infinity", "-Infinity" or "-0"`)
}

const MAX_DEPTH = 32
const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/**
 * Objects of the line being decoded that hold a key such as `__proto__`, and
 * which of them turned out to be dict payloads (where any key is data).
 */
export class KeyCheck {
  readonly dicts = new Set<object>()
  constructor(readonly hostile: ReadonlyMap<object, string> | undefined) {}

  /** Throws when a hostile key sits anywhere but in a dict payload. */
  check(): void {
    if (!this.hostile) return
    for (const [holder, key] of this.hostile) {
      if (!this.dicts.has(holder)) throw new BadRecord(`the key "${key}" is not allowed here (only a dict value may hold it)`)
    }
  }
}

/** A value from its JSON form, checked; `check` learns which objects are dict payloads. */
export function decodeValue(x: unknown, what: string, depth = 0, check?: KeyCheck): Value {
  if (depth > MAX_DEPTH) throw new BadRecord(`${what} nests deeper than ${MAX_DEPTH}`)
  const o = obj(x, what)
  const keys = Object.keys(o)
  if (keys.length !== 1) throw new BadRecord(`${what} must have exactly one kind key (int, float, string, bool, list or dict)`)
  const kind = keys[0] as string
  const v = o[kind]
  switch (kind) {
    case 'int': {
      const s = string(v, `${what}.int`)
      if (!/^-?\d{1,19}$/.test(s)) throw new BadRecord(`${what}.int must be a decimal integer string`)
      const n = BigInt(s)
      if (n < INT64_MIN || n > INT64_MAX) throw new BadRecord(`${what}.int does not fit in 64 bits`)
      return { kind: 'int', value: n }
    }
    case 'float': return { kind: 'float', value: decodeFloat(v, `${what}.float`) }
    case 'string': return { kind: 'string', value: string(v, `${what}.string`) }
    case 'bool':
      if (typeof v !== 'boolean') throw new BadRecord(`${what}.bool must be true or false`)
      return { kind: 'bool', value: v }
    case 'list':
      if (!Array.isArray(v)) throw new BadRecord(`${what}.list must be an array`)
      return { kind: 'list', value: v.map((e, i) => decodeValue(e, `${what}[${i}]`, depth + 1, check)) }
    case 'dict': {
      const d = obj(v, `${what}.dict`)
      check?.dicts.add(d)
      return { kind: 'dict', value: mapRecordChecked(d, (e, k) => decodeValue(e, `${what}.${k}`, depth + 1, check)) }
    }
    default: throw new BadRecord(`${what} has unknown kind "${kind.slice(0, 40)}"`)
  }
}

/** A copy of `r` on a null prototype with each field mapped by `f` (given the field's key). */
export function mapRecordChecked<B>(r: Json, f: (a: unknown, key: string) => B): Record<string, B> {
  const out = Object.create(null) as Record<string, B>
  for (const k of Object.keys(r)) out[k] = f(r[k], k)
  return out
}


/** `x` as a non-empty string, else BadRecord. */
export function nonEmpty(x: unknown, what: string): string {
  const s = string(x, what)
  if (s === '') throw new BadRecord(`${what} must not be empty`)
  return s
}

/** `x` as a list of strings, else BadRecord. */
export function stringList(x: unknown, what: string): string[] {
  if (!Array.isArray(x) || !x.every((s) => typeof s === 'string')) throw new BadRecord(`${what} must be a list of strings`)
  return x
}
