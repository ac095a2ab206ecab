/**
 * Keyboard shortcuts: one window listener per screen part that wants keys,
 * silent while the user types in a field, and the list the help overlay shows.
 */

/** A shortcut as the help overlay lists it. */
export interface KeyHelp {
  /** The keys, as written on them (`j`, `↓`, `Enter`). */
  readonly keys: readonly string[]
  readonly what: string
}

/** The shortcuts, by where they work. */
export const KEY_HELP: readonly { readonly where: string; readonly keys: readonly KeyHelp[] }[] = [
  {
    where: 'Anywhere',
    keys: [
      { keys: ['?'], what: 'Show or hide this list of keys' },
      { keys: ['/'], what: 'Search (focuses the search box of the screen)' },
      { keys: ['Esc'], what: 'Close this list; leave a search box' },
    ],
  },
  {
    where: 'Runs table and leaderboard',
    keys: [
      { keys: ['j', '↓'], what: 'Next row' },
      { keys: ['k', '↑'], what: 'Previous row' },
      { keys: ['Enter'], what: 'Open the current run' },
      { keys: ['x'], what: 'Select or unselect the current row (to compare or export)' },
    ],
  },
  {
    where: 'One run',
    keys: [
      { keys: [']', 'j'], what: 'Next run in the table’s order' },
      { keys: ['[', 'k'], what: 'Previous run in the table’s order' },
    ],
  },
]

/** True when `target` takes typed text (keys must then reach it, not shortcuts). */
export function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  if (target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement) return true
  if (!(target instanceof HTMLInputElement)) return false
  return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color', 'file'].includes(target.type)
}

/**
 * Calls `handler` for each key pressed on the page (without Ctrl, Alt or Meta)
 * while no field has the typing focus and no modal dialog is open; a handler
 * returning true has used the key (its default action is prevented). Returns
 * the function that stops listening.
 */
export function onKeys(handler: (key: string, e: KeyboardEvent) => boolean | void): () => void {
  const listener = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey || isTyping(e.target)) return
    if (document.querySelector('dialog[open]')) return
    if (handler(e.key, e) === true) e.preventDefault()
  }
  window.addEventListener('keydown', listener)
  return () => window.removeEventListener('keydown', listener)
}

/** A step for the row-moving keys: +1 for j and ↓, -1 for k and ↑, 0 otherwise. */
export function rowStep(key: string): number {
  return key === 'j' || key === 'ArrowDown' ? 1 : key === 'k' || key === 'ArrowUp' ? -1 : 0
}
