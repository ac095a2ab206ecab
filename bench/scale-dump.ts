/**
 * The scale benchmarks' study as a dump (docs/dump-format.md), gzipped: what
 * a user imports to get the page's study of N runs (bench/scale-data.ts), so
 * that the page's benchmark starts from data as an import leaves it.
 */
import { gzipSync } from 'fflate'
import { encodeHeader, encodeLog, encodeMetrics, encodeRun, encodeStudy } from '../src/db/dump/encode.js'
import { DUMP_FORMAT, DUMP_VERSION } from '../src/db/dump/records.js'
import { runRecord, studyRecord } from './scale-data.js'

/** The gzipped dump of the study of `runs` runs, from the database `origin`. */
export function scaleDump(runs: number, origin = 'bench-origin'): Uint8Array {
  const lines = [
    encodeHeader({ format: DUMP_FORMAT, version: DUMP_VERSION, origin, exported: new Date(Date.UTC(2026, 0, 2)), covers: { kind: 'all' }, checkpoint: { db: origin, rev: runs + 2 } }),
    encodeStudy(studyRecord(runs)),
  ]
  for (let i = 0; i < runs; i++) {
    const r = runRecord(i, origin)
    lines.push(encodeRun(r), encodeMetrics(r.id, 0, r.mTail), encodeLog(r.id, 0, r.lTail))
  }
  return gzipSync(new TextEncoder().encode(lines.join('\n') + '\n'), { level: 1 })
}
