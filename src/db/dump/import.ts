/**
 * Importing a dump: streaming, merged without loss (SPEC §4), atomic.
 *
 * Atomicity for a dump larger than one transaction: the dump is applied batch by
 * batch, each batch in one IndexedDB transaction that awaits nothing but
 * IndexedDB, and each batch also writes an undo record (the keys it inserted,
 * the prior versions of the records it replaced) in that same transaction. An
 * `imports` record, written in the transaction of the first batch, marks the
 * import as in progress. If anything fails, the undo records are applied newest
 * first and the database is as before; on success the undo records and the
 * marker are deleted in one transaction, the commit point. (A dump refused
 * before its first batch was applied has nothing to undo.)
 * An import interrupted by a crash or a closed tab leaves its marker behind, and
 * the next connection to open the database undoes it (see `recoverImports`).
 */
import { Dexie } from 'dexie'
import type { DexieDatabase } from '../store/dexie-database.js'
import { DivinerError, isDivinerError } from '../model/errors.js'
import { appendLogEntries, appendMetricEntries } from '../store/history.js'
import { newId } from '../model/ids.js'
import { RunState } from '../model/run.js'
import { toRow } from '../store/row-cache.js'
import type { LogChunkRecord, MetricChunkRecord, RunRecord, StudyRecord, UndoRecord } from '../store/schema.js'
import { studiesEquivalent, type Study } from '../model/study.js'
import { BadRecord, decodeRecord, UnsupportedVersion, type DumpRecord, type RunHead } from './codec.js'
import { widenStudy } from '../optuna/mapping.js'
import { badDump, gzipDecoding, isGzip, MultiMemberGzip, parseLine, peek, readLines, sourceStream, taskBreaks, type Decoding, type DumpSource, type Line } from './lines.js'

/** How far an import has got. */
export interface ImportProgress {
  /** Bytes of the source read so far. */
  readonly bytesRead: number
  /** The source's size, when known (a Blob or bytes; not a stream). */
  readonly bytesTotal: number | undefined
  /** Records (lines after the header) applied so far. */
  readonly records: number
}

/** Options for `importDump`. */
export interface ImportOptions {
  /** Called after each applied batch. */
  readonly onProgress?: (progress: ImportProgress) => void
  /** Cancels the import; the database is left as before. */
  readonly signal?: AbortSignal
}

/** One run the import did not take, and why. */
export interface Rejection {
  /** `study:seq` as the dump names it. */
  readonly run: string
  readonly id: string
  readonly reason: string
}

/** What an import did (SPEC §6). */
export interface ImportSummary {
  /** What kind of file was read: a Diviner dump, an Optuna JournalStorage log or an Optuna RDB storage (SQLite). */
  readonly source: ImportSource
  /** The ids of the databases the dump came from. */
  readonly origins: string[]
  readonly studies: { added: number; updated: number; unchanged: number; conflicts: number }
  readonly runs: { added: number; updated: number; unchanged: number; rejected: number }
  /** Each conflicting study and why. */
  readonly conflicts: { study: string; reason: string }[]
  /** Rejected runs with reasons (the first 1,000). */
  readonly rejections: Rejection[]
  readonly records: number
  readonly bytes: number
}

/** The kinds of file `importDump` reads, recognised by their content. */
export type ImportSource = 'diviner-dump' | 'optuna-journal' | 'optuna-sqlite'

/**
 * A study definition read from another tool's file (an Optuna study): merged
 * into a study of the same name only when that study came from the same source
 * (`widenStudy`: params widened as a longer file brings new ones), else a conflict.
 */
export interface ForeignStudyRecord { readonly type: 'foreign-study'; readonly study: Study; readonly created: number }

/** A record the merge applies: a dump record, or a study read from another tool's file. */
export type MergeRecord = DumpRecord | ForeignStudyRecord

/** One record to merge and the line it came from (named by errors). */
export interface MergeItem { readonly line: Line; readonly record: MergeRecord }

/**
 * A reader of another tool's file, turning it into merge records: it yields
 * them in chunks, in order (a study before its runs, a run before its history),
 * and counts the bytes it has read. Its errors are DivinerErrors.
 */
export interface ForeignReader {
  readonly kind: ImportSource
  readonly records: AsyncIterable<readonly MergeItem[]>
  /** Bytes of the source read so far. */
  bytesRead(): number
}

