/**
 * Compacting a journal directory: its whole state written as one journal
 * file, then the files it replaces removed. Files of writers still running,
 * and files with lines that could not be used, are kept (nothing is lost);
 * the state read from the directory is the same before and after.
 */
import { randomBytes } from 'node:crypto'
import { closeSync, createWriteStream, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { exportDump } from '../dump/export.js'
import { fileError, listJournalFiles, newJournalName, writerGone } from './files.js'
import type { JournalDatabase } from './database.js'
import { syncDirectory } from './writer.js'

/** What a compaction did. */
export interface Compaction {
  /** The file written, or undefined when there was nothing to compact. */
  readonly file: string | undefined
  readonly removed: readonly string[]
  /** Files kept: their writers still run. */
  readonly live: readonly string[]
  /** Files kept: lines in them could not be used. */
  readonly damaged: readonly string[]
  readonly bytesBefore: number
  readonly bytesAfter: number
}

/** Compacts the directory of `db` (which must not be writing a file of its own yet). */
export async function compactJournal(db: JournalDatabase): Promise<Compaction> {
  await db.createTable()
  db.refresh()
  const damaged = new Set(db.damagedFiles())
  const files = listJournalFiles(db.dir)
  const live = files.filter((f) => !writerGone(f) && !damaged.has(f))
  const replaced = files.filter((f) => writerGone(f) && !damaged.has(f))
  const size = (f: string) => { try { return statSync(join(db.dir, f)).size } catch { return 0 } }
  const bytesBefore = files.reduce((n, f) => n + size(f), 0)
  if (replaced.length <= 1 && live.length === 0) {
    return { file: undefined, removed: [], live, damaged: [...damaged], bytesBefore, bytesAfter: bytesBefore }
  }
  const temp = join(db.dir, `.compact-${randomBytes(6).toString('hex')}.jsonl.tmp`)
  const name = newJournalName('compact')
  try {
    await exportDump(db, { compress: false }).pipeTo(Writable.toWeb(createWriteStream(temp)) as WritableStream<Uint8Array>)
    const fd = openSync(temp, 'r')
    try { fsyncSync(fd) } finally { closeSync(fd) }
    renameSync(temp, join(db.dir, name))
    syncDirectory(db.dir)
  } catch (e) {
    rmSync(temp, { force: true })
    throw fileError(e, temp, 'could not write the compacted journal')
  }
  for (const f of replaced) rmSync(join(db.dir, f), { force: true })
  syncDirectory(db.dir)
  const after = listJournalFiles(db.dir).reduce((n, f) => n + size(f), 0)
  return { file: name, removed: replaced, live, damaged: [...damaged], bytesBefore, bytesAfter: after }
}
