/**
 * A parsed run filter (filter-lang.ts) made into a test of one run row.
 * Fields: `metrics.<name>` (the run's last value), `params.<name>` (its value;
 * also `values.`), `attributes.<name>` (`state`, `status`, `run`, `replicate`,
 * `retries`, `runtime` in seconds, `trial` (Optuna's number), `tag`, `note`),
 * or a bare name: a metric or param of that name (a name both are must be
 * prefixed), else an attribute. A missing metric or value never matches.
 */
import { DivinerError } from '../model/errors.js'
import { optunaTrialNumber } from '../model/foreign.js'
import { displayState, isMetricName, type RunRow } from '../model/run.js'
import { formatValue, valueNumber, type Value } from '../model/values.js'
import type { FilterNode, FilterOp, FilterValue } from './filter-lang.js'

/** What a filter reads of a run: its row, and its tags and note when it has them. */
export type FilterRow = Pick<RunRow, 'seq' | 'values' | 'last' | 'state' | 'status' | 'replicate' | 'retries' | 'runtime' | 'config'> & {
  readonly tags?: readonly string[]
  readonly note?: string
}

/** The metric and value names a study's runs have (what a bare name may mean). */
export interface FilterNames {
  readonly values: readonly string[]
  readonly metrics: readonly string[]
}

/** The attributes a filter can name. */
export const ATTRIBUTES = ['state', 'status', 'run', 'replicate', 'retries', 'runtime', 'trial', 'tag', 'note'] as const
type Attribute = (typeof ATTRIBUTES)[number]

const PREFIXES: Readonly<Record<string, 'metric' | 'param' | 'attribute'>> = {
  metrics: 'metric', metric: 'metric', m: 'metric',
  params: 'param', param: 'param', values: 'param', value: 'param', v: 'param',
  attributes: 'attribute', attribute: 'attribute', attr: 'attribute',
}

const ALIASES: Readonly<Record<string, Attribute>> = { seq: 'run', tags: 'tag' }

/** A test of a row; `text` is the row's lower-cased search text (name, status, values, tags, note). */
export type RowTest = (row: FilterRow, text: string) => boolean

/** The test `node` makes of a row, its names resolved against `names`. Throws `invalid` (field `filter`) for an unknown name or a value of the wrong kind. */
export function compileFilter(node: FilterNode, names: FilterNames): RowTest {
  switch (node.type) {
    case 'and': { const a = compileFilter(node.left, names); const b = compileFilter(node.right, names); return (r, t) => a(r, t) && b(r, t) }
    case 'or': { const a = compileFilter(node.left, names); const b = compileFilter(node.right, names); return (r, t) => a(r, t) || b(r, t) }
    case 'not': { const a = compileFilter(node.node, names); return (r, t) => !a(r, t) }
    case 'text': { const needle = node.text.toLowerCase(); return (_r, t) => t.includes(needle) }
    case 'compare': return compileCompare(node, names)
  }
}

function refused(message: string): DivinerError {
  return new DivinerError('invalid', `filter: ${message}`, { field: 'filter' })
}

/** What a field names: a metric, a param, or an attribute. */
type Target = { readonly kind: 'metric'; readonly name: string } | { readonly kind: 'param'; readonly name: string } | { readonly kind: 'attribute'; readonly name: Attribute }

function resolve(field: readonly string[], names: FilterNames): Target {
  const [first = '', rest] = field
  const prefix = rest === undefined ? undefined : PREFIXES[first.toLowerCase()]
  if (prefix === 'metric' || prefix === 'param') {
    if (prefix === 'metric' && !isMetricName(rest as string)) throw refused(`${rest} is each report's step, not a metric`)
    return prefix === 'metric' ? { kind: 'metric', name: rest as string } : { kind: 'param', name: rest as string }
  }
  const name = rest === undefined ? first : `${first}.${rest}`
  if (prefix === 'attribute') return { kind: 'attribute', name: attribute(rest as string) }
  const metric = names.metrics.includes(name)
  const param = names.values.includes(name)
  if (metric && param) throw refused(`${name} is both a metric and a param: write metrics.${name} or params.${name}`)
  if (metric) return { kind: 'metric', name }
  if (param) return { kind: 'param', name }
  const attr = ATTRIBUTES.find((a) => a === name.toLowerCase()) ?? ALIASES[name.toLowerCase()]
  if (attr) return { kind: 'attribute', name: attr }
  throw refused(`no metric, param or attribute is called ${name} (metrics: ${names.metrics.join(', ') || 'none'}; params: ${names.values.join(', ') || 'none'}; attributes: ${ATTRIBUTES.join(', ')})`)
}

