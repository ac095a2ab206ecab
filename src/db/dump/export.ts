/**
 * Exporting a dump: a gzip stream of JSON Lines (docs/dump-format.md), produced
 * batch by batch as the reader pulls, so memory stays bounded whatever the size
 * of the database.
 */
import { Gzip } from 'fflate'
import { DivinerError, invalid, notExist } from '../model/errors.js'
import type { LogEntry, Metrics } from '../model/run.js'
import { DUMP_FORMAT, DUMP_VERSION, type Checkpoint, type DumpCovers, type StoredRun, type StoredStudy, type Tombstone } from './records.js'
import { encodeHeader, encodeLog, encodeMetrics, encodeRun, encodeStudy } from './encode.js'

/** What to export: everything (the default), chosen studies, chosen runs, or a delta. */
export interface ExportOptions {
  /** Only these studies and their runs. */
  readonly studies?: readonly string[]
  /** With `studies`: only their definitions, no runs (for a runner elsewhere to start from). */
  readonly definitionsOnly?: boolean
  /** Only these runs (`study:seq` or `{study, seq}`), with their studies' definitions. */
  readonly runs?: readonly (string | { readonly study: string; readonly seq: number })[]
  /** Only what changed after this checkpoint (returned by an earlier export of this database). */
  readonly since?: Checkpoint
  /**
   * Leave out runs first recorded by these databases (a sync's other origins, which the remote has from
   * them), but for the line of such a run that carries a note or tags (see `withoutOrigins`).
   */
  readonly skipOrigins?: ReadonlySet<string>
  /** gzip level 0–9 (default 6). */
  readonly level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
  /** False for plain JSON Lines (a journal file) instead of gzip. */
  readonly compress?: boolean
  /** Called as runs are written. */
  readonly onProgress?: (progress: { runs: number; bytes: number }) => void
}

/**
 * A dump being exported, and the checkpoint a later delta continues from. The
 * checkpoint resolves once the whole dump has been read, and rejects when the
 * export fails or is cancelled: a dump that did not arrive whole must not move
 * the point a later delta starts from.
 */
export type DumpStream = ReadableStream<Uint8Array> & { readonly checkpoint: Promise<Checkpoint> }

const PAGE = 200
const METRICS_PER_LINE = 256
const LOG_CHARS_PER_LINE = 256 * 1024

/** A run with its whole history and log, as an export reads it. */
export interface ExportRun {
  readonly run: StoredRun
  readonly metrics: readonly Metrics[]
  readonly log: readonly LogEntry[]
}

/**
 * What an export reads of a store, a page at a time. Each call reads a
 * consistent state; the change counter orders every write (a delta holds what
 * was written after a given value of it).
 */
export interface ExportView {
  /** This database's id. */
  id(): Promise<string>
  /** The current time on the store's clock, epoch ms. */
  clock(): number
  /** The change counter now: a checkpoint a later delta continues from. */
  changeCounter(): Promise<number>
  /** Every study's name, in order. */
  studyNames(): Promise<string[]>
  /** The study of that name, or undefined. */
  study(name: string): Promise<StoredStudy | undefined>
  /**
   * The study's next `limit` runs with seq above `afterSeq`, by seq, less those
   * first recorded by a `skip` origin, as `withoutOrigins` keeps them (a bare
   * run without its history, which is not read); `last` is
   * the seq of the last run of the page, `afterSeq` when there was none.
   */
  runPage(study: string, afterSeq: number, limit: number, skip?: ReadonlySet<string>): Promise<{ runs: ExportRun[]; last: number }>
  /** The named runs, in order; rejects with `not-exist` naming a missing one. */
  namedRuns(names: readonly { study: string; seq: number }[]): Promise<ExportRun[]>
  /** Studies created or changed after change `since`. */
  changedStudies(since: number): Promise<StoredStudy[]>
  /**
   * The next `limit` runs written after change `after`, in change order, less
   * those first recorded by a `skip` origin, as `withoutOrigins` keeps them (a
   * bare run without its history, which is not read);
   * `last` is the change of the last run of the page, `after` when there was none.
   */
  changedRuns(after: number, limit: number, skip?: ReadonlySet<string>): Promise<{ runs: ExportRun[]; last: number }>
  /** The tombstones of deleted studies and runs (only those written after change `since`, when given). */
  tombstones(since?: number): Promise<Tombstone[]>
}

