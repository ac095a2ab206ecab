/**
 * What people add to studies and runs after the fact: a note (Markdown text)
 * on a study or a run, and tags on a run. Each is a field of its own, edited
 * anywhere and merged by last writer wins (the later edit time, ties broken by
 * the text), so two machines editing different fields keep both edits.
 */
import { invalid } from './errors.js'

/** The longest note kept, in UTF-16 code units. */
export const MAX_NOTE = 100_000
/** The most tags a run carries, and the longest tag. */
export const MAX_TAGS = 64
export const MAX_TAG = 100

/** A run's note and tags, as a study's list of annotated runs holds them. */
export interface RunAnnotation {
  readonly id: string
  readonly seq: number
  /** Markdown text ('' for none). */
  readonly note: string
  /** Sorted, distinct. */
  readonly tags: readonly string[]
}

/** The storage side of notes, tags and deletion, which a Database may offer (both stores do). */
export interface Annotating {
  /** Sets the study's note (Markdown; '' removes it). */
  setStudyNote(study: string, note: string, signal?: AbortSignal): Promise<void>
  /** Sets the run's note (Markdown; '' removes it). */
  setRunNote(study: string, seq: number, note: string, signal?: AbortSignal): Promise<void>
  /** Sets the run's tags (each trimmed; duplicates and blanks dropped). */
  setRunTags(study: string, seq: number, tags: readonly string[], signal?: AbortSignal): Promise<void>
  /** The study's runs that have a note or tags, by seq. */
  runAnnotations(study: string, signal?: AbortSignal): Promise<RunAnnotation[]>
  /** Deletes the study and all its runs, leaving a tombstone that dumps carry (a merge does not bring them back). */
  deleteStudy(study: string, signal?: AbortSignal): Promise<void>
  /** Deletes the run, leaving a tombstone that dumps carry. */
  deleteRun(study: string, seq: number, signal?: AbortSignal): Promise<void>
}

/** A note as kept: a string of at most `MAX_NOTE` code units. Throws `invalid` otherwise. */
export function checkNote(note: unknown): string {
  if (typeof note !== 'string') throw invalid('a note must be text', 'note')
  if (note.length > MAX_NOTE) throw invalid(`a note holds at most ${MAX_NOTE} characters, this one ${note.length}`, 'note')
  return note
}

/**
 * Tags as kept: each trimmed, blanks and duplicates dropped, sorted; at most
 * `MAX_TAGS` of at most `MAX_TAG` characters, none holding a comma (the page
 * takes tags as a comma-separated list). Throws `invalid` otherwise.
 */
export function checkTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) throw invalid('tags must be a list of text', 'tags')
  const out = new Set<string>()
  for (const t of tags) {
    if (typeof t !== 'string') throw invalid('each tag must be text', 'tags')
    const tag = t.trim()
    if (tag === '') continue
    if (tag.length > MAX_TAG) throw invalid(`a tag holds at most ${MAX_TAG} characters: "${tag.slice(0, 20)}…"`, 'tags')
    if (tag.includes(',')) throw invalid(`a tag cannot hold a comma: "${tag}"`, 'tags')
    out.add(tag)
  }
  if (out.size > MAX_TAGS) throw invalid(`a run carries at most ${MAX_TAGS} tags, not ${out.size}`, 'tags')
  return [...out].sort()
}

/** Tags from text as a person types them: comma-separated. */
export function parseTags(text: string): string[] {
  return checkTags(text.split(','))
}

/** One edited field as stored and merged: its value and when it was edited (epoch ms). */
export interface Edited<T> { readonly value: T; readonly at: number }

/**
 * True when edit `incoming` replaces `local`: made later, or at the same time
 * with the greater text (a fixed tie-break, so every replica keeps the same one).
 * An absent local edit is always replaced.
 */
export function editWins<T>(incoming: Edited<T>, local: Edited<T> | undefined): boolean {
  if (local === undefined) return true
  if (incoming.at !== local.at) return incoming.at > local.at
  return JSON.stringify(incoming.value) > JSON.stringify(local.value)
}
