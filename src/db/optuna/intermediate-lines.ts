/**
 * The fast path of a journal's bulk, its intermediate-value lines (op code 7):
 * `{"op_code":7,"worker_id":"…","trial_id":N,"step":S,"intermediate_value":V}`
 * read without JSON.parse, from the line's text or straight from its bytes
 * (then without decoding it or making a string of it). A line not exactly of
 * that form is left to the general path (JSON.parse).
 */

/** What an intermediate-value line says: trial `id` reported `value` at `step`. Filled in by the readers below (one object reused from line to line). */
export interface IntermediateOp {
  id: number
  step: number
  value: number
}

/**
 * Reads an intermediate-value line from its text into `out`; false (`out`
 * then unspecified) when the line is not exactly that form.
 */
export function readIntermediateText(t: string, out: IntermediateOp): boolean {
  if (!t.startsWith('{"op_code":7,')) return false
  const a = t.indexOf(',"trial_id":')
  const b = t.indexOf(',"step":', a)
  const c = t.indexOf(',"intermediate_value":', b)
  if (a < 0 || b < 0 || c < 0 || t.charCodeAt(t.length - 1) !== 0x7d /* } */) return false
  const id = digits(t, a + 12, b)
  const step = digits(t, b + 8, c)
  if (id < 0 || step < 0) return false
  const v = numberText(t.slice(c + 22, -1))
  if (v === undefined) return false
  out.id = id
  out.step = step
  out.value = v
  return true
}

/**
 * Reads an intermediate-value line from bytes `b[s, e)` of ASCII text (the
 * line without its line break) into `out`; false (`out` then unspecified) when
 * the line is not exactly that form (it is then decoded and read as text).
 */
export function readIntermediateBytes(b: Uint8Array, s: number, e: number, out: IntermediateOp): boolean {
  const head = OP7_HEAD
  if (e - s < head.length + 40 || b[e - 1] !== 0x7d /* } */) return false
  for (let i = 0; i < head.length; i++) if (b[s + i] !== head[i]) return false
  // The worker id's closing quote (an escaped quote inside it makes the line go the slow way).
  const q = b.indexOf(0x22, s + head.length)
  if (q < 0 || q >= e || b[q - 1] === 0x5c || !bytesAt(b, q, TRIAL_KEY)) return false
  let p = q + TRIAL_KEY.length
  let id = 0
  const idFrom = p
  for (let d = (b[p] as number) - 48; d >= 0 && d <= 9 && p - idFrom < 15; d = (b[++p] as number) - 48) id = id * 10 + d
  if (p === idFrom || !bytesAt(b, p, STEP_KEY)) return false
  p += STEP_KEY.length
  let step = 0
  const stepFrom = p
  for (let d = (b[p] as number) - 48; d >= 0 && d <= 9 && p - stepFrom < 15; d = (b[++p] as number) - 48) step = step * 10 + d
  if (p === stepFrom || !bytesAt(b, p, VALUE_KEY)) return false
  p += VALUE_KEY.length
  if (e - 1 - p > 32) return false
  const v = numberText(String.fromCharCode.apply(null, b.subarray(p, e - 1) as unknown as number[]))
  if (v === undefined) return false
  out.id = id
  out.step = step
  out.value = v
  return true
}

const asciiBytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))
const OP7_HEAD = asciiBytes('{"op_code":7,"worker_id":"')
const TRIAL_KEY = asciiBytes('","trial_id":')
const STEP_KEY = asciiBytes(',"step":')
const VALUE_KEY = asciiBytes(',"intermediate_value":')

/** True when `b` holds `key` at `at`. */
function bytesAt(b: Uint8Array, at: number, key: Uint8Array): boolean {
  if (at + key.length > b.length) return false
  for (let i = 0; i < key.length; i++) if (b[at + i] !== key[i]) return false
  return true
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** The float a JSON number (or Python's NaN, Infinity, -Infinity) writes, or undefined for any other text. */
function numberText(t: string): number | undefined {
  if (JSON_NUMBER.test(t)) return Number(t)
  if (t === 'NaN') return Number.NaN
  if (t === 'Infinity') return Infinity
  if (t === '-Infinity') return -Infinity
  return undefined
}

/** The non-negative integer written in t[from, to) (at most 15 digits), or -1. */
function digits(t: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1
  let x = 0
  for (let i = from; i < to; i++) {
    const d = t.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    x = x * 10 + d
  }
  return x
}