const BATCH_RUNS = 500
/** A foreign file's batches: its runs come as records in memory (no line text), so fewer, larger transactions. */
const FOREIGN_BATCH_RUNS = 2000
/** …but a small first one: the page lists the study as soon as it is in. */
const FOREIGN_FIRST_BATCH_RUNS = 200
const FOREIGN_BATCH_ENTRIES = 256 * 1024
const BATCH_CHARS = 8 * 1024 * 1024
const MAX_LISTED_REJECTIONS = 1000

type StudyOutcome = 'added' | 'existing' | 'conflict'
type RunOutcome = 'added' | 'updated' | 'unchanged' | 'rejected'

/** Imports in progress in this JavaScript realm (where Web Locks are missing). */
const liveImports = new Set<string>()

function lockName(importId: string): string {
  return `diviner-import:${importId}`
}

function webLocks(): LockManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.locks : undefined
}

/**
 * Imports a dump (gzip or plain JSON Lines) into `db`, merging it with what is
 * there. Resolves to the summary; rejects with `bad-dump` or
 * `unsupported-version` naming the line, leaving the database unchanged.
 */
export async function importDump(db: DexieDatabase, source: DumpSource, options: ImportOptions = {}): Promise<ImportSummary> {
  await db.id() // opens the database on first use
  // An earlier import whose undo could not finish (a full disk) is undone first.
  await recoverImports(db)
  // An Optuna journal or SQLite file is recognised by its first bytes; its reader is loaded only then.
  const sniffed = await sniffOptuna(source)
  source = sniffed.source
  if (sniffed.kind !== undefined) {
    const { optunaReader } = await import('../optuna/reader.js')
    const kind = sniffed.kind
    return importOnceWith(db, (merger) => readForeign(optunaReader(kind, source), merger, options, sourceStream(source).size))
  }
  // A Blob or bytes can be read again: try native gunzip first, and if the dump
  // turns out to hold several gzip members (undone by then), read it with fflate.
  const rereadable = !(source instanceof ReadableStream)
  try {
    return await importOnce(db, source, options, rereadable ? gzipDecoding() : 'fflate')
  } catch (e) {
    if (!(e instanceof MultiMemberGzip)) throw e
    return importOnce(db, source, options, 'fflate')
  }
}

async function importOnce(db: DexieDatabase, source: DumpSource, options: ImportOptions, gzip: Decoding): Promise<ImportSummary> {
  return importOnceWith(db, (merger) => readDump(source, merger, options, gzip))
}

/** Runs one import (reading with `read`, which resolves to the bytes read and the kind of file) under its lock. */
async function importOnceWith(db: DexieDatabase, read: (merger: Merger) => Promise<number | { bytes: number; kind: ImportSource }>): Promise<ImportSummary> {
  const importId = newId()
  const run = () => runImport(db, importId, read)
  const locks = webLocks()
  if (locks) return locks.request(lockName(importId), run)
  liveImports.add(importId)
  try {
    return await run()
  } finally {
    liveImports.delete(importId)
  }
}

async function runImport(db: DexieDatabase, importId: string, read: (merger: Merger) => Promise<number | { bytes: number; kind: ImportSource }>): Promise<ImportSummary> {
  const d = db.dexie
  const merger = new Merger(db, importId, await db.id())
  let bytes: number
  let kind: ImportSource = 'diviner-dump'
  try {
    const got = await read(merger)
    if (typeof got === 'number') bytes = got
    else ({ bytes, kind } = got)
    await db.guard(() => d.transaction('rw', d.imports, d.undo, async () => {
      await d.undo.where('[importId+batch]').between([importId, Dexie.minKey], [importId, Dexie.maxKey]).delete()
      await d.imports.delete(importId)
    }))
    // Committed: large studies it brought are snapshot for the next page (in the background).
    db.rowCache.settle(merger.changedStudies()).catch(() => undefined)
  } catch (e) {
    if (merger.batches > 0) {
      try {
        await rollback(db, importId)
      } catch (undoError) {
        throw undoPending(e, undoError)
      }
    }
    throw e
  } finally {
    merger.notifyAll()
  }
  return merger.summary(bytes, kind)
}

/**
 * What an Optuna file looks like, from its first bytes: SQLite's header, or a
 * first non-empty line that is a JSON object starting with "op_code" (as
 * Optuna's JournalFileBackend writes every line). `source` is the source to
 * read from now (a stream has been partly read to look).
 */
