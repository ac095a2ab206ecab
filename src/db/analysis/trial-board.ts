/**
 * The leaderboard as Diviner ranks it: replicated trials of successful runs
 * (`Trials(db, study, Success)`), and, only when asked, of runs still running,
 * whose trials are then marked pending. Failed and pruned runs never enter a
 * trial, so every view of a study (board, learning curves of its best trials,
 * replicate spread, pictures) ranks the same trials.
 */
import { optunaTrialNumber } from '../model/foreign.js'
import { displayState, RunState } from '../model/run.js'
import type { Objective } from '../model/study.js'
import { leaderboard, type Leaderboard, type LeaderboardTrial, type RankedRow } from './leaderboard.js'
import { compileFilter, type FilterNames, type FilterRow } from './filter-eval.js'
import { parseFilter } from './filter-lang.js'
import { formatValue } from '../model/values.js'
import type { RowNotes } from './run-filter.js'

/** The runs a trial-level view is made of: successful ones, and running ones when `running`. */
export function trialStates(running = false): number {
  return running ? RunState.Success | RunState.Pending : RunState.Success
}

/** Runs a leaderboard left out, by why. */
export interface LeftOut {
  /** Still running (left out unless running trials are asked for). */
  readonly running: number
  /** Failed (a pending run whose keepalive went stale included). */
  readonly failed: number
  /** Pruned (Optuna's PRUNED: a failure stopped on purpose). */
  readonly pruned: number
}

/** A leaderboard with what it was made of. */
export interface TrialBoard extends Leaderboard {
  /** True when trials of running runs are ranked too (those trials are `pending`). */
  readonly running: boolean
  /** The runs that are in no trial, by why. */
  readonly left: LeftOut
  /** Optuna's trial number of each run on the board imported from Optuna, by seq (see `withTrialNumbers`). */
  readonly numbers?: Readonly<Record<number, number>>
}

/** The rows that make trials (`trialStates(running)`), and a count of the others by why. */
export function trialRows<R extends Pick<RankedRow, 'state' | 'status'>>(rows: readonly R[], running = false): { rows: R[]; left: LeftOut } {
  const states = trialStates(running)
  const kept: R[] = []
  let pending = 0
  let failed = 0
  let pruned = 0
  for (const row of rows) {
    if ((row.state & states) !== 0) { kept.push(row); continue }
    const shown = displayState(row)
    if (shown === 'pending') pending++
    else if (shown === 'pruned') pruned++
    else failed++
  }
  return { rows: kept, left: { running: pending, failed, pruned } }
}

/**
 * The study's trials ranked by `objective` as Diviner's `leaderboard` ranks
 * them: made of successful runs (and of running ones when `running`), with the
 * runs left out counted.
 */
export function trialBoard(objective: Objective, rows: readonly RankedRow[], running = false): TrialBoard {
  const chosen = trialRows(rows, running)
  return { ...leaderboard(objective, chosen.rows), running, left: chosen.left }
}

/** Optuna's trial number of each of `rows` imported from Optuna, by seq (empty when none was). */
export function trialNumbersOf(rows: readonly Pick<RankedRow, 'seq' | 'config'>[]): ReadonlyMap<number, number> {
  const out = new Map<number, number>()
  for (const row of rows) {
    const n = optunaTrialNumber(row.config)
    if (n !== undefined) out.set(row.seq, n)
  }
  return out
}

/** `board` with Optuna's trial number (from `numbers`, by seq: `trialNumbersOf`) of each of its runs that has one. */
export function withTrialNumbers(board: TrialBoard, numbers: ReadonlyMap<number, number>): TrialBoard {
  if (numbers.size === 0) return board
  const out: Record<number, number> = {}
  let any = false
  for (const t of board.trials) {
    for (const r of t.runs) {
      const n = numbers.get(r.seq)
      if (n !== undefined) { out[r.seq] = n; any = true }
    }
  }
  return any ? { ...board, numbers: out } : board
}

/**
 * `board` with only the trials `filter` keeps (filter-lang.ts), each read as
 * a run of its values and mean metrics (running when pending), with the tags
 * of all its runs and their notes (`notes`, by seq): a leaderboard filters
 * trials, not the runs they average. `lacking` counts what is left. Blank
 * keeps all; a bad filter throws `invalid` (field `filter`).
 */
export function filterBoard(board: TrialBoard, filter: string, names: FilterNames, notes: ReadonlyMap<number, RowNotes> = new Map()): TrialBoard {
  const node = parseFilter(filter)
  if (node === undefined) return board
  const test = compileFilter(node, names)
  const trials = board.trials.filter((t) => {
    const n = trialNotes(t, notes)
    return test(trialRow(t, n), trialText(t, n))
  })
  return { ...board, trials, lacking: trials.filter((t) => !Object.hasOwn(t.metrics, board.objective.metric)).length }
}

/** The tags of a trial's runs (each once) and their notes, one after another; undefined when none has any. */
function trialNotes(t: LeaderboardTrial, notes: ReadonlyMap<number, RowNotes>): RowNotes | undefined {
  if (notes.size === 0) return undefined
  const tags = new Set<string>()
  const texts: string[] = []
  for (const r of t.runs) {
    const n = notes.get(r.seq)
    if (!n) continue
    for (const tag of n.tags ?? []) tags.add(tag)
    if (n.note) texts.push(n.note)
  }
  return tags.size || texts.length ? { tags: [...tags], note: texts.join('\n') } : undefined
}

/** A trial as a filter reads it: its values and mean metrics, its first run's seq, its runs' tags and notes. */
function trialRow(t: LeaderboardTrial, notes: RowNotes | undefined): FilterRow {
  return {
    seq: t.runs[0]?.seq ?? 0, values: t.values, last: t.metrics, state: t.pending ? RunState.Pending : RunState.Success,
    status: '', replicate: t.replicates[0] ?? 0, retries: 0, runtime: 0, config: {}, ...notes,
  }
}

/** What free text in a filter looks for in a trial: its runs' seqs, its `name=value` pairs, tags and notes, lower-cased. */
function trialText(t: LeaderboardTrial, notes: RowNotes | undefined): string {
  let s = t.runs.map((r) => `:${r.seq}`).join('\t')
  for (const k in t.values) s += `\t${k}=${formatValue(t.values[k] as NonNullable<LeaderboardTrial['values'][string]>)}`
  if (notes) s += `\t${(notes.tags ?? []).join('\t')}\t${notes.note ?? ''}`
  return s.toLowerCase()
}
