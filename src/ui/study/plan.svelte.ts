/**
 * The plan tab's state: the grid's coverage by the study's runs, the oracle's
 * next proposals (how many: `next` in the URL), and exporting the study.
 */
import * as Comlink from 'comlink'
import type { Router } from '../router.svelte.js'
import { downloadBlob } from '../transfer/download.js'
import { optunaFacts } from '../../db/model/foreign.js'
import { failureOf, type Failure } from './failure.js'
import { planOf, proposals, type Plan, type Proposal } from './plan.js'
import type { StudyModel } from './study.svelte.js'
import type { Api } from './types.js'

/** The most grid combinations the plan table lists. */
export const PLAN_LIMIT = 20_000
/** How many proposals are shown unless told otherwise. */
export const DEFAULT_NEXT = 10

export class PlanView {
  readonly next: number
  readonly plan: Plan | undefined
  readonly proposals: { list?: Proposal[]; error?: string }
  exporting = $state(false)
  exportNote = $state('')
  exportFailure: Failure | undefined = $state.raw()
  private readonly model: StudyModel
  private readonly router: Router
  private readonly api: Api

  constructor(model: StudyModel, router: Router, api: Api) {
    this.model = model
    this.router = router
    this.api = api
    const nextParam = $derived(router.param('next', String(DEFAULT_NEXT)))
    this.next = $derived(parseNext(nextParam))
    this.plan = $derived.by(() => {
      const info = model.info
      if (!info || (info.oracle?.name ?? 'grid') !== 'grid') return undefined
      return planOf(info, model.rows, PLAN_LIMIT)
    })
    this.proposals = $derived.by(() => {
      // Optuna's sampler picks an imported study's next trials: nothing to propose here.
      if (!model.info || optunaFacts(model.info.oracle)) return {}
      try {
        return { list: proposals(model.info, model.rows, this.next) }
      } catch (e) {
        return { error: failureOf(e).message }
      }
    })
  }

  setNext(text: string): void {
    this.router.setQuery({ next: text === String(DEFAULT_NEXT) ? '' : text })
  }

  /** Exports the study (with all its runs, or its definition alone), and offers the dump as a download. */
  async exportStudy(definitionsOnly = false): Promise<void> {
    if (this.exporting) return
    this.exporting = true
    this.exportFailure = undefined
    this.exportNote = `Exporting study ${this.model.name}…`
    try {
      const onProgress = Comlink.proxy((p: { runs: number }) => { this.exportNote = `Exporting… ${p.runs} runs` })
      const { blob, filename } = await this.api.exportDump({ studies: [this.model.name], definitionsOnly }, onProgress)
      downloadBlob(blob, filename)
      this.exportNote = `Exported study ${this.model.name} as ${filename}`
    } catch (e) {
      this.exportNote = ''
      this.exportFailure = failureOf(e)
    } finally {
      this.exporting = false
    }
  }
}

function parseNext(text: string): number {
  const n = Number(text)
  return Number.isSafeInteger(n) && n >= 0 && n <= 10_000 ? n : DEFAULT_NEXT
}
