/**
 * How the study and run screens write numbers, durations and metric values.
 */
import type { OracleSpec } from '../../db/model/study.js'

/** A run time as Diviner prints a duration truncated to seconds: `1h2m3s`, `45s`, `0s`. */
export function formatRuntime(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms)
  let s = Math.floor(ms / 1000)
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  if (h > 0) return `${h}h${m}m${s}s`
  if (m > 0) return `${m}m${s}s`
  return `${s}s`
}

/**
 * A metric with `digits` significant digits and no trailing zeros, like Go's
 * `%.4g`: `0.1235`, `12`, `1.235e+7`; `NaN`, `+Inf`, `-Inf` for the rest.
 */
export function formatMetric(x: number, digits = 4): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+Inf'
  if (x === -Infinity) return '-Inf'
  if (x === 0) return '0'
  const exp = Math.floor(Math.log10(Math.abs(x)))
  if (exp < -4 || exp >= digits) {
    const [mant = '', e = '0'] = x.toExponential(digits - 1).split('e')
    return `${trimZeros(mant)}e${e.startsWith('-') ? e : `+${e.replace('+', '')}`}`
  }
  return trimZeros(x.toFixed(Math.max(0, digits - 1 - exp)))
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/**
 * A float as Go's `strconv.FormatFloat(v, 'f', -1, 64)`: the shortest digits
 * that read back as `x`, never in exponent form (`0.0000001`); `NaN`, `+Inf`, `-Inf`.
 */
export function formatFloatPlain(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+Inf'
  if (x === -Infinity) return '-Inf'
  const s = String(x)
  const e = s.indexOf('e')
  if (e < 0) return s
  const sign = s.startsWith('-') ? '-' : ''
  const mant = s.slice(sign.length, e)
  const exp = Number(s.slice(e + 1))
  const dot = mant.indexOf('.')
  const digits = mant.replace('.', '')
  const point = (dot < 0 ? mant.length : dot) + exp
  if (point <= 0) return `${sign}0.${'0'.repeat(-point)}${digits}`
  if (point >= digits.length) return `${sign}${digits}${'0'.repeat(point - digits.length)}`
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`
}

/** An oracle as a person reads it: `grid`, `random (seed 7)`, or its name and settings. */
export function formatOracle(oracle: OracleSpec | undefined): string {
  if (oracle === undefined || oracle.name === 'grid') return 'grid'
  if (oracle.name === 'random') return `random (seed ${String(oracle.seed)})`
  const { name, ...rest } = oracle
  const settings = Object.keys(rest)
  return settings.length === 0 ? name : `${name} ${JSON.stringify(rest)}`
}

/** A safe file name part for `name` (a study name may hold any character). */
export function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_') || '_'
}
