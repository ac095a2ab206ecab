/**
 * The Database on a journal directory (SPEC §7, docs/journal.md): what the
 * command line records runs in. Every process writing the directory appends
 * to a file of its own; every reader replays all of them, so several
 * processes share one directory (two sweeps, a `logs -f`, the page server).
 */
import { checkNewRun, checkRunState } from '../model/checks.js'
import type { Database, LogOptions, StudyInfo } from '../model/database.js'
import { checkSignal, DivinerError, notExist } from '../model/errors.js'
import type { Annotating, RunAnnotation } from '../model/annotations.js'
import { deleteRun, deleteStudy, runAnnotations, setRunNote, setRunTags, setStudyNote, type JournalEditor } from './edits.js'
import { newId } from '../model/ids.js'
import { loggerStream, logStream, waitForChange, type LogCursor } from '../model/log-stream.js'
import { RunState, type LogEntry, type Metrics, type NewRun, type Run, type RunRow } from '../model/run.js'
import { validateStudy, type Study } from '../model/study.js'
import type { ExportView } from '../dump/export.js'
import type { MergeSession } from '../merge/target.js'
import { newJournalName, prepareDirectory } from './files.js'
import { JournalExportView } from './export-view.js'
import { beginJournalMerge } from './merge.js'
import { JournalReader } from './reader.js'
import { Seqs } from './seq.js'
import { JournalState, type JournalProblem, type JournalRun, type JournalStudy } from './state.js'
import { reportedState, studyInfo, toRun, toRunRow } from './values.js'
import { JournalWriter } from './writer.js'

/** Options for a JournalDatabase. */
export interface JournalDatabaseOptions {
  /** The clock, epoch ms (tests move it to make keepalives stale). */
  readonly now?: () => number
  /** How often a log follower looks for text other processes wrote, ms. */
  readonly followPollMs?: number
  /** How long a logger buffers text before writing it, ms. */
  readonly loggerFlushMs?: number
  /** Hears once of each problem found in the directory (default: printed to stderr). */
  readonly onProblem?: (problem: JournalProblem) => void
}

/** The Database on a journal directory. One instance writes one file of its own. */
export class JournalDatabase implements Database, Annotating {
  /** The directory's records, as far as this process has read them. */
  readonly state = new JournalState()
  private readonly now: () => number
  private readonly followPollMs: number
  private readonly loggerFlushMs: number
  private readonly changes = new EventTarget()
  private readonly ownFiles = new Set<string>()
  private readonly seqs: Seqs
  private origin: string | undefined
  private writer: JournalWriter | undefined
  private reader: JournalReader | undefined

  constructor(readonly dir: string, private readonly options: JournalDatabaseOptions = {}) {
    this.now = options.now ?? Date.now
    this.followPollMs = options.followPollMs ?? 250
    this.loggerFlushMs = options.loggerFlushMs ?? 250
    this.seqs = new Seqs(dir, (study) => {
      this.refresh()
      return Math.max(this.state.studies.get(study)?.counter ?? 0, this.state.maxSeq(study))
    }, (study, seq) => {
      const s = this.state.studies.get(study)
      if (s) s.counter = Math.max(s.counter, seq)
    })
  }

  private report = (p: JournalProblem): void => {
    if (this.options.onProblem) this.options.onProblem(p)
    else process.stderr.write(`diviner-local: warning: ${this.dir}/${p.file}:${p.line}: ${p.reason}\n`)
  }

  /** The current time on this database's clock, epoch ms. */
  clock(): number {
    return this.now()
  }

  async createTable(signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    if (this.origin !== undefined) { this.refresh(); return }
    this.origin = prepareDirectory(this.dir)
    this.reader = new JournalReader(this.dir, this.state, this.report, this.ownFiles)
    this.writer = new JournalWriter(this.dir, newJournalName(), this.origin, this.now)
    this.ownFiles.add(this.writer.name)
    this.refresh()
  }

  /** The directory's id (its origin), shared by every process that uses it. */
  async id(): Promise<string> {
    if (this.origin === undefined) await this.createTable()
    return this.origin as string
  }

  /** Reads what other processes appended since the last look; true when anything changed. */
  refresh(): boolean {
    if (!this.reader) throw new DivinerError('internal', 'the journal database is not open: call createTable first')
    const changed = this.reader.refresh()
    if (changed) this.changes.dispatchEvent(new Event('change'))
    return changed
  }

  /** Files whose lines could not all be used (see JournalReader). */
  damagedFiles(): ReadonlySet<string> {
    return this.reader?.damaged ?? new Set()
  }

