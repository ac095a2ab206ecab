/**
 * The runs tab's state: filters, sort and search read from the URL query, the
 * rows they select (derived, so each step reruns only when its own inputs
 * change: typing a search refilters without resorting), and the selection.
 */
import * as Comlink from 'comlink'
import type { Router } from '../router.svelte.js'
import { downloadBlob } from '../transfer/download.js'
import { failureOf, type Failure } from './failure.js'
import {
  filterOrder, formatSort, formatStatesParam, indexRows, nextSort, parseSort, parseStatesParam,
  runColumns, sortKeys, sortOrder, toggled, NO_SELECTION, type Column, type RowIndex, type Sort,
} from './runs.js'
import type { StudyModel } from './study.svelte.js'
import type { Api, RunRow } from './types.js'

/** The run's name, `study:seq`, which the selection and exports use. */
export function rowId(row: RunRow): string {
  return `${row.study}:${row.seq}`
}

export class RunsView {
  private readonly model: StudyModel
  private readonly router: Router
  private readonly api: Api

  private readonly sortParam: string
  private readonly statesParam: string
  readonly search: string
  readonly sort: Sort
  readonly states: number
  readonly columns: Column[]
  private readonly sortColumn: Column
  private readonly index: RowIndex
  private readonly keys: Float64Array
  private readonly order: Uint32Array
  /** Indices into the model's rows of the rows on show, in order. */
  readonly visible: Uint32Array

  /** Selected runs by name (replaced, never mutated, so a change is seen). */
  selected: ReadonlySet<string> = $state.raw(NO_SELECTION)
  readonly allVisibleSelected: boolean

  exporting = $state(false)
  exportNote = $state('')
  exportFailure: Failure | undefined = $state.raw()

  constructor(model: StudyModel, router: Router, api: Api) {
    this.model = model
    this.router = router
    this.api = api
    this.sortParam = $derived(router.param('sort'))
    this.statesParam = $derived(router.param('states'))
    this.search = $derived(router.param('q'))
    this.sort = $derived(parseSort(this.sortParam))
    this.states = $derived(parseStatesParam(this.statesParam))
    this.columns = $derived(runColumns(model.rows, Object.keys(model.info?.params ?? {})))
    this.sortColumn = $derived(this.columns.find((c) => c.key === this.sort.key) ?? (this.columns[0] as Column))
    this.index = $derived(indexRows(model.rows))
    this.keys = $derived(sortKeys(model.rows, this.sortColumn))
    this.order = $derived(sortOrder(this.keys, this.sort.desc))
    this.visible = $derived(filterOrder(this.order, this.index, this.states, this.search))
    this.allVisibleSelected = $derived(this.everyVisibleSelected())
  }

  /** The row at position `i` of the visible rows. */
  row(i: number): RunRow | undefined {
    const index = this.visible[i]
    return index === undefined ? undefined : this.model.rows[index]
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
    this.router.setQuery({ states: formatStatesParam(on ? this.states | state : this.states & ~state) })
  }

  setSearch(text: string): void {
    this.router.setQuery({ q: text })
  }

  isSelected(row: RunRow): boolean {
    return this.selected.has(rowId(row))
  }

  toggle(row: RunRow, on: boolean): void {
    this.selected = toggled(this.selected, [rowId(row)], on)
  }

  /** Selects every visible row, or unselects them all. */
  toggleVisible(on: boolean): void {
    const rows = this.model.rows
    this.selected = toggled(this.selected, Array.from(this.visible, (i) => rowId(rows[i] as RunRow)), on)
  }

  /** True when there are visible rows and all are selected (checks the rows only when enough are selected). */
  private everyVisibleSelected(): boolean {
    if (this.visible.length === 0 || this.selected.size < this.visible.length) return false
    const rows = this.model.rows
    for (const i of this.visible) if (!this.selected.has(rowId(rows[i] as RunRow))) return false
    return true
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
