/**
 * Imports on IndexedDB, all or nothing (docs/dump-format.md, "Atomicity").
 *
 * A dump larger than one transaction is applied batch by batch, each batch in
 * one IndexedDB transaction that awaits nothing but IndexedDB, and each batch
 * also writes an undo record (the keys it inserted, the prior versions of the
 * records it replaced) in that same transaction. An `imports` record, written
 * in the transaction of the first batch, marks the import as in progress. If
 * anything fails, the undo records are applied newest first and the database
 * is as before; on success the undo records and the marker are deleted in one
 * transaction, the commit point. An import interrupted by a crash or a closed
 * tab leaves its marker behind, and the next connection to open the database
 * undoes it (`recoverImports`).
 */
import { Dexie } from 'dexie'
import { DivinerError, isDivinerError } from '../model/errors.js'
import { newId } from '../model/ids.js'
import type { MergeBatch, MergeSession } from '../merge/target.js'
import { DexieBatch, type KnownRuns } from './dexie-batch.js'
import type { DexieConnection } from './connection.js'
import { toRow, type RowCache } from './row-cache.js'
import { dropSummaries } from './summary.js'
import { KEEP_FROM_RUNS, keepBoards } from './kept-boards.js'
import { sweep } from './dexie-tombstones.js'

/** Imports in progress in this JavaScript realm (where Web Locks are missing). */
const liveImports = new Set<string>()

function lockName(importId: string): string {
  return `diviner-import:${importId}`
}

function webLocks(): LockManager | undefined {
  return typeof navigator !== 'undefined' ? navigator.locks : undefined
}

/**
 * Starts an import into `db`: an earlier import whose undo could not finish (a
 * full disk) is undone first, and this one holds a lock (a Web Lock, or a mark
 * in this realm) so that no other connection undoes it while it runs. An
 * import pulled `from` a remote moves that remote's push state past each of
 * its batches that follows nothing unpushed (see `MergeOptions.from`).
 */
export async function beginDexieMerge(db: DexieConnection, rowCache: RowCache, keepBoardsFrom = KEEP_FROM_RUNS, from?: string): Promise<MergeSession> {
  const importId = newId()
  // The lock is asked for while earlier imports are recovered (its name is this import's own: nobody else holds it).
  let release: () => void = () => undefined
  let locked: Promise<void> = Promise.resolve()
  const locks = webLocks()
  if (locks) {
    const held = new Promise<void>((resolve) => { release = resolve })
    locked = new Promise<void>((acquired) => { void locks.request(lockName(importId), () => { acquired(); return held }) })
  } else {
    liveImports.add(importId)
    release = () => liveImports.delete(importId)
  }
  try {
    const localId = await db.id() // opens the database on first use
    await recoverImports(db)
    await locked
    return new DexieMergeSession(db, rowCache, importId, localId, release, keepBoardsFrom, from)
  } catch (e) {
    release()
    throw e
  }
}

class DexieMergeSession implements MergeSession {
  private batches = 0
  /** The rollback epoch when the first batch was applied. */
  private epoch = 0
  /** The tombstones this import wrote: what they cover is removed once it commits. */
  private readonly tombstoneKeys = new Set<string>()
  /** The ids of every run and the keys of every tombstone in the database, while known (see `KnownRuns`). */
  private known: KnownRuns | undefined = { ids: new Set(), tombstones: new Set(), rev: -1 }
  /** Run records this import wrote, by study. */
  private readonly written = new Map<string, number>()

  constructor(private readonly db: DexieConnection, private readonly rowCache: RowCache, private readonly importId: string, readonly localId: string, private readonly release: () => void, private readonly keepBoardsFrom: number, private readonly from: string | undefined) {}

  async apply(names: readonly string[], ids: readonly string[], merge: (batch: MergeBatch) => void): Promise<void> {
    const d = this.db.dexie
    const batchNo = this.batches
    const tables = [d.studies, d.runs, d.metricChunks, d.logChunks, d.meta, d.undo, d.imports, d.summaryHeads, d.segments, d.historySegments, d.tombstones, ...(this.from === undefined ? [] : [d.pushStates])]
    const tx = await this.db.guard(() => d.transaction('rw', tables, async () => {
      const tx = new DexieBatch(this.db, this.importId, batchNo)
      this.known = await tx.load(names, ids, this.known)
      merge(tx)
      if (batchNo === 0) {
        const [, epoch] = await Promise.all([d.imports.put({ id: this.importId, started: this.db.clock() }), d.meta.get('epoch')])
        this.epoch = epoch?.key === 'epoch' ? epoch.n : 0
      }
      await tx.write()
      if (this.from !== undefined && tx.revs > 0) await coverPulled(this.db, this.from, tx.firstRev, tx.revs)
      return tx
    }))
    for (const key of tx.tombstoneKeys()) this.tombstoneKeys.add(key)
    if (this.known) {
      this.known.rev = tx.firstRev + tx.revs - 1
      for (const rec of tx.written) this.known.ids.add(rec.id)
      for (const key of tx.tombstoneKeys()) this.known.tombstones.add(key)
    }
    this.batches++
    for (const rec of tx.written) this.written.set(rec.study, (this.written.get(rec.study) ?? 0) + 1)
    // The batch is in. This connection's row cache takes its rows, so listing them reads nothing back (a
    // rollback bumps the epoch, which empties the cache).
    const rows = tx.written.map((rec) => ({ row: toRow(rec, this.localId), rev: rec.rev }))
    this.rowCache.adopt(rows, tx.revs, tx.firstRev - 1, this.epoch, new Set(tx.createdStudies())).catch(() => undefined)
  }

