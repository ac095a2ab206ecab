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

/**
 * Short texts of values, in order: `formatValueShort`'s, with more
 * significant digits for those that would read the same as another (0.15
 * and 0.15000000000000002 as `0.15` and `0.15000000000000002`), up to the
 * exact text (`formatValue`); so two values read the same only when their
 * exact texts do (0 and -0).
 */
export function distinctShortTexts(values: readonly Value[]): string[] {
  const texts = values.map((v) => formatValueShort(v))
  for (let digits = SHORT_DIGITS + 1; ; digits++) {
    const count = new Map<string, number>()
    for (const t of texts) count.set(t, (count.get(t) ?? 0) + 1)
    const clashing = texts.map((t) => (count.get(t) as number) > 1)
    if (!clashing.includes(true)) return texts
    values.forEach((v, i) => {
      // Past 16 digits a float's fixed text shows its binary expansion (0.14999999999999999): the exact text then.
      if (clashing[i]) texts[i] = digits > 16 ? formatValue(v) : formatValueShort(v, digits)
    })
    if (digits > 16) return texts
  }
}
