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
const fromServiceWorker: string[] = []
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
  context.on('request', (r) => {
    seen.push(r.url())
    if (r.serviceWorker()) fromServiceWorker.push(r.url())
  })
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
  // The service worker's own requests (it caches the page's files) are among them.
  expect(fromServiceWorker.length).toBeGreaterThan(0)
  expect(seen.some((u) => u.includes('examples/'))).toBe(true)
  expect(seen.filter((u) => !local(u))).toEqual([])
  expect(problems).toEqual([])

  // The browser's own record of every request, written when it closes. Chromium's
  // own services (component updates, sign-in, autofill) show there too: what
  // matters is what the page asked for, which carries the page's origin as
  // its initiator. Everything the page initiated is local, and nothing non-local
  // was initiated by the page.
  await context.close()
  const requests = netLogRequests(await readFile(netLog, 'utf8'))
  const fromPage = requests.filter((r) => r.initiator === origin)
  expect(fromPage.length, 'the network log holds the page\'s requests').toBeGreaterThan(5)
  expect(fromPage.filter((r) => !local(r.url)).map((r) => r.url)).toEqual([])
  expect(requests.filter((r) => !local(r.url) && r.initiator?.startsWith(origin)).map((r) => r.url)).toEqual([])
})

/** A request in Chromium's network log: its URL and who initiated it (an origin; absent for the browser's own). */
interface LoggedRequest { readonly url: string; readonly initiator: string | undefined }

/**
 * The URL requests in a network log (--log-net-log: one event a line), each
 * with the initiator recorded for it; a request of the browser's own has none.
 */
function netLogRequests(text: string): LoggedRequest[] {
  const bySource = new Map<number, { url?: string; initiator?: string }>()
  for (const line of text.split('\n')) {
    if (!line.startsWith('{"params"')) continue
    let event: { params?: Record<string, unknown>; source?: { id?: number } }
    try {
      event = JSON.parse(line.replace(/,$/, '')) as typeof event
    } catch {
      continue
    }
    const id = event.source?.id
    if (id === undefined || !event.params) continue
    const entry = bySource.get(id) ?? {}
    if (typeof event.params['url'] === 'string' && entry.url === undefined) entry.url = event.params['url']
    if (typeof event.params['initiator'] === 'string') entry.initiator = event.params['initiator']
    bySource.set(id, entry)
  }
  return [...bySource.values()].flatMap((e) => (e.url !== undefined && /^(https?|wss?|ftp):/.test(e.url) ? [{ url: e.url, initiator: e.initiator }] : []))
}
