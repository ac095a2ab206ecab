/**
 * The studies list, as a person sees it.
 */
import type { Locator, Page } from 'playwright-core'

/** One row of the list, as displayed. */
export interface StudyRow {
  readonly name: string
  readonly description: string
  readonly objective: string
  readonly replicates: string
  readonly activity: string
}

export class StudiesPage {
  readonly page: Page
  readonly baseUrl: string
  readonly table: Locator
  readonly emptyMessage: Locator
  readonly error: Locator

  constructor(page: Page, baseUrl: string) {
    this.page = page
    this.baseUrl = baseUrl
    this.table = page.getByRole('table', { name: 'Studies' })
    this.emptyMessage = page.getByText('No studies yet')
    this.error = page.getByRole('alert')
  }

  /** Opens the page and waits until the list has loaded (or failed). */
  async open(): Promise<void> {
    await this.page.goto(this.baseUrl)
    await this.loaded()
  }

  /** Reloads the page, as a person pressing F5 would, and waits for the list. */
  async reload(): Promise<void> {
    await this.page.reload()
    await this.loaded()
  }

  /** Waits until the page shows the studies, the empty state or an error. */
  async loaded(): Promise<void> {
    await this.table.or(this.emptyMessage).or(this.error).waitFor()
  }

  /** The rows of the list, top to bottom. */
  async rows(): Promise<StudyRow[]> {
    return this.table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')
      return { name: cells[0] ?? '', description: cells[1] ?? '', objective: cells[2] ?? '', replicates: cells[3] ?? '', activity: cells[4] ?? '' }
    }))
  }

  /** Saves a picture of the page. */
  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true })
  }
}
