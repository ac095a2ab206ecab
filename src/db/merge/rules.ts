/**
 * The merge rules every replica applies the same way (SPEC §4), as pure
 * decisions: which state of a run wins, which of two equivalent study
 * definitions wins. Any order of imports settles on the same winner.
 */
import { RunState } from '../model/run.js'
import type { RunFields, RunNotes, StoredStudy, StudyNotes } from '../dump/records.js'
import { editWins } from '../model/annotations.js'

function stateRank(state: RunState): number {
  return state === RunState.Pending ? 0 : state === RunState.Failure ? 1 : 2
}

/** The fields of a run that its updates change, and that decide which update wins. */
export type RunUpdate = Pick<RunFields, 'updated' | 'state' | 'retries' | 'runtime' | 'status'>

/**
 * True when the incoming update should replace the local state: it was made
 * later, or at the same time and wins a fixed tie-break (success beats failure
 * beats pending, then more retries, then a longer runtime, then the greater
 * status), so every database picks the same winner whatever the order of imports.
 */
export function headWins(incoming: RunUpdate, local: RunUpdate): boolean {
  if (incoming.updated !== local.updated) return incoming.updated > local.updated
  const a = [stateRank(incoming.state), incoming.retries, incoming.runtime]
  const b = [stateRank(local.state), local.retries, local.runtime]
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) > (b[i] as number)
  return incoming.status > local.status
}

/** The fields of equivalent study definitions that may differ, and the creation time that orders them. */
export type StudyDescription = Pick<StoredStudy, 'replicates' | 'description' | 'oracle' | 'command' | 'created'>

/**
 * True when an equivalent definition's descriptive fields (replicates,
 * description, oracle, command) should replace the local ones: the earliest created
 * definition wins, ties broken by a canonical text, so every database settles
 * on the same one whatever the order of imports.
 */
export function descriptionPrecedes(incoming: StudyDescription, local: StudyDescription): boolean {
  if (incoming.created !== local.created) return incoming.created < local.created
  return canonicalJson([incoming.replicates, incoming.description, incoming.oracle, incoming.command ?? '']) <
    canonicalJson([local.replicates, local.description, local.oracle, local.command ?? ''])
}

/** JSON text with object keys sorted, so that equal data has equal text. */
export function canonicalJson(x: unknown): string {
  if (Array.isArray(x)) return `[${x.map(canonicalJson).join(',')}]`
  if (typeof x === 'object' && x !== null) {
    const o = x as Record<string, unknown>
    return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`
  }
  return JSON.stringify(x) ?? 'null'
}

/** The note of `incoming` where it wins over `local`'s (a later edit, or the greater text at the same time), else undefined. */
function noteWins(incoming: StudyNotes, local: StudyNotes): StudyNotes | undefined {
  if (incoming.noteAt === undefined) return undefined
  const have = local.noteAt === undefined ? undefined : { value: local.note ?? '', at: local.noteAt }
  return editWins({ value: incoming.note ?? '', at: incoming.noteAt }, have) ? { note: incoming.note ?? '', noteAt: incoming.noteAt } : undefined
}

/** The study note fields that change when `incoming` is merged into `local` (last writer wins), or undefined for none. */
export function mergeStudyNotes(local: StudyNotes, incoming: StudyNotes): StudyNotes | undefined {
  return noteWins(incoming, local)
}

/**
 * The run note and tag fields that change when `incoming` is merged into
 * `local`, each field on its own (last writer wins), or undefined for none:
 * an edit of the note here and of the tags there both survive.
 */
export function mergeRunNotes(local: RunNotes, incoming: RunNotes): RunNotes | undefined {
  const note = noteWins(incoming, local)
  let tags: RunNotes | undefined
  if (incoming.tagsAt !== undefined) {
    const have = local.tagsAt === undefined ? undefined : { value: local.tags ?? [], at: local.tagsAt }
    if (editWins({ value: incoming.tags ?? [], at: incoming.tagsAt }, have)) tags = { tags: incoming.tags ?? [], tagsAt: incoming.tagsAt }
  }
  return note || tags ? { ...note, ...tags } : undefined
}

/** Just the note and tag fields of a run (those it has). */
export function runNotesOf(r: RunNotes): RunNotes {
  return {
    ...(r.noteAt !== undefined ? { note: r.note ?? '', noteAt: r.noteAt } : {}),
    ...(r.tagsAt !== undefined ? { tags: r.tags ?? [], tagsAt: r.tagsAt } : {}),
  }
}
