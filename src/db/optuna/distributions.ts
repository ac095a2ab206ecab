/**
 * Optuna distributions as Diviner params (docs/optuna-mapping.md, "Params"):
 * parsing a distribution as Optuna writes it, the param (a half-open range or
 * the choices) and the note (log, step) of one, a param value from Optuna's
 * internal representation, and widening params as more trials bring more.
 */
import type { Param, Params } from '../model/params.js'
import { compareValues, valueKey, type FloatValue, type IntValue, type Value } from '../model/values.js'
import { BadOptunaField } from './fields.js'

/** An Optuna distribution, reduced to what the mapping needs. */
export type Distribution =
  | { readonly kind: 'float'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number | null }
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log: boolean; readonly step: number }
  | { readonly kind: 'categorical'; readonly choices: readonly Value[] }

type Json = Record<string, unknown>

function num(x: unknown, what: string): number {
  if (typeof x !== 'number') throw new BadOptunaField(`${what} must be a number`)
  return x
}

/**
 * Parses a distribution as Optuna writes it: `{"name": "FloatDistribution",
 * "attributes": {...}}` (also the pre-3.0 Uniform/LogUniform/DiscreteUniform/
 * IntUniform/IntLogUniform names, which Optuna 3.x still reads). `text` is the
 * JSON text, needed to tell a categorical choice `1.0` (a float) from `1`.
 */
export function parseDistribution(text: string): Distribution {
  let o: unknown
  try {
    o = JSON.parse(text)
  } catch {
    throw new BadOptunaField('the distribution is not valid JSON')
  }
  if (typeof o !== 'object' || o === null) throw new BadOptunaField('the distribution must be an object')
  const { name, attributes } = o as Json
  if (typeof attributes !== 'object' || attributes === null) throw new BadOptunaField('the distribution lacks "attributes"')
  const a = attributes as Json
  switch (name) {
    case 'FloatDistribution':
      return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: a.log === true, step: a.step == null ? null : num(a.step, 'step') }
    case 'UniformDistribution': return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: false, step: null }
    case 'LogUniformDistribution': return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: true, step: null }
    case 'DiscreteUniformDistribution': return { kind: 'float', low: num(a.low, 'low'), high: num(a.high, 'high'), log: false, step: num(a.q, 'q') }
    case 'IntDistribution':
      return { kind: 'int', low: num(a.low, 'low'), high: num(a.high, 'high'), log: a.log === true, step: a.step == null ? 1 : num(a.step, 'step') }
    case 'IntUniformDistribution': return { kind: 'int', low: num(a.low, 'low'), high: num(a.high, 'high'), log: false, step: a.step == null ? 1 : num(a.step, 'step') }
    case 'IntLogUniformDistribution': return { kind: 'int', low: num(a.low, 'low'), high: num(a.high, 'high'), log: true, step: 1 }
    case 'CategoricalDistribution': {
      if (!Array.isArray(a.choices) || a.choices.length === 0) throw new BadOptunaField('a categorical distribution needs choices')
      return { kind: 'categorical', choices: categoricalChoices(a.choices, text) }
    }
    default: throw new BadOptunaField(`unknown distribution ${JSON.stringify(String(name)).slice(0, 60)}`)
  }
}

/** Python's text of a choice, for choices that must all become strings. */
function pythonText(x: unknown): string {
  if (x === null) return 'None'
  if (x === true) return 'True'
  if (x === false) return 'False'
  return typeof x === 'string' ? x : JSON.stringify(x)
}

/**
 * The choices as values of one kind: their own kind when they share one
 * (numbers are floats if any is written with a point or an exponent, else ints;
 * `None` is the string "None"), otherwise every choice as the string Python
 * prints for it.
 */
