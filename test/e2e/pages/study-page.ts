/**
 * One study's screen (#/study/<name>), as a person sees it: the runs tab
 * (filters, search, sort, selection), the leaderboard and the plan; and a
 * way to put a study with runs into the page's database first.
 *
 * The functions given to `page.evaluate` run in the browser: they may use only
 * their argument and the page's globals, never this module's imports.
 */
import type { Download, Locator, Page } from 'playwright-core'
// For the type of `globalThis.diviner`.
import type {} from '../../../src/ui/console.js'

/** A run to make: float values (or strings), a replicate, a metric history, how it ended, and its log. */
export interface SeedRun {
  readonly values: Record<string, number | string>
  readonly replicate?: number
  readonly metrics?: readonly Record<string, number>[]
  /** How the run ends (default success); pending leaves it pending. */
  readonly state?: 'pending' | 'success' | 'failure'
  readonly status?: string
  readonly runtimeMs?: number
  readonly script?: string
  readonly log?: readonly string[]
}

/** A study to make: discrete params (floats or strings), or float ranges `[start, end]`. */
export interface SeedStudy {
  readonly name: string
  readonly description?: string
  /** `-metric` minimizes, `+metric` maximizes. */
  readonly objective: `${'+' | '-'}${string}`
  readonly replicates?: number
  readonly oracle?: { name: string; seed?: number }
  readonly params: Record<string, readonly (number | string)[] | { readonly range: readonly [number, number] }>
  readonly runs: readonly SeedRun[]
}

/** Makes the study and its runs through the page's console API; resolves to the runs' seqs in order. */
export async function seedStudy(page: Page, spec: SeedStudy): Promise<number[]> {
  await page.waitForFunction(() => globalThis.diviner !== undefined)
  return page.evaluate(async (s) => {
    const d = globalThis.diviner
    if (!d) throw new Error('globalThis.diviner is not set')
    const value = (v: number | string) => (typeof v === 'number' ? d.float(v) : d.str(v))
    const params = Object.fromEntries(Object.entries(s.params).map(([k, p]) => [k, Array.isArray(p) ? d.discrete(...p.map(value)) : d.range((p as { range: [number, number] }).range[0], (p as { range: [number, number] }).range[1])]))
    const metric = s.objective.slice(1)
    await d.db.createStudyIfNotExist({
      name: s.name, description: s.description ?? '', replicates: s.replicates ?? 0, params,
      objective: s.objective.startsWith('-') ? d.minimize(metric) : d.maximize(metric),
      ...(s.oracle ? { oracle: s.oracle } : {}),
    })
    const seqs: number[] = []
    for (const r of s.runs) {
      const values = Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, value(v)]))
      const run = await d.db.insertRun({ study: s.name, values, replicate: r.replicate ?? 0, config: { script: r.script ?? 'python train.py' } })
      seqs.push(run.seq)
      for (const m of r.metrics ?? []) await d.db.appendRunMetrics(s.name, run.seq, m)
      if (r.log?.length) {
        const w = d.db.logger(s.name, run.seq).getWriter()
        for (const t of r.log) await w.write(t)
        await w.close()
      }
      const state = r.state ?? 'success'
      if (state !== 'pending' || r.status) {
        const flag = state === 'pending' ? d.RunState.Pending : state === 'success' ? d.RunState.Success : d.RunState.Failure
        await d.db.updateRun(s.name, run.seq, flag, r.status ?? '', r.runtimeMs ?? 0, 0)
      }
    }
    return seqs
  }, spec)
}

/** One trial row of the leaderboard, cell by cell, as displayed. */
export type BoardRow = readonly string[]

export class StudyScreen {
  readonly page: Page
  readonly baseUrl: string
  readonly heading: Locator
  readonly error: Locator
  readonly runsTable: Locator
  readonly search: Locator
  readonly runCount: Locator
  readonly exportSelected: Locator
  readonly board: Locator
  readonly boardNotes: Locator

  constructor(page: Page, baseUrl: string) {
    this.page = page
    this.baseUrl = baseUrl
    this.heading = page.getByRole('heading', { level: 2 })
    this.error = page.getByRole('alert')
    this.runsTable = page.getByRole('table', { name: 'Runs' })
    this.search = page.getByRole('searchbox', { name: 'Search' })
    this.runCount = page.getByText(/^[\d,]+ of [\d,]+ runs$/)
    this.exportSelected = page.getByRole('button', { name: 'Export selected' })
    this.board = page.getByRole('table', { name: 'Leaderboard' })
    this.boardNotes = page.getByRole('list', { name: 'Leaderboard notes' })
  }

  /** Opens the study's screen by its address (with a query, as a shared link would). */
  async open(study: string, query: Record<string, string> = {}): Promise<void> {
    const qs = new URLSearchParams(query).toString()
    await this.page.goto(`${this.baseUrl}#/study/${encodeURIComponent(study)}${qs ? `?${qs}` : ''}`)
    await this.loaded()
  }

