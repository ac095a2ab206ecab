/**
 * Each study's runs summarised in columns, maintained as runs are written, so
 * that what reads every run of a study (the row cache behind tables and
 * leaderboards, `listRuns` behind `Trials`) reads a few buffers, not every
 * run record.
 *
 * A study's summary is a head (`summaryHeads`) and segments: each segment
 * holds some of its runs as rows in columns (`segments`) and their whole
 * metric histories in columns (`historySegments`), each run at the rev its
 * record had. The head's promise: every run of the study whose record's rev
 * is at most `head.rev` is in the segments at that very rev; the runs written
 * since are read from their records through the `[study+rev]` index. A run in
 * several segments counts at its greatest rev.
 *
 * Who keeps it. A study gets its head when it is created (here or by an
 * import); each batch of an import writes a segment of the runs it wrote (and
 * of any written by others since the head) in its own transaction; single
 * writes (insert, update, append: a runner) only touch their records, and the
 * runs they changed are taken in by `compactSummary` (summary-compact.ts: a
 * segment more, or all segments rewritten when superseded rows pile up), which the writing
 * connection and the row cache call in the background. A study of an older
 * database, with no head, is summarised by `buildSummary` the first time it
 * is read whole. An import's rollback drops the summaries of the studies it
 * touched (they are built again): see dexie-import.ts. Reading one back is
 * summary-load.ts's.
 */
import { Dexie } from 'dexie'
import type { Metrics } from '../model/run.js'
import type { DexieConnection } from './connection.js'
import { encodeHistories } from './history-columns.js'
import { encodeRows, rowSeq, type RowColumns } from './row-columns.js'
import type { HistorySegmentRecord, MetricChunkRecord, RunRecord, SegmentRecord, SummaryHeadRecord } from './schema.js'

/** Runs per segment at most, when segments are written from many runs. */
export const SEGMENT_RUNS = 8192
/** History values (8 bytes each) per segment at most, about: a segment stops growing past it. */
const SEGMENT_VALUES = 1 << 20
/** Runs written since a head that an import batch takes into its segment at most (more: left to compaction). */
const BATCH_CATCH_UP = 2000
/** Records read per transaction while building a summary. */
const BUILD_PAGE = 5000

/** Seqs seen: a bit per seq (seqs of one study are small numbers), or a set for very large ones. */
export class SeqSet {
  private readonly bits: Uint8Array
  private readonly big = new Set<number>()

  constructor(limit: number) {
    this.bits = new Uint8Array(Math.min(limit, 1 << 24) + 1)
  }

  /** Adds `seq`; false when it was there already. */
  add(seq: number): boolean {
    if (Number.isInteger(seq) && seq >= 0 && seq < this.bits.length) {
      if (this.bits[seq]) return false
      this.bits[seq] = 1
      return true
    }
    if (this.big.has(seq)) return false
    this.big.add(seq)
    return true
  }
}

/** The greatest seq in the segments and records. */
export function maxSeq(segs: readonly SegmentRecord[], recs: readonly RunRecord[]): number {
  let max = 0
  for (const seg of segs) for (let i = 0; i < seg.rows.count; i++) max = Math.max(max, rowSeq(seg.rows as RowColumns, i))
  for (const rec of recs) max = Math.max(max, rec.seq)
  return max
}

/** A range of a study's keys in a `[study+…]` index. */
export function all(study: string): [[string, unknown], [string, unknown]] {
  return [[study, Dexie.minKey], [study, Dexie.maxKey]]
}

/** The records of the study's runs with a rev above `rev` (and below `below`, when given). */
export function since(conn: DexieConnection, study: string, rev: number, below?: number) {
  return conn.dexie.runs.where('[study+rev]').between([study, rev], [study, below ?? Dexie.maxKey], false, below === undefined)
}

/**
 * The whole metric histories of `recs`, in order: their sealed chunks (from
 * `known`, keyed `run\nchunk`, else read) and their tails. Inside a
 * transaction over `metricChunks`.
 */