  announce(studies: Iterable<string>): void {
    for (const name of studies) this.db.notify(name)
  }

  async commit(changed: ReadonlySet<string>): Promise<void> {
    const d = this.db.dexie
    await this.db.guard(() => d.transaction('rw', d.imports, d.undo, async () => {
      await d.undo.where('[importId+batch]').between([this.importId, Dexie.minKey], [this.importId, Dexie.maxKey]).delete()
      await d.imports.delete(this.importId)
    }))
    this.release()
    // Committed: what its tombstones cover goes now (a sweep cut short is done again at the next opening or import).
    if (this.tombstoneKeys.size) await sweep(this.db, [...this.tombstoneKeys])
    // Committed: the boards of big studies it brought many runs of are kept for their first screen (a cache:
    // not keeping one fails nothing), and their summaries compacted in the background.
    const big = [...changed].filter((s) => (this.written.get(s) ?? 0) * 10 >= this.keepBoardsFrom)
    if (big.length) await keepBoards(this.db, this.rowCache, big, this.keepBoardsFrom).catch(() => undefined)
    this.rowCache.settle(changed).catch(() => undefined)
  }

  async rollback(cause: unknown): Promise<void> {
    try {
      if (this.batches > 0) await rollback(this.db, this.importId)
    } catch (undoError) {
      throw undoPending(cause, undoError)
    } finally {
      this.release()
    }
  }
}

/**
 * Counts a pulled batch's revs (`revs` from `first`) as pushed to `remote`
 * when its push state has covered every rev before them. The remote holds
 * what the batch wrote, and a run merged with a local version had that version
 * pushed, so a push need not read the batch back; a local write that came
 * between two batches leaves the state where it is, and is pushed. Runs in the
 * batch's transaction: the state never gets ahead of what is stored. Should the
 * import be undone, its records go back to versions at most as new as the
 * state, which were pushed.
 */
async function coverPulled(db: DexieConnection, remote: string, first: number, revs: number): Promise<void> {
  const state = await db.dexie.pushStates.get(remote)
  if (state?.rev === first - 1) await db.dexie.pushStates.put({ remote, rev: first + revs - 1 })
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
async function rollback(db: DexieConnection, importId: string): Promise<void> {
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
    // interrupted between them is done again. Both drop the summaries of the
    // studies the batch touched (summary.ts; built again when next read): a
    // summary made meanwhile may hold what is being undone.
    await db.guard(() => d.transaction('rw', [d.studies, d.runs, d.metricChunks, d.logChunks, d.summaryHeads, d.segments, d.historySegments, d.tombstones], async () => {
      await d.tombstones.bulkDelete(last.insertedTombstones ?? [])
      await d.runs.bulkDelete(last.insertedRuns)
      await d.studies.bulkDelete(last.insertedStudies)
      await d.metricChunks.bulkDelete(last.insertedMetricChunks)
      await d.logChunks.bulkDelete(last.insertedLogChunks)
      await dropSummaries(db, last.studies, last.insertedStudies)
    }))
    await db.guard(() => d.transaction('rw', [d.studies, d.runs, d.undo, d.meta, d.summaryHeads, d.segments, d.historySegments, d.tombstones], async () => {
      await newEpoch()
      await d.tombstones.bulkPut(last.priorTombstones ?? [])
      await dropSummaries(db, last.studies)
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
export async function recoverImports(db: DexieConnection): Promise<number> {
  const d = db.dexie
  // One transaction, not two: this stands between an import's start and its first batch.
  const [pending, tombstones] = await db.guard(() => d.transaction('r', d.imports, d.tombstones, () => Promise.all([d.imports.toArray(), d.tombstones.count()])))
  // What tombstones cover and a sweep cut short left behind goes (idempotent; quick when nothing is left).
  if (pending.length === 0 && tombstones > 0) await sweep(db)
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
