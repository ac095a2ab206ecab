/**
 * The worker API's views: what the page shows of many runs, computed here so
 * that only results cross (study overviews, run rows and table windows,
 * leaderboards, the analysis pictures, memoized per version of a study's rows).
 */
import type { RowTable, RunQuery, RunWindow } from '../db/analysis/run-window.js'
import type { RowNotes } from '../db/analysis/run-filter.js'
import { analysisPicture, curveCandidates, curvesPicture, curveTrials, MAX_CURVES, historyPicture, type CurveChoice, type CurvesPicture, type HistoryPicture } from '../db/analysis/study.js'
import type { StudyAnalysis } from '../db/analysis/pictures.js'
import type { HistoryAxis } from '../db/analysis/series.js'
import { parseObjective, studyOverview, type LeaderboardTrial, type StudyOverview } from '../db/analysis/leaderboard.js'
import { filterBoard, trialBoard, trialNumbersOf, withTrialNumbers, type TrialBoard } from '../db/analysis/trial-board.js'
import { optunaTrialNumber, studyObjectives } from '../db/model/foreign.js'
import { paretoPicture, paretoSet, type ParetoPicture } from '../db/analysis/pareto.js'
import { notExist } from '../db/model/errors.js'
import { RunState, type Metrics, type RunRow } from '../db/model/run.js'
import { formatObjective, type Objective, type Study } from '../db/model/study.js'
import type { DexieDatabase } from '../db/store/dexie-database.js'
import { KEPT_TRIALS } from '../db/store/kept-boards.js'
import type { Call } from './api-dumps.js'

/** Options of the study pictures. */
export interface PictureOptions {
  /** `+metric` maximizes, `-metric` minimizes; undefined is the study's objective. */
  readonly objective?: string
}

/** How `leaderboard` ranks. */
export interface LeaderboardOptions {
  /** `+metric` maximizes, `-metric` minimizes; undefined ranks by the study's objective. */
  readonly objective?: string
  /**
   * Also rank trials of runs still running (marked pending). By default a
   * board holds trials of successful runs only, as Diviner's `leaderboard`;
   * failed and pruned runs are never in a trial.
   */
  readonly running?: boolean
  /** Only the trials this filter keeps (filter-lang.ts), read as their values and mean metrics. */
  readonly filter?: string
  /** Only the Pareto set: trials no other beats on every objective of the study (one of several objectives). */
  readonly pareto?: boolean
  /**
   * Send only the best `limit` trials (all when undefined or 0): a board
   * showing the top N of 20,000 trials need not copy them all to the page.
   * `lacking` still counts every trial.
   */
  readonly limit?: number
}