  private open(): { writer: JournalWriter } {
    if (!this.writer) throw new DivinerError('internal', 'the journal database is not open: call createTable first')
    return { writer: this.writer }
  }

  async createStudyIfNotExist(study: Study, signal?: AbortSignal): Promise<boolean> {
    checkSignal(signal)
    const s = validateStudy(study)
    await this.id()
    this.refresh()
    if (this.state.studies.has(s.name)) return false
    const created = this.now()
    this.state.apply({ type: 'study', study: s, created })
    const rec = this.state.studies.get(s.name) as JournalStudy
    this.open().writer.ensureStudy(rec)
    await this.open().writer.sync()
    this.announce()
    return true
  }

  async lookupStudy(name: string, signal?: AbortSignal): Promise<StudyInfo> {
    checkSignal(signal)
    await this.id()
    this.refresh()
    return studyInfo(this.study(name))
  }

  async listStudies(prefix: string, since?: Date, signal?: AbortSignal): Promise<StudyInfo[]> {
    checkSignal(signal)
    await this.id()
    this.refresh()
    const from = since?.getTime() ?? -Infinity
    return [...this.state.studies.values()]
      .filter((s) => s.name.startsWith(prefix) && s.activity >= from)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map(studyInfo)
  }

  private study(name: string): JournalStudy {
    const s = this.state.studies.get(name)
    if (!s) throw notExist(`no study ${name}`)
    return s
  }

  async nextSeq(study: string, signal?: AbortSignal): Promise<number> {
    checkSignal(signal)
    await this.id()
    this.refresh()
    this.study(study)
    return this.seqs.next(study)
  }

  async insertRun(run: NewRun, signal?: AbortSignal): Promise<Run> {
    checkSignal(signal)
    const { replicate, seq: requested } = checkNewRun(run)
    const localId = await this.id()
    this.refresh()
    const study = this.study(run.study)
    if (requested > 0 && this.state.runAt(run.study, requested)) throw new DivinerError('conflict', `run ${run.study}:${requested} already exists`)
    const seq = await this.seqs.claim(run.study, requested)
    const now = this.now()
    this.state.apply({
      type: 'run',
      run: {
        id: newId(), study: run.study, seq, origin: { db: localId, seq }, values: run.values, replicate,
        state: RunState.Pending, status: '', config: run.config ?? {}, created: now, updated: now, runtime: 0, retries: 0,
        metricCount: 0, logCount: 0,
      },
    })
    const rec = this.state.runAt(run.study, seq) as JournalRun
    this.open().writer.writeRun(study, rec)
    await this.open().writer.sync()
    this.announce()
    return toRun(rec, localId, now)
  }

  async updateRun(study: string, seq: number, state: RunState, message: string, runtime: number, retry: number, signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    checkRunState(study, seq, state)
    const rec = await this.findRun(study, seq)
    Object.assign(rec, { state, status: message, runtime, retries: retry, updated: this.now(), rev: ++this.state.rev })
    const s = this.study(study)
    s.activity = Math.max(s.activity, rec.updated)
    this.open().writer.writeRun(s, rec)
    await this.open().writer.sync()
    this.announce()
  }

  async appendRunMetrics(study: string, seq: number, metrics: Metrics, signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    const rec = await this.findRun(study, seq)
    rec.metrics.push({ ...metrics })
    rec.mCount = rec.metrics.length
    rec.rev = ++this.state.rev
    this.open().writer.writeMetrics(this.study(study), rec, 1)
    this.announce()
  }

  /** Appends entries to the run's log (what a logger does when it flushes). */
  async appendLog(study: string, seq: number, entries: readonly LogEntry[], signal?: AbortSignal): Promise<void> {
    checkSignal(signal)
    if (entries.length === 0) return
    const rec = await this.findRun(study, seq)
    rec.log.push(...entries.map((e) => ({ t: e.t, text: e.text })))
    rec.lCount = rec.log.length
    rec.rev = ++this.state.rev
    this.open().writer.writeLog(this.study(study), rec, entries.length)
    this.announce()
  }

  // ---- Notes, tags and deleting (model/annotations.ts; see edits.ts): each is a line of this process's file. ----

