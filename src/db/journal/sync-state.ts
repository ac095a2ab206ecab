/**
 * A journal directory's sync state, per remote, under `.sync/<remote hash>/`:
 * the pull marks (`marks.json`) and what was pushed (`pushed.json`: each
 * run's state as last pushed), written by rename so a crash leaves the old or
 * the new file. One process pushes at a time (a lock beside them).
 */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'fflate'
import lockfile from 'proper-lockfile'
import { encodeHeader, encodeLog, encodeMetrics, encodeRun, encodeStudy } from '../dump/encode.js'
import { logLines } from '../dump/export.js'
import { DUMP_FORMAT, DUMP_VERSION } from '../dump/records.js'
import { DivinerError } from '../model/errors.js'
import type { PushStore } from '../sync/bucket-sync.js'
import type { MarkStore, PullMark } from '../sync/segments.js'
import { fileError } from './files.js'
import type { JournalDatabase } from './database.js'
import { LOCK_STALE_MS } from './seq.js'
import type { JournalRun, JournalStudy } from './state.js'

const METRICS_PER_LINE = 256

function dirOf(db: JournalDatabase, remote: string): string {
  const dir = join(db.dir, '.sync', createHash('sha256').update(remote).digest('hex').slice(0, 16))
  mkdirSync(dir, { recursive: true })
  return dir
}

function readJson<T>(path: string, fallback: T): T {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return fallback
    throw new DivinerError('invalid', `${path} is damaged (${e instanceof Error ? e.message : String(e)}); remove it to sync that remote afresh`)
  }
}

function writeJson(path: string, data: unknown): void {
  try {
    writeFileSync(`${path}.tmp`, JSON.stringify(data))
    renameSync(`${path}.tmp`, path)
  } catch (e) {
    throw fileError(e, path, 'could not save the sync state')
  }
}

/**
 * A run's state as a push records it (when it changes, the run is pushed again): its state, history and log
 * lengths, and its note's and tags' edit times when it has them.
 */
function signature(run: JournalRun): string {
  return `${run.updated}|${run.state}|${run.retries}|${run.runtime}|${run.mCount}|${run.lCount}${annotated(run) ? `|${annotationSignature(run)}` : ''}`
}

/**
 * What a push of the run's line alone covers (a run another origin recorded): its note and tags, by their edit
 * times and a digest of their text (two edits in one millisecond differ by their text).
 */
function annotationSignature(run: JournalRun): string {
  const text = createHash('sha256').update(JSON.stringify([run.note ?? '', run.tags ?? []])).digest('hex').slice(0, 16)
  return `note ${run.noteAt ?? ''}|tags ${run.tagsAt ?? ''}|${text}`
}

function annotated(run: JournalRun): boolean {
  return run.noteAt !== undefined || run.tagsAt !== undefined
}

function studySignature(s: JournalStudy): string {
  return encodeStudy(s)
}

/** The pull marks of a journal directory. */
export class JournalMarks implements MarkStore {
  constructor(private readonly db: JournalDatabase) {}

  async marks(remote: string): Promise<Map<string, PullMark>> {
    return new Map(Object.entries(readJson<Record<string, PullMark>>(join(dirOf(this.db, remote), 'marks.json'), {})))
  }

  async setMark(remote: string, key: string, mark: PullMark): Promise<void> {
    const path = join(dirOf(this.db, remote), 'marks.json')
    const all = readJson<Record<string, PullMark>>(path, {})
    all[key] = mark
    writeJson(path, all)
  }
}

interface Pushed { runs: Record<string, string>; studies: Record<string, string> }

/** The push side of a journal directory: runs whose state changed since they were last pushed. */
export class JournalPush implements PushStore {
  constructor(private readonly db: JournalDatabase) {}

  id(): Promise<string> {
    return this.db.id()
  }

  async pending(remote: string, skip: ReadonlySet<string>) {
    await this.db.id()
    this.db.refresh()
    const path = join(dirOf(this.db, remote), 'pushed.json')
    const pushed = readJson<Pushed>(path, { runs: {}, studies: {} })
    const state = this.db.state
    const lines: string[] = []
    const next: Pushed = { runs: { ...pushed.runs }, studies: { ...pushed.studies } }
    const studies = new Set<string>()
    for (const s of state.studies.values()) {
      if (pushed.studies[s.name] !== studySignature(s)) studies.add(s.name)
    }
    const changedStudies = studies.size
    let runs = 0
    const runLines: string[] = []
    for (const run of state.runs.values()) {
      // Another origin's run is that origin's to push, but for a note or tags, which may have been set here.
      const bare = skip.has(run.origin.db)
      if (bare && !annotated(run)) continue
      const sig = bare ? annotationSignature(run) : signature(run)
      if (pushed.runs[run.id] === sig) continue
      studies.add(run.study)
      runs++
      next.runs[run.id] = sig
      runLines.push(encodeRun(run))
      if (bare) continue
      for (let i = 0; i < run.metrics.length; i += METRICS_PER_LINE) runLines.push(encodeMetrics(run.id, i, run.metrics.slice(i, i + METRICS_PER_LINE)))
      for (const [from, entries] of logLines(run.log)) runLines.push(encodeLog(run.id, from, entries))
    }
    if (runs === 0 && changedStudies === 0) return undefined
    const origin = await this.db.id()
    lines.push(encodeHeader({ format: DUMP_FORMAT, version: DUMP_VERSION, origin, exported: new Date(this.db.clock()), covers: { kind: 'all' }, checkpoint: { db: origin, rev: 0 } }))
    for (const name of studies) {
      const s = state.studies.get(name) as JournalStudy
      lines.push(encodeStudy(s))
      next.studies[name] = studySignature(s)
    }
    lines.push(...runLines)
    const bytes = gzipSync(new TextEncoder().encode(lines.join('\n') + '\n'))
    return { bytes, runs, commit: async () => writeJson(path, next) }
  }

  async withPushLock<T>(remote: string, work: () => Promise<T>): Promise<T> {
    const path = join(dirOf(this.db, remote), 'push')
    let release: () => Promise<void>
    try {
      release = await lockfile.lock(path, { realpath: false, stale: LOCK_STALE_MS, update: LOCK_STALE_MS / 2, retries: { retries: 600, minTimeout: 50, maxTimeout: 500 } })
    } catch (e) {
      throw new DivinerError('internal', `could not lock ${path} for pushing (${e instanceof Error ? e.message : String(e)}); if no other diviner-local process syncs this directory, remove ${path}.lock`)
    }
    try { return await work() } finally { await release().catch(() => undefined) }
  }
}
