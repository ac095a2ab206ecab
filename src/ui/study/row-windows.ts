/**
 * Windows of a study's rows as the runs tab holds them: the rows of a window
 * that arrives kept as the objects already on show, and two windows that meet
 * joined into one. Pure.
 */
import type { RunRow } from './types.js'

/**
 * The rows of window `w`, where the rows held (of the same query and version
 * of the study's rows) already had them, as those very objects: a window that
 * arrives as the table scrolls then changes nothing on show but the rows it
 * adds, and the rows in view are not drawn again.
 */
export function sameRows(held: { readonly offset: number; readonly rows: readonly RunRow[]; readonly key: string; readonly version: number }, w: { readonly offset: number; readonly rows: RunRow[]; readonly version: number }, key: string): RunRow[] {
  if (held.key !== key || held.version !== w.version) return w.rows
  return w.rows.map((row, k) => {
    const old = held.rows[w.offset + k - held.offset]
    return old !== undefined && old.id === row.id ? old : row
  })
}

/**
 * The held rows `h` and the window `w` next to them (after or before), as one
 * run of rows trimmed to positions `from` … `to` (the held rows keep their
 * objects); undefined when they do not meet.
 */
export function joinWindows(h: { readonly offset: number; readonly rows: readonly RunRow[] }, w: { readonly offset: number; readonly rows: readonly RunRow[] }, from: number, to: number): { offset: number; rows: RunRow[] } | undefined {
  let offset: number
  let rows: RunRow[]
  if (w.offset === h.offset + h.rows.length) [offset, rows] = [h.offset, [...h.rows, ...w.rows]]
  else if (w.offset + w.rows.length === h.offset) [offset, rows] = [w.offset, [...w.rows, ...h.rows]]
  else return undefined
  const start = Math.max(0, from - offset)
  return { offset: offset + start, rows: rows.slice(start, Math.max(start, to - offset)) }
}
