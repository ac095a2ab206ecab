/**
 * A journal directory's layout (docs/journal.md): the directory's origin id,
 * one append-only JSON Lines file per writing process, and the counters that
 * hand out seqs. Node only.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DivinerError } from '../model/errors.js'

/** How a journal file's name ends; other files in the directory are not journals. */
export const JOURNAL_SUFFIX = '.jsonl'

/** The file holding the directory's origin id. */
export const ORIGIN_FILE = 'origin'

/** The folder of per-study seq counters. */
export const SEQ_DIR = '.seq'

/** True when `name` is a journal file's name. */
export function isJournalName(name: string): boolean {
  return name.endsWith(JOURNAL_SUFFIX) && !name.startsWith('.')
}

/** The writer a journal file's name records: the host and process that made it. */
export interface FileWriter { readonly host: string; readonly pid: number }

/** This host's name as file names carry it (no dashes or dots). */
export function hostTag(): string {
  return hostname().replace(/[^A-Za-z0-9_]/g, '_') || 'host'
}

/**
 * A fresh journal file name for this process: `<time>-<host>-<pid>-<random>.jsonl`,
 * unique even for several writers in one process. `kind` replaces the pid for
 * files that no process keeps writing (an import, a compaction).
 */
export function newJournalName(kind?: 'import' | 'compact'): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('.', '')
  return `${stamp}-${hostTag()}-${kind ?? process.pid}-${randomBytes(4).toString('hex')}${JOURNAL_SUFFIX}`
}

/** The host and process that wrote a journal file, from its name (undefined for imports, compactions and other names). */
export function writerOf(name: string): FileWriter | undefined {
  const m = /^[0-9TZ]+-([A-Za-z0-9_]+)-(\d+)-[0-9a-f]+\.jsonl$/.exec(name)
  return m ? { host: m[1] as string, pid: Number(m[2]) } : undefined
}

/** True when the process that wrote the file is known to be gone (same host, no such process). */
export function writerGone(name: string): boolean {
  const w = writerOf(name)
  if (!w || w.host !== hostTag()) return !w
  if (w.pid === process.pid) return false
  try {
    process.kill(w.pid, 0)
    return false
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH'
  }
}

/** The journal files in the directory, by name (their names start with the time they were made). */
export function listJournalFiles(dir: string): string[] {
  return readdirSync(dir).filter(isJournalName).sort()
}

/**
 * Prepares the directory (created if missing) and returns its origin id,
 * made once by whichever process gets there first.
 */
export function prepareDirectory(dir: string): string {
  try {
    mkdirSync(join(dir, SEQ_DIR), { recursive: true })
  } catch (e) {
    throw fileError(e, dir, 'could not create the journal directory')
  }
  const path = join(dir, ORIGIN_FILE)
  try {
    writeFileSync(path, `${randomUUID()}\n`, { flag: 'wx' })
    const fd = openSync(path, 'r')
    fsyncSync(fd)
    closeSync(fd)
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fileError(e, path, 'could not write the origin id')
  }
  const id = readFileSync(path, 'utf8').trim()
  if (!/^[0-9a-f-]{8,}$/i.test(id)) {
    throw new DivinerError('invalid', `${path} does not hold a database id (got ${JSON.stringify(id.slice(0, 40))}): is ${dir} a Diviner Local journal directory?`)
  }
  return id
}

/** A file system failure as a DivinerError naming the path and saying what to do. */
export function fileError(e: unknown, path: string, what: string): DivinerError {
  const code = (e as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG') {
    return new DivinerError('quota', `${what}: the disk holding ${path} is full; free some space and run again (nothing recorded so far is lost)`, { path })
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new DivinerError('invalid', `${what}: no permission to write ${path}; choose another directory with --db`, { path })
  }
  const why = e instanceof Error ? e.message : String(e)
  return new DivinerError('internal', `${what} (${path}): ${why}`, { path })
}
