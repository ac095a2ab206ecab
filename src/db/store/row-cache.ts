/**
 * A per-connection cache of each study's run rows (runs without their metric
 * histories and logs), so that a table, a leaderboard or a picture of 100,000
 * runs reads IndexedDB once, not on every request.
 *
 * How it stays current. Every write (insert, update, append, import batch)
 * gives each record it changes a fresh value of the database's change counter
 * `rev`, in the same transaction that raises the counter in `meta`. Before each
 * answer the cache reads the counter; when it moved, it re-reads only the runs
 * with `rev` above the last one it saw (the `rev` index), whichever connection
 * or tab wrote them. The one write that puts records BACK to older revs, or
 * removes them, is an import's rollback; it bumps `meta.epoch`, and a changed
 * epoch empties the cache. A very large change (more than `MAX_DELTA` runs)
 * empties it too: refilling a study is then cheaper than the delta.
 *
 * Filling. A study not cached yet is read from its summary (summary.ts: its
 * runs as rows in a few columnar segments, and the records of runs written
 * since), which costs a few buffers where its run records cost tens of objects
 * each. A study with no summary (one of an older database) is read whole, a
 * page of records at a time, and its summary is stored after, in the
 * background. When a study's runs written since its summary pile up (in the
 * cache's view of them, whoever wrote them), they are compacted into it.
 *
 * This file holds the cache of one connection (which studies it keeps, least
 * recently used first out, and how it keeps them current); one study's rows
 * are a StudyRows (study-rows.ts).
 */
import { Dexie } from 'dexie'
import type { DexieConnection } from './connection.js'
import type { RunRow } from '../model/run.js'
import type { RunRecord } from './schema.js'
import { StudyRows, type StudyRowsView } from './study-rows.js'
import { buildSummary } from './summary.js'
import { loadSummary } from './summary-load.js'
import type { SummaryUpkeep } from './summary-upkeep.js'

/** Runs re-read at most per change; beyond it the cache starts afresh. */
export const MAX_DELTA = 20_000

/** Studies kept at most; the least recently used goes first. */
export const MAX_STUDIES = 8
/** A study's summary is compacted once this many of its rows changed since it was read or compacted… */
export const COMPACT_AFTER = 1000
/** …but not more often than this. */
const COMPACT_EVERY_MS = 10_000

/** The row of a stored record, in its stored state (the reported state is applied when read). */
export function toRow(rec: RunRecord, localId: string, state = rec.state): RunRow {
  const row: RunRow = {
    id: rec.id, study: rec.study, seq: rec.seq, values: rec.values, replicate: rec.replicate,
    state, status: rec.status, config: rec.config,
    created: new Date(rec.created), updated: new Date(rec.updated), runtime: rec.runtime, retries: rec.retries,
    last: rec.mTail[rec.mTail.length - 1] ?? {}, metricCount: rec.mCount, logCount: rec.lCount,
  }
  return rec.origin.db === localId && rec.origin.seq === rec.seq ? row : { ...row, origin: rec.origin }
}

/** The cache of one connection. Requests are served one at a time. */
export class RowCache {
  private readonly db: DexieConnection
  private readonly studies = new Map<string, StudyRows>()
  private rev = -1
  private epoch = -1
  private queue: Promise<unknown> = Promise.resolve()
  /** Records re-read by deltas so far (for tests and benchmarks). */
  deltaReads = 0
  /** Studies filled from every run record (they had no summary) so far (for tests and benchmarks). */
  fills = 0
  /** Studies filled from their summary so far (for tests and benchmarks). */
  summaryReads = 0
  /** Rows taken from imports (`adopt`) so far (for tests and benchmarks). */
  adopted = 0
  /** Listings with whole histories served from these rows and their histories' places so far (see dexie-list.ts; for tests and benchmarks). */
  placedListings = 0

  constructor(db: DexieConnection, private readonly upkeep: SummaryUpkeep) {
    this.db = db
  }

  /** Forgets everything; the next request reads afresh. */
  clear(): void {
    this.studies.clear()
  }

  /**
   * Runs `work` with the study's rows current, after every earlier request;
   * `at` is the database's rev and rollback epoch they hold every write up to.
   */
  with<T>(study: string, work: (rows: StudyRowsView, at: { readonly rev: number; readonly epoch: number }) => T): Promise<T> {
    return this.serve(study, true, (rows, at) => work(rows as StudyRowsView, at))
  }

  /**
   * As `with`, when this cache holds the study's rows; else `work` is given
   * no rows, and nothing of the study is read.
   */
  ifCached<T>(study: string, work: (rows: StudyRowsView | undefined, at: { readonly rev: number; readonly epoch: number }) => T): Promise<T> {
    return this.serve(study, false, work)
  }

