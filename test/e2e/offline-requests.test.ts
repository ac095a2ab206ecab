/**
 * Offline by construction, in real Chromium: a whole session of use (first
 * load, "Load example study", importing a dump, every tab of a study, a run
 * and its log, exporting a download) is recorded twice over: every request
 * Playwright sees from the pages, their workers and the service worker, and
 * every URL in Chromium's own network log (--log-net-log, which the browser
 * process writes whoever asks). Only the page's own origin was contacted.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { chromiumArgs, chromiumPath } from '../chromium.js'
import { newProfile, recordProblems, removeProfile } from './pages/browser.js'
import { bigDump } from './pages/db-state.js'
import { RunScreen } from './pages/run-page.js'
import { StudiesPage } from './pages/studies-page.js'
import { StudyScreen } from './pages/study-page.js'
import { Transfer } from './pages/transfer.js'

const baseUrl = inject('baseUrl')
const origin = new URL(baseUrl).origin
let profileDir: string
let netLog: string
let context: BrowserContext
const seen: string[] = []
const problems: string[] = []

beforeAll(async () => {
  await mkdir('test-results', { recursive: true })
  profileDir = await newProfile()
  netLog = join(profileDir, 'netlog.json')
  context = await chromium.launchPersistentContext(join(profileDir, 'profile'), {
    executablePath: chromiumPath,
    args: [...chromiumArgs, `--log-net-log=${netLog}`],
    headless: true,
    viewport: { width: 1100, height: 700 },
  })
  // Pages, their dedicated workers, and the service worker.
  context.on('request', (r) => seen.push(r.url()))
  context.on('serviceworker', (w) => seen.push(w.url()))
})

afterAll(async () => {
  await context?.close().catch(() => undefined)
  await removeProfile(profileDir)
})

/** True when `url` is the page's own origin, or data the page made itself. */
function local(url: string): boolean {
  if (url.startsWith('blob:') || url.startsWith('data:')) return true
  try {
    return new URL(url).origin === origin
  } catch {
    return false
  }
}

test('a whole session contacts nothing but the page\'s own origin', async () => {
  const page = context.pages()[0] ?? await context.newPage()
  recordProblems(page, problems)
  page.on('worker', (w) => seen.push(w.url()))

  const studies = new StudiesPage(page, baseUrl)
  await studies.open()
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  await studies.loadExample()
  await studies.closeSummaryIfShown()

  const transfer = new Transfer(page)
  const file = join(profileDir, 'more.diviner.gz')
  await import('node:fs/promises').then((fs) => fs.writeFile(file, bigDump({ origin: '0ff11e00-0000-4000-8000-000000000001', study: 'imported', runs: 40, metrics: 5, logChars: 80 })))
  expect((await transfer.importFile(file)).runs.added).toBe(40)
  await transfer.closeSummary()

  await studies.openStudy('mnist')
  const study = new StudyScreen(page, baseUrl)
  await study.loaded()
  for (const name of await page.getByRole('tablist', { name: 'Study views' }).getByRole('tab').allInnerTexts()) {
    await page.getByRole('tab', { name, exact: true }).click()
    await page.getByRole('tab', { name, exact: true, selected: true }).waitFor()
    await page.waitForFunction(() => document.querySelector('[data-ready="false"]') === null, undefined, { timeout: 30_000 }).catch(() => undefined)
  }
  const run = new RunScreen(page, baseUrl)
  await run.open('imported', 3)
  await run.log.waitFor()
  await page.goto(baseUrl)
  await studies.loaded()
  const saved = await transfer.export('Everything', profileDir)
  expect((await readFile(saved.path)).length).toBeGreaterThan(1000)
  await page.screenshot({ path: 'test-results/offline-requests-session.png', fullPage: true })

  expect(seen.length, 'the session was recorded').toBeGreaterThan(5)
  expect(seen.some((u) => u.endsWith('/sw.js'))).toBe(true)
  expect(seen.some((u) => u.includes('examples/'))).toBe(true)
  expect(seen.filter((u) => !local(u))).toEqual([])
  expect(problems).toEqual([])

  // The browser's own record of every URL it loaded, written when it closes.
  await context.close()
  const log = await readFile(netLog, 'utf8')
  const urls = [...log.matchAll(/"url":"((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1] ?? ''}"`) as string)
  expect(urls.some((u) => u.startsWith(origin)), 'the network log holds the session').toBe(true)
  expect([...new Set(urls.filter((u) => !local(u)))]).toEqual([])
  const hosts = [...log.matchAll(/"host":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1] ?? '')
  expect([...new Set(hosts.filter((h) => !h.startsWith('127.0.0.1')))]).toEqual([])
})
