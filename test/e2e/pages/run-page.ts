/**
 * One run's screen (#/run/<study>/<seq>), as a person sees it: what `diviner
 * info -v` says, the metric chart and table with their downloads, the script,
 * and the log.
 */
import { readFile } from 'node:fs/promises'
import type { Locator, Page } from 'playwright-core'

export class RunScreen {
  readonly page: Page
  readonly baseUrl: string
  readonly heading: Locator
  readonly error: Locator
  readonly values: Locator
  readonly chart: Locator
  readonly metricsTable: Locator
  readonly script: Locator
  readonly log: Locator
  readonly logStatus: Locator
  readonly follow: Locator
  readonly since: Locator

  constructor(page: Page, baseUrl: string) {
    this.page = page
    this.baseUrl = baseUrl
    this.heading = page.getByRole('heading', { level: 2 })
    this.error = page.getByRole('alert')
    this.values = page.getByRole('table', { name: 'Values' })
    this.chart = page.getByRole('figure', { name: 'Metric history chart' })
    this.metricsTable = page.getByRole('table', { name: 'Metrics' })
    this.script = page.getByLabel('Script text', { exact: true })
    this.log = page.getByLabel('Log text', { exact: true })
    this.logStatus = page.getByRole('status').filter({ hasText: /Following|Reading|End of log|The log is empty/ })
    this.follow = page.getByRole('checkbox', { name: 'Follow', exact: true })
    this.since = page.getByLabel('Since', { exact: true })
  }

  /** Opens the run's screen by its address. */
  async open(study: string, seq: number, query: Record<string, string> = {}): Promise<void> {
    const qs = new URLSearchParams(query).toString()
    await this.page.goto(`${this.baseUrl}#/run/${encodeURIComponent(study)}/${seq}${qs ? `?${qs}` : ''}`)
    await this.loaded()
  }

  async reload(): Promise<void> {
    await this.page.reload()
    await this.loaded()
  }

  async loaded(): Promise<void> {
    await this.page.getByRole('heading', { name: /^Run / }).or(this.error).waitFor()
  }

  query(): URLSearchParams {
    const hash = new URL(this.page.url()).hash
    return new URLSearchParams(hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '')
  }

  /** The run's facts: label → text (State, Status, Created, Updated, Runtime, Restarts, Replicate, Origin). */
  async facts(): Promise<Record<string, string>> {
    return this.page.getByRole('definition').first().locator('xpath=ancestor::dl').evaluate((dl) => {
      const out: Record<string, string> = {}
      for (const div of dl.children) {
        const dt = div.querySelector('dt')?.textContent?.trim()
        if (dt) out[dt] = div.querySelector('dd')?.textContent?.trim() ?? ''
      }
      return out
    })
  }

  /** The run's values: name → value as shown. */
  async valueTable(): Promise<Record<string, string>> {
    return this.values.locator('tbody tr').evaluateAll((trs) => Object.fromEntries(trs.map((tr) =>
      [tr.querySelector('th')?.textContent?.trim() ?? '', tr.querySelector('td')?.textContent?.trim() ?? ''])))
  }

  /** Metric names with a checkbox in the chart's chooser, and whether each is charted. */
  chartChoice(metric: string): Locator {
    return this.page.getByRole('group', { name: 'Chart' }).getByRole('checkbox', { name: metric, exact: true })
  }

  /** The series the chart's legend names (the x series first). */
  async chartSeries(): Promise<string[]> {
    return this.chart.locator('.u-legend .u-series .u-label').allInnerTexts()
  }

  /** How many pixels of the chart's canvas are drawn (not transparent). */
  async drawnPixels(): Promise<number> {
    return this.chart.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const ctx = c.getContext('2d')
      if (!ctx) return 0
      const data = ctx.getImageData(0, 0, c.width, c.height).data
      let n = 0
      for (let i = 3; i < data.length; i += 4) if ((data[i] as number) > 0) n++
      return n
    })
  }

  /** The metrics table's rows now in the DOM, cell by cell, top to bottom. */
  async metricRows(): Promise<string[][]> {
    return this.metricsTable.locator('[role=rowgroup] + [role=rowgroup] [role=row]').evaluateAll((rows) => rows
      .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
      .map((r) => [...r.querySelectorAll('[role=cell]')].map((c) => c.textContent?.trim() ?? '')))
  }

  async metricColumns(): Promise<string[]> {
    return this.metricsTable.getByRole('columnheader').allInnerTexts()
  }

  /** Clicks a download button ("Download TSV", "Download CSV") and resolves to the file's name and text. */
  async download(name: 'Download TSV' | 'Download CSV'): Promise<{ filename: string; text: string }> {
    const download = this.page.waitForEvent('download')
    await this.page.getByRole('button', { name, exact: true }).click()
    const file = await download
    return { filename: file.suggestedFilename(), text: await readFile(await file.path(), 'utf8') }
  }

  /** The log text shown. */
  logText(): Promise<string> {
    return this.log.evaluate((pre) => pre.textContent ?? '')
  }

  /** True when the log view is scrolled to its end. */
  logAtBottom(): Promise<boolean> {
    return this.log.evaluate((pre) => pre.scrollHeight - pre.scrollTop - pre.clientHeight < 4)
  }

  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true })
  }
}