  private serve<T>(study: string, fill: boolean, work: (rows: StudyRowsView | undefined, at: { readonly rev: number; readonly epoch: number }) => T): Promise<T> {
    const next = this.queue.then(async () => {
      await this.sync()
      let s = this.studies.get(study)
      if (s) {
        // Most recently used last.
        this.studies.delete(study)
      } else if (fill) {
        s = await this.fill(study)
      }
      if (s) {
        this.studies.set(study, s)
        if (this.studies.size > MAX_STUDIES) this.studies.delete(this.studies.keys().next().value as string)
      }
      return work(s, { rev: this.rev, epoch: this.epoch })
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Brings cached studies up to the database's current `rev`. */
  private async sync(): Promise<void> {
    const d = this.db.dexie
    const localId = await this.db.id()
    const { rev, epoch, changed } = await this.db.guard(() => d.transaction('r', d.meta, d.runs, async () => {
      const revRec = await d.meta.get('rev')
      const epochRec = await d.meta.get('epoch')
      const rev = revRec?.key === 'rev' ? revRec.n : 0
      const epoch = epochRec?.key === 'epoch' ? epochRec.n : 0
      if (epoch !== this.epoch || rev === this.rev || this.studies.size === 0) return { rev, epoch, changed: undefined }
      const range = d.runs.where('rev').between(this.rev, Dexie.maxKey, false, true)
      if (await range.count() > MAX_DELTA) return { rev, epoch, changed: undefined }
      return { rev, epoch, changed: await range.toArray() }
    }))
    if (epoch !== this.epoch || (rev !== this.rev && changed === undefined)) {
      this.studies.clear()
    } else if (changed) {
      this.deltaReads += changed.length
      for (const rec of changed) this.studies.get(rec.study)?.put(toRow(rec, localId))
    }
    this.rev = rev
    this.epoch = epoch
    for (const [study, s] of this.studies) {
      if (s.sinceCompaction >= COMPACT_AFTER && performance.now() - s.compactedAt > COMPACT_EVERY_MS) this.compact(study, s)
    }
  }

  /** Compacts the study's summary in the background (the runs written since it, as this cache saw them). */
  private compact(study: string, s: StudyRows): void {
    s.sinceCompaction = 0
    s.compactedAt = performance.now()
    void this.upkeep.compact(study)
  }

  /**
   * Takes in the rows a batch of an import wrote, once the batch's transaction
   * has committed, so that listing the imported studies reads nothing back (if
   * the import is later undone, the rollback bumps the epoch, and the cache
   * then reads afresh). `written` are the rows of the run records the batch
   * put, each with the rev it wrote it at, in the order written; `allocated`
   * the revs the batch took in all (records of studies and runs); `base` the
   * database's rev before the batch and `epoch` the rollback epoch when the
   * import began; `added` the studies the batch created.
   *
   * Done only when the database shows that nothing else was written since
   * `base` (its rev is `base + allocated`, its epoch `epoch`): the database is
   * then exactly as before the batch plus these records. Cached studies get
   * the rows written after the rev they are current to; a study the import
   * created is cached whole (every run it has is one the import wrote). Else
   * nothing is taken: the next request syncs as usual. Queued like requests.
   */
  adopt(written: readonly { row: RunRow; rev: number }[], allocated: number, base: number, epoch: number, added: ReadonlySet<string>): Promise<void> {
    const next = this.queue.then(async () => {
      const d = this.db.dexie
      const localId = await this.db.id()
      const cached = this.studies.size > 0 && this.epoch === epoch ? this.rev : undefined
      const now = await this.db.guard(() => d.transaction('r', d.meta, d.runs, async () => {
        const revRec = await d.meta.get('rev')
        const epochRec = await d.meta.get('epoch')
        const now = { rev: revRec?.key === 'rev' ? revRec.n : 0, epoch: epochRec?.key === 'epoch' ? epochRec.n : 0 }
        // Cached rows current to a rev before the import's start: the runs written in between, as a sync reads them.
        if (cached === undefined || cached >= base) return { ...now, before: [] as RunRecord[] }
        const range = d.runs.where('rev').between(cached, base, false, true)
        return { ...now, before: await range.count() > MAX_DELTA ? undefined : await range.toArray() }
      }))
      if (now.epoch !== epoch || now.rev !== base + allocated) return
      if (cached === undefined || now.before === undefined) this.studies.clear()
      else {
        this.deltaReads += now.before.length
        for (const rec of now.before) this.studies.get(rec.study)?.put(toRow(rec, localId))
      }
      const cachedAt = this.studies.size > 0 ? Math.max(this.rev, base) : base
      const fresh = new Map<string, StudyRows>()
      for (const name of added) if (!this.studies.has(name)) fresh.set(name, new StudyRows())
      for (const { row, rev } of written) {
        const s = fresh.get(row.study) ?? (rev > cachedAt ? this.studies.get(row.study) : undefined)
        s?.put(row)
      }
      this.rev = now.rev
      this.epoch = now.epoch
      this.adopted += written.length
      for (const [study, s] of fresh) {
        this.studies.set(study, s)
        if (this.studies.size > MAX_STUDIES) this.studies.delete(this.studies.keys().next().value as string)
        // The import's batches write the study's summary as they go.
        s.sinceCompaction = 0
      }
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /**
   * Once an import has committed: compacts the summaries of `studies` in the
   * background (its batches wrote their runs into them; this takes in any a
   * batch left out). Queued like requests.
   */
  settle(studies: Iterable<string>): Promise<void> {
    const names = [...studies]
    const next = this.queue.then(() => {
      for (const name of names) void this.upkeep.compact(name)
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Resolves once the summary work begun so far in the background is over (for tests and benchmarks). */
  async saved(): Promise<void> {
    await this.queue
    await this.upkeep.idle()
  }

  /**
   * The study's rows: from its summary and the runs written since; else
   * (no summary) from every run record, in pages (a cursor costs a round trip
   * per record), after which the summary they make is stored.
   */
  private async fill(study: string): Promise<StudyRows> {
    const localId = await this.db.id()
    const summary = await loadSummary(this.db, study, false)
    const s = new StudyRows()
    if (summary) {
      this.summaryReads++
      const rows = summary.rows
      for (const rec of summary.delta) rows.push(toRow(rec, localId))
      s.load(rows)
      s.places = summary.places
      if (summary.delta.length >= COMPACT_AFTER) this.compact(study, s)
      return s
    }
    this.fills++
    const store = await buildSummary(this.db, study, (page) => {
      for (const rec of page) s.put(toRow(rec, localId))
    })
    void this.upkeep.store(study, store)
    s.sinceCompaction = 0
    return s
  }
}
