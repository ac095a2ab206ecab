/**
 * The Sync panel (`#/sync`), driven as a person fills it in.
 */
import type { Page } from 'playwright-core'

/** A remote as typed into the form. */
export interface RemoteForm {
  readonly endpoint: string
  readonly bucket: string
  readonly prefix: string
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly pathStyle: boolean
  readonly auto?: boolean
  readonly everySeconds?: number
}

export class SyncScreen {
  constructor(readonly page: Page, private readonly baseUrl: string) {}

  /** Opens the panel. */
  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}#/sync`)
    await this.page.getByRole('heading', { name: 'Sync', exact: true }).waitFor()
  }

  /** Fills the form and saves it; waits for the reload that lets the page reach the remote, when there is one. */
  async save(r: RemoteForm): Promise<string> {
    const p = this.page
    await p.getByLabel('Endpoint URL').fill(r.endpoint)
    await p.getByLabel('Bucket').fill(r.bucket)
    await p.getByLabel('Prefix').fill(r.prefix)
    await p.getByLabel(r.pathStyle ? 'Path-style (MinIO, most local servers)' : 'Virtual-hosted (AWS)').check()
    await p.getByLabel('Access key id').fill(r.accessKeyId)
    await p.getByLabel('Secret access key').fill(r.secretAccessKey)
    const auto = p.getByLabel('Sync automatically: after changes, and every')
    if (r.auto) await auto.check()
    else await auto.uncheck()
    if (r.everySeconds !== undefined) await p.getByLabel('Seconds between syncs').fill(String(r.everySeconds))
    const reload = p.waitForEvent('load', { timeout: 5000 }).then(() => true, () => false)
    await p.getByRole('button', { name: 'Save' }).click()
    const note = await this.note()
    if (await reload) await p.getByRole('heading', { name: 'Sync', exact: true }).waitFor()
    return note
  }

  /** The note the last action left. */
  async note(): Promise<string> {
    const n = this.page.locator('p.note')
    await n.waitFor()
    return (await n.textContent()) ?? ''
  }

  /** Clicks "Sync now" and resolves to the note saying how it went. */
  async syncNow(): Promise<string> {
    const actions = () => this.page.evaluate(() => Number(document.querySelector('p.note')?.getAttribute('data-actions') ?? 0))
    const before = await actions()
    await this.page.getByRole('button', { name: 'Sync now' }).click()
    await this.page.waitForFunction((b) => Number(document.querySelector('p.note')?.getAttribute('data-actions') ?? 0) > b, before, { timeout: 30_000 })
    return this.note()
  }

  /** The status list, term → description. */
  async status(): Promise<Record<string, string>> {
    return this.page.locator('section[aria-label="Sync status"] dl').evaluate((dl) => {
      const out: Record<string, string> = {}
      const terms = [...dl.querySelectorAll('dt')]
      for (const dt of terms) out[dt.textContent ?? ''] = (dt.nextElementSibling?.textContent ?? '').trim()
      return out
    })
  }
}
