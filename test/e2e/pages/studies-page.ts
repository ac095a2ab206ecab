/**
 * The studies list, as a person sees it: filters, rows with run counts, the
 * empty state with its example, and the way to a new study.
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

/** A row's run counts and best value, as displayed. */
export interface StudyCounts {
  readonly runs: number
  readonly pending: number
  readonly success: number
  readonly failure: number
  /** Pruned runs (0 when the row shows none). */
  readonly pruned: number
  /** The best objective value as shown (`0.9912`, or `—`). */
  readonly best: string
}

/** The activity choices, by their labels. */
export type ActivityLabel = 'any time' | 'last hour' | 'last day' | 'last week'

export class StudiesPage {
  readonly page: Page
  readonly baseUrl: string
  readonly table: Locator
  readonly emptyMessage: Locator
  readonly noMatch: Locator
  /** The error banner. */
  readonly error: Locator
  readonly nameFilter: Locator
  readonly regexToggle: Locator
  readonly activity: Locator
  readonly nameFilterError: Locator
  readonly loadExampleButton: Locator

  constructor(page: Page, baseUrl: string) {
    this.page = page
    this.baseUrl = baseUrl
    this.table = page.getByRole('table', { name: 'Studies' })
    this.emptyMessage = page.getByText('No studies yet')
    this.noMatch = page.getByText('No studies match these filters')
    this.error = page.getByRole('alert')
    this.nameFilter = page.getByRole('searchbox', { name: 'Filter by name' })
    this.regexToggle = page.getByRole('checkbox', { name: 'Regular expression' })
    this.activity = page.getByRole('combobox', { name: 'Activity' })
    this.nameFilterError = page.getByText('Not a valid regular expression')
    this.loadExampleButton = page.getByRole('button', { name: 'Load example study' })
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

  /** Waits until the page shows the studies, the empty state, no match, or an error. */
  async loaded(): Promise<void> {
    await this.table.or(this.emptyMessage).or(this.noMatch).or(this.error).first().waitFor()
  }

  /** The rows of the list, top to bottom. */
  async rows(): Promise<StudyRow[]> {
    return this.table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => {
      const cells = [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim() ?? '')
      return { name: cells[0] ?? '', description: cells[1] ?? '', objective: cells[2] ?? '', replicates: cells[3] ?? '', activity: cells[6] ?? '' }
    }))
  }

  /** The names listed, top to bottom. */
  async names(): Promise<string[]> {
    return (await this.rows()).map((r) => r.name)
  }

  /** The row of study `name`. */
  row(name: string): Locator {
    return this.table.locator('tbody tr').filter({ has: this.page.getByRole('rowheader', { name, exact: true }) })
  }

  /** The run counts and best value shown for `name`. */
  async counts(name: string): Promise<StudyCounts> {
    const row = this.row(name)
    const count = async (what: string) => Number((await row.locator(`[data-count="${what}"]`).innerText()).replace(/[^\d]/g, ''))
    return {
      runs: await count('runs'),
      pending: await count('pending'),
      success: await count('success'),
      failure: await count('failure'),
      pruned: await row.locator('[data-count="pruned"]').count() ? await count('pruned') : 0,
      best: (await row.locator('td').nth(4).innerText()).trim(),
    }
  }

  /** Types into the name filter (replacing what is there). */
  async filterByName(text: string): Promise<void> {
    await this.nameFilter.fill(text)
  }

  async setRegex(on: boolean): Promise<void> {
    await this.regexToggle.setChecked(on)
  }

  async setActivity(label: ActivityLabel): Promise<void> {
    await this.activity.selectOption({ label })
  }

  /** Loads the example study from the empty state and waits for the import summary. */
  async loadExample(): Promise<void> {
    await this.loadExampleButton.click()
    await this.page.getByRole('region', { name: 'Import summary' }).waitFor()
    // The list refreshes after the import; wait until it shows the study.
    await this.table.locator('tbody tr').first().waitFor()
  }

  /** Closes the import summary, if one is shown. */
  async closeSummaryIfShown(): Promise<void> {
    const summary = this.page.getByRole('region', { name: 'Import summary' })
    if (await summary.isVisible()) await summary.getByRole('button', { name: 'Close' }).click()
  }

  /** Follows the "New study" action. */
  async newStudy(): Promise<void> {
    await this.page.getByRole('link', { name: 'New study' }).click()
  }

  /** Follows a study's link. */
  async openStudy(name: string): Promise<void> {
    await this.table.getByRole('link', { name, exact: true }).click()
  }

  /** Saves a picture of the page. */
  async screenshot(path: string): Promise<void> {
    await this.page.screenshot({ path, fullPage: true })
  }
}
