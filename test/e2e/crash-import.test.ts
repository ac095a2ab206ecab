/**
 * Crashes in the middle of a large import, in real Chromium: the database
 * worker terminated, the whole renderer process killed, the page reloaded.
 * Afterwards the database holds exactly what it held before (or what the
 * finished import would hold: never a part of it), no import bookkeeping is
 * left, and importing again completes. A cancelled export, and an export cut
 * off by a reload, leave nothing behind: no download, no saved checkpoint, no
 * change to the data.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'
import { bigDump, DbState } from './pages/db-state.js'
import { StudiesPage } from './pages/studies-page.js'

const ORIGIN = 'c0ffee00-0000-4000-8000-00000000c4a5'
const RUNS = 4000
/** An older version of the dump's first 300 runs: what the import updates (their prior versions must come back). */
const older = bigDump({ origin: ORIGIN, study: 'big', runs: 300, metrics: 2, logChars: 0 })
/** 4,000 runs with 20 metric entries and a 400-character log each: eight batches or more. */
const big = bigDump({ origin: ORIGIN, study: 'big', runs: RUNS, metrics: 20, logChars: 400, updatedOffset: 1000 })

/** A fresh profile for each test. */
const app = useApp({ perTest: true })

async function openPage(page: Page): Promise<DbState> {
  await new StudiesPage(page, app.baseUrl).open()
  const state = new DbState(page)
  await state.ready()
  return state
}

/** The test's profile, holding a study of its own and an older version of some of the dump's runs. */
async function prepared(): Promise<{ state: DbState; before: string }> {
  const state = await openPage(app.page)
  await app.seed({
    name: 'local', description: 'made here', objective: '-loss', params: { lr: { range: [0, 1] } },
    runs: [{ values: { lr: 0.5 }, metrics: [{ loss: 1 }, { loss: 0.5 }], state: 'pending' }],
  })
  expect((await app.seed(older)).records).toBeGreaterThan(0)
  const before = await state.snapshot()
  return { state, before }
}

/** After an interrupted import: the data is as before or as after, nothing is left over, and a new import completes. */
async function checkRecovered(state: DbState, before: string): Promise<void> {
  const recovered = await state.snapshot()
  expect(await state.bookkeeping()).toEqual({ imports: 0, undo: 0 })
  await state.importAll(big)
  const after = await state.snapshot()
  expect(await state.bookkeeping()).toEqual({ imports: 0, undo: 0 })
  // The interruption came after some batches were applied and before the end: "as before" is what must hold.
  expect(recovered === before || recovered === after, 'the database is as before or as after the import').toBe(true)
  expect(recovered).toBe(before)
  const studies = JSON.parse(after) as { study: [string, string, number]; runs: [string, number, number, string, number, number, number][] }[]
  const bigStudy = studies.find((s) => s.study[0] === 'big')
  expect(bigStudy?.runs.length).toBe(RUNS)
  expect(bigStudy?.runs.every((r) => r[5] === 20 && r[6] === 1)).toBe(true)
  expect(studies.find((s) => s.study[0] === 'local')?.runs.length).toBe(1)
}

describe('a large import interrupted', () => {
  test('by terminating the database worker: the database is as before, and importing again completes', async () => {
    const { state, before } = await prepared()
    await state.startImport(big)
    expect(await state.waitForImportProgress(1000)).toBeLessThan(RUNS * 3)
    const [worker] = app.page.workers()
    expect(worker, 'the page runs its database in a dedicated worker').toBeDefined()
    // close() ends the worker where it stands: its open IndexedDB transaction is aborted, its locks let go.
    await worker?.evaluate(() => { (globalThis as unknown as { close(): void }).close() }).catch(() => undefined)
    await expect.poll(() => app.page.workers().length).toBe(0)
    // Reloading starts a new worker; opening the database undoes the interrupted import.
    await app.page.reload()
    await checkRecovered(new DbState(app.page), before)
    expect(app.problems).toEqual([])
  })

  test('by killing the renderer process: the database is as before, and importing again completes', async () => {
    const { state, before } = await prepared()
    await state.startImport(big)
    await state.waitForImportProgress(1000)
    const crashed = app.page.waitForEvent('crash')
    const cdp = await app.context.newCDPSession(app.page)
    cdp.send('Page.crash').catch(() => undefined)
    await crashed
    const page = await app.context.newPage()
    await checkRecovered(await openPage(page), before)
  })

  test('by reloading the page: the database is as before, and importing again completes', async () => {
    const { state, before } = await prepared()
    await state.startImport(big)
    await state.waitForImportProgress(1000)
    await app.page.reload()
    await checkRecovered(await openPage(app.page), before)
    expect(app.problems).toEqual([])
  })
})

describe('an export cut short', () => {
  test('cancelled through its signal: it rejects with aborted, offers no download and changes nothing', async () => {
    const { state } = await prepared()
    await state.importAll(big)
    const before = await state.snapshot()
    const downloads: string[] = []
    app.page.on('download', (d) => downloads.push(d.suggestedFilename()))
    const outcome = await app.page.evaluate(async () => {
      const d = globalThis.diviner
      if (!d?.api) throw new Error('globalThis.diviner.api is not set')
      const abort = new AbortController()
      let runs = 0
      try {
        await d.api.exportDump({}, d.proxy((p: { runs: number }) => { runs = p.runs; abort.abort() }), abort.signal)
        return { code: 'finished', runs }
      } catch (e) {
        return { code: d.isDivinerError(e) ? e.code : String(e), runs }
      }
    })
    expect(outcome.code).toBe('aborted')
    expect(outcome.runs).toBeLessThan(RUNS)
    expect(await state.snapshot()).toBe(before)
    expect(await state.bookkeeping()).toEqual({ imports: 0, undo: 0 })
    expect(await app.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('diviner-local:last-export')))).toEqual([])
    expect(downloads).toEqual([])
    // The worker is still fine: a whole export afterwards works.
    const size = await app.page.evaluate(async () => (await globalThis.diviner?.api?.exportDump({}))?.blob.size ?? 0)
    expect(size).toBeGreaterThan(big.length / 2)
  })

  test('by a reload while exporting from the page: no download, no saved checkpoint, data unchanged', async () => {
    const { state } = await prepared()
    await state.importAll(big)
    const before = await state.snapshot()
    const downloads: string[] = []
    app.page.on('download', (d) => downloads.push(d.suggestedFilename()))
    const transfer = app.transfer
    const choices = await transfer.openExport()
    await choices.getByRole('button', { name: 'Everything', exact: true }).click()
    await app.page.getByRole('progressbar', { name: 'Export progress' }).waitFor()
    await app.page.screenshot({ path: 'test-results/crash-export-running.png' })
    await app.page.reload()
    const after = await openPage(app.page)
    expect(await after.snapshot()).toBe(before)
    expect(await app.page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('diviner-local:last-export')))).toEqual([])
    expect(downloads).toEqual([])
    expect(app.problems).toEqual([])
  })
})
