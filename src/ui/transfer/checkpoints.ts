/**
 * Where the last full or delta export left off, kept in localStorage per
 * database so "changes since the last export" survives a reload.
 */
import type { Checkpoint } from './types.js'

/** A checkpoint and when it was taken. */
export interface SavedCheckpoint {
  readonly checkpoint: Checkpoint
  readonly at: Date
}

/** `checkpoint`, taken now. */
export function takenNow(checkpoint: Checkpoint): SavedCheckpoint {
  return { checkpoint, at: new Date() }
}

/** The localStorage key for `database`'s last export. */
export function checkpointKey(database: string): string {
  return `diviner-local:last-export:${database}`
}

/** The saved checkpoint of `database`, or undefined when there is none (or storage is off or garbled). */
export function loadCheckpoint(database: string): SavedCheckpoint | undefined {
  try {
    return parseSaved(localStorage.getItem(checkpointKey(database)))
  } catch {
    return undefined
  }
}

/** `text` as a saved checkpoint, or undefined when it is not one. */
export function parseSaved(text: string | null): SavedCheckpoint | undefined {
  if (text === null) return undefined
  const o: unknown = JSON.parse(text)
  if (typeof o !== 'object' || o === null) return undefined
  const { db, rev, at } = o as { db?: unknown; rev?: unknown; at?: unknown }
  if (typeof db !== 'string' || typeof rev !== 'number' || typeof at !== 'string') return undefined
  const when = new Date(at)
  return Number.isNaN(when.getTime()) ? undefined : { checkpoint: { db, rev }, at: when }
}

/** Saves `saved` as `database`'s last export; false when the browser refused (storage off or full). */
export function saveCheckpoint(database: string, saved: SavedCheckpoint): boolean {
  try {
    const { db, rev } = saved.checkpoint
    localStorage.setItem(checkpointKey(database), JSON.stringify({ db, rev, at: saved.at.toISOString() }))
    return true
  } catch {
    return false
  }
}
