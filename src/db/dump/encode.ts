/**
 * Writing dump records (docs/dump-format.md): each record as one JSON line.
 */
import type { Param } from '../model/params.js'
import { RunState, type LogEntry, type Metrics } from '../model/run.js'
import type { Value } from '../model/values.js'
import type { DumpHeader, StoredRun, StoredStudy } from './records.js'

/** A float as JSON: a number, or "NaN" / "Infinity" / "-Infinity" / "-0" (JSON has no negative zero). */
export function encodeFloat(x: number): number | string {
  if (Object.is(x, -0)) return '-0'
  return Number.isFinite(x) ? x : String(x)
}

/** A value as JSON: a one-key object naming its kind (`{"int":"3"}`, `{"float":0.5}`, …). */
export function encodeValue(v: Value): unknown {
  switch (v.kind) {
    case 'int': return { int: v.value.toString() }
    case 'float': return { float: encodeFloat(v.value) }
    case 'string': return { string: v.value }
    case 'bool': return { bool: v.value }
    case 'list': return { list: v.value.map(encodeValue) }
    case 'dict': return { dict: mapRecord(v.value, encodeValue) }
  }
}

function mapRecord<A, B>(r: Readonly<Record<string, A>>, f: (a: A) => B): Record<string, B> {
  const out = Object.create(null) as Record<string, B>
  for (const k of Object.keys(r)) out[k] = f(r[k] as A)
  return out
}

function encodeParam(p: Param): unknown {
  return p.type === 'discrete'
    ? { type: 'discrete', values: p.values.map(encodeValue) }
    : { type: 'range', start: encodeValue(p.start), end: encodeValue(p.end), ...(p.log === true ? { log: true } : {}) }
}

const STATE_NAMES: Record<number, string> = { [RunState.Pending]: 'pending', [RunState.Success]: 'success', [RunState.Failure]: 'failure' }

/** The header line. */
export function encodeHeader(h: DumpHeader): string {
  return JSON.stringify({ format: h.format, version: h.version, origin: h.origin, exported: h.exported.toISOString(), covers: h.covers, checkpoint: h.checkpoint })
}

/** A study line; with `deleted` (epoch ms), the study's tombstone. */
export function encodeStudy(s: StoredStudy, deleted?: number): string {
  return JSON.stringify({
    t: 'study', name: s.name, objective: s.objective, params: mapRecord(s.params, encodeParam),
    replicates: s.replicates, description: s.description, oracle: s.oracle, ...(s.command ? { command: s.command } : {}), created: iso(s.created),
    ...(s.noteAt !== undefined ? { note: s.note ?? '', noteAt: iso(s.noteAt) } : {}),
    ...(deleted !== undefined ? { deleted: iso(deleted) } : {}),
  })
}

function iso(ms: number): string {
  return new Date(ms).toISOString()
}

/** A run line (without history and log); with `deleted` (epoch ms), the run's tombstone. */
export function encodeRun(r: StoredRun, deleted?: number): string {
  return JSON.stringify({
    t: 'run', id: r.id, study: r.study, seq: r.seq, origin: r.origin, values: mapRecord(r.values, encodeValue),
    replicate: r.replicate, state: STATE_NAMES[r.state], status: r.status, config: r.config,
    created: iso(r.created), updated: iso(r.updated), runtime_ms: r.runtime, retries: r.retries,
    metrics: r.mCount, log: r.lCount,
    ...(r.noteAt !== undefined ? { note: r.note ?? '', noteAt: iso(r.noteAt) } : {}),
    ...(r.tagsAt !== undefined ? { tags: r.tags ?? [], tagsAt: iso(r.tagsAt) } : {}),
    ...(deleted !== undefined ? { deleted: iso(deleted) } : {}),
  })
}

/** A line of metric history entries starting at index `from`. */
export function encodeMetrics(run: string, from: number, entries: readonly Metrics[]): string {
  return JSON.stringify({ t: 'metrics', run, from, entries: entries.map((m) => mapRecord(m, encodeFloat)) })
}

/** A line of log entries starting at index `from`. */
export function encodeLog(run: string, from: number, entries: readonly LogEntry[]): string {
  return JSON.stringify({ t: 'log', run, from, entries: entries.map((e) => ({ t: iso(e.t), text: e.text })) })
}