function categoricalChoices(choices: readonly unknown[], text: string): Value[] {
  const list = text.slice(text.indexOf('"choices"'))
  const floaty = /[[,]\s*-?\d+(\.\d*)?[eE.]|NaN|Infinity/.test(list.slice(0, list.indexOf(']') + 1))
  const kinds = new Set(choices.map((c) => (c === null || typeof c === 'string' ? 'string' : typeof c)))
  let out: Value[]
  if (kinds.size === 1 && kinds.has('number')) {
    out = choices.map((c) => (floaty || !Number.isSafeInteger(c) ? { kind: 'float', value: c as number } : { kind: 'int', value: BigInt(c as number) }))
  } else if (kinds.size === 1 && kinds.has('boolean')) {
    out = choices.map((c) => ({ kind: 'bool', value: c as boolean }))
  } else {
    out = choices.map((c) => ({ kind: 'string', value: pythonText(c) }))
  }
  // Distinct choices may print alike ("None" and None): keep the first.
  const seen = new Set<string>()
  return out.filter((v) => { const k = valueKey(v); if (seen.has(k)) return false; seen.add(k); return true })
}

/** The float just above `x` (so that Optuna's inclusive high becomes our exclusive end). */
export function nextUp(x: number): number {
  if (Number.isNaN(x) || x === Infinity) return x
  if (x === 0) return Number.MIN_VALUE
  const f = new Float64Array([x])
  const b = new BigInt64Array(f.buffer)
  b[0] = (b[0] as bigint) + (x > 0 ? 1n : -1n)
  return f[0] as number
}

/** The Diviner param of a distribution: a half-open range holding exactly Optuna's inclusive [low, high], or the choices. */
export function distributionParam(d: Distribution): Param {
  if (d.kind === 'categorical') return { type: 'discrete', values: d.choices }
  // Optuna's log=True is a log-scale range (its low is above 0, as Optuna requires).
  const log = d.log && d.low > 0 ? { log: true } : {}
  if (d.kind === 'int') {
    return { type: 'range', start: { kind: 'int', value: BigInt(Math.ceil(d.low)) }, end: { kind: 'int', value: BigInt(Math.floor(d.high)) + 1n }, ...log }
  }
  return { type: 'range', start: { kind: 'float', value: d.low }, end: { kind: 'float', value: nextUp(d.high) }, ...log }
}

/** What the description keeps of a distribution that the param cannot say: log scale, step. */
export function distributionNote(d: Distribution): string {
  if (d.kind === 'categorical') return ''
  const parts: string[] = []
  if (d.log) parts.push('log')
  if (d.step !== null && !(d.kind === 'int' && d.step === 1)) parts.push(`step ${d.step}`)
  return parts.join(', ')
}

/** A param value from Optuna's internal representation (a float; a categorical's is the choice's index). */
export function paramValue(d: Distribution, internal: number): Value | undefined {
  if (d.kind === 'float') return { kind: 'float', value: internal }
  if (d.kind === 'int') return Number.isFinite(internal) ? { kind: 'int', value: BigInt(Math.round(internal)) } : undefined
  return Number.isInteger(internal) ? d.choices[internal] : undefined
}

/** Widens `a` to hold `b` too: ranges to the smaller start and the larger end, discrete values to their union (a's first). Undefined when they cannot be combined. */
export function widenParam(a: Param, b: Param): Param | undefined {
  if (a.type === 'range' && b.type === 'range') {
    if (a.start.kind !== b.start.kind) return undefined
    return {
      type: 'range',
      start: (compareValues(b.start, a.start) < 0 ? b.start : a.start) as IntValue | FloatValue,
      end: (compareValues(b.end, a.end) > 0 ? b.end : a.end) as IntValue | FloatValue,
      // Log-scale when either is (both start above 0, so the union does).
      ...(a.log === true || b.log === true ? { log: true } : {}),
    }
  }
  if (a.type === 'discrete' && b.type === 'discrete') {
    if (a.values[0]?.kind !== b.values[0]?.kind) return undefined
    const have = new Set(a.values.map(valueKey))
    const extra = b.values.filter((v) => !have.has(valueKey(v)))
    return extra.length ? { type: 'discrete', values: [...a.values, ...extra] } : a
  }
  return undefined
}

/** `a` widened by every param of `b` (a new name is added); undefined when a param cannot be combined. */
export function widenParams(a: Params, b: Params): Params | undefined {
  const out: Record<string, Param> = Object.create(null) as Record<string, Param>
  for (const [k, p] of Object.entries(a)) out[k] = p
  for (const [k, p] of Object.entries(b)) {
    const have = out[k]
    if (!have) { out[k] = p; continue }
    const w = widenParam(have, p)
    if (!w) return undefined
    out[k] = w
  }
  return out
}
