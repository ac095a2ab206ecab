/**
 * Growing a run record's metric history and log: entries go to the record's
 * tail, and a full tail is sealed into a chunk record. Pure over the record.
 */
import type { Metrics } from '../model/run.js'
import {
  LOG_CHUNK_CHARS, LOG_CHUNK_ENTRIES, METRIC_CHUNK,
  type LogChunkRecord, type LogEntry, type MetricChunkRecord, type RunRecord,
} from './schema.js'

/** Appends metric entries to `run` (mutated); returns the chunks sealed on the way, to be stored. */
export function appendMetricEntries(run: RunRecord, entries: readonly Metrics[]): MetricChunkRecord[] {
  const sealed: MetricChunkRecord[] = []
  for (const entry of entries) {
    if (run.mTail.length >= METRIC_CHUNK) {
      sealed.push({ run: run.id, chunk: run.mSealed, entries: run.mTail })
      run.mSealed++
      run.mTail = []
    }
    run.mTail.push(entry)
    run.mCount++
  }
  return sealed
}

function tailChars(tail: readonly LogEntry[]): number {
  let n = 0
  for (const e of tail) n += e.text.length
  return n
}

/** Appends log entries to `run` (mutated); returns the chunks sealed on the way, to be stored. */
export function appendLogEntries(run: RunRecord, entries: readonly LogEntry[]): LogChunkRecord[] {
  const sealed: LogChunkRecord[] = []
  let chars = tailChars(run.lTail)
  for (const entry of entries) {
    if (run.lTail.length > 0 && (run.lTail.length >= LOG_CHUNK_ENTRIES || chars >= LOG_CHUNK_CHARS)) {
      sealed.push({ run: run.id, chunk: run.lSealed, from: run.lCount - run.lTail.length, entries: run.lTail })
      run.lSealed++
      run.lTail = []
      chars = 0
    }
    run.lTail.push(entry)
    run.lCount++
    chars += entry.text.length
  }
  return sealed
}