export async function historiesOf(conn: DexieConnection, recs: readonly RunRecord[], known?: ReadonlyMap<string, Metrics[]>): Promise<Metrics[][]> {
  const out: Metrics[][] = []
  for (const rec of recs) {
    if (rec.mSealed === 0) { out.push(rec.mTail); continue }
    let sealed: Metrics[] = []
    const have: Metrics[][] = []
    for (let c = 0; c < rec.mSealed; c++) {
      const chunk = known?.get(`${rec.id}\n${c}`)
      if (!chunk) break
      have.push(chunk)
    }
    if (have.length === rec.mSealed) sealed = have.flat()
    else sealed = (await conn.dexie.metricChunks.where('[run+chunk]').between([rec.id, 0], [rec.id, rec.mSealed]).toArray()).flatMap((c) => c.entries)
    out.push([...sealed, ...rec.mTail])
  }
  return out
}

/** Chunks in memory, keyed as `historiesOf` looks them up. */
export function chunkIndex(chunks: readonly MetricChunkRecord[]): Map<string, Metrics[]> {
  return new Map(chunks.map((c) => [`${c.run}\n${c.chunk}`, c.entries]))
}

/** Segments (from number `first`) holding `recs` and their `histories`, cut so that none grows too large. */
export function segmentsOf(study: string, first: number, recs: readonly RunRecord[], histories: readonly Metrics[][]): { rows: SegmentRecord[]; histories: HistorySegmentRecord[] } {
  const rows: SegmentRecord[] = []
  const hist: HistorySegmentRecord[] = []
  let from = 0
  let values = 0
  const cut = (to: number) => {
    if (to === from) return
    const n = first + rows.length
    rows.push({ study, n, rows: encodeRows(recs.slice(from, to)) })
    hist.push({ study, n, histories: encodeHistories(histories.slice(from, to)) })
    from = to
    values = 0
  }
  for (let i = 0; i < recs.length; i++) {
    const h = histories[i] as Metrics[]
    values += h.length * Math.max(1, Object.keys(h[h.length - 1] ?? {}).length)
    if (i + 1 - from >= SEGMENT_RUNS || values >= SEGMENT_VALUES) cut(i + 1)
  }
  cut(recs.length)
  return { rows, histories: hist }
}

/** Stores segments and the head after them, in the running transaction. */
export async function putSegments(conn: DexieConnection, head: SummaryHeadRecord, made: ReturnType<typeof segmentsOf>): Promise<void> {
  const d = conn.dexie
  // Issued together: one round trip, not three.
  await Promise.all([
    ...(made.rows.length ? [d.segments.bulkPut(made.rows), d.historySegments.bulkPut(made.histories)] : []),
    d.summaryHeads.put(head),
  ])
}

/**
 * The empty summary of a study being created (it has no runs), to store in
 * the transaction creating it; `rev` is the rev the study record takes.
 */
export function emptyHead(study: string, rev: number): SummaryHeadRecord {
  return { study, rev, next: 0, rows: 0 }
}

/**
 * Takes the runs an import batch writes (`written`, at revs `firstRev` …
 * `lastRev`, with the metric chunks it sealed) into their studies' summaries,
 * in the batch's transaction: one segment per study, with any runs of the
 * study written by others since its head. A study without a head gets one
 * when the batch created it (`created`); one with too many runs to catch up
 * on is left to compaction. Called before the batch's records are put, it
 * makes only the reads that do not depend on them, and resolves to a function
 * to call once their puts are issued, which makes the segments (while
 * IndexedDB is still writing those records) and stores them.
 */