/** The view calls of the API. */
export function viewCalls(call: Call) {
  return {
    /** The studies whose names start with `prefix` (active since `since`), with run counts and best result. */
    studyOverviews: (prefix = '', since?: Date, signal?: AbortSignal) =>
      call(signal, async (d): Promise<StudyOverview[]> => {
        const studies = await d.listStudies(prefix, since, signal)
        const out: StudyOverview[] = []
        for (const s of studies) out.push(studyOverview(s, await d.listRunRows(s.name, RunState.Any, signal)))
        return out
      }),

    /**
     * Readies the study for a page about to show it: its rows read and its
     * default leaderboard ranked (the page asks for them once its screen's
     * code has loaded, and finds them done). When the page shows the
     * leaderboard first (`board`) and the study's board is kept, nothing more:
     * the board is sent from it, with the worker free to answer at once. A
     * study that does not exist is no error here.
     */
    warmStudy: (study: string, board = false, signal?: AbortSignal) =>
      call(signal, async (d): Promise<void> => {
        const info = await d.lookupStudy(study, signal).catch(() => undefined)
        if (!info) return
        const objective = parseObjective(undefined, info.objective)
        if (board && (await d.keptBoard(study, objective, signal))) return
        const rows = await pictureRows(d, info, signal)
        boardOf(rows, objective)
      }),

    /** The study's runs in `states` without their metric histories, by seq. */
    runRows: (study: string, states: RunState = RunState.Any, signal?: AbortSignal) =>
      call(signal, (d) => d.listRunRows(study, states, signal)),

    /**
     * A window of the study's runs table: `count` rows from position `offset`
     * of the runs `query` selects, in its order, with the number selected and
     * the table's columns. Sorting and filtering happen here, memoized per
     * version of the study's rows, so the page's work never grows with the
     * number of runs.
     */
    runWindow: (study: string, query: RunQuery, offset: number, count: number, signal?: AbortSignal) =>
      call(signal, async (d): Promise<RunWindow> => {
        const info = await d.lookupStudy(study, signal)
        return annotatedTable(d, study, Object.keys(info.params), (t) => t.window(query, offset, count), signal)
      }),

    /** The names (`study:seq`) of every run `query` selects, in its order (for "select all shown"). */
    runNames: (study: string, query: RunQuery, signal?: AbortSignal) =>
      call(signal, async (d): Promise<string[]> => {
        const info = await d.lookupStudy(study, signal)
        return annotatedTable(d, study, Object.keys(info.params), (t) => Array.from(t.result(query), (i) => `${study}:${(t.rows[i] as RunRow).seq}`), signal)
      }),

    /**
     * The run `step` places after run `seq` (before it, when negative) among
     * those `query` selects, with its position; undefined past either end or
     * when `seq` is not selected.
     */
    runNeighbor: (study: string, query: RunQuery, seq: number, step: number, signal?: AbortSignal) =>
      call(signal, async (d): Promise<{ seq: number; position: number; total: number } | undefined> => {
        const info = await d.lookupStudy(study, signal)
        return annotatedTable(d, study, Object.keys(info.params), (t) => {
          const result = t.result(query)
          const at = t.position(query, seq)
          const next = result[at + step]
          if (at < 0 || next === undefined || at + step < 0) return undefined
          return { seq: (t.rows[next] as RunRow).seq, position: at + step, total: result.length }
        }, signal)
      }),

    /**
     * The study's replicated trials of successful runs (and running ones when
     * `options.running`), ranked by its objective or `options.objective`.
     */
    leaderboard: (study: string, options: LeaderboardOptions = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<TrialBoard & { readonly objectives: Objective[] }> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const objectives = studyObjectives(info)
        // The best few of the default board: as an import kept it, while that is still exact (no rows read).
        if (!options.running && !options.filter && !options.pareto && options.limit && options.limit <= KEPT_TRIALS) {
          const kept = await d.keptBoard(study, objective, signal)
          if (kept) return { ...firstTrials(kept, options.limit), objectives }
        }
        const rows = await pictureRows(d, info, signal)
        const ranked = boardOf(rows, objective, options.running)
        const filtered = options.filter ? filterBoard(ranked, options.filter, rows.version.columns(), await notesBySeq(d, info, signal)) : ranked
        const board = options.pareto && objectives.length > 1 ? { ...filtered, trials: paretoSet(filtered.trials, objectives), lacking: 0 } : filtered
        const numbers = memoByRows(rows, 'trial numbers', trialNumbersOf)
        return { ...withTrialNumbers(options.limit ? { ...board, trials: board.trials.slice(0, options.limit) } : board, numbers), objectives }
      }),

    /**
     * The Pareto picture of two of the study's objectives (`x`, `y` by metric;
     * the first two by default): every trial reporting both, its front marked.
     */
    paretoFront: (study: string, options: { readonly x?: string; readonly y?: string; readonly running?: boolean; readonly filter?: string } = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<ParetoPicture> => {
        const info = await d.lookupStudy(study, signal)
        const objectives = studyObjectives(info)
        const pick = (metric: string | undefined, fallback: number) => objectives.find((o) => o.metric === metric) ?? objectives[fallback] ?? info.objective
        const [x, y] = [pick(options.x, 0), pick(options.y, 1)]
        const rows = await pictureRows(d, info, signal)
        const ranked = boardOf(rows, info.objective, options.running)
        const board = options.filter ? filterBoard(ranked, options.filter, rows.version.columns(), await notesBySeq(d, info, signal)) : ranked
        return paretoPicture(board.trials, objectives, x, y)
      }),

    // ---- Study pictures (issue 5): bounded summaries computed here, drawn by the page. ----

    /** The objective of each successful run against seq or time, with the best so far and replicate spread whiskers. */
    objectiveHistory: (study: string, options: PictureOptions & { readonly axis?: HistoryAxis } = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<HistoryPicture> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const axis = options.axis ?? 'seq'
        // Over seq by the study's own objective: as an import kept it, while that is still exact (no rows read).
        const kept = axis === 'seq' ? await d.keptHistory(study, objective, signal) : undefined
        if (kept) return kept
        const rows = await pictureRows(d, info, signal)
        // Its whiskers are of the board's replicated trials: none when each run is its trial's only replicate; else
        // the board ranked once for the leaderboard, the curves and this picture.
        return memoByRows(rows, `history ${axis} ${formatObjective(objective)}`, (r) =>
          historyPicture(r, objective, axis, undefined, () => boardOf(rows, objective).trials))
      }),

    /**
     * Learning curves (metric history against step) of the runs of the top N
     * trials of the leaderboard (`running` as the board's), or of runs named by seq.
     */
    learningCurves: (study: string, options: PictureOptions & CurveChoice & { readonly metric?: string; readonly running?: boolean; readonly filter?: string } = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<CurvesPicture> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const asked = curveCandidates(await curvesBoard(d, info, objective, options, signal), objective, options)
        const chosen = asked.slice(0, MAX_CURVES)
        const histories: Metrics[][] = []
        const trials = new Map<number, number>()
        // Every chosen run in one transaction.
        const runs = await d.lookupRuns(study, chosen.map((c) => c.seq), signal)
        for (const [k, c] of chosen.entries()) {
          const run = runs[k]
          if (!run) throw notExist(`no run ${study}:${c.seq}`)
          histories.push([...run.metrics])
          const n = optunaTrialNumber(run.config)
          if (n !== undefined) trials.set(c.seq, n)
        }
        return curvesPicture(objective, chosen, histories, options.metric, undefined, { trials, cut: asked.length - chosen.length })
      }),

    /** Parallel coordinates, slices, parameter importance and replicate spread of the study's trials. */
    studyAnalysis: (study: string, options: PictureOptions = {}, signal?: AbortSignal) =>
      call(signal, async (d): Promise<StudyAnalysis> => {
        const info = await d.lookupStudy(study, signal)
        const objective = parseObjective(options.objective, info.objective)
        const rows = await pictureRows(d, info, signal)
        return memoByRows(rows, `analysis ${formatObjective(objective)}`, (r) => analysisPicture(info, r, objective))
      }),
  }
}