async function sniffOptuna(source: DumpSource): Promise<{ kind: 'optuna-journal' | 'optuna-sqlite' | undefined; source: DumpSource }> {
  const N = 512
  let head: Uint8Array
  if (source instanceof Uint8Array) head = source.subarray(0, N)
  else if (typeof Blob !== 'undefined' && source instanceof Blob) head = new Uint8Array(await source.slice(0, N).arrayBuffer())
  else {
    const peeked = await readOrRefuse(() => peek(source as ReadableStream<Uint8Array>, N), 1)
    head = peeked.head
    source = peeked.stream
  }
  if (isGzip(head)) return { kind: undefined, source }
  const text = new TextDecoder().decode(head)
  if (text.startsWith('SQLite format 3\0')) return { kind: 'optuna-sqlite', source }
  if (/^(\uFEFF)?\s*\{\s*"op_code"\s*:/.test(text)) return { kind: 'optuna-journal', source }
  return { kind: undefined, source }
}

/** Applies a foreign reader's records batch by batch, like `readDump`; resolves to the bytes read and the kind of file. */
async function readForeign(reader: ForeignReader, merger: Merger, options: ImportOptions, size: number | undefined): Promise<{ bytes: number; kind: ImportSource }> {
  let batch: MergeItem[] = []
  let batchRuns = 0
  let batchEntries = 0
  let applying: Promise<void> = Promise.resolve()
  let appliedBytes = 0
  let reported = 0
  const report = () => {
    if (merger.records === reported || options.signal?.aborted) return
    reported = merger.records
    options.onProgress?.({ bytesRead: appliedBytes, bytesTotal: size, records: merger.records })
  }
  let flushed = 0
  const flush = async () => {
    checkAborted(options.signal)
    flushed++
    await applying
    const cut = reader.bytesRead()
    applying = merger.apply(batch).then(() => { appliedBytes = cut; report() })
    applying.catch(() => undefined)
    batch = []
    batchRuns = 0
    batchEntries = 0
  }
  const breathe = taskBreaks()
  try {
    for await (const items of reader.records) {
      checkAborted(options.signal)
      await breathe()
      for (const item of items) {
        batch.push(item)
        const r = item.record
        if (r.type === 'run') batchRuns++
        else if (r.type === 'metrics' || r.type === 'log') batchEntries += r.entries.length
        if (batchRuns >= (flushed === 0 ? FOREIGN_FIRST_BATCH_RUNS : FOREIGN_BATCH_RUNS) || batchEntries >= FOREIGN_BATCH_ENTRIES) await flush()
      }
    }
    await flush()
    await applying
  } catch (e) {
    await applying.catch(() => undefined)
    throw e
  }
  report()
  return { bytes: reader.bytesRead(), kind: reader.kind }
}

/** Reads, decodes and applies the dump batch by batch; resolves to the number of bytes read. */
async function readDump(source: DumpSource, merger: Merger, options: ImportOptions, gzipMode: Decoding): Promise<number> {
  const { stream: raw, size } = sourceStream(source)
  const { head, stream } = await readOrRefuse(() => peek(raw, 2), 1)
  const gzip = isGzip(head)
  if (!gzip && head.length > 0 && head[0] !== 0x7b /* { */ && head[0] !== 0xef /* a UTF-8 byte order mark */) {
    await stream.cancel()
    throw badDump(1, 'not a dump: neither gzip nor JSON Lines')
  }
  let bytesRead = 0
  let batch: { line: Line; record: DumpRecord }[] = []
  let batchRuns = 0
  let batchChars = 0
  // One batch is applied (its transaction running) while the next one is read
  // and decoded; at most one is in flight. Progress counts what is applied.
  let applying: Promise<void> = Promise.resolve()
  let appliedBytes = 0
  let reported = 0
  const report = () => {
    if (merger.records === reported || options.signal?.aborted) return
    reported = merger.records
    options.onProgress?.({ bytesRead: appliedBytes, bytesTotal: size, records: merger.records })
  }
  const flush = async () => {
    checkAborted(options.signal)
    await applying
    const cut = bytesRead
    applying = merger.apply(batch).then(() => { appliedBytes = cut; report() })
    applying.catch(() => undefined)
    batch = []
    batchRuns = 0
    batchChars = 0
  }
  let sawHeader = false
  let lastLine = 0
  const lines = readLines(stream, gzip ? gzipMode : 'text', (n) => { bytesRead += n })
  const breathe = taskBreaks()
  try {
    for (;;) {
      const next = await readOrRefuse(() => lines.next(), lastLine + 1)
      if (next.done) break
      checkAborted(options.signal)
      await breathe()
      for (const line of next.value) {
        lastLine = line.no
        if (line.text.trim() === '') continue
        const record = decodeLine(line)
        if (!sawHeader && record.type !== 'header') throw badDump(line.no, 'a dump must start with a header line naming its format and version')
        sawHeader = true
        batch.push({ line, record })
        batchChars += line.text.length
        if (record.type === 'run') batchRuns++
        if (batchRuns >= BATCH_RUNS || batchChars >= BATCH_CHARS) await flush()
      }
    }
  } catch (e) {
    await applying.catch(() => undefined)
    throw e
  } finally {
    await lines.return(undefined)
  }
  if (!sawHeader) throw badDump(1, 'the dump is empty')
  await flush()
  await applying
  report()
  return bytesRead
}

/** Throws a DivinerError of code `aborted` when the import was cancelled (its batches are then undone). */
function checkAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new DivinerError('aborted', 'the import was cancelled; the database is as it was before')
}

