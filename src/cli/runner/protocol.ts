/**
 * Diviner's black-box protocol: how a run's output is cut into lines (a line
 * ending in `\r` is a progress line), `METRICS: k=v,k=v` lines, `DIVINER:
 * keepalive=DURATION` directives, and Go's duration syntax.
 */

/** One line of a run's output. */
export interface OutputLine {
  /** The text, without its line ending (and without a progress bar's trailing `\r` and `\b`s). */
  readonly text: string
  /** True for a progress line (it ended in `\r`): it updates the status but is not logged. */
  readonly progress: boolean
}

/**
 * Cuts output into lines as it arrives, as Diviner's scanProgress does: `\n`
 * and `\r\n` end a line, a lone `\r` ends a progress line.
 */
export class LineSplitter {
  private pending = ''

  /** The complete lines in `chunk` (with what came before it). */
  push(chunk: string): OutputLine[] {
    this.pending += chunk
    const out: OutputLine[] = []
    for (;;) {
      const n = this.pending.indexOf('\n')
      const r = this.pending.indexOf('\r')
      if (n >= 0 && (r < 0 || n < r || r === n - 1)) {
        const end = r === n - 1 && r >= 0 ? r : n
        out.push({ text: this.pending.slice(0, end), progress: false })
        this.pending = this.pending.slice(n + 1)
        continue
      }
      if (r >= 0 && r + 1 < this.pending.length) {
        out.push({ text: this.pending.slice(0, r).replace(/[\r\b]+$/, ''), progress: true })
        this.pending = this.pending.slice(r + 1)
        continue
      }
      return out
    }
  }

  /** What is left when the output ends (a last line without its newline). */
  end(): OutputLine[] {
    const rest = this.pending
    this.pending = ''
    if (rest === '') return []
    return rest.endsWith('\r') ? [{ text: rest.replace(/[\r\b]+$/, ''), progress: true }] : [{ text: rest, progress: false }]
  }
}

const METRICS_PREFIX = 'METRICS: '
const DIVINER_PREFIX = 'DIVINER: '

/** What a line of output asks for. */
export type Directive =
  | { readonly kind: 'metrics'; readonly metrics: Record<string, number> }
  | { readonly kind: 'bad-metrics'; readonly reason: string }
  | { readonly kind: 'keepalive'; readonly ms: number }
  | { readonly kind: 'bad-directive'; readonly reason: string }
  | { readonly kind: 'output' }

/** What a line of output is: metrics, a directive, or ordinary output. */
export function classify(line: string): Directive {
  if (line.startsWith(METRICS_PREFIX)) return parseMetricsLine(line.slice(METRICS_PREFIX.length))
  if (line.startsWith(DIVINER_PREFIX)) {
    const rest = line.slice(DIVINER_PREFIX.length).trim()
    if (!rest.startsWith('keepalive=')) return { kind: 'bad-directive', reason: `unknown directive "${rest}" (only keepalive=DURATION is known)` }
    const ms = parseGoDuration(rest.slice('keepalive='.length))
    if (ms === undefined) return { kind: 'bad-directive', reason: `"${rest}": keepalive needs a duration such as 90s or 5m` }
    return { kind: 'keepalive', ms }
  }
  return { kind: 'output' }
}

/** `k=v,k=v` as metrics (values as Go's ParseFloat reads them: NaN, ±Inf included); empty parts are skipped. */
export function parseMetricsLine(text: string): Directive {
  const metrics: Record<string, number> = Object.create(null)
  for (const part of text.trim().split(',')) {
    if (part.trim() === '') continue
    const eq = part.indexOf('=')
    if (eq < 0) return { kind: 'bad-metrics', reason: `"${part}" is not name=value` }
    const name = part.slice(0, eq).trim()
    const value = parseFloatStrict(part.slice(eq + 1).trim())
    if (name === '') return { kind: 'bad-metrics', reason: `"${part}" has no metric name` }
    if (value === undefined) return { kind: 'bad-metrics', reason: `the value of ${name} ("${part.slice(eq + 1).trim()}") is not a number` }
    metrics[name] = value
  }
  if (Object.keys(metrics).length === 0) return { kind: 'bad-metrics', reason: 'the line names no metric' }
  return { kind: 'metrics', metrics }
}

function parseFloatStrict(s: string): number | undefined {
  const lower = s.toLowerCase()
  if (lower === 'nan') return Number.NaN
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity
  if (lower === '-inf' || lower === '-infinity') return -Infinity
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return undefined
  return Number(s)
}

const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, 'μs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** A Go duration (`90s`, `1h30m`, `1.5h`, `300ms`) in milliseconds, or undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  const s = text.trim()
  if (s === '0') return 0
  const m = /^([+-]?)((?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.exec(s)
  if (!m) return undefined
  let total = 0
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+\.?\d*|\.\d+)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNITS[part[2] as string] as number)
  }
  return m[1] === '-' ? -total : total
}
