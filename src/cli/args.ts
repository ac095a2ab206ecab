/**
 * Flags as Diviner's users type them: Go's flag package takes `-flag` and
 * `--flag` alike, so one dash before a word is read as two. Parsing is Node's
 * `util.parseArgs`; each verb declares its flags with their help.
 */
import { parseArgs } from 'node:util'
import { DivinerError } from '../db/model/errors.js'

/** One flag of a verb. */
export interface Flag {
  readonly type: 'string' | 'boolean'
  /** What it does, for `--help`. */
  readonly help: string
  /** The value's name in `--help` (`N`, `DIR`). */
  readonly arg?: string
  readonly default?: string | boolean
  /** May be given more than once. */
  readonly multiple?: boolean
}

/** A verb's usage: its flags, its arguments and what it does. */
export interface Usage {
  readonly verb: string
  /** The arguments after the flags, as `--help` shows them (`CONFIG [STUDY...]`). */
  readonly args: string
  /** What the verb does: the first line is its summary. */
  readonly summary: string
  readonly flags: Readonly<Record<string, Flag>>
}

/** Flags every verb that reads or writes a journal directory takes. */
export const DB_FLAG: Readonly<Record<string, Flag>> = {
  db: { type: 'string', arg: 'DIR', help: 'the journal directory (default $DIVINER_DB, else ./diviner-data)' },
}

/** A usage error: the command line itself is wrong (exit code 2). */
export function usageError(message: string): DivinerError {
  return new DivinerError('invalid', message, { usage: true })
}

/**
 * `-flag` and `-flag=value` as `--flag`; a lone `-`, `--` and negative
 * numbers stay. The value of a string flag given as the next word is taken as
 * it is, even when it starts with a dash (`-objective -loss`), and passed as
 * `--flag=value` so the parser does not read it as a flag.
 */
function normalise(usage: Usage, argv: readonly string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--') { out.push(...argv.slice(i)); break }
    const m = /^--?([A-Za-z][\w-]*)(=.*)?$/s.exec(a)
    if (!m) { out.push(a); continue }
    const name = m[1] as string
    if (m[2] === undefined && usage.flags[name]?.type === 'string' && i + 1 < argv.length) {
      out.push(`--${name}=${argv[++i] as string}`)
    } else {
      out.push(`--${name}${m[2] ?? ''}`)
    }
  }
  return out
}

/** The verb's flags and positional arguments; `help` when --help was asked for. */
export function parseVerb(usage: Usage, argv: readonly string[]): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[]; help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean; default?: string | boolean }> = { help: { type: 'boolean' }, h: { type: 'boolean' } }
  for (const [name, f] of Object.entries(usage.flags)) {
    options[name] = { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(f.default !== undefined ? { default: f.default } : {}) }
  }
  let parsed
  try {
    parsed = parseArgs({ args: normalise(usage, argv), options, allowPositionals: true, strict: true })
  } catch (e) {
    const why = e instanceof Error ? e.message.replace(/\. To specify a positional argument.*$/s, '') : String(e)
    throw usageError(`${usage.verb}: ${why.charAt(0).toLowerCase()}${why.slice(1)}; see diviner-local ${usage.verb} --help`)
  }
  const { help, h, ...values } = parsed.values as Record<string, string | boolean | string[] | undefined>
  return { values, positionals: parsed.positionals, help: help === true || h === true }
}

/** The `--help` text of a verb. */
export function helpText(usage: Usage): string {
  const lines = [`usage: diviner-local ${usage.verb} [flags] ${usage.args}`.trimEnd(), '', usage.summary.trim(), '']
  const entries = Object.entries(usage.flags)
  if (entries.length) lines.push('Flags:')
  for (const [name, f] of entries) {
    const head = `  -${name}${f.type === 'string' ? ` ${f.arg ?? 'VALUE'}` : ''}`
    const dflt = f.default !== undefined && f.default !== false ? ` (default ${String(f.default)})` : ''
    lines.push(head, `\t${f.help}${dflt}`)
  }
  lines.push('', 'Flags take one dash or two (-n 5, --n=5).')
  return lines.join('\n') + '\n'
}

/** A string flag's value, or undefined. */
export function stringFlag(values: Record<string, unknown>, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** An integer flag's value (≥ `min`), `fallback` when absent; a usage error otherwise. */
export function intFlag(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const v = stringFlag(values, name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < min) throw usageError(`-${name} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`)
  return n
}