/**
 * `work` on the study's query table, which first takes the note and tags of
 * the study's annotated runs (read once per version of its rows, through the
 * store's sparse index): filters read them and windows carry them.
 */
async function annotatedTable<T>(d: DexieDatabase, study: string, paramNames: readonly string[], work: (t: RowTable) => T, signal: AbortSignal | undefined): Promise<T> {
  const annotated = await d.withRowTable(study, paramNames, (t) => t.annotated, signal)
  const notes = annotated ? undefined : new Map((await d.runAnnotations(study, signal)).map((n) => [n.id, n]))
  return d.withRowTable(study, paramNames, (t) => {
    if (notes) t.annotate(notes)
    return work(t)
  }, signal)
}

/** `board` (Optuna's trial numbers included) cut to its best `limit` trials, as `leaderboard` sends them. */
function firstTrials(board: TrialBoard, limit: number): TrialBoard {
  const { numbers, ...rest } = board
  const cut = { ...rest, trials: board.trials.slice(0, limit) }
  return numbers ? withTrialNumbers(cut, new Map(Object.entries(numbers).map(([seq, n]) => [Number(seq), n]))) : cut
}

/**
 * The trials the learning curves choose from: the kept board's (kept-boards.ts)
 * when the choice is of the best few trials of the default board and the kept
 * board holds that many reporting the objective, so that no row is read or
 * ranked; else the rows' board, filtered as asked.
 */
async function curvesBoard(d: DexieDatabase, info: Study, objective: Objective, options: CurveChoice & { readonly running?: boolean; readonly filter?: string }, signal: AbortSignal | undefined): Promise<readonly LeaderboardTrial[]> {
  if (!options.running && !options.filter && !options.seqs?.length) {
    const kept = await d.keptBoard(info.name, objective, signal)
    if (kept && kept.trials.filter((t) => Object.hasOwn(t.metrics, objective.metric)).length >= curveTrials(options)) return kept.trials
  }
  const rows = await pictureRows(d, info, signal)
  const ranked = boardOf(rows, objective, options.running)
  return (options.filter ? filterBoard(ranked, options.filter, rows.version.columns(), await notesBySeq(d, info, signal)) : ranked).trials
}

/** The note and tags of the study's annotated runs, by seq (what a leaderboard filter reads of a trial's runs). */
function notesBySeq(d: DexieDatabase, info: Study, signal: AbortSignal | undefined): Promise<ReadonlyMap<number, RowNotes>> {
  return annotatedTable(d, info.name, Object.keys(info.params), (t) => t.notesBySeq(), signal)
}

/** A study's run rows at one version, and that version's query table (which identifies the version). */
interface VersionRows { readonly rows: readonly RunRow[]; readonly version: RowTable }

/**
 * The study's run rows as the row cache holds them for the runs table. The
 * cache makes a new table for every version of the study's rows, so pictures
 * computed from the rows can be memoized on it.
 */
function pictureRows(d: DexieDatabase, info: Study, signal: AbortSignal | undefined): Promise<VersionRows> {
  return d.withRowTable(info.name, Object.keys(info.params), (t) => ({ rows: t.rows, version: t }), signal)
}

/** Pictures already computed, per version of a study's rows and what was asked. */
const pictures = new WeakMap<RowTable, Map<string, unknown>>()

/** `compute()`, or its result from an earlier call on the same version of the rows with the same `key`. */
function memoByRows<T>(at: VersionRows, key: string, compute: (rows: readonly RunRow[]) => T): T {
  let memo = pictures.get(at.version)
  if (!memo) pictures.set(at.version, (memo = new Map()))
  if (!memo.has(key)) memo.set(key, compute(at.rows))
  return memo.get(key) as T
}

/** The rows' trials ranked by `objective` (`trialBoard`), ranked once per version of the rows for every view that shows them. */
function boardOf(at: VersionRows, objective: Objective, running = false): TrialBoard {
  return memoByRows(at, `board ${formatObjective(objective)} ${running}`, (r) => trialBoard(objective, r, running))
}

