/**
 * The runs tab's state: filters, sort and search read from the URL query; the
 * rows on show, asked of the worker a window at a time (the worker sorts and
 * filters, so nothing here grows with the number of runs); the keyboard's
 * current row; and the selection.
 */
import * as Comlink from 'comlink'
import type { ColumnNames } from '../../db/analysis/run-columns.js'
import type { RunQuery } from '../../db/analysis/run-window.js'
import { hrefOf, type Router } from '../router.svelte.js'
import { downloadBlob } from '../transfer/download.js'
import { failureOf, filterProblem, syntaxProblem, type Failure } from './failure.js'
import {
  columnsOf, formatSort, formatStatesParam, nextSort, parseSort, parseStatesParam, toggled, NO_SELECTION,
  type Column, type Sort,
} from './runs.js'
import { joinWindows, sameRows } from './row-windows.js'
import type { LoadStatus } from './study.svelte.js'
import type { Api, RunRow } from './types.js'

/** The run's name, `study:seq`, which the selection and exports use. */
export function rowId(row: RunRow): string {
  return `${row.study}:${row.seq}`
}

/**
 * Rows asked for beyond those in view, on each side. Each request costs the
 * worker a few IndexedDB reads and the page a message, whatever its size: with
 * 60, a fast scroll asked every fifth frame, and its slowest frames were
 * slower (bench/README.md, scrolling).
 */
const MARGIN = 180

/** The query parameters that carry a runs table's order (to the run page, for stepping through runs). */
export const ORDER_PARAMS = ['sort', 'q', 'states', 'brush'] as const

/** The query `params` (a route's query) name: sort, search and states, as the runs tab keeps them. */
export function queryOf(param: (key: string) => string): RunQuery {
  return { sort: param('sort'), search: param('q'), states: parseStatesParam(param('states')), brush: param('brush') }
}

/** The query parameters of `query` that differ from the defaults (to put in a link). */
export function orderParams(query: RunQuery): Record<string, string> {
  const out: Record<string, string> = {}
  if (query.sort) out.sort = query.sort
  if (query.search) out.q = query.search
  const states = formatStatesParam(query.states)
  if (states) out.states = states
  if (query.brush) out.brush = query.brush
  return out
}

export class RunsView {
  private readonly study: string
  private readonly router: Router
  private readonly api: Api
  /** Whether pruned runs have a filter of their own (a study from Optuna), else they go with the failures. */
  readonly prunedApart: boolean

  readonly search: string
  /** Why the search is not a filter (it is then not applied), or ''. */
  readonly searchProblem: string
  /** What the worker said is wrong with the search (a name no run has), or ''. */
  workerProblem = $state('')
  readonly sort: Sort
  readonly states: number
  /** The analysis tab's brush (`brush=` JSON; '' for none): only runs of the brushed trials are shown. */
  readonly brush: string
  /** What the worker is asked: sort, search and states from the URL. */
  readonly query: RunQuery
  /** The query as a string (changes exactly when the query does). */
  readonly queryKey: string
  readonly columns: Column[]

  /** The table's value and metric names, as the last window said. */
  names: ColumnNames = $state.raw({ values: [], metrics: [] })
  /** Runs the query selects, and runs of the study. */
  total = $state(0)
  all = $state(0)
  status: LoadStatus = $state('loading')
  failure: Failure | undefined = $state.raw()
  /** The rows held: positions `offset` … `offset + rows.length - 1` of the result. */
  private held: { offset: number; rows: RunRow[]; key: string; version: number } = $state.raw({ offset: 0, rows: [], key: '', version: -1 })
  /** The positions in view (set by the table as it scrolls). */
  private range = { first: 0, last: 0 }
  private requests = 0

  /** True while the rows held are not yet those of the current query. */
  readonly busy: boolean

  /** The keyboard's current row (a position in the result), or -1. */
  current = $state(-1)

  /** Selected runs by name (replaced, never mutated, so a change is seen). */
  selected: ReadonlySet<string> = $state.raw(NO_SELECTION)
  /** The query (and version) whose every run "select all" selected, while the selection is unchanged since. */
  private selectedAll = $state('')
  readonly allVisibleSelected: boolean

