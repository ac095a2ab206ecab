/**
 * One parameter in the new-study form: its name and either a discrete list of
 * values of one kind or a range of ints or floats, as typed, and the param
 * they make (or why they make none).
 */
import { invalid, isDivinerError } from '../../db/model/errors.js'
import { discrete, range, type Param } from '../../db/model/params.js'
import type { FloatValue, IntValue, ValueKind } from '../../db/model/values.js'
import { errorMessage } from '../format.js'
import { parseFloat64, parseInt64, parseValues } from './values.js'

/** Discrete values or a range. */
export type ParamType = 'discrete' | 'range'
/** What a range runs over. */
export type RangeKind = 'int' | 'float'

/** Which part of a row an error belongs to. */
export type RowField = 'values' | 'range'

/** The param a row makes, or the error that stops it. */
export type Built = { readonly param: Param } | { readonly field: RowField; readonly error: string }

let nextId = 1

/** One row of the params builder. */
export class ParamRow {
  /** Stable identity for keyed lists and field ids. */
  readonly id = nextId++
  name = $state('')
  type: ParamType = $state('discrete')
  /** The kind of a discrete param's values. */
  kind: ValueKind = $state('float')
  /** A discrete param's values, one per line. */
  valuesText = $state('')
  rangeKind: RangeKind = $state('float')
  start = $state('')
  end = $state('')
  /** A log-scale range (sampled log-uniformly, drawn on a log axis). */
  log = $state(false)

  /** The param as typed now. */
  readonly built: Built = $derived(this.build())

  private build(): Built {
    const field: RowField = this.type === 'discrete' ? 'values' : 'range'
    try {
      return { param: this.type === 'discrete' ? this.discrete() : this.range() }
    } catch (e) {
      return { field, error: isDivinerError(e) || e instanceof RangeError ? errorMessage(e) : `unexpected: ${errorMessage(e)}` }
    }
  }

  private discrete(): Param {
    const values = parseValues(this.kind, this.valuesText, 'values')
    if (values.length === 0) throw invalid('enter at least one value, one per line', 'values')
    return discrete(...values)
  }

  private range(): Param {
    const parse: (text: string, field: string) => IntValue | FloatValue = this.rangeKind === 'int' ? parseInt64 : parseFloat64
    if (this.start.trim() === '' || this.end.trim() === '') throw invalid('enter both the start and the end of the range', 'range')
    const start = withWhere('start', () => parse(this.start, 'range'))
    const end = withWhere('end', () => parse(this.end, 'range'))
    return range(start, end, { log: this.log })
  }
}

function withWhere<T>(where: string, f: () => T): T {
  try {
    return f()
  } catch (e) {
    if (e instanceof Error) e.message = `${where}: ${e.message}`
    throw e
  }
}