/** Reads from the source; a failure of the source itself (not a DivinerError) becomes bad-dump naming line `line`. */
async function readOrRefuse<T>(read: () => Promise<T>, line: number): Promise<T> {
  try {
    return await read()
  } catch (e) {
    if (isDivinerError(e)) throw e
    throw badDump(line, `could not be read (${e instanceof Error ? e.message : String(e)})`)
  }
}

function decodeLine(line: Line): DumpRecord {
  try {
    const { value, hostile } = parseLine(line)
    return decodeRecord(value, hostile)
  } catch (e) {
    if (e instanceof UnsupportedVersion) {
      throw new DivinerError('unsupported-version', `bad dump: line ${line.no}: ${e.message}`, { line: line.no, version: e.version })
    }
    if (e instanceof BadRecord) throw badDump(line.no, e.message)
    throw e
  }
}

/**
 * The error to report when an import failed with `e` and its undo then failed
 * with `undoError` (on a full disk, putting back replaced records needs room):
 * the import's own error (or the undo's, when the import's is not a
 * DivinerError), saying that the rest is undone later. The import's marker
 * stays: the next import, or the next opening of the database, finishes the
 * undo (recoverImports).
 */
function undoPending(e: unknown, undoError: unknown): unknown {
  const cause = isDivinerError(e) ? e : undoError
  if (!isDivinerError(cause)) return e
  const why = undoError instanceof Error ? undoError.message : String(undoError)
  const because = why === cause.message ? '' : ` (${why})`
  return new DivinerError(cause.code, `${cause.message}. Part of what was imported could not be undone yet${because}: it is undone when the page next opens or imports, so reload once there is room`, { ...cause.details, undoPending: true })
}

/** Undoes every applied batch of an import, newest first, then forgets it. */
async function rollback(db: DexieDatabase, importId: string): Promise<void> {
  const d = db.dexie
  const undoOf = () => d.undo.where('[importId+batch]').between([importId, Dexie.minKey], [importId, Dexie.maxKey])
  // Records go back to older revs: caches of rows (row-cache.ts) must start afresh.
  const newEpoch = async () => {
    const epoch = await d.meta.get('epoch')
    await d.meta.put({ key: 'epoch', n: (epoch?.key === 'epoch' ? epoch.n : 0) + 1 })
  }
  for (;;) {
    const last = await db.guard(() => undoOf().last())
    if (!last) {
      await db.guard(() => d.imports.delete(importId))
      return
    }
    // Each step in two transactions: first remove what the batch inserted (deletes
    // only, which a full disk allows), then put back what it replaced, mark the
    // change for row caches and forget the step. Both are idempotent, so a step
    // interrupted between them is done again.
    await db.guard(() => d.transaction('rw', [d.studies, d.runs, d.metricChunks, d.logChunks], async () => {
      await d.runs.bulkDelete(last.insertedRuns)
      await d.studies.bulkDelete(last.insertedStudies)
      await d.metricChunks.bulkDelete(last.insertedMetricChunks)
      await d.logChunks.bulkDelete(last.insertedLogChunks)
    }))
    await db.guard(() => d.transaction('rw', [d.studies, d.runs, d.undo, d.meta], async () => {
      await newEpoch()
      await d.runs.bulkPut(last.priorRuns)
      await d.studies.bulkPut(last.priorStudies)
      await d.undo.delete([importId, last.batch])
    }))
  }
}

/**
 * Undoes imports that were interrupted (a crash, a closed tab) and are no longer
 * running anywhere. Runs when a database is opened.
 */
export async function recoverImports(db: DexieDatabase): Promise<number> {
  const pending = await db.dexie.imports.toArray()
  let recovered = 0
  for (const { id } of pending) {
    const locks = webLocks()
    if (locks) {
      await locks.request(lockName(id), { ifAvailable: true }, async (lock) => {
        if (lock) { await rollback(db, id); recovered++ }
      })
    } else if (!liveImports.has(id)) {
      await rollback(db, id)
      recovered++
    }
  }
  return recovered
}

