/**
 * Values as a person reads them at a glance: floats to a few significant
 * digits (`0.3823` for 0.38228349203), the rest as `formatValue` writes them.
 * The exact text (`formatValue`) is what hovers, downloads and dumps carry.
 */
import { formatValue, type Value } from './values.js'

/** Significant digits of a float shown at a glance. */
export const SHORT_DIGITS = 4

/**
 * A float with at most `digits` significant digits (but every digit before
 * the point) and no trailing zeros, in fixed notation for magnitudes from
 * 1e-4 to below 1e6 (`0.001923`, `12346.0`, `12345.7` with 6 digits), else
 * in exponent form (`1.235e-7`, `2e+9`); a
 * whole number keeps Diviner's `.0` (`32.0`); `NaN`, `Infinity` and
 * `-Infinity` as `formatValue` writes them.
 */
export function formatFloatShort(x: number, digits: number = SHORT_DIGITS): string {
  if (!Number.isFinite(x)) return String(x)
  if (x === 0) return '0.0'
  const abs = Math.abs(x)
  if (abs >= 1e-4 && abs < 1e6) {
    const exp = Math.floor(Math.log10(abs))
    const fixed = trimZeros(x.toFixed(Math.min(100, Math.max(0, digits - 1 - exp))))
    return fixed.includes('.') ? fixed : `${fixed}.0`
  }
  const [mant = '', e = '0'] = x.toExponential(digits - 1).split('e')
  return `${trimZeros(mant)}e${e.startsWith('-') ? e : `+${e.replace('+', '')}`}`
}

function trimZeros(s: string): string {
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s
}

/** A value as `formatValue` writes it, with every float in it (lists and dicts included) to `digits` significant digits. */
export function formatValueShort(v: Value, digits: number = SHORT_DIGITS): string {
  switch (v.kind) {
    case 'float': return formatFloatShort(v.value, digits)
    case 'list': return `[${v.value.map((w) => formatValueShort(w, digits)).join(', ')}]`
    case 'dict': return `{${Object.keys(v.value).sort().map((k) => `${k}: ${formatValueShort(v.value[k] as Value, digits)}`).join(', ')}}`
    default: return formatValue(v)
  }
}

/** True when the short text of `v` loses something its exact text (`formatValue`) says: then show the exact one on hover. */
export function isShortened(v: Value): boolean {
  return formatValueShort(v) !== formatValue(v)
}
