/**
 * Deleting on IndexedDB (docs/dump-format.md, tombstones): a deleted study or
 * run leaves a tombstone, which dumps carry so that a merge does not bring it
 * back. What a tombstone covers is removed by `sweep`: at once for a local
 * delete, and after the commit for an import (so the import's batches stay
 * undoable). A sweep is idempotent; one cut short is done again on the next
 * opening or import. Removing records moves rows away under the row caches
 * and summaries: the rollback epoch is raised and the studies' summaries dropped.
 */
import { Dexie } from 'dexie'
import { notExist } from '../model/errors.js'
import type { Tombstone } from '../dump/records.js'
import type { DexieConnection } from './connection.js'
import { runTombstoneKey, studyTombstoneKey, type RunRecord, type TombstoneRecord } from './schema.js'
import { dropSummaries } from './summary.js'

/** The tables a sweep writes. */
function sweepTables(db: DexieConnection) {
  const d = db.dexie
  return [d.tombstones, d.studies, d.runs, d.metricChunks, d.logChunks, d.meta, d.summaryHeads, d.segments, d.historySegments]
}

/** Removes a run's record and its sealed chunks (inside a running transaction). */
async function removeRun(db: DexieConnection, id: string): Promise<void> {
  const d = db.dexie
  await d.runs.delete(id)
  await d.metricChunks.where('[run+chunk]').between([id, Dexie.minKey], [id, Dexie.maxKey]).delete()
  await d.logChunks.where('[run+chunk]').between([id, Dexie.minKey], [id, Dexie.maxKey]).delete()
}

/**
 * Removes what the tombstones (by key; all when undefined) cover, inside a
 * running transaction over `sweepTables`; resolves to the studies touched.
 */
async function sweepIn(db: DexieConnection, keys: readonly string[] | undefined): Promise<{ touched: Set<string>; removed: Set<string> }> {
  const d = db.dexie
  const tombs = keys ? (await d.tombstones.bulkGet([...keys])).filter((t): t is TombstoneRecord => t !== undefined) : await d.tombstones.toArray()
  const touched = new Set<string>()
  const removed = new Set<string>()
  for (const t of tombs) {
    if (t.tombstone.kind === 'run') {
      const id = t.tombstone.run.id
      if (await d.runs.get(id)) { await removeRun(db, id); touched.add(t.study) }
      continue
    }
    // A definition made after the delete is another study of that name (made again): it and its later runs
    // stay. Otherwise the definition and every run of it go (a run has no study without it).
    const study = await d.studies.get(t.study)
    const stays = study !== undefined && study.created > t.deleted
    const runs: RunRecord[] = await d.runs.where('[study+seq]').between([t.study, Dexie.minKey], [t.study, Dexie.maxKey]).toArray()
    for (const r of runs) if (!stays || r.created <= t.deleted) { await removeRun(db, r.id); touched.add(t.study) }
    if (study && !stays) { await d.studies.delete(t.study); touched.add(t.study); removed.add(t.study) }
  }
  if (touched.size) {
    const epoch = await d.meta.get('epoch')
    await d.meta.put({ key: 'epoch', n: (epoch?.key === 'epoch' ? epoch.n : 0) + 1 })
    await dropSummaries(db, [...touched], [...removed])
  }
  return { touched, removed }
}

/** Removes what the tombstones (by key; every one when undefined) cover; tells followers of the studies touched. */
export async function sweep(db: DexieConnection, keys?: readonly string[]): Promise<void> {
  const d = db.dexie
  const { touched } = await db.guard(() => d.transaction('rw', sweepTables(db), () => sweepIn(db, keys)))
  for (const s of touched) db.notify(s)
}

/** Deletes the study and every run of it, leaving a tombstone stamped with the store's clock. */
export async function deleteStudy(db: DexieConnection, name: string): Promise<void> {
  const d = db.dexie
  await db.guard(() => d.transaction('rw', sweepTables(db), async () => {
    const study = await d.studies.get(name)
    if (!study) throw notExist(`no study ${name}`)
    const key = studyTombstoneKey(name)
    const { rev: _, note: _n, noteAt: _a, ...def } = study
    const tombstone: Tombstone = { kind: 'study', study: def, deleted: Math.max(db.clock(), study.created) }
    await d.tombstones.put({ key, study: name, deleted: tombstone.deleted, rev: await db.nextRev(), tombstone })
    await sweepIn(db, [key])
  }))
  db.notify(name)
}

/** Deletes the run, leaving a tombstone stamped with the store's clock. */
export async function deleteRun(db: DexieConnection, study: string, seq: number): Promise<void> {
  const d = db.dexie
  await db.guard(() => d.transaction('rw', sweepTables(db), async () => {
    const rec = await db.findRun(study, seq)
    if (!rec) throw notExist(`no run ${study}:${seq}`)
    const { mSealed: _s, mTail: _m, lSealed: _l, lTail: _t, touched: _u, rev: _r, annotated: _a, ...run } = rec
    const key = runTombstoneKey(rec.id)
    const tombstone: Tombstone = { kind: 'run', run, deleted: db.clock() }
    await d.tombstones.put({ key, study, deleted: tombstone.deleted, rev: await db.nextRev(), tombstone })
    await sweepIn(db, [key])
  }))
  db.notify(study)
}

/** Every tombstone, or those written after change `since`, in change order. */
export function tombstones(db: DexieConnection, since?: number): Promise<Tombstone[]> {
  const d = db.dexie
  return db.guard(async () => {
    const recs = since === undefined ? await d.tombstones.orderBy('rev').toArray() : await d.tombstones.where('rev').above(since).toArray()
    return recs.map((r) => r.tombstone)
  })
}
