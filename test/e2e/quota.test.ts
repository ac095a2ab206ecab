/**
 * A full disk, in real Chromium: the profile's storage quota for the page's
 * origin is cut down (DevTools protocol, Storage.overrideQuotaForOrigin) to a
 * little more than what it holds, then a person imports a dump far larger than
 * that. The import fails with a clear message in the error banner (code
 * `quota`), and everything the database held before is still there.
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { DivinerConsole } from './pages/console-api.js'
import { bigDump, DbState } from './pages/db-state.js'
import { StudiesPage } from './pages/studies-page.js'
import { Transfer } from './pages/transfer.js'

const baseUrl = inject('baseUrl')
const ORIGIN = 'f0110000-0000-4000-8000-0000000d15c0'
let profileDir: string
let browser: Browser

beforeAll(async () => {
  profileDir = await newProfile()
  browser = await launch(profileDir)
})

afterAll(async () => {
  await browser?.close()
  await removeProfile(profileDir)
})

test('an import that runs out of storage quota fails clearly and keeps the earlier data', async () => {
  const studies = new StudiesPage(browser.page, baseUrl)
  await studies.open()
  const diviner = new DivinerConsole(browser.page)
  const state = new DbState(browser.page)
  await diviner.ready()
  await diviner.createStudy({ name: 'kept', description: 'made before the disk filled up', metric: 'loss', direction: 'minimize', replicates: 0, params: ['lr'] })
  for (let i = 0; i < 3; i++) {
    const seq = await diviner.insertRun('kept', { lr: i / 10 })
    await diviner.appendMetrics('kept', seq, [{ loss: 1 - i / 10 }])
  }
  // Some of the big dump's runs, in older versions: the failed import must restore them as they were.
  await state.importAll(bigDump({ origin: ORIGIN, study: 'big', runs: 50, metrics: 1, logChars: 10 }))
  const before = await state.snapshot()

  const origin = new URL(baseUrl).origin
  const cdp = await browser.context.newCDPSession(browser.page)
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin })
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: usage + 2 * 1024 * 1024 })
  // (navigator.storage.estimate() reports a made-up quota, for privacy; the protocol tells the real one.)
  expect(await cdp.send('Storage.getUsageAndQuota', { origin })).toMatchObject({ overrideActive: true, quota: usage + 2 * 1024 * 1024 })

  // 3,000 runs with 4,000 characters of random log text each: about 12 MB to store.
  const dump = bigDump({ origin: ORIGIN, study: 'big', runs: 3000, metrics: 10, logChars: 4000, updatedOffset: 1000, randomLogs: true })
  await mkdir('test-results', { recursive: true })
  const file = join(profileDir, 'too-big.diviner.gz')
  await writeFile(file, dump)
  await new Transfer(browser.page).importInput.setInputFiles(file)
  const alert = browser.page.getByRole('alert')
  await alert.getByText('Import of too-big.diviner.gz failed').waitFor({ timeout: 120_000 })
  const text = await alert.innerText()
  expect(text).toContain('storage quota exceeded')
  expect(text).toContain('Free disk space or remove old data from this browser')
  await browser.page.screenshot({ path: 'test-results/quota-import-failed.png', fullPage: true })

  // The code crosses the worker boundary too.
  const code = await browser.page.evaluate(async (bytes) => {
    const d = globalThis.diviner
    if (!d?.api) throw new Error('globalThis.diviner.api is not set')
    try {
      await d.api.importDump(new Blob([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))]))
      return 'imported'
    } catch (e) {
      return d.isDivinerError(e) ? e.code : `not a DivinerError: ${String(e)}`
    }
  }, dump.toString('base64'))
  expect(code).toBe('quota')

  expect(await state.snapshot()).toBe(before)
  expect(await state.bookkeeping()).toEqual({ imports: 0, undo: 0 })

  // With room again, the same file imports.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin })
  await studies.reload()
  expect(await state.importAll(dump)).toBeGreaterThan(3000)
  expect(browser.problems).toEqual([])
})