  exporting = $state(false)
  exportNote = $state('')
  exportFailure: Failure | undefined = $state.raw()

  constructor(study: string, router: Router, api: Api, prunedApart: () => boolean = () => true) {
    this.study = study
    this.router = router
    this.api = api
    this.prunedApart = $derived(prunedApart())
    this.search = $derived(router.param('q'))
    this.searchProblem = $derived(syntaxProblem(this.search))
    const sortParam = $derived(router.param('sort'))
    this.sort = $derived(parseSort(sortParam))
    this.states = $derived(parseStatesParam(router.param('states'), this.prunedApart))
    this.brush = $derived(router.param('brush'))
    // A search that is no filter is not sent: the table shows the runs without it, and says why.
    this.query = $derived({ sort: sortParam, search: this.searchProblem ? '' : this.search, states: this.states, brush: this.brush })
    this.queryKey = $derived(JSON.stringify(this.query))
    this.columns = $derived(columnsOf(this.names))
    this.busy = $derived(this.held.key !== this.queryKey)
    this.allVisibleSelected = $derived(this.total > 0 && this.selectedAll === `${this.queryKey}@${this.held.version}` && this.selected.size >= this.total)
  }

  /** The row at position `i` of the result, when held. */
  row(i: number): RunRow | undefined {
    const h = this.held
    return h.rows[i - h.offset]
  }

  /** The table says which positions are in view; rows near them are asked for when not held. */
  setRange(first: number, last: number): void {
    this.range = { first, last }
    const h = this.held
    const needBefore = h.offset > 0 && first - MARGIN / 3 < h.offset
    const needAfter = last + MARGIN / 3 > h.offset + h.rows.length && h.offset + h.rows.length < this.total
    if (h.key !== this.queryKey || needBefore || needAfter) void this.request(false)
  }

  /** A window request under way for the query of this key, and whether another (of all rows in view: `whole`) is wanted after it. */
  private loading: { key: string; again: boolean; whole: boolean } | undefined

  /**
   * Asks the worker for the rows around those in view under the current
   * query, all of them afresh (the study changed, or the query did); a
   * request for a newer query wins.
   */
  load(): Promise<void> {
    return this.request(true)
  }

  /**
   * One request under way at a time while the table scrolls (asked again once
   * it is answered, from where the table is then); unless `whole`, only the
   * rows not held are asked for.
   */
  private async request(whole: boolean): Promise<void> {
    const key = this.queryKey
    if (this.loading?.key === key) {
      this.loading.again = true
      this.loading.whole ||= whole
      return
    }
    const loading = { key, again: true, whole }
    this.loading = loading
    try {
      while (loading.again && this.loading === loading) {
        const asked = loading.whole
        loading.again = false
        loading.whole = false
        await this.fetchWindow(key, asked)
      }
    } finally {
      if (this.loading === loading) this.loading = undefined
    }
  }

  private async fetchWindow(key: string, whole: boolean): Promise<void> {
    const request = ++this.requests
    const query = $state.snapshot(this.query) as RunQuery
    const from = Math.max(0, this.range.first - MARGIN)
    const to = this.range.last + MARGIN
    const h = this.held
    const heldEnd = h.offset + h.rows.length
    // Held rows of this query overlapping what is wanted: ask only for what lies beyond them.
    const extend = !whole && h.key === key && h.rows.length > 0 && from < heldEnd && to > h.offset
    const ask = !extend ? { offset: from, count: to - from }
      : to > heldEnd ? { offset: heldEnd, count: to - heldEnd }
        : from < h.offset ? { offset: from, count: h.offset - from }
          : undefined
    if (!ask) return
    try {
      const w = await this.api.runWindow(this.study, query, ask.offset, ask.count)
      if (request !== this.requests) return
      const now = this.held
      // The study's rows changed meanwhile: every row in view afresh.
      if (extend && w.version !== h.version) return this.fetchWindow(key, true)
      const joined = extend && now === h && w.version === h.version ? joinWindows(h, w, from, to) : undefined
      this.held = joined ? { ...joined, key, version: w.version } : { offset: w.offset, rows: sameRows(now, w, key), key, version: w.version }
      if (w.columns.values.join('\n') !== this.names.values.join('\n') || w.columns.metrics.join('\n') !== this.names.metrics.join('\n')) this.names = w.columns
      this.total = w.total
      this.all = w.all
      this.failure = undefined
      this.workerProblem = ''
      this.status = 'ready'
      if (this.current >= w.total) this.current = w.total - 1
    } catch (e) {
      if (request !== this.requests) return
      const problem = filterProblem(e)
      // A filter naming what no run has keeps the rows on show, and says so by the search box.
      if (problem !== undefined && this.status === 'ready') { this.workerProblem = problem; return }
      this.failure = failureOf(e)
      this.status = 'failed'
    }
  }