export async function summarizeBatch(conn: DexieConnection, written: readonly RunRecord[], created: ReadonlySet<string>, sealed: readonly MetricChunkRecord[], firstRev: number, lastRev: number): Promise<() => Promise<void>> {
  const d = conn.dexie
  // A study the batch creates gets its head even when the batch holds none of its runs.
  const byStudy = new Map<string, RunRecord[]>([...created].map((study) => [study, []]))
  for (const rec of written) {
    const list = byStudy.get(rec.study)
    if (list) list.push(rec)
    else byStudy.set(rec.study, [rec])
  }
  const plans: { study: string; head: SummaryHeadRecord; all: RunRecord[] }[] = []
  for (const [study, recs] of byStudy) {
    const head = (await d.summaryHeads.get(study)) ?? (created.has(study) ? emptyHead(study, 0) : undefined)
    if (!head) continue
    const between = since(conn, study, head.rev, firstRev)
    if (await between.count() > BATCH_CATCH_UP) continue
    // Read before the batch's puts: a run the batch writes again is still there at its older rev.
    const ids = new Set(recs.map((r) => r.id))
    plans.push({ study, head, all: [...(await between.toArray()).filter((r) => !ids.has(r.id)), ...recs] })
  }
  return async () => {
    const known = sealed.length ? chunkIndex(sealed) : undefined
    for (const { study, head, all } of plans) {
      const made = segmentsOf(study, head.next, all, await historiesOf(conn, all, known))
      await putSegments(conn, { study, rev: lastRev, next: head.next + made.rows.length, rows: head.rows + all.length }, made)
    }
  }
}

/**
 * Reads every run record of a study that has no summary, a page at a time
 * (`onPage` sees each page, with the runs' whole histories), and resolves to a function that stores the
 * summary they make, unless a rollback came meanwhile or another connection
 * stored one first. Exact: the head covers the revs up to the database's rev
 * when reading began, and any run written since is above it.
 */
export async function buildSummary(conn: DexieConnection, study: string, onPage?: (recs: readonly RunRecord[], histories: readonly Metrics[][]) => void): Promise<() => Promise<void>> {
  const d = conn.dexie
  let start: { rev: number; epoch: number } | undefined
  const recs: RunRecord[] = []
  const histories: Metrics[][] = []
  for (let after = 0; ;) {
    const page = await conn.guard(() => d.transaction('r', [d.meta, d.runs, d.metricChunks], async () => {
      start ??= await revAndEpoch(conn)
      const page = await d.runs.where('[study+seq]').between([study, after + 1], [study, Dexie.maxKey]).limit(BUILD_PAGE).toArray()
      return { page, histories: await historiesOf(conn, page) }
    }))
    onPage?.(page.page, page.histories)
    // Only what a segment keeps is held (not the log's tail; the history whole, as the tail).
    page.page.forEach((rec, i) => recs.push({ ...rec, mTail: page.histories[i] as Metrics[], lTail: [] }))
    histories.push(...page.histories)
    if (page.page.length < BUILD_PAGE) break
    after = (page.page[page.page.length - 1] as RunRecord).seq
  }
  const began = start
  return async () => {
    const made = segmentsOf(study, 0, recs, histories)
    await conn.guard(() => d.transaction('rw', [d.meta, d.summaryHeads, d.segments, d.historySegments], async () => {
      const now = await revAndEpoch(conn)
      if (!began || now.epoch !== began.epoch || (await d.summaryHeads.get(study))) return
      await d.segments.where('[study+n]').between(...all(study)).delete()
      await d.historySegments.where('[study+n]').between(...all(study)).delete()
      await putSegments(conn, { study, rev: began.rev, next: made.rows.length, rows: recs.length }, made)
    }))
  }
}

/** The database's rev and epoch (which a rollback bumps) as they are now. */
export async function revAndEpoch(conn: DexieConnection): Promise<{ rev: number; epoch: number }> {
  const rev = await conn.dexie.meta.get('rev')
  const epoch = await conn.dexie.meta.get('epoch')
  return { rev: rev?.key === 'rev' ? rev.n : 0, epoch: epoch?.key === 'epoch' ? epoch.n : 0 }
}

/**
 * Drops the summaries of `studies` (all when undefined), and the segments of
 * those in `removed` (studies that no longer exist), in the running
 * transaction: what an import's rollback does to the studies it touched.
 */
export async function dropSummaries(conn: DexieConnection, studies: readonly string[] | undefined, removed: readonly string[] = []): Promise<void> {
  const d = conn.dexie
  if (studies === undefined) await d.summaryHeads.clear()
  else await d.summaryHeads.bulkDelete([...studies])
  for (const study of removed) {
    await d.segments.where('[study+n]').between(...all(study)).delete()
    await d.historySegments.where('[study+n]').between(...all(study)).delete()
  }
}