/**
 * What goes out of `runs` when the runs first recorded by the `skip` origins are
 * left to those origins: every other run whole (`bare` false); a `skip`
 * origin's run only when it carries a note or tags, which may have been set
 * here, and then as its line alone (`bare` true), since its origin sends its
 * history. Every run goes whole when there is no `skip`.
 */
export function withoutOrigins<R extends { readonly origin: { readonly db: string }; readonly noteAt?: number; readonly tagsAt?: number }>(runs: readonly R[], skip: ReadonlySet<string> | undefined): { readonly run: R; readonly bare: boolean }[] {
  const out: { run: R; bare: boolean }[] = []
  for (const run of runs) {
    const bare = skip?.has(run.origin.db) ?? false
    if (bare && run.noteAt === undefined && run.tagsAt === undefined) continue
    out.push({ run, bare })
  }
  return out
}

/** A store that can be exported. */
export interface Exportable {
  /** A view of the store to export from. */
  exportView(): ExportView
}

/** The dump of `db` selected by `options`, as a stream of gzip bytes. */
export function exportDump(db: Exportable, options: ExportOptions = {}): DumpStream {
  let resolveCheckpoint!: (c: Checkpoint) => void
  let rejectCheckpoint!: (e: unknown) => void
  const checkpoint = new Promise<Checkpoint>((res, rej) => { resolveCheckpoint = res; rejectCheckpoint = rej })
  checkpoint.catch(() => undefined)
  let taken: Checkpoint | undefined
  const lines = dumpLines(db.exportView(), options, (c) => { taken = c })
  const encoder = new TextEncoder()
  let out: Uint8Array[] = []
  const gzip = options.compress === false ? plainText((chunk) => { out.push(chunk) }) : new Gzip({ level: options.level ?? 6 }, (chunk) => { out.push(chunk) })
  let runs = 0
  let bytes = 0
  const stream = new ReadableStream<Uint8Array>({
    pull: async (controller) => {
      try {
        while (out.length === 0) {
          const { done, value } = await lines.next()
          if (done) {
            gzip.push(new Uint8Array(0), true)
            for (const c of out) controller.enqueue(c)
            controller.close()
            resolveCheckpoint(taken as Checkpoint)
            return
          }
          runs += value.runs
          gzip.push(encoder.encode(value.text))
          options.onProgress?.({ runs, bytes })
        }
        for (const c of out) { bytes += c.length; controller.enqueue(c) }
        out = []
      } catch (e) {
        rejectCheckpoint(e)
        throw e
      }
    },
    cancel: async () => {
      rejectCheckpoint(new DivinerError('aborted', 'the export was cancelled before it was complete'))
      await lines.return(undefined)
    },
  }, { highWaterMark: 0 })
  return Object.assign(stream, { checkpoint })
}

/** A stand-in for the compressor that passes bytes through (for plain JSON Lines). */
function plainText(ondata: (chunk: Uint8Array) => void): { push(chunk: Uint8Array, final?: boolean): void } {
  return { push: (chunk) => { if (chunk.length) ondata(chunk) } }
}

/** Text for a batch of records, and how many runs it holds. */
interface Batch { text: string; runs: number }

async function* dumpLines(view: ExportView, options: ExportOptions, onCheckpoint: (c: Checkpoint) => void): AsyncGenerator<Batch> {
  const origin = await view.id()
  const checkpoint: Checkpoint = { db: origin, rev: await view.changeCounter() }
  onCheckpoint(checkpoint)
  const covers = coversOf(options)
  if (options.since && options.since.db !== origin) {
    throw invalid(`that checkpoint belongs to database ${options.since.db}, not to this one (${origin}): export everything instead`, 'since')
  }
  yield { text: encodeHeader({ format: DUMP_FORMAT, version: DUMP_VERSION, origin, exported: new Date(view.clock()), covers, checkpoint }) + '\n', runs: 0 }
  const skip = options.skipOrigins?.size ? options.skipOrigins : undefined
  // Tombstones first: a database merging the dump deletes what they cover before it takes what was made again since.
  if (options.since) {
    yield tombstoneLines(await view.tombstones(options.since.rev))
    yield* deltaLines(view, options.since.rev, skip)
  } else if (options.runs) yield* chosenRunLines(view, options.runs)
  else {
    if (!options.studies) yield tombstoneLines(await view.tombstones())
    const names = options.studies ?? (await view.studyNames())
    for (const name of names) {
      const study = await view.study(name)
      if (!study) throw notExist(`no study ${name}`)
      yield { text: encodeStudy(study) + '\n', runs: 0 }
      if (!options.definitionsOnly) yield* studyRunLines(view, name, skip)
    }
  }
}

