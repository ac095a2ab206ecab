/**
 * Output for people, as Diviner prints it: columns aligned by a tab writer
 * (Go's text/tabwriter with minwidth 4, tabwidth 4, padding 1, spaces), Go's
 * formatting of numbers (`%.4g`, shortest decimal) and durations.
 */

/** Rows of cells (lines of text split at tabs) laid out in aligned columns, as Go's tabwriter does for one block. */
export function alignColumns(text: string): string {
  const lines = text.split('\n')
  const out: string[] = []
  // Go's tabwriter aligns a column over the run of consecutive lines that have it.
  let block: string[][] = []
  const flush = () => {
    const widths: number[] = []
    for (const cells of block) cells.slice(0, -1).forEach((c, i) => { widths[i] = Math.max(widths[i] ?? 0, width(c)) })
    for (const cells of block) {
      out.push(cells.map((c, i) => (i < cells.length - 1 ? c + ' '.repeat(Math.max(4, (widths[i] as number) + 1) - width(c)) : c)).join('').trimEnd())
    }
    block = []
  }
  for (const line of lines) {
    const cells = line.split('\t')
    if (cells.length === 1) { flush(); out.push(line); continue }
    block.push(cells)
  }
  flush()
  return out.join('\n')
}

/** Display width of a cell: code points (wide characters are rare in these tables). */
function width(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

/** A float as Go's `%.<p>g` prints it (`0.2346`, `1.235e+06`, `NaN`, `+Inf`). */
export function formatG(x: number, p: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+Inf'
  if (x === -Infinity) return '-Inf'
  if (x === 0) return Object.is(x, -0) ? '-0' : '0'
  const [mant, expText] = x.toExponential(p - 1).split('e') as [string, string]
  const exp = Number(expText)
  if (exp < -4 || exp >= p) {
    const m = mant.includes('.') ? mant.replace(/0+$/, '').replace(/\.$/, '') : mant
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
  }
  const fixed = x.toFixed(Math.max(0, p - 1 - exp))
  return fixed.includes('.') ? fixed.replace(/0+$/, '').replace(/\.$/, '') : fixed
}

/** A float as Go's `strconv.FormatFloat(x, 'f', -1, 64)`: the shortest decimal that reads back, never an exponent. */
export function formatDecimal(x: number): string {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return '+Inf'
  if (x === -Infinity) return '-Inf'
  const s = String(x)
  if (!s.includes('e')) return s
  const [mant, expText] = s.split('e') as [string, string]
  const exp = Number(expText)
  const neg = mant.startsWith('-')
  const digits = mant.replace('-', '').replace('.', '')
  const point = (mant.replace('-', '').indexOf('.') < 0 ? mant.replace('-', '').length : mant.replace('-', '').indexOf('.')) + exp
  const body = point <= 0 ? `0.${'0'.repeat(-point)}${digits}` : point >= digits.length ? digits + '0'.repeat(point - digits.length) : `${digits.slice(0, point)}.${digits.slice(point)}`
  return (neg ? '-' : '') + body
}

/** Milliseconds as Go's `time.Duration.String()` (`1h2m3.5s`, `150ms`, `0s`). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms)
  if (ms === 0) return '0s'
  const neg = ms < 0
  let rest = Math.abs(ms)
  if (rest < 1000) return `${neg ? '-' : ''}${trim(rest.toFixed(3))}ms`
  const h = Math.floor(rest / 3_600_000)
  rest -= h * 3_600_000
  const m = Math.floor(rest / 60_000)
  rest -= m * 60_000
  const s = trim((rest / 1000).toFixed(3))
  return `${neg ? '-' : ''}${h ? `${h}h` : ''}${h || m ? `${m}m` : ''}${s}s`
}

function trim(fixed: string): string {
  return fixed.replace(/\.?0+$/, '') || '0'
}

/** A time for a table: the clock time today, else the weekday and time this week, else the date (as Diviner's list). */
export function formatWhen(t: Date, now: number): string {
  const age = now - t.getTime()
  const pad = (n: number) => String(n).padStart(2, '0')
  const hm = `${t.getHours() % 12 || 12}:${pad(t.getMinutes())}${t.getHours() < 12 ? 'AM' : 'PM'}`
  if (age > 7 * 86_400_000) return `${t.getDate()}${MONTHS[t.getMonth()]}${pad(t.getFullYear() % 100)}`
  if (age > 86_400_000) return `${DAYS[t.getDay()]}${hm}`
  return hm
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** Writes `text` to stdout, resolving once it is handed to the system (so a pipe gets all of it before exit). */
export function print(text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    process.stdout.write(text, (e) => (e ? reject(e) : resolve()))
  })
}

/** Prints `data` as one line of JSON: the `--json` shape of the read verbs. */
export function printJson(data: unknown): Promise<void> {
  return print(JSON.stringify(data, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) + '\n')
}
