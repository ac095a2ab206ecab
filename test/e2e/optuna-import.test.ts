/**
 * Optuna files through the page: the real SQLite fixture and a generated
 * journal dropped on the page (the journal then chosen again with "Import
 * dump"), each imported with a summary
 * naming the kind of file; the study lists with its counts, its leaderboard
 * draws, and a run shows its user attributes. Screenshots in test-results/.
 */
import { execFileSync } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { openApp, useApp } from './fixture.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/optuna/pytorch_simple.sqlite3', import.meta.url))
const GENERATOR = fileURLToPath(new URL('../../scripts/optuna-journal.mjs', import.meta.url))
const b = useApp()

describe('Optuna files imported through the page', () => {
  test('the SQLite fixture dropped on the page imports, with a summary naming the kind of file', async () => {
    const studies = b.studies
    const transfer = b.transfer
    const requests: string[] = []
    b.context.on('request', (r) => { if (!r.serviceWorker()) requests.push(r.url()) })
    await studies.open()
    await studies.loaded()
    // SQLite (its reader's code, sql.js and its .wasm) is no part of the page's load…
    expect(requests.filter((u) => /sql-wasm|\/sqlite-/.test(u))).toEqual([])
    const { summary } = await transfer.dropFile(FIXTURE)
    // …they come when an SQLite file is dropped, from the page's own origin.
    expect(requests.filter((u) => /\.wasm$/.test(u)).map((u) => new URL(u).origin)).toEqual([new URL(b.baseUrl).origin])
    expect(summary).toEqual({ studies: { added: 1, updated: 0, unchanged: 0, conflicts: 0 }, runs: { added: 100, updated: 0, unchanged: 0, rejected: 0 }, reasons: [] })
    await expect(transfer.summary.getByText(/^Optuna SQLite storage:/).isVisible()).resolves.toBe(true)
    await studies.table.waitFor()
    expect(await studies.counts('pytorch_simple')).toMatchObject({ runs: 100, success: 25, failure: 0, pruned: 75, pending: 0 })
    await studies.screenshot('test-results/optuna-sqlite-summary.png')
    expect(b.problems).toEqual([])
  })

  test('a generated journal dropped on the page imports; chosen again with "Import dump" it changes nothing; its study and runs show', async () => {
    const file = join(b.dir, 'journal.log')
    execFileSync(process.execPath, [GENERATOR, '60', file, '20'])
    // A user attribute on the last trial, written the way Optuna writes it (before the trial finishes).
    const lines = (await import('node:fs')).readFileSync(file, 'utf8').trimEnd().split('\n')
    const last = lines.pop() as string
    lines.push(`{"op_code":8,"worker_id":"w","trial_id":59,"user_attr":{"gpu":"A100","epochs":20}}`, last)
    await writeFile(file, lines.join('\n') + '\n')
    const studies = b.studies
    const transfer = b.transfer
    await studies.closeSummaryIfShown()
    const { summary } = await transfer.dropFile(file)
    expect(summary.runs).toEqual({ added: 60, updated: 0, unchanged: 0, rejected: 0 })
    await expect(transfer.summary.getByText(/^Optuna journal:/).isVisible()).resolves.toBe(true)
    expect(await studies.counts('bench-journal-60')).toMatchObject({ runs: 60, success: 60 })
    await studies.screenshot('test-results/optuna-journal-summary.png')

    // The same file again, with the "Import dump" input: nothing new.
    await studies.closeSummaryIfShown()
    expect((await transfer.importFile(file)).runs).toEqual({ added: 0, updated: 0, unchanged: 60, rejected: 0 })

    const study = b.study
    await study.open('bench-journal-60', { tab: 'leaderboard' })
    await study.board.waitFor()
    await b.page.screenshot({ path: 'test-results/optuna-journal-leaderboard.png', fullPage: true })

    const run = b.run
    await run.open('bench-journal-60', 60)
    const attrs = b.page.getByRole('table', { name: 'User attributes' })
    await attrs.waitFor()
    expect(await attrs.getByRole('row').allInnerTexts()).toEqual(['gpu\tA100', 'epochs\t20'])
    await b.page.screenshot({ path: 'test-results/optuna-journal-run.png', fullPage: true })
    expect(b.problems).toEqual([])
  })

  test('offline, in a fresh profile, an SQLite file still imports (SQLite\'s .wasm comes from the service worker\'s cache)', async () => {
    const c = await openApp()
    try {
      const studies = c.studies
      await studies.open()
      await c.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
      await c.context.setOffline(true)
      await studies.reload()
      const { summary } = await c.transfer.dropFile(FIXTURE)
      expect(summary.runs.added).toBe(100)
      expect(c.problems).toEqual([])
    } finally {
      await c.close()
    }
  })
})
