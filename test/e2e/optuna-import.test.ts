/**
 * Optuna files through the page: the real SQLite fixture and a generated
 * journal dropped on the page (the journal then chosen again with "Import
 * dump"), each imported with a summary
 * naming the kind of file; the study lists with its counts, its leaderboard
 * draws, and a run shows its user attributes. Screenshots in test-results/.
 */
import { execFileSync } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { RunScreen } from './pages/run-page.js'
import { StudiesPage } from './pages/studies-page.js'
import { StudyScreen } from './pages/study-page.js'
import { Transfer } from './pages/transfer.js'

const baseUrl = inject('baseUrl')
const FIXTURE = fileURLToPath(new URL('../../../shared/fixtures/optuna/pytorch_simple.sqlite3', import.meta.url))
const GENERATOR = fileURLToPath(new URL('../../../shared/tools/gen_optuna_journal.mjs', import.meta.url))
let dir: string
let profile: string
let b: Browser

beforeAll(async () => {
  await mkdir('test-results', { recursive: true })
  dir = await mkdtemp(join(tmpdir(), 'diviner-optuna-'))
  profile = await newProfile()
  b = await launch(profile)
})

afterAll(async () => {
  await b?.close()
  await removeProfile(profile)
  await rm(dir, { recursive: true, force: true })
})

describe('Optuna files imported through the page', () => {
  test('the SQLite fixture dropped on the page imports, with a summary naming the kind of file', async () => {
    const studies = new StudiesPage(b.page, baseUrl)
    const transfer = new Transfer(b.page)
    const requests: string[] = []
    b.context.on('request', (r) => { if (!r.serviceWorker()) requests.push(r.url()) })
    await studies.open()
    await studies.loaded()
    // SQLite (sql.js and its .wasm) and the Optuna readers are no part of the page's load…
    expect(requests.filter((u) => /sql-wasm|\/reader-/.test(u))).toEqual([])
    const { summary } = await transfer.dropFile(FIXTURE)
    // …they come when an SQLite file is dropped, from the page's own origin.
    expect(requests.filter((u) => /\.wasm$/.test(u)).map((u) => new URL(u).origin)).toEqual([new URL(baseUrl).origin])
    expect(summary).toEqual({ studies: { added: 1, updated: 0, unchanged: 0, conflicts: 0 }, runs: { added: 100, updated: 0, unchanged: 0, rejected: 0 }, reasons: [] })
    await expect(transfer.summary.getByText(/^Optuna SQLite storage:/).isVisible()).resolves.toBe(true)
    await studies.table.waitFor()
    expect(await studies.counts('pytorch_simple')).toMatchObject({ runs: 100, success: 25, failure: 75, pending: 0 })
    await studies.screenshot('test-results/optuna-sqlite-summary.png')
    expect(b.problems).toEqual([])
  })

  test('a generated journal dropped on the page imports; chosen again with "Import dump" it changes nothing; its study and runs show', async () => {
    const file = join(dir, 'journal.log')
    execFileSync(process.execPath, [GENERATOR, '60', file, '20'])
    // A user attribute on the last trial, written the way Optuna writes it (before the trial finishes).
    const lines = (await import('node:fs')).readFileSync(file, 'utf8').trimEnd().split('\n')
    const last = lines.pop() as string
    lines.push(`{"op_code":8,"worker_id":"w","trial_id":59,"user_attr":{"gpu":"A100","epochs":20}}`, last)
    await writeFile(file, lines.join('\n') + '\n')
    const studies = new StudiesPage(b.page, baseUrl)
    const transfer = new Transfer(b.page)
    await studies.closeSummaryIfShown()
    const { summary } = await transfer.dropFile(file)
    expect(summary.runs).toEqual({ added: 60, updated: 0, unchanged: 0, rejected: 0 })
    await expect(transfer.summary.getByText(/^Optuna journal:/).isVisible()).resolves.toBe(true)
    expect(await studies.counts('bench-journal-60')).toMatchObject({ runs: 60, success: 60 })
    await studies.screenshot('test-results/optuna-journal-summary.png')

    // The same file again, with the "Import dump" input: nothing new.
    await studies.closeSummaryIfShown()
    expect((await transfer.importFile(file)).runs).toEqual({ added: 0, updated: 0, unchanged: 60, rejected: 0 })

    const study = new StudyScreen(b.page, baseUrl)
    await study.open('bench-journal-60', { tab: 'leaderboard' })
    await study.board.waitFor()
    await b.page.screenshot({ path: 'test-results/optuna-journal-leaderboard.png', fullPage: true })

    const run = new RunScreen(b.page, baseUrl)
    await run.open('bench-journal-60', 60)
    const attrs = b.page.getByRole('table', { name: 'User attributes' })
    await attrs.waitFor()
    expect(await attrs.getByRole('row').allInnerTexts()).toEqual(['gpu\tA100', 'epochs\t20'])
    await b.page.screenshot({ path: 'test-results/optuna-journal-run.png', fullPage: true })
    expect(b.problems).toEqual([])
  })

  test('offline, in a fresh profile, an SQLite file still imports (SQLite\'s .wasm comes from the service worker\'s cache)', async () => {
    const dir2 = await newProfile()
    const c = await launch(dir2)
    try {
      const studies = new StudiesPage(c.page, baseUrl)
      await studies.open()
      await c.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await c.context.setOffline(true)
      await studies.reload()
      const { summary } = await new Transfer(c.page).dropFile(FIXTURE)
      expect(summary.runs.added).toBe(100)
      expect(c.problems).toEqual([])
    } finally {
      await c.context.setOffline(false)
      await c.close()
      await removeProfile(dir2)
    }
  })
})
