/**
 * The cells of a row of the runs table, written into the DOM directly. The
 * table scrolls by giving its row slots other runs; made by Svelte's template,
 * every cell was a few reactions of its own, and waking them for each run that
 * came into view was most of a scrolling frame's script. Here a row's cells are
 * made once for its columns and refilled with plain DOM writes, only where
 * their text changed.
 */
import { optunaTrialNumber } from '../../db/model/foreign.js'
import { displayState } from '../../db/model/run.js'
import { cellFull, cellText, type Column } from './runs.js'
import type { RunRow } from './types.js'

/** Whether a column's cells hold numbers (aligned right, in figures of one width). */
export function numericColumn(c: Column): boolean {
  return c.kind === 'metric' || c.kind === 'runtime' || c.kind === 'retries' || c.kind === 'replicate'
}

/**
 * One cell as made: its element, the text node it writes, and what it last
 * wrote (kept here, as reading it back from the DOM costs more than comparing).
 */
interface Cell {
  readonly column: Column
  readonly el: HTMLElement
  /** The element holding the text: the link (id), the state's badge (state), or the cell itself. */
  readonly holder: HTMLElement
  readonly text: Text
  /** The text last written. */
  shown: string
  /** The link's href (id), the badge's class (state), or the cell's data-full (others). */
  attribute: string | undefined
  /** The id cell's marks (Optuna's trial number, the note, the tags) as last drawn. */
  marks: string
}

/** A row's cells, for the columns they were made for. */
interface Cells {
  readonly columns: readonly Column[]
  readonly cells: Cell[]
}

const made = new WeakMap<HTMLElement, Cells>()

/**
 * Holds in row element `el`, after its first child (its checkbox, which stays
 * the template's), the cells of run `row` for `columns`: the run's link to
 * `href` with its marks, its state, and a cell per other column, with the
 * exact text of a shortened number as `data-full`. Called again with another
 * run, it rewrites only what differs; with other columns, it makes the cells
 * anew. (Used as `{@attach (el) => fillRunCells(el, …)}`, it is called again
 * whenever what it reads changes.)
 */
export function fillRunCells(el: HTMLElement, row: RunRow, columns: readonly Column[], href: string): void {
  let held = made.get(el)
  if (held?.columns !== columns) {
    for (const c of held?.cells ?? []) c.el.remove()
    held = { columns, cells: columns.map((c) => makeCell(c)) }
    el.append(...held.cells.map((c) => c.el))
    made.set(el, held)
  }
  for (const cell of held.cells) fill(cell, row, href)
}

function makeCell(column: Column): Cell {
  const el = document.createElement('span')
  el.setAttribute('role', 'cell')
  const text = document.createTextNode('')
  let holder = el
  if (column.kind === 'id') holder = el.appendChild(document.createElement('a'))
  else if (column.kind === 'state') holder = el.appendChild(document.createElement('span'))
  else if (numericColumn(column)) el.className = 'num'
  holder.append(text)
  return { column, el, holder, text, shown: '', attribute: undefined, marks: '' }
}

function fill(cell: Cell, row: RunRow, href: string): void {
  const text = cellText(row, cell.column)
  if (cell.shown !== text) cell.text.data = cell.shown = text
  switch (cell.column.kind) {
    case 'id': {
      if (cell.attribute !== href) cell.holder.setAttribute('href', (cell.attribute = href))
      const trial = optunaTrialNumber(row.config)
      const tags = row.tags ?? []
      const marks = trial === undefined && !row.note && tags.length === 0 ? '' : JSON.stringify([trial, row.note, tags])
      if (cell.marks !== marks) {
        cell.marks = marks
        drawMarks(cell.el, trial, row.note, tags)
      }
      return
    }
    case 'state': {
      const name = `state ${displayState(row)}`
      if (cell.attribute !== name) cell.holder.className = cell.attribute = name
      return
    }
    default: {
      const full = cellFull(row, cell.column)
      if (cell.attribute === full) return
      cell.attribute = full
      if (full === undefined) cell.el.removeAttribute('data-full')
      else cell.el.dataset['full'] = full
    }
  }
}

/** The id cell's marks after its link: Optuna's trial number, a note's sign (its text as tooltip), the tags. */
function drawMarks(cell: HTMLElement, trial: number | undefined, note: string | undefined, tags: readonly string[]): void {
  while (cell.childNodes.length > 1) cell.lastChild?.remove()
  const mark = (className: string, text: string, title?: string): HTMLElement => {
    const span = cell.appendChild(document.createElement('span'))
    span.className = className
    span.textContent = text
    if (title !== undefined) span.title = title
    return span
  }
  if (trial !== undefined) mark('trial', `#${trial}`, "Optuna's trial number")
  if (note) mark('noted', '✎', note).setAttribute('aria-label', 'has a note')
  for (const t of tags) mark('tag', t)
}