  setStudyNote(study: string, note: string, signal?: AbortSignal): Promise<void> { return setStudyNote(this.editor(signal), study, note) }
  setRunNote(study: string, seq: number, note: string, signal?: AbortSignal): Promise<void> { return setRunNote(this.editor(signal), study, seq, note) }
  setRunTags(study: string, seq: number, tags: readonly string[], signal?: AbortSignal): Promise<void> { return setRunTags(this.editor(signal), study, seq, tags) }
  runAnnotations(study: string, signal?: AbortSignal): Promise<RunAnnotation[]> { return runAnnotations(this.editor(signal), study) }
  deleteStudy(study: string, signal?: AbortSignal): Promise<void> { return deleteStudy(this.editor(signal), study) }
  deleteRun(study: string, seq: number, signal?: AbortSignal): Promise<void> { return deleteRun(this.editor(signal), study, seq) }

  /** What the edits of edits.ts reach of this database (after checking `signal`). */
  private editor(signal: AbortSignal | undefined): JournalEditor {
    return {
      ready: async () => { checkSignal(signal); await this.id(); this.refresh() },
      state: this.state,
      now: () => this.now(),
      study: (name) => this.study(name),
      findRun: (study, seq) => { checkSignal(signal); return this.findRun(study, seq) },
      record: async (write) => {
        write(this.open().writer)
        await this.open().writer.sync()
        this.announce()
      },
    }
  }

  /** The run `study:seq` as stored, read again from the directory when this process does not know it yet. */
  private async findRun(study: string, seq: number): Promise<JournalRun> {
    await this.id()
    let rec = this.state.runAt(study, seq)
    if (!rec) {
      this.refresh()
      rec = this.state.runAt(study, seq)
    }
    if (!rec) throw notExist(`no run ${study}:${seq}`)
    return rec
  }

  async listRuns(study: string, states: RunState, since?: Date, signal?: AbortSignal): Promise<Run[]> {
    checkSignal(signal)
    const localId = await this.id()
    this.refresh()
    this.study(study)
    const from = since?.getTime() ?? -Infinity
    const now = this.now()
    return this.state.runsOf(study)
      .filter((r) => r.updated >= from && (reportedState(r, now) & states) !== 0)
      .map((r) => toRun(r, localId, now))
  }

  async lookupRun(study: string, seq: number, signal?: AbortSignal): Promise<Run> {
    checkSignal(signal)
    const localId = await this.id()
    this.refresh()
    const rec = this.state.runAt(study, seq)
    if (!rec) throw notExist(`no run ${study}:${seq}`)
    return toRun(rec, localId, this.now())
  }

  /** The study's runs without their histories, by seq (with the last metrics entry and the counts). */
  async listRunRows(study: string, states: RunState = RunState.Any, signal?: AbortSignal): Promise<RunRow[]> {
    checkSignal(signal)
    const localId = await this.id()
    this.refresh()
    this.study(study)
    const now = this.now()
    return this.state.runsOf(study).filter((r) => (reportedState(r, now) & states) !== 0).map((r) => toRunRow(r, localId, now))
  }

  log(study: string, seq: number, options: LogOptions = {}): ReadableStream<string> {
    return logStream(this, study, seq, { next: 0 }, options)
  }

  /** Log entries from `cursor` on (advancing it). */
  async readLog(study: string, seq: number, cursor: LogCursor): Promise<LogEntry[]> {
    await this.id()
    this.refresh()
    const rec = this.state.runAt(study, seq)
    if (!rec) throw notExist(`no run ${study}:${seq}`)
    const out = rec.log.slice(cursor.next)
    cursor.next = rec.log.length
    return out
  }

  /** Resolves after a write of this process, after the poll interval, or on abort. */
  waitForChange(signal: AbortSignal | undefined): Promise<void> {
    return waitForChange(this.changes, this.followPollMs, signal)
  }

  logger(study: string, seq: number): WritableStream<string> {
    return loggerStream(this, study, seq, { flushMs: this.loggerFlushMs })
  }

  /** Starts an import into this directory (see merge.ts). */
  beginMerge(): Promise<MergeSession> {
    return beginJournalMerge(this)
  }

  /** A view to export this directory's records from. */
  exportView(): ExportView {
    return new JournalExportView(this)
  }

  /** Records that this process wrote a file itself (an import it committed): it is not read back. */
  adoptFile(name: string, bytes: number, lines: number): void {
    this.reader?.markRead(name, bytes, lines)
  }

  /** Forgets what was read and reads the directory again from the start (after an import was undone). */
  reload(): void {
    this.state.clear()
    this.reader = new JournalReader(this.dir, this.state, this.report, this.ownFiles)
    for (const name of this.ownFiles) this.reader.readOnce(name)
    this.refresh()
  }

  /** Syncs and closes this process's journal file. */
  close(): void {
    this.writer?.close()
  }

  /** Tells this process's followers that something changed. */
  announce(): void {
    this.changes.dispatchEvent(new Event('change'))
  }
}