function stateRank(state: RunState): number {
  return state === RunState.Pending ? 0 : state === RunState.Failure ? 1 : 2
}

/**
 * True when the incoming head should replace the local state: it was updated
 * later, or at the same time and wins a fixed tie-break, so every database picks
 * the same winner whatever the order of imports.
 */
export function headWins(incoming: Pick<RunRecord, 'updated' | 'state' | 'retries' | 'runtime' | 'status'>, local: Pick<RunRecord, 'updated' | 'state' | 'retries' | 'runtime' | 'status'>): boolean {
  if (incoming.updated !== local.updated) return incoming.updated > local.updated
  const a = [stateRank(incoming.state), incoming.retries, incoming.runtime]
  const b = [stateRank(local.state), local.retries, local.runtime]
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number)
  return incoming.status > local.status
}

/** The fields of equivalent study definitions that may differ, and the creation time that orders them. */
type StudyDescription = Pick<StudyRecord, 'replicates' | 'description' | 'oracle' | 'created'>

/**
 * True when an equivalent definition's descriptive fields (replicates,
 * description, oracle) should replace the local ones: the earliest created
 * definition wins, ties broken by a canonical text, so every database settles
 * on the same one whatever the order of imports.
 */
export function descriptionPrecedes(incoming: StudyDescription, local: StudyDescription): boolean {
  if (incoming.created !== local.created) return incoming.created < local.created
  return canonicalJson([incoming.replicates, incoming.description, incoming.oracle]) <
    canonicalJson([local.replicates, local.description, local.oracle])
}

