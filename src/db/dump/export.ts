/**
 * Exporting a dump: a gzip stream of JSON Lines (docs/dump-format.md), produced
 * batch by batch as the reader pulls, so memory stays bounded whatever the size
 * of the database.
 */
import { Dexie } from 'dexie'
import { Gzip } from 'fflate'
import type { DexieDatabase } from '../store/dexie-database.js'
import { DivinerError, invalid, notExist } from '../model/errors.js'
import type { LogEntry, RunRecord, StudyRecord } from '../store/schema.js'
import {
  DUMP_FORMAT, DUMP_VERSION, encodeHeader, encodeLog, encodeMetrics, encodeRun, encodeStudy,
  type Checkpoint, type DumpCovers,
} from './codec.js'

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
  /** gzip level 0–9 (default 6). */
  readonly level?: 0 | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9
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

/** The dump of `db` selected by `options`, as a stream of gzip bytes. */
export function exportDump(db: DexieDatabase, options: ExportOptions = {}): DumpStream {
  let resolveCheckpoint!: (c: Checkpoint) => void
  let rejectCheckpoint!: (e: unknown) => void
  const checkpoint = new Promise<Checkpoint>((res, rej) => { resolveCheckpoint = res; rejectCheckpoint = rej })
  checkpoint.catch(() => undefined)
  let taken: Checkpoint | undefined
  const lines = dumpLines(db, options, (c) => { taken = c })
  const encoder = new TextEncoder()
  let out: Uint8Array[] = []
  const gzip = new Gzip({ level: options.level ?? 6 }, (chunk) => { out.push(chunk) })
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

/** Text for a batch of records, and how many runs it holds. */
interface Batch { text: string; runs: number }

async function* dumpLines(db: DexieDatabase, options: ExportOptions, onCheckpoint: (c: Checkpoint) => void): AsyncGenerator<Batch> {
  const d = db.dexie
  const origin = await db.id()
  const rev = await db.guard(async () => {
    const r = await d.meta.get('rev')
    return r?.key === 'rev' ? r.n : 0
  })
  const checkpoint: Checkpoint = { db: origin, rev }
  onCheckpoint(checkpoint)
  const covers = coversOf(options)
  if (options.since && options.since.db !== origin) {
    throw invalid(`that checkpoint belongs to database ${options.since.db}, not to this one (${origin}): export everything instead`, 'since')
  }
  yield { text: encodeHeader({ format: DUMP_FORMAT, version: DUMP_VERSION, origin, exported: new Date(db.clock()), covers, checkpoint }) + '\n', runs: 0 }
  if (options.since) yield* deltaLines(db, options.since.rev)
  else if (options.runs) yield* chosenRunLines(db, options.runs)
  else {
    const names = options.studies ?? (await d.studies.toCollection().primaryKeys())
    for (const name of names) {
      const study = await d.studies.get(name)
      if (!study) throw notExist(`no study ${name}`)
      yield { text: encodeStudy(study) + '\n', runs: 0 }
      if (!options.definitionsOnly) yield* studyRunLines(db, name)
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

async function* studyRunLines(db: DexieDatabase, study: string): AsyncGenerator<Batch> {
  let after = 0
  for (;;) {
    const page = await db.guard(() => db.dexie.transaction('r', [db.dexie.runs, db.dexie.metricChunks, db.dexie.logChunks], async () => {
      const runs = await db.dexie.runs.where('[study+seq]').between([study, after + 1], [study, Dexie.maxKey]).limit(PAGE).toArray()
      return encodeRuns(db, runs)
    }))
    if (page.runs === 0) return
    after = page.lastSeq
    yield page
  }
}

async function* chosenRunLines(db: DexieDatabase, chosen: ExportOptions['runs'] & object): AsyncGenerator<Batch> {
  const emitted = new Set<string>()
  for (let i = 0; i < chosen.length; i += PAGE) {
    const names = chosen.slice(i, i + PAGE).map(parseRunName)
    yield await db.guard(() => db.dexie.transaction('r', [db.dexie.studies, db.dexie.runs, db.dexie.metricChunks, db.dexie.logChunks], async () => {
      const runs: RunRecord[] = []
      for (const { study, seq } of names) {
        const run = await db.findRun(study, seq)
        if (!run) throw notExist(`no run ${study}:${seq}`)
        runs.push(run)
      }
      const studies = await studyLines(db, runs, emitted)
      const batch = await encodeRuns(db, runs)
      return { text: studies + batch.text, runs: batch.runs }
    }))
  }
}

async function* deltaLines(db: DexieDatabase, since: number): AsyncGenerator<Batch> {
  const d = db.dexie
  const emitted = new Set<string>()
  const changedStudies = await db.guard(() => d.studies.where('rev').above(since).toArray())
  for (const s of changedStudies) { emitted.add(s.name); yield { text: encodeStudy(s) + '\n', runs: 0 } }
  let after = since
  for (;;) {
    const page = await db.guard(() => d.transaction('r', [d.studies, d.runs, d.metricChunks, d.logChunks], async () => {
      const runs = await d.runs.where('rev').above(after).limit(PAGE).toArray()
      const studies = await studyLines(db, runs, emitted)
      const batch = await encodeRuns(db, runs)
      return { text: studies + batch.text, runs: batch.runs, lastRev: runs.at(-1)?.rev ?? after }
    }))
    if (page.runs === 0) return
    after = page.lastRev
    yield page
  }
}

/** Study lines for the studies of `runs` not yet written. */
async function studyLines(db: DexieDatabase, runs: readonly RunRecord[], emitted: Set<string>): Promise<string> {
  let text = ''
  for (const r of runs) {
    if (emitted.has(r.study)) continue
    emitted.add(r.study)
    const study: StudyRecord | undefined = await db.dexie.studies.get(r.study)
    if (!study) throw new DivinerError('internal', `run ${r.study}:${r.seq} has no study`)
    text += encodeStudy(study) + '\n'
  }
  return text
}

/** Lines for runs: each run's line, then its whole metric history and log. */
async function encodeRuns(db: DexieDatabase, runs: readonly RunRecord[]): Promise<Batch & { lastSeq: number }> {
  const parts: string[] = []
  for (const run of runs) {
    parts.push(encodeRun(run))
    // Await only what reads IndexedDB: in a Dexie transaction, a long run of other awaits loses the transaction.
    const metrics = run.mSealed ? [...(await db.sealedMetrics(run)), ...run.mTail] : run.mTail
    for (let i = 0; i < metrics.length; i += METRICS_PER_LINE) parts.push(encodeMetrics(run.id, i, metrics.slice(i, i + METRICS_PER_LINE)))
    const log = run.lSealed ? [...(await db.sealedLog(run)), ...run.lTail] : run.lTail
    for (const [from, entries] of logLines(log)) parts.push(encodeLog(run.id, from, entries))
  }
  return { text: parts.length ? parts.join('\n') + '\n' : '', runs: runs.length, lastSeq: runs.at(-1)?.seq ?? 0 }
}

function* logLines(log: readonly LogEntry[]): Generator<[number, LogEntry[]]> {
  let from = 0
  while (from < log.length) {
    let chars = 0
    let end = from
    while (end < log.length && (end === from || chars + (log[end] as LogEntry).text.length <= LOG_CHARS_PER_LINE)) {
      chars += (log[end] as LogEntry).text.length
      end++
    }
    yield [from, log.slice(from, end)]
    from = end
  }
}
