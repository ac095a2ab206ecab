/**
 * The page's console API (`globalThis.diviner`), driven as a power user would
 * from the browser console. Every call runs in the page, through its worker,
 * into the browser's real IndexedDB.
 *
 * The functions given to `page.evaluate` run in the browser: they may use only
 * their argument and the page's globals, never this module's imports.
 */
import type { Page } from 'playwright-core'
// For the type of `globalThis.diviner`.
import type {} from '../../../src/ui/console.js'

/** A study to create: float params named in `params`, each the range [0, 1). */
export interface StudySpec {
  readonly name: string
  readonly description: string
  readonly metric: string
  readonly direction: 'minimize' | 'maximize'
  readonly replicates: number
  readonly params: readonly string[]
}

/** A run as the page reports it, reduced to what a test compares. */
export interface RunSummary {
  readonly seq: number
  readonly state: number
  readonly status: string
  /** Param name → the value's kind and value, as text (`float 0.25`). */
  readonly values: Record<string, string>
  readonly metrics: readonly Record<string, number>[]
  readonly updated: string
}

export class DivinerConsole {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  /** Waits until the page has published the console API. */
  async ready(): Promise<void> {
    await this.page.waitForFunction(() => globalThis.diviner !== undefined)
  }

  /** Creates the study; true when it did not exist. */
  createStudy(spec: StudySpec): Promise<boolean> {
    return this.page.evaluate(async (s) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const params = Object.fromEntries(s.params.map((p) => [p, d.range(0, 1)]))
      return d.db.createStudyIfNotExist({
        name: s.name, description: s.description, replicates: s.replicates, params,
        objective: s.direction === 'minimize' ? d.minimize(s.metric) : d.maximize(s.metric),
      })
    }, spec)
  }

  /** Inserts a run with float values and a replicate number; resolves to its seq. */
  insertRun(study: string, values: Record<string, number>, replicate = 0): Promise<number> {
    return this.page.evaluate(async ([study, values, replicate]) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const vs = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, d.float(v)]))
      return (await d.db.insertRun({ study, values: vs, replicate, config: { script: 'python train.py' } })).seq
    }, [study, values, replicate] as const)
  }

  /** Reports each of `history` in turn, as a runner would. */
  appendMetrics(study: string, seq: number, history: readonly Record<string, number>[]): Promise<void> {
    return this.page.evaluate(async ([study, seq, history]) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      for (const metrics of history) await d.db.appendRunMetrics(study, seq, metrics)
    }, [study, seq, history] as const)
  }

  /** Ends a run in `state` with a status line. */
  finishRun(study: string, seq: number, state: number, status: string): Promise<void> {
    return this.page.evaluate(async ([study, seq, state, status]) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      await d.db.updateRun(study, seq, state, status, 60_000, 0)
    }, [study, seq, state, status] as const)
  }

  /** Every run of the study, any state, by seq. */
  listRuns(study: string): Promise<RunSummary[]> {
    return this.page.evaluate(async (study) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const runs = await d.db.listRuns(study, d.RunState.Any)
      return runs.map((r) => ({
        seq: r.seq, state: r.state, status: r.status,
        values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, `${v.kind} ${String(v.value)}`])),
        metrics: r.metrics.map((m) => ({ ...m })),
        updated: r.updated.toISOString(),
      }))
    }, study)
  }

  /** The code of the error a lookup of a missing study fails with. */
  missingStudyErrorCode(name: string): Promise<string> {
    return this.page.evaluate(async (name) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      try {
        await d.db.lookupStudy(name)
        return 'no error'
      } catch (e) {
        return d.isDivinerError(e) ? e.code : `not a DivinerError: ${String(e)}`
      }
    }, name)
  }
}
