/**
 * Two tabs of the page on one profile: what one tab writes (a study made with
 * the form, an imported dump, a run from the console), the other shows within
 * a second, without a reload.
 */
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'
import { DivinerConsole } from './pages/console-api.js'
import { EXAMPLE_FILE, exampleStudies } from './pages/example.js'
import { NewStudyPage } from './pages/new-study-page.js'
import { StudiesPage } from './pages/studies-page.js'
import { Transfer } from './pages/transfer.js'

/** How soon another tab must show a change. */
const WITHIN_MS = 1000
const app = useApp()
let first: Page
let second: Page

beforeAll(async () => {
  first = app.page
  second = await app.openTab()
})

describe('two tabs', () => {
  test('a study created in one tab appears in the other', async () => {
    const list = new StudiesPage(second, app.baseUrl)
    await new StudiesPage(first, app.baseUrl).open()
    await list.open()
    expect(await list.emptyMessage.isVisible()).toBe(true)

    await first.goto(`${app.baseUrl}#/new`)
    const form = new NewStudyPage(first)
    await form.loaded()
    await form.fill({ name: 'live', metric: 'loss', direction: 'minimize', params: [{ name: 'lr', range: 'float', start: '0.001', end: '0.1' }] })
    expect(await form.create()).toContain('Created study live.')
    await list.row('live').waitFor({ timeout: WITHIN_MS })
  })

  test('a dump imported in one tab appears in the other, with its counts', async () => {
    const list = new StudiesPage(second, app.baseUrl)
    const [mnist] = (await exampleStudies()).filter((s) => s.name === 'mnist')
    await first.goto(app.baseUrl)
    await new Transfer(first).importFile(EXAMPLE_FILE)
    await list.row('mnist').waitFor({ timeout: WITHIN_MS })
    await expect.poll(() => list.counts('mnist'), { timeout: WITHIN_MS }).toMatchObject({ runs: mnist?.runs, success: mnist?.success, failure: mnist?.failure })
  })

  test('a run started from the other tab shows as pending in the first', async () => {
    const list = new StudiesPage(first, app.baseUrl)
    await list.closeSummaryIfShown()
    const diviner = new DivinerConsole(second)
    await diviner.ready()
    const seq = await diviner.insertRun('live', { lr: 0.01 })
    await expect.poll(() => list.counts('live'), { timeout: WITHIN_MS }).toMatchObject({ runs: 1, pending: 1 })
    await diviner.appendMetrics('live', seq, [{ loss: 0.5 }, { loss: 0.25 }])
    await diviner.finishRun('live', seq, 2, 'done')
    await expect.poll(() => list.counts('live'), { timeout: WITHIN_MS }).toEqual({ runs: 1, pending: 0, success: 1, failure: 0, pruned: 0, best: '0.25' })
    await first.screenshot({ path: 'test-results/page-live-first.png', fullPage: true })
    await second.screenshot({ path: 'test-results/page-live-second.png', fullPage: true })
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(app.problems).toEqual([])
  })
})
