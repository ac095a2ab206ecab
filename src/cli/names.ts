/**
 * Naming things on the command line as Diviner does: a run is `study:seq`;
 * studies are anchored regular expressions over the journal's study names.
 */
import type { Database, StudyInfo } from '../db/model/database.js'
import { notExist } from '../db/model/errors.js'
import type { Metrics, Run } from '../db/model/run.js'
import { isMetricName, lastStep, stateName } from '../db/model/run.js'
import type { Value, Values } from '../db/model/values.js'
import { usageError } from './args.js'

/** `study:seq` split; a usage error when it does not name a run. */
export function parseRunName(name: string): { study: string; seq: number } {
  const at = name.lastIndexOf(':')
  const seq = Number(name.slice(at + 1))
  if (at <= 0 || !/^\d+$/.test(name.slice(at + 1)) || !Number.isSafeInteger(seq) || seq < 1) {
    throw usageError(`"${name}" does not name a run: write study:seq, as in mnist:12`)
  }
  return { study: name.slice(0, at), seq }
}

/** True when `name` looks like a run name (`study:seq`). */
export function isRunName(name: string): boolean {
  return /:\d+$/.test(name)
}

/** An anchored regular expression from the command line; a usage error when it is not one. */
export function anchored(pattern: string): RegExp {
  try {
    return new RegExp(`^(?:${pattern})$`)
  } catch (e) {
    throw usageError(`"${pattern}" is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`)
  }
}

/** The journal's studies matching any of the patterns (all when none), by name; not-exist when a pattern matches none. */
export async function matchingStudies(db: Database, patterns: readonly string[], since?: Date): Promise<StudyInfo[]> {
  const all = await db.listStudies('', since)
  if (patterns.length === 0) return all
  const out = new Map<string, StudyInfo>()
  for (const p of patterns) {
    const re = anchored(p)
    const matched = all.filter((s) => re.test(s.name))
    if (matched.length === 0) throw notExist(`no study matches ${p}${all.length ? '' : ' (the journal has no studies yet)'}`)
    for (const s of matched) out.set(s.name, s)
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : 1))
}

/**
 * Names matched by comma-separated regular expressions, each group sorted, in
 * the order of the expressions (Diviner's matchAndSort: `.` matches every
 * name, `^$` none, `^acc$` just acc).
 */
export function matchAndSort(names: Iterable<string>, patterns: string): string[] {
  const left = new Set(names)
  const out: string[] = []
  for (const p of patterns.split(',')) {
    let re: RegExp
    try {
      re = new RegExp(p)
    } catch (e) {
      throw usageError(`"${p}" is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`)
    }
    const group = [...left].filter((n) => re.test(n)).sort()
    for (const n of group) left.delete(n)
    out.push(...group)
  }
  return out
}

/** A value as plain JSON: numbers (ints beyond 2^53 as strings), strings, booleans, arrays, objects; NaN and ±Infinity as strings. */
export function jsonValue(v: Value): unknown {
  switch (v.kind) {
    case 'int': return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString()
    case 'float': return Number.isFinite(v.value) ? v.value : String(v.value)
    case 'string': case 'bool': return v.value
    case 'list': return v.value.map(jsonValue)
    case 'dict': return Object.fromEntries(Object.entries(v.value).map(([k, x]) => [k, jsonValue(x)]))
  }
}

/** A value set as plain JSON. */
export function jsonValues(values: Values): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, jsonValue(v)]))
}

/** The metrics of an entry without its step (STEP_KEY), which is no metric. */
export function metricsOnly(m: Metrics): Metrics {
  return Object.fromEntries(Object.entries(m).filter(([k]) => isMetricName(k)))
}

/**
 * A run as the `--json` output of the read verbs shows it: its last metrics
 * (and `step`, that entry's step, when the run reports steps), without its
 * metric history unless asked.
 */
export function jsonRun(run: Run, history = false): Record<string, unknown> {
  const step = lastStep(run.metrics)
  return {
    run: `${run.study}:${run.seq}`, id: run.id, study: run.study, seq: run.seq, state: stateName(run.state), status: run.status,
    values: jsonValues(run.values), replicate: run.replicate, created: run.created.toISOString(), updated: run.updated.toISOString(),
    runtime_ms: run.runtime, retries: run.retries, metrics: metricsOnly(run.metrics.at(-1) ?? {}),
    ...(step !== undefined ? { step } : {}),
    ...(history ? { history: run.metrics, config: run.config } : {}),
    ...(run.origin ? { origin: run.origin } : {}),
  }
}
