/**
 * Importing a file into a store: one straight pipeline. The file's kind is
 * told by its first bytes; its reader turns bytes into lines and lines into
 * records (a Diviner dump, an Optuna journal or SQLite file); the merge
 * applies them batch by batch through the store's `MergeTarget`, one batch
 * committing while the next is read; the store commits the whole, or undoes
 * it on any failure, so an import is all or nothing.
 */
import type { DumpSource } from '../dump/lines.js'
import { gzipDecoding, isGzip, MultiMemberGzip, peek, sourceStream, taskBreaks } from '../dump/lines.js'
import { readJournal } from '../optuna/journal.js'
import { sqliteReader } from '../optuna/sqlite-reader.js'
import { readDump, readOrRefuse } from '../dump/reader.js'
import type { ImportSource, MergeItem, RecordReader } from '../dump/records.js'
import { checkAborted, Merger, type ImportSummary } from './merger.js'
import type { MergeSession, MergeTarget } from './target.js'

export type { ImportSummary, Rejection } from './merger.js'

/** How far an import has got. */
export interface ImportProgress {
  /** Bytes of the source read so far. */
  readonly bytesRead: number
  /** The source's size, when known (a Blob or bytes; not a stream). */
  readonly bytesTotal: number | undefined
  /** Records (lines after the header) applied so far. */
  readonly records: number
  /**
   * The studies whose records the committed batches held, each with the runs
   * of it they held (so a page lists a study as soon as its first records are
   * in, with the import's progress beside it).
   */
  readonly studies?: readonly { readonly name: string; readonly runs: number }[]
}

/** Options for `importDump`. */
export interface ImportOptions {
  /** Called after each applied batch. */
  readonly onProgress?: (progress: ImportProgress) => void
  /** Cancels the import; the database is left as before. */
  readonly signal?: AbortSignal
  /** The remote the file comes from, when it is pulled (see `MergeOptions.from`). */
  readonly from?: string
}

/**
 * When a batch is full: after this many runs, text or entries. The first
 * batch ends before the first run when study definitions come before it, or
 * else with the reader's first chunk, and is applied at once (so a page lists
 * the study as soon as the file is opened); the second holds at
 * most `secondRuns` runs; with `grows`, each next one twice as many as the
 * one before, up to `runs` (progress comes often at first, and a large import
 * pays for few transactions).
 */
interface BatchLimits { readonly secondRuns: number; readonly runs: number; readonly grows: boolean; readonly chars: number; readonly entries: number }

const DUMP_BATCH: BatchLimits = { secondRuns: 200, runs: 2000, grows: true, chars: 16 * 1024 * 1024, entries: Infinity }
/** Another tool's file: its runs come as records in memory (no line text), so fewer, larger transactions. */
const FOREIGN_BATCH: BatchLimits = { secondRuns: 200, runs: 2000, grows: false, chars: Infinity, entries: 256 * 1024 }

/**
 * Imports a file (a dump, gzip or plain JSON Lines; an Optuna journal; an
 * Optuna SQLite storage) into `db`, merging it with what is there. Resolves to
 * the summary; rejects with `bad-dump` or `unsupported-version` naming the
 * line, or `aborted`, leaving the database unchanged.
 */
export async function importDump(db: MergeTarget, source: DumpSource, options: ImportOptions = {}): Promise<ImportSummary> {
  // The store readies its import (opens, recovers, locks) while the file's kind is told.
  const merge = options.from === undefined ? {} : { from: options.from }
  const begun = db.beginMerge(merge)
  // Its failure is met below, once the file is sniffed; until then it must not count as unhandled.
  begun.catch(() => undefined)
  let sniffed: Awaited<ReturnType<typeof sniffOptuna>>
  let reader: RecordReader
  try {
    sniffed = await sniffOptuna(source)
    reader = primed(sniffed.kind === 'optuna-journal' ? readJournal(sourceStream(sniffed.source).stream)
      : sniffed.kind === 'optuna-sqlite' ? sqliteReader(sniffed.source)
        : readDump(sniffed.source, sniffed.source instanceof ReadableStream ? 'fflate' : gzipDecoding()))
  } catch (e) {
    await begun.then((session) => session.rollback(e), () => undefined)
    throw e
  }
  const size = sourceSize(source)
  source = sniffed.source
  const session = await begun.catch(async (e: unknown) => {
    await closeReader(reader)
    throw e
  })
  if (sniffed.kind !== undefined) return importWith(session, reader, options, size)
  // A Blob or bytes can be read again: try native gunzip first, and if the dump
  // turns out to hold several gzip members (undone by then), read it with fflate.
  try {
    return await importWith(session, reader, options, size)
  } catch (e) {
    if (!(e instanceof MultiMemberGzip)) throw e
    return importWith(await db.beginMerge(merge), readDump(source, 'fflate'), options, size)
  }
}

/**
 * The reader with its first chunk already being read and parsed, so that this
 * overlaps the store's readying of the import.
 */
function primed(reader: RecordReader): RecordReader {
  const records = reader.records[Symbol.asyncIterator]()
  let first: Promise<IteratorResult<readonly MergeItem[]>> | undefined = records.next()
  // A failure is met when the merge asks for the chunk (or never, when the import fails first).
  first.catch(() => undefined)
  const iterator: AsyncIterator<readonly MergeItem[]> = {
    next: () => {
      const got = first ?? records.next()
      first = undefined
      return got
    },
    return: async (value?: unknown) => {
      await first?.catch(() => undefined)
      return records.return ? records.return(value) : { done: true, value: undefined }
    },
  }
  return { kind: reader.kind, bytesRead: () => reader.bytesRead(), records: { [Symbol.asyncIterator]: () => iterator } }
}

