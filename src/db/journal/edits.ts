/**
 * Notes, tags and deleting on a journal directory (model/annotations.ts): each
 * edit changes the state and is one line of this process's file (a study or
 * run line with the new note or tags, or a tombstone), synced before it returns.
 */
import { checkNote, checkTags, type RunAnnotation } from '../model/annotations.js'
import type { Tombstone } from '../dump/records.js'
import type { JournalRun, JournalState, JournalStudy } from './state.js'
import type { JournalWriter } from './writer.js'

/** What an edit reaches of the journal database. */
export interface JournalEditor {
  /** Opens the directory and reads what other writers added. */
  ready(): Promise<void>
  readonly state: JournalState
  now(): number
  /** The study of that name, or a not-exist error. */
  study(name: string): JournalStudy
  /** The run `study:seq`, or a not-exist error. */
  findRun(study: string, seq: number): Promise<JournalRun>
  /** Writes with `write`, syncs the file, and tells followers. */
  record(write: (writer: JournalWriter) => void): Promise<void>
}

/** Sets the study's note. */
export async function setStudyNote(ed: JournalEditor, study: string, note: string): Promise<void> {
  const text = checkNote(note)
  await ed.ready()
  const s = ed.study(study)
  Object.assign(s, { note: text, noteAt: ed.now(), rev: ++ed.state.rev })
  await ed.record((w) => w.writeStudy(s))
}

/** Sets the run's note. */
export async function setRunNote(ed: JournalEditor, study: string, seq: number, note: string): Promise<void> {
  const text = checkNote(note)
  const rec = await ed.findRun(study, seq)
  Object.assign(rec, { note: text, noteAt: ed.now(), rev: ++ed.state.rev })
  await ed.record((w) => w.writeRun(ed.study(study), rec))
}

/** Sets the run's tags. */
export async function setRunTags(ed: JournalEditor, study: string, seq: number, tags: readonly string[]): Promise<void> {
  const kept = checkTags(tags)
  const rec = await ed.findRun(study, seq)
  Object.assign(rec, { tags: kept, tagsAt: ed.now(), rev: ++ed.state.rev })
  await ed.record((w) => w.writeRun(ed.study(study), rec))
}

/** The study's runs that have a note or tags, by seq. */
export async function runAnnotations(ed: JournalEditor, study: string): Promise<RunAnnotation[]> {
  await ed.ready()
  ed.study(study)
  return ed.state.runsOf(study).filter((r) => r.note || r.tags?.length).map((r) => ({ id: r.id, seq: r.seq, note: r.note ?? '', tags: [...(r.tags ?? [])] }))
}

/** Deletes the study and its runs, leaving a tombstone. */
export async function deleteStudy(ed: JournalEditor, study: string): Promise<void> {
  await ed.ready()
  const s = ed.study(study)
  const { activity: _a, rev: _r, note: _n, noteAt: _t, ...def } = s
  const t: Tombstone = { kind: 'study', study: def, deleted: Math.max(ed.now(), s.created) }
  ed.state.applyTombstone(t)
  await ed.record((w) => w.writeTombstone(t))
}

/** Deletes the run, leaving a tombstone. */
export async function deleteRun(ed: JournalEditor, study: string, seq: number): Promise<void> {
  const rec = await ed.findRun(study, seq)
  const { metrics: _m, log: _l, rev: _r, ...run } = rec
  const t: Tombstone = { kind: 'run', run, deleted: ed.now() }
  ed.state.applyTombstone(t)
  await ed.record((w) => w.writeTombstone(t))
}
