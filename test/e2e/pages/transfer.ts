/**
 * Import and export, as a person does them: the "Import dump" file input,
 * dropping a file on the page, the "Export" action, and the panels showing
 * progress and the import summary.
 */
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Locator, Page } from 'playwright-core'

/** An import summary as displayed. */
export interface ShownSummary {
  readonly studies: { added: number; updated: number; unchanged: number; conflicts: number }
  readonly runs: { added: number; updated: number; unchanged: number; rejected: number }
  /** The listed conflicts and rejected runs, one line each. */
  readonly reasons: string[]
}

/** A file the page offered as a download. */
export interface Downloaded {
  readonly filename: string
  readonly path: string
}

export class Transfer {
  readonly page: Page
  readonly importInput: Locator
  readonly importProgress: Locator
  readonly summary: Locator
  readonly exportButton: Locator
  readonly exportStatus: Locator
  readonly dropOverlay: Locator

  constructor(page: Page) {
    this.page = page
    this.importInput = page.getByLabel('Import dump', { exact: true })
    this.importProgress = page.getByRole('progressbar', { name: 'Import progress' })
    this.summary = page.getByRole('region', { name: 'Import summary' })
    this.exportButton = page.getByRole('button', { name: 'Export', exact: true })
    this.exportStatus = page.getByRole('region', { name: 'Export' })
    this.dropOverlay = page.getByText('Drop to import')
  }

  /** Chooses `path` in the "Import dump" file input and waits for the summary. */
  async importFile(path: string): Promise<ShownSummary> {
    await this.importInput.setInputFiles(path)
    await this.summary.waitFor()
    return this.shownSummary()
  }

  /**
   * Drags `path` over the page (the overlay shows; `screenshot` saves a
   * picture of it), drops it, and waits for the summary.
   */
  async dropFile(path: string, screenshot?: string): Promise<{ overlayShown: boolean; summary: ShownSummary }> {
    const bytes = (await readFile(path)).toString('base64')
    const transfer = await this.page.evaluateHandle(({ bytes, name }) => {
      const data = Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))
      const dt = new DataTransfer()
      dt.items.add(new File([data], name, { type: 'application/gzip' }))
      return dt
    }, { bytes, name: basename(path) })
    await this.page.dispatchEvent('main', 'dragenter', { dataTransfer: transfer })
    await this.page.dispatchEvent('main', 'dragover', { dataTransfer: transfer })
    const overlayShown = await this.dropOverlay.isVisible()
    if (screenshot) await this.page.screenshot({ path: screenshot })
    await this.page.dispatchEvent('main', 'drop', { dataTransfer: transfer })
    await this.summary.waitFor()
    return { overlayShown, summary: await this.shownSummary() }
  }

  /** Waits until the import progress bar has moved or the import is over; true when it was seen moving. */
  async progressMoved(): Promise<boolean> {
    const seen = await this.page.waitForFunction(() => {
      const bar = document.querySelector<HTMLProgressElement>('progress[aria-label="Import progress"]')
      if (bar === null) return 'over'
      // position: the share done, or -1 once the whole file is read and records are being applied.
      return bar.position !== 0 ? 'moving' : false
    })
    return (await seen.jsonValue()) === 'moving'
  }

  /** The summary panel's numbers and reasons. */
  async shownSummary(): Promise<ShownSummary> {
    const cell = async (kind: string, what: string) =>
      Number((await this.summary.locator(`tr[data-kind="${kind}"] [data-count="${what}"]`).innerText()).replace(/[^\d]/g, ''))
    return {
      studies: { added: await cell('studies', 'added'), updated: await cell('studies', 'updated'), unchanged: await cell('studies', 'unchanged'), conflicts: await cell('studies', 'conflicts') },
      runs: { added: await cell('runs', 'added'), updated: await cell('runs', 'updated'), unchanged: await cell('runs', 'unchanged'), rejected: await cell('runs', 'rejected') },
      reasons: (await this.summary.locator('li').allInnerTexts()).map((t) => t.trim()),
    }
  }

  async closeSummary(): Promise<void> {
    await this.summary.getByRole('button', { name: 'Close' }).click()
  }

  /** Opens the Export choices. */
  async openExport(): Promise<Locator> {
    await this.exportButton.click()
    const choices = this.page.getByRole('group', { name: 'What to export' })
    await choices.waitFor()
    return choices
  }

  /** Exports via the choice named `choice` and saves the download under `dir`. */
  async export(choice: 'Everything' | 'Changes since last time', dir: string): Promise<Downloaded> {
    const choices = await this.openExport()
    const download = this.page.waitForEvent('download')
    await choices.getByRole('button', { name: choice, exact: true }).click()
    return this.save(await download, dir)
  }

  /** Exports one study from its row in the studies list. */
  async exportStudy(name: string, dir: string): Promise<Downloaded> {
    const download = this.page.waitForEvent('download')
    await this.page.getByRole('button', { name: `Download study ${name} as a dump` }).click()
    return this.save(await download, dir)
  }

  private async save(download: import('playwright-core').Download, dir: string): Promise<Downloaded> {
    const filename = download.suggestedFilename()
    const path = `${dir}/${filename}`
    await download.saveAs(path)
    return { filename, path }
  }
}