/** Lets go of a reader that will not be read on (its source's stream is cancelled). */
async function closeReader(reader: RecordReader): Promise<void> {
  await reader.records[Symbol.asyncIterator]().return?.(undefined).catch(() => undefined)
}

function sourceSize(source: DumpSource): number | undefined {
  if (source instanceof Uint8Array) return source.length
  if (typeof Blob !== 'undefined' && source instanceof Blob) return source.size
  return undefined
}

/** Runs one import of `reader`'s records into `db`: committed whole, or undone. */
async function importWith(session: MergeSession, reader: RecordReader, options: ImportOptions, size: number | undefined): Promise<ImportSummary> {
  const merger = new Merger(session)
  try {
    await applyAll(reader, merger, options, size)
    await session.commit(merger.changedStudies())
  } catch (e) {
    await session.rollback(e)
    throw e
  } finally {
    session.announce(merger.changedStudies())
  }
  return merger.summary(reader.bytesRead(), reader.kind)
}

/** Applies the reader's records batch by batch; at most one batch is in flight while the next is read. */
async function applyAll(reader: RecordReader, merger: Merger, options: ImportOptions, size: number | undefined): Promise<void> {
  const limits = reader.kind === 'diviner-dump' ? DUMP_BATCH : FOREIGN_BATCH
  let batch: MergeItem[] = []
  let runs = 0
  let chars = 0
  let entries = 0
  let applying: Promise<void> = Promise.resolve()
  let appliedBytes = 0
  let reported = 0
  let flushed = 0
  /** Whether the batch read before the first flush holds a study's definition. */
  let defined = false
  /** Runs per study in the batches committed, in the order the studies came. */
  const studies = new Map<string, number>()
  const report = () => {
    if (merger.records === reported || options.signal?.aborted) return
    reported = merger.records
    options.onProgress?.({ bytesRead: appliedBytes, bytesTotal: size, records: merger.records, studies: [...studies].map(([name, runs]) => ({ name, runs })) })
  }
  const flush = async () => {
    checkAborted(options.signal)
    await applying
    const cut = reader.bytesRead()
    const counts = studyRuns(batch)
    applying = merger.apply(batch).then(() => {
      appliedBytes = cut
      for (const [name, n] of counts) studies.set(name, (studies.get(name) ?? 0) + n)
      report()
    })
    applying.catch(() => undefined)
    batch = []
    runs = chars = entries = 0
    flushed++
  }
  const runLimit = () => flushed <= 1 ? limits.secondRuns : limits.grows ? Math.min(limits.runs, limits.secondRuns * 2 ** (flushed - 1)) : limits.runs
  const full = () => runs >= runLimit() || chars >= limits.chars || entries >= limits.entries
  const breathe = taskBreaks()
  try {
    for await (const items of reader.records) {
      checkAborted(options.signal)
      if (flushed > 0) await breathe()
      for (const item of items) {
        const r = item.record
        // The study definitions before the first run go in alone, before reading on: the page lists those studies now.
        if (flushed === 0 && r.type === 'run' && defined) {
          await flush()
          await applying
        }
        defined ||= r.type === 'study' || r.type === 'foreign-study'
        batch.push(item)
        chars += item.line.text.length
        if (r.type === 'run') runs++
        else if (r.type === 'metrics' || r.type === 'log') entries += r.entries.length
        if (full()) await flush()
      }
      // Else the first chunk's records go in at once, before reading on.
      if (flushed === 0 && batch.length) {
        await flush()
        await applying
      }
    }
    await flush()
    await applying
  } catch (e) {
    await applying.catch(() => undefined)
    throw e
  }
  report()
}

/** The runs per study a batch holds (a study it defines counts, with none). */
function studyRuns(batch: readonly MergeItem[]): Map<string, number> {
  const out = new Map<string, number>()
  for (const { record: r } of batch) {
    if (r.type === 'run') out.set(r.run.study, (out.get(r.run.study) ?? 0) + 1)
    else if (r.type === 'study' || r.type === 'foreign-study') out.set(r.study.name, out.get(r.study.name) ?? 0)
  }
  return out
}

/**
 * What an Optuna file looks like, from its first bytes: SQLite's header, or a
 * first non-empty line that is a JSON object starting with "op_code" (as
 * Optuna's JournalFileBackend writes every line). `source` is the source to
 * read from now (a stream has been partly read to look; a journal in a Blob
 * is read on from the stream opened to look, not opened again).
 */
async function sniffOptuna(source: DumpSource): Promise<{ kind: Exclude<ImportSource, 'diviner-dump'> | undefined; source: DumpSource }> {
  const N = 512
  if (source instanceof Uint8Array) return { kind: kindOf(source.subarray(0, N)), source }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const peeked = await readOrRefuse(() => peek(source.stream(), N), 1)
    const kind = kindOf(peeked.head)
    if (kind === 'optuna-journal') return { kind, source: peeked.stream }
    void peeked.stream.cancel().catch(() => undefined)
    return { kind, source }
  }
  const peeked = await readOrRefuse(() => peek(source as ReadableStream<Uint8Array>, N), 1)
  return { kind: kindOf(peeked.head), source: peeked.stream }
}

/** The kind of file whose first bytes are `head`: another tool's, or undefined for a dump (or anything else). */
function kindOf(head: Uint8Array): Exclude<ImportSource, 'diviner-dump'> | undefined {
  if (isGzip(head)) return undefined
  const text = new TextDecoder().decode(head)
  if (text.startsWith('SQLite format 3\0')) return 'optuna-sqlite'
  if (/^(\uFEFF)?\s*\{\s*"op_code"\s*:/.test(text)) return 'optuna-journal'
  return undefined
}