  /** Reloads, as F5 would, and waits for the screen. */
  async reload(): Promise<void> {
    await this.page.reload()
    await this.loaded()
  }

  async loaded(): Promise<void> {
    await this.page.getByRole('tablist', { name: 'Study views' }).or(this.error).waitFor()
  }

  /** The address's query, as the screen keeps it. */
  query(): URLSearchParams {
    const hash = new URL(this.page.url()).hash
    return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '')
  }

  tab(name: 'Runs' | 'Leaderboard' | 'Plan' | 'Analysis'): Locator {
    return this.page.getByRole('tab', { name, exact: true })
  }

  // ---- pictures (leaderboard and analysis tabs) ----

  /** The picture `name` (objective-history, learning-curves, parallel-coordinates, slices, importance, replicate-spread). */
  picture(name: string): Locator {
    return this.page.locator(`figure[data-picture="${name}"]`)
  }

  /** Waits until picture `name` has drawn its data. */
  async pictureReady(name: string): Promise<void> {
    await this.page.locator(`figure[data-picture="${name}"][data-ready="true"]`).waitFor()
  }

  /** How many of the picture's canvases have at least one painted pixel, and how many it has. */
  async paintedCanvases(name: string): Promise<{ painted: number; canvases: number }> {
    return this.picture(name).locator('canvas').evaluateAll((canvases) => {
      const painted = (canvases as HTMLCanvasElement[]).filter((c) => {
        const ctx = c.getContext('2d')
        if (!ctx || c.width === 0 || c.height === 0) return false
        const data = ctx.getImageData(0, 0, c.width, c.height).data
        for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true
        return false
      }).length
      return { painted, canvases: canvases.length }
    })
  }

  // ---- runs ----

  stateFilter(name: 'pending' | 'success' | 'failure' | 'pruned'): Locator {
    return this.page.getByRole('checkbox', { name, exact: true })
  }

  /** Waits until the runs table has loaded and shows `n` runs. */
  async waitForCount(shown: number, total?: number): Promise<void> {
    const n = (x: number) => x.toLocaleString('en')
    const text = total === undefined ? new RegExp(`^${n(shown)} of [\\d,]+ runs$`) : `${n(shown)} of ${n(total)} runs`
    try {
      await this.page.getByText(text, { exact: true }).waitFor()
    } catch (e) {
      // Say what the screen showed instead, so that a failure explains itself.
      const shown = await this.page.locator('main').innerText({ timeout: 1000 }).catch(() => '(no main element)')
      throw new Error(`the runs table never showed ${String(text)}; the screen showed:\n${shown.slice(0, 2000)}`, { cause: e })
    }
  }

  /** Clicks a column header to sort by it (again to reverse). */
  async sortBy(column: string): Promise<void> {
    await this.runsTable.getByRole('columnheader', { name: column, exact: true }).getByRole('button').click()
  }

  /** The ids (`study:seq`) of the run rows now in the DOM, top to bottom. */
  async runIds(): Promise<string[]> {
    // The worker sorts and filters: wait until the rows shown are those of the current query.
    await this.page.locator('[role=table][aria-label=Runs]:not([aria-busy=true])').waitFor()
    return this.runsTable.locator('[role=rowgroup] + [role=rowgroup] [role=row]').evaluateAll((rows) =>
      rows.map((r) => ({ i: Number(r.getAttribute('aria-rowindex')), id: r.querySelector('a')?.textContent?.trim() ?? '' }))
        .sort((a, b) => a.i - b.i).map((r) => r.id))
  }

  /**
   * The run rows in the DOM as placed: the positions they hold (`aria-rowindex`
   * − 2) in order, those whose slot does not sit at its row's offset, and the
   * positions the viewport shows, from the scroll position (rows of 30 px).
   */
  async rowPlacement(): Promise<{ positions: number[]; misplaced: string[]; inView: [number, number] }> {
    await this.page.locator('[role=table][aria-label=Runs]:not([aria-busy=true])').waitFor()
    return this.runsTable.evaluate((table) => {
      const rows = [...table.querySelectorAll('[role=rowgroup] + [role=rowgroup] [role=row]')] as HTMLElement[]
      const body = rows[0]?.parentElement?.parentElement
      const bodyTop = body?.getBoundingClientRect().top ?? 0
      const placed = rows.map((r) => ({ i: Number(r.getAttribute('aria-rowindex')) - 2, top: (r.parentElement as HTMLElement).getBoundingClientRect().top - bodyTop }))
      const head = (table.querySelector('[role=rowgroup]') as HTMLElement).offsetHeight
      return {
        positions: placed.map((p) => p.i).sort((a, b) => a - b),
        misplaced: placed.filter((p) => Math.abs(p.top - p.i * 30) > 0.5).map((p) => `${p.i} at ${p.top}px`),
        inView: [Math.floor(table.scrollTop / 30), Math.ceil((table.scrollTop + table.clientHeight - head) / 30) - 1],
      }
    })
  }

  /** How many run rows are in the DOM. */
  domRows(): Promise<number> {
    return this.runsTable.locator('[role=rowgroup] + [role=rowgroup] [role=row]').count()
  }

  /** The text of the run row `id`, cell by cell. */
  async runRow(id: string): Promise<string[]> {
    const row = this.runsTable.getByRole('row').filter({ has: this.page.getByRole('link', { name: id, exact: true }) })
    return row.getByRole('cell').evaluateAll((cells) => cells.map((c) => c.textContent?.trim() ?? ''))
  }

  /** The tooltip a cell of run `id` shows on hover (the exact text of a shortened value), by column index. */
  async cellTooltip(id: string, column: number): Promise<string> {
    const row = this.runsTable.getByRole('row').filter({ has: this.page.getByRole('link', { name: id, exact: true }) })
    const cell = row.getByRole('cell').nth(column)
    await cell.hover()
    return (await cell.getAttribute('title')) ?? ''
  }

  /** The study's facts under its name: label → text (Objective, Replicates, Oracle, Created). */
  async studyFacts(): Promise<Record<string, string>> {
    return this.page.locator('header dl').evaluate((dl) => Object.fromEntries([...dl.children].map((d) =>
      [d.querySelector('dt')?.textContent?.trim() ?? '', d.querySelector('dd')?.textContent?.trim() ?? ''])))
  }

  /** The study's params as its header lists them: name → text. */
  async studyParams(): Promise<Record<string, string>> {
    return this.page.getByRole('table', { name: 'Params' }).locator('tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) =>
      [tr.querySelector('th')?.textContent?.trim() ?? '', tr.querySelector('td')?.textContent?.trim() ?? ''])))
  }

  /** The options of the learning curves' metric menu. */
  curveMetrics(): Promise<string[]> {
    return this.picture('learning-curves').getByLabel('Metric').locator('option').allInnerTexts()
  }

  /** The column header names of the runs table. */
  async runColumns(): Promise<string[]> {
    return this.runsTable.getByRole('columnheader').evaluateAll((hs) => hs.map((h) => h.textContent?.replace(/[▲▼]/g, '').trim() ?? ''))
  }

  select(id: string): Promise<void> {
    return this.runsTable.getByRole('checkbox', { name: `Select ${id}`, exact: true }).check()
  }

  /** Clicks "Export selected" and resolves to the download it starts. */
  async exportSelectedRuns(): Promise<Download> {
    const download = this.page.waitForEvent('download')
    await this.exportSelected.click()
    return download
  }

  // ---- leaderboard ----

  /** Sets a leaderboard option by its label (Objective, Top N, Values, Metrics). */
  async boardOption(label: 'Objective' | 'Top N' | 'Values' | 'Metrics', text: string): Promise<void> {
    await this.page.getByLabel(label, { exact: true }).fill(text)
  }

  boardFlag(label: 'Expand replicates' | 'Show constant columns' | 'Include running trials'): Locator {
    return this.page.getByRole('checkbox', { name: label, exact: true })
  }

  /** The leaderboard's header cells. */
  async boardHeader(): Promise<string[]> {
    return this.board.locator('thead th').evaluateAll((ths) => ths.map((t) => t.textContent?.trim() ?? ''))
  }

  /** The leaderboard's rows (trials, and replicate sub-rows when expanded), cell by cell; a metric cell reads `avg min–max`. */
  async boardRows(): Promise<BoardRow[]> {
    return this.board.locator('tbody tr').evaluateAll((trs) => trs.map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.innerText.replace(/\s+/g, ' ').trim())))
  }

  async notes(): Promise<string[]> {
    return this.boardNotes.getByRole('listitem').allInnerTexts()
  }

  // ---- plan ----

  /** The plan's summary line ("4 combinations × 2 replicates = 8 runs: 2 done …"), white space collapsed. */
  async planSummary(): Promise<string> {
    const text = await this.page.getByRole('status').filter({ hasText: /combinations|not finite/ }).innerText()
    return text.replace(/\s+/g, ' ').trim()
  }

  /** The grid plan's rows, cell by cell. */
  async planRows(): Promise<string[][]> {
    return this.page.getByRole('table', { name: 'Grid plan' }).locator('[role=rowgroup] + [role=rowgroup] [role=row]').evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('[role=cell]')].map((c) => c.textContent?.trim() ?? '')))
  }

  async proposals(): Promise<string[]> {
    const items = await this.page.getByRole('list', { name: 'Proposals' }).getByRole('listitem').allInnerTexts()
    return items.map((t) => t.replace(/\s+/g, ' ').trim())
  }

  /** Saves a picture of the whole page. */
  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true })
  }
}