function attribute(name: string): Attribute {
  const a = ATTRIBUTES.find((x) => x === name.toLowerCase()) ?? ALIASES[name.toLowerCase()]
  if (!a) throw refused(`no attribute is called ${name} (attributes: ${ATTRIBUTES.join(', ')})`)
  return a
}

function compileCompare(node: Extract<FilterNode, { type: 'compare' }>, names: FilterNames): RowTest {
  const target: Target = resolve(node.field, names)
  const { op, values } = node
  if (target.kind === 'metric') {
    const name = target.name
    if (op === 'like' || op === 'ilike') throw refused(`metrics.${name} is a number: compare it with =, !=, <, <=, > or >=`)
    const xs = values.map((v) => {
      if (v.kind !== 'number') throw refused(`metrics.${name} is a number, not "${v.value}"`)
      return v.value
    })
    return (r) => {
      const x = Object.hasOwn(r.last, name) ? r.last[name] : undefined
      return x !== undefined && xs.some((y) => compareNumbers(x, y, op))
    }
  }
  if (target.kind === 'param') {
    const name = target.name
    const match = matcher(op, values)
    return (r) => {
      const v = Object.hasOwn(r.values, name) ? r.values[name] : undefined
      return v !== undefined && match(valueNumber(v as Value), formatValue(v as Value))
    }
  }
  return attributeTest(target.name, op, values)
}

function attributeTest(name: Attribute, op: FilterOp, values: readonly FilterValue[]): RowTest {
  const match = matcher(op, values)
  switch (name) {
    case 'state': return (r) => match(undefined, displayState(r))
    case 'status': return (r) => match(undefined, r.status)
    case 'run': return (r) => match(r.seq, String(r.seq))
    case 'replicate': return (r) => match(r.replicate, String(r.replicate))
    case 'retries': return (r) => match(r.retries, String(r.retries))
    case 'runtime': return (r) => match(r.runtime / 1000, String(r.runtime / 1000))
    case 'trial': return (r) => { const n = optunaTrialNumber(r.config); return n !== undefined && match(n, String(n)) }
    case 'note': return (r) => match(undefined, r.note ?? '')
    case 'tag': {
      // A run matches when one of its tags does; `!=` and `not in` mean no tag does.
      if (op === '!=') { const eq = matcher('=', values); return (r) => !(r.tags ?? []).some((t) => eq(undefined, t)) }
      return (r) => (r.tags ?? []).some((t) => match(undefined, t))
    }
  }
}

/**
 * A test of one value, given as a number (when it has one) and as text: a
 * number literal compares numerically with a number, anything else compares
 * texts (`like`/`ilike` take SQL patterns, `%` any run of characters, `_` one).
 */
function matcher(op: FilterOp, values: readonly FilterValue[]): (n: number | undefined, text: string) => boolean {
  if (op === 'like' || op === 'ilike') {
    const res = values.map((v) => likePattern(v.kind === 'text' ? v.value : v.text, op === 'ilike'))
    return (_n, text) => res.some((re) => re.test(text))
  }
  return (n, text) => values.some((v) => (v.kind === 'number' && n !== undefined ? compareNumbers(n, v.value, op) : compareTexts(text, v.kind === 'text' ? v.value : v.text, op)))
}

function compareNumbers(a: number, b: number, op: FilterOp): boolean {
  switch (op) {
    case '=': case 'in': return a === b || (Number.isNaN(a) && Number.isNaN(b))
    case '!=': return !(a === b || (Number.isNaN(a) && Number.isNaN(b)))
    case '<': return a < b
    case '<=': return a <= b
    case '>': return a > b
    case '>=': return a >= b
    default: return false
  }
}

function compareTexts(a: string, b: string, op: FilterOp): boolean {
  switch (op) {
    case '=': case 'in': return a === b
    case '!=': return a !== b
    case '<': return a < b
    case '<=': return a <= b
    case '>': return a > b
    case '>=': return a >= b
    default: return false
  }
}

/** A SQL LIKE pattern as a regular expression over the whole text. */
function likePattern(pattern: string, ignoreCase: boolean): RegExp {
  const body = [...pattern].map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('')
  return new RegExp(`^${body}$`, ignoreCase ? 'is' : 's')
}
