/**
 * Reading parameter values typed into the new-study form: one value per line,
 * of a chosen kind; lists and dicts as JSON, whose numbers, strings, booleans,
 * arrays and objects map to our kinds (integers to int, other numbers to float).
 */
import { invalid } from '../../db/model/errors.js'
import { bool, dict, float, int, list, str, type FloatValue, type IntValue, type Value, type ValueKind } from '../../db/model/values.js'

/** The kinds a discrete param may hold, in the order the form offers them. */
export const VALUE_KINDS: readonly ValueKind[] = ['int', 'float', 'string', 'bool', 'list', 'dict']

/** An example of each kind, for the values box's placeholder. */
export const EXAMPLES: Readonly<Record<ValueKind, string>> = {
  int: '32\n64\n128',
  float: '0.001\n0.01\n0.1',
  string: 'adam\nsgd',
  bool: 'true\nfalse',
  list: '[64, 64]\n[128, 64, 32]',
  dict: '{"layers": 2, "act": "relu"}\n{"layers": 3, "act": "gelu"}',
}

/** An int from text: optional sign and digits, within 64 bits. Throws `invalid` naming `field`. */
export function parseInt64(text: string, field: string): IntValue {
  const t = text.trim()
  if (!/^[+-]?\d+$/.test(t)) throw invalid(`"${t}" is not a whole number`, field)
  try {
    return int(BigInt(t))
  } catch {
    throw invalid(`${t} does not fit in a 64-bit int`, field)
  }
}

const SPECIAL_FLOATS: Readonly<Record<string, number>> = {
  nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity,
}

/** A float from text: a decimal or exponent number, or NaN / ±Inf. Throws `invalid` naming `field`. */
export function parseFloat64(text: string, field: string): FloatValue {
  const t = text.trim()
  const special = Object.hasOwn(SPECIAL_FLOATS, t.toLowerCase()) ? SPECIAL_FLOATS[t.toLowerCase()] : undefined
  if (special !== undefined) return float(special)
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) throw invalid(`"${t}" is not a number`, field)
  return float(Number(t))
}

/** The value a parsed JSON value stands for; `where` names it in errors. */
export function fromJson(x: unknown, where: string, field: string): Value {
  if (typeof x === 'string') return str(x)
  if (typeof x === 'boolean') return bool(x)
  if (typeof x === 'number') {
    if (!Number.isInteger(x)) return float(x)
    if (!Number.isSafeInteger(x)) throw invalid(`${where}: ${x} is too large for an exact int`, field)
    return int(x)
  }
  if (Array.isArray(x)) return list(...x.map((v, i) => fromJson(v, `${where}[${i}]`, field)))
  if (typeof x === 'object' && x !== null) {
    const entries: Record<string, Value> = Object.create(null)
    for (const [k, v] of Object.entries(x)) entries[k] = fromJson(v, `${where}.${k}`, field)
    return dict(entries)
  }
  throw invalid(`${where}: null has no value kind`, field)
}

function parseJson(text: string, kind: 'list' | 'dict', where: string, field: string): Value {
  let x: unknown
  try {
    x = JSON.parse(text)
  } catch (e) {
    throw invalid(`${where}: not JSON (${e instanceof Error ? e.message : String(e)})`, field)
  }
  const isList = Array.isArray(x)
  const isDict = typeof x === 'object' && x !== null && !isList
  if (kind === 'list' && !isList) throw invalid(`${where}: a list value is a JSON array, like [1, 2]`, field)
  if (kind === 'dict' && !isDict) throw invalid(`${where}: a dict value is a JSON object, like {"a": 1}`, field)
  return fromJson(x, where, field)
}

/** One line's value of `kind`. */
function parseLine(kind: ValueKind, line: string, where: string, field: string): Value {
  switch (kind) {
    case 'int': return withPlace(where, () => parseInt64(line, field))
    case 'float': return withPlace(where, () => parseFloat64(line, field))
    case 'string': return str(line)
    case 'bool': {
      const t = line.toLowerCase()
      if (t !== 'true' && t !== 'false') throw invalid(`${where}: "${line}" is not true or false`, field)
      return bool(t === 'true')
    }
    case 'list':
    case 'dict': return parseJson(line, kind, where, field)
  }
}

function withPlace<T>(where: string, parse: () => T): T {
  try {
    return parse()
  } catch (e) {
    if (e instanceof Error) e.message = `${where}: ${e.message}`
    throw e
  }
}

/**
 * The values in `text`, one per non-blank line (surrounding spaces ignored), of
 * `kind`. Throws `invalid` naming the line and `field`.
 */
export function parseValues(kind: ValueKind, text: string, field: string): Value[] {
  const out: Value[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line !== '') out.push(parseLine(kind, line, `line ${i + 1}`, field))
  })
  return out
}
