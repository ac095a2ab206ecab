/**
 * A journal line's JSON as Python's json module writes it: parsing a line
 * (bare NaN, Infinity and -Infinity included) and reading its fields as the
 * numbers an operation needs, or throwing BadOptunaField saying why not.
 */
import { badDump } from '../dump/lines.js'
import { BadOptunaField } from './fields.js'

/** A parsed JSON object (a journal operation, or an object field of one). */
export type Json = Record<string, unknown>

/** True when `x` is a JSON object (not null, not an array). */
export function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** A float as Python's json writes it: a number, or NaN/Infinity/-Infinity (which the line reader turns into strings). */
export function float(x: unknown, what: string): number {
  if (typeof x === 'number') return x
  if (x === 'NaN') return Number.NaN
  if (x === 'Infinity') return Infinity
  if (x === '-Infinity') return -Infinity
  throw new BadOptunaField(`${what} must be a number`)
}

/** A non-negative safe integer (an id, a state); `what` names the field in the error. */
export function integer(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw new BadOptunaField(`${what} must be a non-negative integer`)
  return x
}

/** A list of floats, each as `float` reads it. */
export function floats(x: unknown, what: string): number[] {
  if (!Array.isArray(x)) throw new BadOptunaField(`${what} must be a list of numbers`)
  return x.map((v, i) => float(v, `${what}[${i}]`))
}

/**
 * Parses a line that JSON.parse refused: Python's json writes NaN, Infinity and
 * -Infinity as bare words, which become the strings "NaN", "Infinity",
 * "-Infinity" here. Anything else is a malformed line: throws bad-dump naming
 * line `no` with `first`, JSON.parse's error.
 */
export function parsePython(t: string, no: number, first: unknown): unknown {
  if (/NaN|Infinity/.test(t)) {
    try {
      return JSON.parse(t.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"$2"'))
    } catch {
      // fall through: report the original error
    }
  }
  throw badDump(no, `not valid JSON (${first instanceof Error ? first.message : String(first)})`)
}
