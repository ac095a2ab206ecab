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
 * Snapshots. Reading 100,000 run records (each with its metric and log tails)
 * takes seconds; so after reading a large study whole, the cache saves its rows
 * as one record (`rowSnapshots`, with the rev they are current to and the
 * rollback epoch), and a later connection (the next page load) starts from it
 * and reads only the runs with a higher rev. A snapshot of another epoch is
 * ignored. Snapshots are retaken as rows change (at most every 30 s).
 *
 * This file holds the cache of one connection (which studies it keeps, least
 * recently used first out, and how it keeps them current); one study's rows
 * are a StudyRows (study-rows.ts).
 */
import { Dexie } from 'dexie'
import type { DexieConnection } from './connection.js'
import type { RunRow } from '../model/run.js'
import type { RowSnapshotRecord, RunRecord } from './schema.js'
import { StudyRows, type StudyRowsView } from './study-rows.js'

/** Runs re-read at most per change; beyond it the cache starts afresh. */
export const MAX_DELTA = 20_000

const PAGE = 5000
/** Studies kept at most; the least recently used goes first. */
export const MAX_STUDIES = 8
/** Studies of fewer runs are read whole (as fast as a snapshot); larger ones are snapshot after a full read. */
export const SNAPSHOT_MIN_RUNS = 2000
/** A study's snapshot is retaken once this many of its rows changed… */
const SNAPSHOT_AFTER = 2000
/** …but not more often than this. */
const SNAPSHOT_EVERY_MS = 30_000

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
  /** Studies filled from scratch so far (for tests and benchmarks). */
  fills = 0
  /** Studies filled from a snapshot so far, and snapshots taken (for tests and benchmarks). */
  snapshotReads = 0
  snapshots = 0
  /** Rows taken from imports (`adopt`) so far (for tests and benchmarks). */
  adopted = 0
  private saving: Promise<void> = Promise.resolve()

  constructor(db: DexieConnection) {
    this.db = db
  }

  /** Forgets everything; the next request reads afresh. */
  clear(): void {
    this.studies.clear()
  }

  /** Runs `work` with the study's rows current, after every earlier request. */
  with<T>(study: string, work: (rows: StudyRowsView) => T): Promise<T> {
    const next = this.queue.then(async () => {
      await this.sync()
      let s = this.studies.get(study)
      if (s) {
        // Most recently used last.
        this.studies.delete(study)
      } else {
        s = await this.fill(study)
      }
      this.studies.set(study, s)
      if (this.studies.size > MAX_STUDIES) this.studies.delete(this.studies.keys().next().value as string)
      return work(s)
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
      if (s.sinceSnapshot >= SNAPSHOT_AFTER && performance.now() - s.snapshotAt > SNAPSHOT_EVERY_MS) this.snapshot(study, s)
    }
  }

  /**
   * Saves the study's rows as they are now (current up to `this.rev`), in the
   * background: the next page to open the study starts from them.
   */
  private snapshot(study: string, s: StudyRows): void {
    const record: RowSnapshotRecord = { study, rev: this.rev, epoch: this.epoch, rows: s.bySeq().slice() }
    s.sinceSnapshot = 0
    s.snapshotAt = performance.now()
    this.snapshots++
    const d = this.db.dexie
    // Written alone (no other store in its scope, so reads of runs go on meanwhile). A snapshot taken before a
    // rollback names the epoch it is of, which a reader then no longer uses. A failure to save only costs the
    // next page a full read.
    this.saving = this.saving.then(() => d.rowSnapshots.put(record)).then(() => undefined, () => undefined)
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
   * nothing is taken: the next request syncs as usual. Queued like requests;
   * snapshots wait for `settle`.
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
        // Snapshot when the import has committed (`settle`), not batch by batch.
        s.sinceSnapshot = s.byId.size
      }
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /**
   * Snapshots now the cached studies among `studies` that are large enough
   * and changed since their last snapshot: an import calls it once it has
   * committed, so that the next page starts from everything it brought.
   * Queued like requests.
   */
  settle(studies: Iterable<string>): Promise<void> {
    const names = [...studies]
    const next = this.queue.then(() => {
      for (const name of names) {
        const s = this.studies.get(name)
        if (s && s.sinceSnapshot > 0 && s.byId.size >= SNAPSHOT_MIN_RUNS) this.snapshot(name, s)
      }
    })
    this.queue = next.catch(() => undefined)
    return next
  }

  /** Resolves once every snapshot begun so far is saved (for tests and benchmarks). */
  saved(): Promise<void> {
    return this.saving
  }

  /**
   * The study's rows: from its snapshot and the runs written since, when the
   * snapshot is of this rollback epoch; else every run record, in pages (a
   * cursor costs a round trip per record), after which a snapshot is saved.
   */
  private async fill(study: string): Promise<StudyRows> {
    const d = this.db.dexie
    const localId = await this.db.id()
    const fromSnapshot = await this.db.guard(() => d.transaction('r', d.rowSnapshots, d.runs, async () => {
      const snap = await d.rowSnapshots.get(study)
      if (!snap || snap.epoch !== this.epoch) return undefined
      if (snap.rev >= this.rev) return { snap, changed: [] as RunRecord[] }
      const range = d.runs.where('rev').between(snap.rev, this.rev, false, true)
      if (await range.count() > MAX_DELTA) return undefined
      return { snap, changed: await range.toArray() }
    }))
    if (fromSnapshot) {
      const s = new StudyRows()
      for (const row of fromSnapshot.snap.rows as RunRow[]) s.put(row)
      for (const rec of fromSnapshot.changed) if (rec.study === study) s.put(toRow(rec, localId))
      s.sinceSnapshot = fromSnapshot.changed.length
      this.snapshotReads++
      return s
    }
    const s = new StudyRows()
    this.fills++
    for (let after = 0; ;) {
      const page = await this.db.guard(() => d.runs.where('[study+seq]').between([study, after + 1], [study, Dexie.maxKey]).limit(PAGE).toArray())
      for (const rec of page) s.put(toRow(rec, localId))
      if (page.length < PAGE) break
      after = (page[page.length - 1] as RunRecord).seq
    }
    if (s.byId.size >= SNAPSHOT_MIN_RUNS) this.snapshot(study, s)
    return s
  }
}
