/** How the page writes numbers a person compares at a glance. */

/** A metric value to four significant digits (`0.9912`, `1.25e-5`), `NaN`, `±Inf`, or a dash when there is none. */
export function formatMetric(x: number | undefined): string {
  if (x === undefined) return '—'
  if (Number.isNaN(x)) return 'NaN'
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf'
  if (x === 0) return '0'
  const abs = Math.abs(x)
  if (abs >= 1e6 || abs < 1e-3) return x.toExponential(3).replace(/\.?0+e/, 'e')
  return String(Number(x.toPrecision(4)))
}

/** A byte count for a person: `812 B`, `14.2 KB`, `3.1 MB`. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`
  return `${(n / 1024 ** 3).toFixed(2)} GB`
}

/** A whole number with thousands separated: `12,345`. */
export function formatCount(n: number | bigint): string {
  // Written out, not with Intl: a page's first Intl number format loads ICU data, one 100–300 ms main-thread task.
  if (typeof n === 'bigint' || Number.isSafeInteger(n)) return String(n).replace(/\B(?=(\d{3})+$)/g, ',')
  return n.toLocaleString('en-US')
}
