/**
 * The one journal file a process appends to: created on its first record,
 * with a header line; each record is one line written with one system call,
 * so a killed process loses at most the line it was writing. State changes are
 * synced to disk before their call returns (one fsync serves every change
 * waiting for it). The file stands on its own: before its first record about
 * a study or run, it gets that study's line, or that run's line and history.
 */
import { closeSync, fsync, fsyncSync, ftruncateSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { encodeHeader, encodeLog, encodeMetrics, encodeRun, encodeStudy } from '../dump/encode.js'
import { DUMP_FORMAT, DUMP_VERSION, type Tombstone } from '../dump/records.js'
import { logLines } from '../dump/export.js'
import type { Metrics } from '../model/run.js'
import { fileError } from './files.js'
import type { JournalRun, JournalStudy } from './state.js'

const METRICS_PER_LINE = 256

/** How far this file has written a run: the entries of its history and log it holds. */
interface Written { metrics: number; log: number }

/** An append-only journal file of one writer. */
export class JournalWriter {
  private fd: number | undefined
  private size = 0
  private count = 0
  private made = false
  private readonly studies = new Set<string>()
  private readonly runs = new Map<string, Written>()
  private syncing: Promise<void> | undefined
  private syncAgain = false
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = []

  /** `name` is the file's name in `dir`; `origin` the directory's id (named in the header). */
  constructor(readonly dir: string, private fileName: string, private readonly origin: string, private readonly clock: () => number) {}

  /** The file's name in the directory. */
  get name(): string { return this.fileName }

  /** The file's path. */
  get path(): string { return join(this.dir, this.fileName) }

  /** Syncs the file, closes it and gives it a new name in the directory (atomically). */
  publish(name: string): void {
    this.close()
    try {
      renameSync(this.path, join(this.dir, name))
    } catch (e) {
      throw fileError(e, this.path, 'could not move a journal file into place')
    }
    this.fileName = name
    syncDirectory(this.dir)
  }

  /** Closes and deletes the file (an import that was undone). */
  discard(): void {
    this.close()
    rmSync(this.path, { force: true })
  }

  /** True once the file was created. */
  get created(): boolean { return this.made }

  /** Bytes written so far. */
  get bytes(): number { return this.size }

  /** Lines written so far. */
  get lines(): number { return this.count }

  /** Writes the study's line (again, when this file has it: its definition changed). */
  writeStudy(study: JournalStudy): void {
    this.write([encodeStudy(study)])
    this.studies.add(study.name)
  }

  /** Writes the study's line unless this file has it. */
  ensureStudy(study: JournalStudy): void {
    if (this.studies.has(study.name)) return
    this.write([encodeStudy(study)])
    this.studies.add(study.name)
  }

  /**
   * Writes the run's line and its history and log up to `metrics` and `log`
   * entries (default: all it has), unless this file has them.
   */
  ensureRun(study: JournalStudy, run: JournalRun, metrics = run.metrics.length, log = run.log.length): void {
    this.ensureStudy(study)
    const written = this.runs.get(run.id)
    const have = written ?? { metrics: 0, log: 0 }
    const lines: string[] = []
    if (!written) lines.push(encodeRun(run))
    for (let i = have.metrics; i < metrics; i += METRICS_PER_LINE) {
      lines.push(encodeMetrics(run.id, i, run.metrics.slice(i, Math.min(i + METRICS_PER_LINE, metrics))))
    }
    if (have.log < log) {
      for (const [from, entries] of logLines(run.log.slice(have.log, log))) lines.push(encodeLog(run.id, have.log + from, entries))
    }
    if (lines.length) this.write(lines)
    this.runs.set(run.id, { metrics: Math.max(have.metrics, metrics), log: Math.max(have.log, log) })
  }

  /** Writes a run's line (its current fields), after what the file must hold first. */
  writeRun(study: JournalStudy, run: JournalRun): void {
    const fresh = !this.runs.has(run.id)
    this.ensureRun(study, run)
    if (!fresh) this.write([encodeRun(run)])
  }

  /** Writes a tombstone: the study's or run's line with the time it was deleted (it stands on its own). */
  writeTombstone(t: Tombstone): void {
    this.write([t.kind === 'study' ? encodeStudy(t.study, t.deleted) : encodeRun(t.run, t.deleted)])
  }

  /** Writes the last `count` entries of the run's metric history (just appended). */
  writeMetrics(study: JournalStudy, run: JournalRun, count: number): void {
    const from = run.metrics.length - count
    this.ensureRun(study, run, from, undefined)
    this.write([encodeMetrics(run.id, from, count === 1 ? [run.metrics[from] as Metrics] : run.metrics.slice(from))])
    ;(this.runs.get(run.id) as Written).metrics = run.metrics.length
  }

  /** Writes the last `count` entries of the run's log (just appended). */
  writeLog(study: JournalStudy, run: JournalRun, count: number): void {
    const from = run.log.length - count
    this.ensureRun(study, run, undefined, from)
    this.write([...logLines(run.log.slice(from))].map(([at, part]) => encodeLog(run.id, from + at, part)))
    ;(this.runs.get(run.id) as Written).log = run.log.length
  }

  /**
   * Appends lines with one write. A failed write (a full disk) is cut off
   * again, so the file never holds a torn line followed by more records.
   */
  private write(lines: readonly string[]): void {
    const fd = this.open()
    const bytes = Buffer.from(lines.join('\n') + '\n', 'utf8')
    let done = 0
    try {
      while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, this.size + done)
      this.size += bytes.length
      this.count += lines.length
    } catch (e) {
      try { ftruncateSync(fd, this.size) } catch { /* the error below says what happened */ }
      throw fileError(e, this.path, 'could not record to the journal')
    }
  }

  private open(): number {
    if (this.fd !== undefined) return this.fd
    let fd: number
    try {
      fd = openSync(this.path, 'wx')
    } catch (e) {
      throw fileError(e, this.path, 'could not create a journal file')
    }
    this.fd = fd
    this.made = true
    const header = encodeHeader({
      format: DUMP_FORMAT, version: DUMP_VERSION, origin: this.origin, exported: new Date(this.clock()),
      covers: { kind: 'all' }, checkpoint: { db: this.origin, rev: 0 },
    })
    this.write([header])
    return fd
  }

  /** Resolves once everything written so far is on disk. */
  sync(): Promise<void> {
    if (this.fd === undefined) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      if (this.syncing) this.syncAgain = true
      else this.startSync()
    })
  }

  private startSync(): void {
    const waiters = this.waiters
    this.waiters = []
    this.syncing = new Promise<void>((done) => {
      fsync(this.fd as number, (e) => {
        for (const w of waiters) {
          if (e) w.reject(fileError(e, this.path, 'could not sync the journal to disk'))
          else w.resolve()
        }
        done()
      })
    }).then(() => {
      this.syncing = undefined
      if (this.syncAgain || this.waiters.length) { this.syncAgain = false; if (this.waiters.length) this.startSync() }
    })
  }

  /** Syncs and closes the file. */
  close(): void {
    if (this.fd === undefined) return
    try { fsyncSync(this.fd) } catch { /* closing anyway */ }
    closeSync(this.fd)
    this.fd = undefined
  }
}

/** Makes a rename or a new file in `dir` durable (where the platform allows syncing a directory). */
export function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r')
    try { fsyncSync(fd) } finally { closeSync(fd) }
  } catch { /* not supported here (Windows): the rename is still atomic */ }
}
