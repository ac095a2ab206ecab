/**
 * Data that stays: the page asks the browser to keep its data (persistent
 * storage) at the first import, shows how much is stored, the quota and
 * whether it is kept, and, when it is not kept and nothing was exported for a
 * week, says so plainly with a one-click export that ends the warning.
 * The browser's answer is stubbed (headless Chromium decides by engagement).
 */
import { describe, expect, test } from 'vitest'
import { openApp } from './fixture.js'
import { EXAMPLE_FILE } from './pages/example.js'

/** Stubs `navigator.storage.persisted/persist` on every page: granted or not, counting the asks. */
function stubPersist(grant: boolean) {
  return `(() => {
    const s = navigator.storage
    let kept = false
    window.__persistAsks = 0
    s.persisted = async () => kept
    s.persist = async () => { window.__persistAsks++; kept = ${grant}; return kept }
  })()`
}

describe('data that stays', () => {
  test('the first import asks the browser to keep the data, and the studies list says how much is stored and that it is kept', async () => {
    const app = await openApp()
    try {
      await app.context.addInitScript(stubPersist(true))
      await app.studies.open()
      await app.transfer.importFile(EXAMPLE_FILE)
      await expect.poll(() => app.page.evaluate(() => (window as unknown as { __persistAsks: number }).__persistAsks)).toBe(1)
      await app.transfer.closeSummary()
      const line = app.page.locator('[data-storage]')
      await expect.poll(() => line.innerText()).toMatch(/^Stored in this browser: [\d.]+ (B|KB|MB) of [\d.]+ (MB|GB) allowed; kept by the browser \(persistent storage\)\.$/)
      expect(await app.page.getByRole('alert', { name: 'Data at risk' }).count()).toBe(0)
      await app.page.screenshot({ path: 'test-results/storage-kept.png' })
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })

  test('not kept and no export for a week: the page says so, and one click exports and ends the warning', async () => {
    const app = await openApp()
    try {
      await app.context.addInitScript(stubPersist(false))
      await app.studies.open()
      await app.transfer.importFile(EXAMPLE_FILE)
      await app.transfer.closeSummary()
      // The first data came eight days ago.
      await app.page.evaluate(() => localStorage.setItem('diviner-since:diviner', String(Date.now() - 8 * 24 * 3600 * 1000)))
      await app.studies.reload()
      const alert = app.page.getByRole('alert', { name: 'Data at risk' })
      await expect.poll(() => alert.innerText()).toMatch(/Your studies are kept only in this browser, and it may delete them\.[\s\S]*no copy was exported or synced for 8 days/)
      expect(await app.page.locator('[data-storage]').innerText()).toMatch(/not kept for sure/)
      await app.page.screenshot({ path: 'test-results/storage-at-risk.png' })
      const download = app.page.waitForEvent('download')
      await alert.getByRole('button', { name: 'Export everything now' }).click()
      expect((await download).suggestedFilename()).toMatch(/\.diviner\.gz$/)
      await expect.poll(() => alert.count()).toBe(0)
      expect(app.problems).toEqual([])
    } finally {
      await app.close()
    }
  })
})