  /** The link to run `row`, carrying the table's order (so the run page can step through the runs). */
  runHref(row: RunRow): string {
    return hrefOf({ name: 'run', study: row.study, seq: row.seq }, orderParams(this.query))
  }

  /** Moves the current row by `step` (clamped to the result). */
  move(step: number): void {
    if (this.total === 0) return
    this.current = Math.max(0, Math.min(this.total - 1, (this.current < 0 ? (step > 0 ? -1 : this.total) : this.current) + step))
  }

  /** Opens the current row's run. */
  openCurrent(): void {
    const r = this.row(this.current)
    if (r) location.hash = this.runHref(r)
  }

  /** The sort as a column header shows it: 'ascending', 'descending' or 'none'. */
  ariaSort(key: string): 'ascending' | 'descending' | 'none' {
    return this.sort.key !== key ? 'none' : this.sort.desc ? 'descending' : 'ascending'
  }

  sortBy(key: string): void {
    this.router.setQuery({ sort: formatSort(nextSort(this.sort, key)) })
  }

  hasState(state: number): boolean {
    return (this.states & state) !== 0
  }

  toggleState(state: number, on: boolean): void {
    this.router.setQuery({ states: formatStatesParam(on ? this.states | state : this.states & ~state, this.prunedApart) })
  }

  setSearch(text: string): void {
    this.router.setQuery({ q: text })
  }

  /** Shows the runs of every trial again, not only the brushed ones. */
  clearBrush(): void {
    this.router.setQuery({ brush: undefined })
  }

  isSelected(row: RunRow): boolean {
    return this.selected.has(rowId(row))
  }

  toggle(row: RunRow, on: boolean): void {
    this.selected = toggled(this.selected, [rowId(row)], on)
    if (!on) this.selectedAll = ''
  }

  /** Selects every run the query selects (asking the worker for their names), or unselects them. */
  async toggleVisible(on: boolean): Promise<void> {
    const key = `${this.queryKey}@${this.held.version}`
    const names = await this.api.runNames(this.study, $state.snapshot(this.query) as RunQuery)
    this.selected = toggled(this.selected, names, on)
    this.selectedAll = on ? key : ''
  }

  /** The selected runs' seqs, ascending (for comparing them). */
  selectedSeqs(): number[] {
    const prefix = `${this.study}:`
    return [...this.selected].filter((n) => n.startsWith(prefix)).map((n) => Number(n.slice(prefix.length))).sort((a, b) => a - b)
  }

  /** Exports the selected runs as a dump and offers it as a download. */
  async exportSelected(): Promise<void> {
    if (this.exporting || this.selected.size === 0) return
    const runs = [...this.selected]
    this.exporting = true
    this.exportFailure = undefined
    this.exportNote = `Exporting ${runs.length} runs…`
    try {
      const onProgress = Comlink.proxy((p: { runs: number }) => { this.exportNote = `Exporting… ${p.runs} of ${runs.length} runs` })
      const { blob, filename } = await this.api.exportDump({ runs }, onProgress)
      downloadBlob(blob, filename)
      this.exportNote = `Exported ${runs.length} ${runs.length === 1 ? 'run' : 'runs'} as ${filename}`
    } catch (e) {
      this.exportNote = ''
      this.exportFailure = failureOf(e)
    } finally {
      this.exporting = false
    }
  }
}