/** JSON text with object keys sorted, so that equal data has equal text. */
function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`
  if (typeof x === 'object' && x !== null) {
    const o = x as Record<string, unknown>
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(x) ?? 'null'
}

/** Merges batches of records into the database, keeping the import's tallies. */
class Merger {
  records = 0
  /** Batches applied so far. */
  batches = 0
  private readonly origins = new Set<string>()
  private readonly studyOutcome = new Map<string, StudyOutcome>()
  private readonly studyChanged = new Set<string>()
  private readonly conflicts: { study: string; reason: string }[] = []
  private readonly runOutcome = new Map<string, RunOutcome>()
  private readonly rejections: Rejection[] = []
  private rejected = 0
  /** The rollback epoch when the first batch was applied. */
  private epoch = 0
  /** The ids of every run in the database, while known (see `KnownRuns`). */
  private known: KnownRuns | undefined = { ids: new Set(), rev: -1 }

  constructor(private readonly db: DexieDatabase, private readonly importId: string, private readonly localId: string) {}

  /** Applies one batch in one transaction, with its undo record. */
  async apply(batch: readonly MergeItem[]): Promise<void> {
    if (batch.length === 0) return
    const d = this.db.dexie
    const names = new Set<string>()
    const ids = new Set<string>()
    let records = 0
    for (const { record: r } of batch) {
      if (r.type !== 'header') records++
      if (r.type === 'study' || r.type === 'foreign-study') names.add(r.study.name)
      else if (r.type === 'run') { names.add(r.run.study); ids.add(r.run.id) } else if (r.type !== 'header') ids.add(r.run)
    }
    const batchNo = this.batches
    const tx = await this.db.guard(() => d.transaction('rw', [d.studies, d.runs, d.metricChunks, d.logChunks, d.meta, d.undo, d.imports], async () => {
      const tx = new BatchState(this.db, this.importId, batchNo)
      this.known = await tx.load([...names], [...ids], this.known)
      for (const { record, line } of batch) this.applyRecord(tx, record, line)
      if (batchNo === 0) {
        await d.imports.put({ id: this.importId, started: this.db.clock() })
        const epoch = await d.meta.get('epoch')
        this.epoch = epoch?.key === 'epoch' ? epoch.n : 0
      }
      await tx.write()
      return tx
    }))
    if (this.known) {
      this.known.rev = tx.firstRev + tx.revs - 1
      for (const rec of tx.written) this.known.ids.add(rec.id)
    }
    this.batches++
    this.records += records
    // The batch is in. This connection's row cache takes its rows, so listing them reads nothing back (a
    // rollback bumps the epoch, which empties the cache). Followers hear of its studies: the page lists a
    // study as soon as its first batch is in, and its runs as they come.
    const rows = tx.written.map((rec) => ({ row: toRow(rec, this.localId), rev: rec.rev }))
    this.db.rowCache.adopt(rows, tx.revs, tx.firstRev - 1, this.epoch, new Set(tx.createdStudies())).catch(() => undefined)
    for (const name of names) if (this.studyChanged.has(name)) this.db.notify(name)
  }

  private applyRecord(tx: BatchState, record: MergeRecord, line: Line): void {
    switch (record.type) {
      case 'header': this.origins.add(record.header.origin); return
      case 'study': this.applyStudy(tx, record.study, record.created); return
      case 'foreign-study': this.applyForeignStudy(tx, record.study, record.created); return
      case 'run': this.applyRun(tx, record.run); return
      case 'metrics':
      case 'log': this.applyHistory(tx, record, line)
    }
  }

  private applyStudy(tx: BatchState, study: Study, created: number): void {
    const local = tx.study(study.name)
    const incoming: StudyDescription = {
      replicates: study.replicates ?? 0, description: study.description ?? '', oracle: study.oracle ?? { name: 'grid' }, created,
    }
    if (!local) {
      tx.putStudy({ name: study.name, objective: study.objective, params: study.params, ...incoming, counter: 0, rev: 0 })
      this.studyOutcome.set(study.name, 'added')
      return
    }
    if (this.studyOutcome.get(study.name) === 'conflict') return
    if (!studiesEquivalent(local, study)) {
      this.studyOutcome.set(study.name, 'conflict')
      this.conflicts.push({ study: study.name, reason: `study ${study.name} here has a different objective or params than the dump's; kept this one, rejected the dump's runs` })
      return
    }
    if (!this.studyOutcome.has(study.name)) this.studyOutcome.set(study.name, 'existing')
    if (descriptionPrecedes(incoming, local)) {
      tx.putStudy({ ...local, ...incoming })
      this.studyChanged.add(study.name)
    }
  }

  /** A study from another tool's file: added, or widened when the study here came from the same source, else a conflict. */
  private applyForeignStudy(tx: BatchState, study: Study, created: number): void {
    const source = (study.oracle as { source?: unknown } | undefined)?.source
    if (typeof source === 'string') this.origins.add(source)
    const local = tx.study(study.name)
    if (!local) { this.applyStudy(tx, study, created); return }
    if (this.studyOutcome.get(study.name) === 'conflict') return
    const merged = widenStudy(local, study)
    if (!merged) {
      this.studyOutcome.set(study.name, 'conflict')
      this.conflicts.push({ study: study.name, reason: `study ${study.name} here is not the same ${String(source).startsWith('optuna:') ? 'Optuna' : 'imported'} study as the file's (${String(source)}); kept this one, rejected the file's runs` })
      return
    }
    if (!this.studyOutcome.has(study.name)) this.studyOutcome.set(study.name, 'existing')
    if (!studiesEquivalent(local, merged) || merged.description !== local.description) {
      tx.putStudy({ ...local, params: merged.params, description: merged.description ?? local.description, oracle: merged.oracle ?? local.oracle })
      this.studyChanged.add(study.name)
    }
  }

  /**
   * Rejects a run line. A run that an earlier line of this import already took
   * stays taken (its later history lines still apply); the line is ignored.
   */
  private reject(head: Pick<RunHead, 'study' | 'seq' | 'id'>, reason: string): void {
    if (this.runOutcome.has(head.id)) return
    this.runOutcome.set(head.id, 'rejected')
    this.rejected++
    if (this.rejections.length < MAX_LISTED_REJECTIONS) this.rejections.push({ run: `${head.study}:${head.seq}`, id: head.id, reason })
  }

  private applyRun(tx: BatchState, head: RunHead): void {
    if (this.studyOutcome.get(head.study) === 'conflict') {
      this.reject(head, `study ${head.study} conflicts with the one here`)
      return
    }
    const study = tx.study(head.study)
    if (!study) {
      this.reject(head, `study ${head.study} is neither in the dump nor here`)
      return
    }
    const local = tx.run(head.id)
    if (!local) {
      const seq = head.seq > study.counter ? head.seq : study.counter + 1
      tx.putStudy({ ...study, counter: seq })
      tx.putRun({
        id: head.id, study: head.study, seq, origin: head.origin, values: head.values, replicate: head.replicate,
        state: head.state, status: head.status, config: head.config, created: head.created, updated: head.updated,
        runtime: head.runtime, retries: head.retries,
        mCount: 0, mSealed: 0, mTail: [], lCount: 0, lSealed: 0, lTail: [], touched: 0, rev: 0,
      }, true)
      this.taken(head.id, 'added')
      this.studyChanged.add(head.study)
      return
    }
    if (local.study !== head.study) {
      this.reject(head, `run ${head.id} belongs to study ${local.study} here`)
      return
    }
    this.taken(head.id, 'unchanged')
    if (headWins(head, local)) {
      tx.putRun({ ...local, mTail: [...local.mTail], lTail: [...local.lTail], state: head.state, status: head.status, updated: head.updated, runtime: head.runtime, retries: head.retries }, true)
      this.changed(head.id, head.study)
    }
  }

  /**
   * Notes that a run line was taken. A run an earlier line rejected (its study
   * came later in the dump) is taken after all: it no longer counts as rejected,
   * and its history lines from here on apply.
   */
  private taken(id: string, outcome: 'added' | 'unchanged'): void {
    const was = this.runOutcome.get(id)
    if (was === 'rejected') {
      this.rejected--
      const listed = this.rejections.findIndex((r) => r.id === id)
      if (listed >= 0) this.rejections.splice(listed, 1)
    }
    if (was === undefined || was === 'rejected') this.runOutcome.set(id, outcome)
  }

  private changed(id: string, study: string): void {
    if (this.runOutcome.get(id) === 'unchanged') this.runOutcome.set(id, 'updated')
    this.studyChanged.add(study)
  }

  private applyHistory(tx: BatchState, record: DumpRecord & { type: 'metrics' | 'log' }, line: Line): void {
    const outcome = this.runOutcome.get(record.run)
    if (outcome === 'rejected') return
    const local = tx.run(record.run)
    if (!local) throw badDump(line.no, `${record.type} for run ${record.run}, which is neither earlier in the dump nor here`)
    const have = record.type === 'metrics' ? local.mCount : local.lCount
    if (record.from > have) {
      const what = record.type === 'metrics' ? 'metric history' : 'log'
      throw badDump(line.no, `the ${what} of run ${record.run} continues at entry ${record.from}, but neither the dump before this line nor this database has entries ${have}..${record.from - 1}`)
    }
    const fresh = record.entries.length - (have - record.from)
    if (fresh <= 0) return
    const rec = tx.editRun(local)
    if (record.type === 'metrics') tx.sealedMetrics.push(...appendMetricEntries(rec, record.entries.slice(have - record.from)))
    else tx.sealedLogs.push(...appendLogEntries(rec, record.entries.slice(have - record.from)))
    this.changed(rec.id, rec.study)
  }

  /** The studies whose data the import changed so far. */
  changedStudies(): ReadonlySet<string> {
    return this.studyChanged
  }

  /** Tells followers in this connection which studies the import touched, once it has committed or been undone. */
  notifyAll(): void {
    for (const s of this.studyChanged) this.db.notify(s)
  }

  summary(bytes: number, source: ImportSource = 'diviner-dump'): ImportSummary {
    const studies = { added: 0, updated: 0, unchanged: 0, conflicts: 0 }
    for (const [name, outcome] of this.studyOutcome) {
      if (outcome === 'added') studies.added++
      else if (outcome === 'conflict') studies.conflicts++
      else if (this.studyChanged.has(name)) studies.updated++
      else studies.unchanged++
    }
    const runs = { added: 0, updated: 0, unchanged: 0, rejected: this.rejected }
    for (const outcome of this.runOutcome.values()) if (outcome !== 'rejected') runs[outcome]++
    return {
      source, origins: [...this.origins], studies, runs, conflicts: this.conflicts,
      rejections: this.rejections, records: this.records, bytes,
    }
  }
}

/**
 * The ids of every run in the database, as an import knows them to save reading
 * runs that are not there (on a first import, none are): read by its first
 * batch (none, or all of at most `KNOWN_RUNS_MAX`), plus the runs each batch
 * writes, as long as the change counter `rev` is where the import's last batch
 * left it (nothing else wrote a run since: every write of a run takes a rev; a
 * rollback elsewhere only puts back or removes runs, so the ids stay a superset).
 */
interface KnownRuns { readonly ids: Set<string>; rev: number }

const KNOWN_RUNS_MAX = 50_000

/** The records one batch reads and writes, and its undo record. */
class BatchState {
  private readonly studies = new Map<string, StudyRecord | undefined>()
  private readonly runs = new Map<string, RunRecord | undefined>()
  private readonly priorStudies = new Map<string, StudyRecord | undefined>()
  private readonly priorRuns = new Map<string, RunRecord | undefined>()
  private readonly dirtyStudies = new Set<string>()
  private readonly dirtyRuns = new Set<string>()
  /** Runs whose record and tails this batch may change in place (the prior versions stay intact for undo). */
  private readonly ownedRuns = new Set<string>()
  readonly sealedMetrics: MetricChunkRecord[] = []
  readonly sealedLogs: LogChunkRecord[] = []
  /** After `write`: the first rev it took, how many, and the run records it wrote. */
  firstRev = 0
  revs = 0
  written: RunRecord[] = []

  constructor(private readonly db: DexieDatabase, private readonly importId: string, private readonly batch: number) {}

  /**
   * Reads the studies and runs the batch names; resolves to the run ids known
   * after it (undefined once unknown). Runs not among known ids are not read:
   * they are not there.
   */
  async load(names: string[], ids: string[], known: KnownRuns | undefined): Promise<KnownRuns | undefined> {
    const d = this.db.dexie
    const studies = d.studies.bulkGet(names)
    if (known && known.rev < 0) {
      // The first batch: every id, when there are few runs.
      const count = await d.runs.count()
      known = count === 0 ? known : count <= KNOWN_RUNS_MAX ? { ids: new Set(await d.runs.toCollection().primaryKeys()), rev: -1 } : undefined
    } else if (known) {
      // Still known if nothing was written since this import's last batch.
      const rev = await d.meta.get('rev')
      if ((rev?.key === 'rev' ? rev.n : 0) !== known.rev) known = undefined
    }
    const read = known ? ids.filter((id) => known.ids.has(id)) : ids
    const runs = read.length ? await d.runs.bulkGet(read) : []
    read.forEach((id, i) => this.runs.set(id, runs[i]))
    for (const id of ids) this.priorRuns.set(id, this.runs.get(id))
    for (const [id, rec] of this.priorRuns) if (!rec) this.runs.set(id, undefined)
    const got = await studies
    names.forEach((n, i) => { this.studies.set(n, got[i]); this.priorStudies.set(n, got[i]) })
    return known
  }

  study(name: string): StudyRecord | undefined { return this.studies.get(name) }
  run(id: string): RunRecord | undefined { return this.runs.get(id) }

  /** The studies this batch creates (none of that name was there before it). */
  createdStudies(): string[] {
    return [...this.dirtyStudies].filter((name) => !this.priorStudies.get(name))
  }

  putStudy(rec: StudyRecord): void {
    this.studies.set(rec.name, rec)
    this.dirtyStudies.add(rec.name)
  }

  /** Stores `rec` at the end of the batch; `owned` when its tails are new arrays no other record shares. */
  putRun(rec: RunRecord, owned = false): void {
    this.runs.set(rec.id, rec)
    this.dirtyRuns.add(rec.id)
    if (owned) this.ownedRuns.add(rec.id)
    else this.ownedRuns.delete(rec.id)
  }

  /** The run's record, made safe to change in place (the prior version stays intact for undo). */
  editRun(rec: RunRecord): RunRecord {
    if (this.ownedRuns.has(rec.id)) return rec
    const copy = { ...rec, mTail: [...rec.mTail], lTail: [...rec.lTail] }
    this.putRun(copy, true)
    return copy
  }

  async write(): Promise<void> {
    const d = this.db.dexie
    const now = this.db.clock()
    this.revs = this.dirtyStudies.size + this.dirtyRuns.size
    let rev = await this.db.nextRev(this.revs)
    this.firstRev = rev
    const studies = [...this.dirtyStudies].map((n) => ({ ...(this.studies.get(n) as StudyRecord), rev: rev++ }))
    const runs = [...this.dirtyRuns].map((id) => ({ ...(this.runs.get(id) as RunRecord), touched: now, rev: rev++ }))
    const undo: UndoRecord = {
      importId: this.importId, batch: this.batch,
      insertedStudies: studies.filter((s) => !this.priorStudies.get(s.name)).map((s) => s.name),
      insertedRuns: runs.filter((r) => !this.priorRuns.get(r.id)).map((r) => r.id),
      insertedMetricChunks: this.sealedMetrics.map((c) => [c.run, c.chunk]),
      insertedLogChunks: this.sealedLogs.map((c) => [c.run, c.chunk]),
      priorStudies: studies.map((s) => this.priorStudies.get(s.name)).filter((s): s is StudyRecord => s !== undefined),
      priorRuns: runs.map((r) => this.priorRuns.get(r.id)).filter((r): r is RunRecord => r !== undefined),
    }
    await d.undo.add(undo)
    if (studies.length) await d.studies.bulkPut(studies)
    if (runs.length) await d.runs.bulkPut(runs)
    this.written = runs
    if (this.sealedMetrics.length) await d.metricChunks.bulkPut(this.sealedMetrics)
    if (this.sealedLogs.length) await d.logChunks.bulkPut(this.sealedLogs)
  }
}