function coversOf(options: ExportOptions): DumpCovers {
  if (options.since) return { kind: 'delta', since: options.since }
  if (options.runs) return { kind: 'runs', runs: options.runs.map(runLabel) }
  if (options.studies) return { kind: 'studies', studies: [...options.studies] }
  return { kind: 'all' }
}

function runLabel(r: string | { readonly study: string; readonly seq: number }): string {
  return typeof r === 'string' ? r : `${r.study}:${r.seq}`
}

function parseRunName(r: string | { readonly study: string; readonly seq: number }): { study: string; seq: number } {
  if (typeof r !== 'string') return { study: r.study, seq: r.seq }
  const at = r.lastIndexOf(':')
  const seq = Number(r.slice(at + 1))
  if (at < 0 || !Number.isSafeInteger(seq) || seq < 1) throw invalid(`"${r}" does not name a run (study:seq)`, 'runs')
  return { study: r.slice(0, at), seq }
}

async function* studyRunLines(view: ExportView, study: string, skip: ReadonlySet<string> | undefined): AsyncGenerator<Batch> {
  let after = 0
  for (;;) {
    const page = await view.runPage(study, after, PAGE, skip)
    if (page.last === after) return
    after = page.last
    yield encodeRuns(page.runs)
  }
}

async function* chosenRunLines(view: ExportView, chosen: ExportOptions['runs'] & object): AsyncGenerator<Batch> {
  const emitted = new Set<string>()
  for (let i = 0; i < chosen.length; i += PAGE) {
    const runs = await view.namedRuns(chosen.slice(i, i + PAGE).map(parseRunName))
    const studies = await studyLines(view, runs, emitted)
    const batch = encodeRuns(runs)
    yield { text: studies + batch.text, runs: batch.runs }
  }
}

async function* deltaLines(view: ExportView, since: number, skip: ReadonlySet<string> | undefined): AsyncGenerator<Batch> {
  const emitted = new Set<string>()
  for (const s of await view.changedStudies(since)) { emitted.add(s.name); yield { text: encodeStudy(s) + '\n', runs: 0 } }
  let after = since
  for (;;) {
    const page = await view.changedRuns(after, PAGE, skip)
    if (page.last === after) return
    after = page.last
    const runs = page.runs
    const studies = await studyLines(view, runs, emitted)
    const batch = encodeRuns(runs)
    yield { text: studies + batch.text, runs: batch.runs }
  }
}

/** The lines of tombstones: a deleted study's or run's line with the time it was deleted. */
function tombstoneLines(tombs: readonly Tombstone[]): Batch {
  const text = tombs.map((t) => (t.kind === 'study' ? encodeStudy(t.study, t.deleted) : encodeRun(t.run, t.deleted))).join('\n')
  return { text: text ? text + '\n' : '', runs: 0 }
}

/** Study lines for the studies of `runs` not yet written. */
async function studyLines(view: ExportView, runs: readonly ExportRun[], emitted: Set<string>): Promise<string> {
  let text = ''
  for (const { run: r } of runs) {
    if (emitted.has(r.study)) continue
    emitted.add(r.study)
    const study = await view.study(r.study)
    if (!study) throw new DivinerError('internal', `run ${r.study}:${r.seq} has no study`)
    text += encodeStudy(study) + '\n'
  }
  return text
}

/** Lines for runs: each run's line, then its whole metric history and log. */
function encodeRuns(runs: readonly ExportRun[]): Batch {
  const parts: string[] = []
  for (const { run, metrics, log } of runs) {
    parts.push(encodeRun(run))
    for (let i = 0; i < metrics.length; i += METRICS_PER_LINE) parts.push(encodeMetrics(run.id, i, metrics.slice(i, i + METRICS_PER_LINE)))
    for (const [from, entries] of logLines(log)) parts.push(encodeLog(run.id, from, entries))
  }
  return { text: parts.length ? parts.join('\n') + '\n' : '', runs: runs.length }
}

/** A log cut into lines of at most LOG_CHARS_PER_LINE characters of text (at least one entry each): [from, entries]. */
export function* logLines(log: readonly LogEntry[], maxChars = LOG_CHARS_PER_LINE): Generator<[number, LogEntry[]]> {
  let from = 0
  while (from < log.length) {
    let chars = 0
    let end = from
    while (end < log.length && (end === from || chars + (log[end] as LogEntry).text.length <= maxChars)) {
      chars += (log[end] as LogEntry).text.length
      end++
    }
    yield [from, log.slice(from, end)]
    from = end
  }
}
