/**
 * The leaderboard's keyboard and selection: a current trial moved by j/k (or
 * the arrows), Enter opening its first run, x (or the checkboxes) selecting
 * trials, and the comparison of the 2 to 5 selected.
 */
import { valuesKey, type Values } from '../../db/model/values.js'
import { hrefOf } from '../router.svelte.js'
import { onKeys, rowStep } from '../shell/keys.js'
import { compareHref, MAX_COMPARED, MIN_COMPARED, NO_PICKS, togglePick } from './compare.js'

/** What the picker needs of a trial: its value set (what identifies it) and its runs' seqs. */
export interface PickedTrial { readonly values: Values; readonly runs: readonly { readonly seq: number }[] }

/** What identifies a trial on the board: its value set (ranks move as runs report). */
export function trialKey(trial: Pick<PickedTrial, 'values'>): string {
  return valuesKey(trial.values)
}

export class BoardPicker {
  /** The current trial (index among those shown), or -1. */
  current = $state(-1)
  /** Selected trials, by `trialKey` (replaced, never mutated): a selection stays on its trials when the board reorders. */
  selected: ReadonlySet<string> = $state.raw(NO_PICKS)
  private readonly study: string

  constructor(study: string) {
    this.study = study
  }

  select(key: string, on: boolean): void {
    this.selected = togglePick(this.selected, key, on)
  }

  /** The selected trials among those shown, in the board's order. */
  private picked(shown: readonly PickedTrial[]): PickedTrial[] {
    return this.selected.size === 0 ? [] : shown.filter((t) => this.selected.has(trialKey(t)))
  }

  /** The comparison of the selected trials, when 2 to 5 are selected. */
  compareHref(shown: readonly PickedTrial[]): string | undefined {
    const picked = this.picked(shown)
    if (picked.length < MIN_COMPARED || picked.length > MAX_COMPARED) return undefined
    return compareHref(this.study, { trials: picked.map((t) => t.runs.map((r) => r.seq)) })
  }

  /** The seqs of every run of the selected trials, ascending (the learning curves drawn while any is selected). */
  pickedSeqs(shown: readonly PickedTrial[]): number[] {
    const seqs: number[] = []
    for (const t of this.picked(shown)) for (const r of t.runs) seqs.push(r.seq)
    return seqs.sort((a, b) => a - b)
  }

  /** Listens for the board's keys on the trials `shown()` returns; returns the function that stops. */
  listen(shown: () => readonly PickedTrial[]): () => void {
    return onKeys((key, e) => {
      const trials = shown()
      const step = rowStep(key)
      if (step !== 0) {
        const t = e.target
        if (key.startsWith('Arrow') && !(t === document.body || (t instanceof Element && t.closest('[data-board]')))) return false
        if (trials.length === 0) return false
        this.current = Math.max(0, Math.min(trials.length - 1, (this.current < 0 ? (step > 0 ? -1 : trials.length) : this.current) + step))
        document.querySelector('[data-board] tr[aria-current=true]')?.scrollIntoView({ block: 'nearest' })
        queueMicrotask(() => document.querySelector('[data-board] tr[aria-current=true]')?.scrollIntoView({ block: 'nearest' }))
        return true
      }
      const trial = trials[this.current]
      if (key === 'Enter' && trial && !(e.target instanceof HTMLAnchorElement || e.target instanceof HTMLButtonElement)) {
        const first = trial.runs[0]
        if (first) location.hash = hrefOf({ name: 'run', study: this.study, seq: first.seq })
        return true
      }
      if (key === 'x' && trial) {
        const key = trialKey(trial)
        this.select(key, !this.selected.has(key))
        return true
      }
      return false
    })
  }
}
