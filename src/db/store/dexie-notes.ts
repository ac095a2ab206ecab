/**
 * Notes and tags on IndexedDB (model/annotations.ts): a study's note on its
 * record, a run's note and tags on its record (with the `annotated` sparse
 * index, so a study's annotated runs are read without reading all its runs).
 * Each edit takes a change counter value, so a delta export carries it.
 */
import { checkNote, checkTags, type RunAnnotation } from '../model/annotations.js'
import { notExist } from '../model/errors.js'
import type { DexieConnection } from './connection.js'
import type { RunRecord } from './schema.js'

/** Sets the study's note, stamped with the store's clock. */
export async function setStudyNote(db: DexieConnection, study: string, note: string): Promise<void> {
  const text = checkNote(note)
  const d = db.dexie
  await db.guard(() => d.transaction('rw', d.studies, d.meta, async () => {
    const rec = await d.studies.get(study)
    if (!rec) throw notExist(`no study ${study}`)
    await d.studies.put({ ...rec, note: text, noteAt: db.clock(), rev: await db.nextRev() })
  }))
  db.notify(study)
}

/** The change to a run record that sets its note (for the store's run modification). */
export function runNoteChange(note: string): (rec: RunRecord, now: number) => void {
  const text = checkNote(note)
  return (rec, now) => { Object.assign(rec, { note: text, noteAt: now }) }
}

/** The change to a run record that sets its tags. */
export function runTagsChange(tags: readonly string[]): (rec: RunRecord, now: number) => void {
  const kept = checkTags(tags)
  return (rec, now) => { Object.assign(rec, { tags: kept, tagsAt: now }) }
}

/** The study's runs that have a note or tags, by seq (read through the sparse `annotated` index). */
export async function runAnnotations(db: DexieConnection, study: string): Promise<RunAnnotation[]> {
  const d = db.dexie
  const recs = await db.guard(() => d.transaction('r', d.studies, d.runs, async () => {
    if (!(await d.studies.get(study))) throw notExist(`no study ${study}`)
    return d.runs.where('annotated').equals(study).toArray()
  }))
  return recs.map((r) => ({ id: r.id, seq: r.seq, note: r.note ?? '', tags: [...(r.tags ?? [])] })).sort((a, b) => a.seq - b.seq)
}

