/**
 * Reading a run's log from IndexedDB a few sealed chunks at a time, then its tail.
 */
import { notExist } from '../model/errors.js'
import type { LogCursor } from '../model/log-stream.js'
import type { LogEntry } from '../model/run.js'
import type { DexieConnection } from './connection.js'

/** Where a log reader is: the next entry, and the sealed chunk that holds it. */
export interface DexieLogCursor extends LogCursor { nextChunk: number }

/** Log entries of run `study:seq` from `cursor` on (advancing it), at most 16 sealed chunks at a time. */
export function readLogEntries(db: DexieConnection, study: string, seq: number, cursor: DexieLogCursor): Promise<LogEntry[]> {
  const d = db.dexie
  return db.guard(() => d.transaction('r', d.runs, d.logChunks, async () => {
    const rec = await db.findRun(study, seq)
    if (!rec) throw notExist(`no run ${study}:${seq}`)
    const tailStart = rec.lCount - rec.lTail.length
    const out: LogEntry[] = []
    if (cursor.next < tailStart) {
      const chunks = await d.logChunks.where('[run+chunk]')
        .between([rec.id, cursor.nextChunk], [rec.id, rec.lSealed]).limit(16).toArray()
      for (const c of chunks) {
        out.push(...c.entries.slice(Math.max(0, cursor.next - c.from)))
        cursor.next = c.from + c.entries.length
        cursor.nextChunk = c.chunk + 1
      }
      if (cursor.next < tailStart) return out
    }
    out.push(...rec.lTail.slice(cursor.next - tailStart))
    cursor.next = rec.lCount
    cursor.nextChunk = rec.lSealed
    return out
  }))
}
