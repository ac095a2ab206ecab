/**
 * Offline by construction, in real Chromium: a whole session of use (first
 * load, "Load example study", importing a dump, every tab of a study, a run
 * and its log, exporting a download) is recorded twice over: every request
 * Playwright sees from the pages, their workers and the service worker, and
 * every URL in Chromium's own network log (--log-net-log, which the browser
 * process writes whoever asks). Only the page's own origin was contacted.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { beforeAll, expect, test } from 'vitest'
import { useApp } from './fixture.js'
import { bigDump } from './pages/db-state.js'

// Chromium writes its network log (into the app's scratch directory) when it closes.
const netLog = (dir: string) => join(dir, 'netlog.json')
const app = useApp({ args: (dir) => [`--log-net-log=${netLog(dir)}`] })
const origin = new URL(app.baseUrl).origin
const seen: string[] = []
const fromServiceWorker: string[] = []

beforeAll(() => {
  // Pages, their dedicated workers, and the service worker.
  app.context.on('request', (r) => {
    seen.push(r.url())
    if (r.serviceWorker()) fromServiceWorker.push(r.url())
  })
  app.context.on('serviceworker', (w) => seen.push(w.url()))
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
  const page = app.page
  page.on('worker', (w) => seen.push(w.url()))

  const studies = app.studies
  await studies.open()
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null)
  await studies.loadExample()
  await studies.closeSummaryIfShown()

  const transfer = app.transfer
  const file = join(app.dir, 'more.diviner.gz')
  await writeFile(file, bigDump({ origin: '0ff11e00-0000-4000-8000-000000000001', study: 'imported', runs: 40, metrics: 5, logChars: 80 }))
  expect((await transfer.importFile(file)).runs.added).toBe(40)
  await transfer.closeSummary()

  await studies.openStudy('mnist')
  await app.study.loaded()
  for (const name of await page.getByRole('tablist', { name: 'Study views' }).getByRole('tab').allInnerTexts()) {
    await page.getByRole('tab', { name, exact: true }).click()
    await page.getByRole('tab', { name, exact: true, selected: true }).waitFor()
    await page.waitForFunction(() => document.querySelector('[data-ready="false"]') === null, undefined, { timeout: 30_000 }).catch(() => undefined)
  }
  const run = app.run
  await run.open('imported', 3)
  await run.log.waitFor()
  await page.goto(app.baseUrl)
  await studies.loaded()
  const saved = await transfer.export('Everything', app.dir)
  expect((await readFile(saved.path)).length).toBeGreaterThan(1000)
  await page.screenshot({ path: 'test-results/offline-requests-session.png', fullPage: true })

  expect(seen.length, 'the session was recorded').toBeGreaterThan(5)
  expect(seen.some((u) => u.endsWith('/sw.js'))).toBe(true)
  // The service worker's own requests (it caches the page's files) are among them.
  expect(fromServiceWorker.length).toBeGreaterThan(0)
  expect(seen.some((u) => u.includes('examples/'))).toBe(true)
  expect(seen.filter((u) => !local(u))).toEqual([])
  expect(app.problems).toEqual([])

  // The browser's own record of every request, written when it closes. Chromium's
  // own services (component updates, sign-in, autofill) show there too: what
  // matters is what the page asked for, which carries the page's origin as
  // its initiator. Everything the page initiated is local, and nothing non-local
  // was initiated by the page.
  await app.context.close()
  const requests = netLogRequests(await readFile(netLog(app.dir), 'utf8'))
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
