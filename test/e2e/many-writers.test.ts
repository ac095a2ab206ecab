/**
 * Many writers, in real Chromium: four tabs of one profile (four pages, each
 * with its own database worker, one IndexedDB) insert runs into one study and
 * append metrics at the same time, to their own runs and to one run they all
 * share. Afterwards every seq is unique and every run and metric entry is there.
 */
import { expect, test } from 'vitest'
import type { Page } from 'playwright-core'
import { useApp } from './fixture.js'
import { DivinerConsole } from './pages/console-api.js'
import { StudiesPage } from './pages/studies-page.js'

const TABS = 4
const RUNS_PER_TAB = 25
const ENTRIES_PER_RUN = 6
const SHARED_ENTRIES_PER_TAB = 30

const app = useApp()

/** What one tab does: insert its runs and report their metrics, interleaved with entries for the shared run. */
function work(page: Page, tab: number, sharedSeq: number): Promise<{ seq: number; lr: number }[]> {
  return page.evaluate(async ([tab, runs, entries, sharedEntries, sharedSeq]) => {
    const d = globalThis.diviner
    if (!d) throw new Error('globalThis.diviner is not set')
    const inserted: { seq: number; lr: number }[] = []
    let shared = 0
    for (let i = 0; i < runs; i++) {
      const lr = (tab * 100 + i) / 1000
      const run = await d.db.insertRun({ study: 'shared', values: { lr: d.float(lr) }, config: { script: `tab ${tab}` } })
      inserted.push({ seq: run.seq, lr })
      for (let k = 0; k < entries; k++) await d.db.appendRunMetrics('shared', run.seq, { loss: tab * 1000 + i * 10 + k, tab })
      // Entries for the run every tab writes to, in between.
      while (shared < Math.ceil(((i + 1) * sharedEntries) / runs)) {
        await d.db.appendRunMetrics('shared', sharedSeq, { tab, k: shared })
        shared++
      }
    }
    return inserted
  }, [tab, RUNS_PER_TAB, ENTRIES_PER_RUN, SHARED_ENTRIES_PER_TAB, sharedSeq] as const)
}

test('four tabs inserting runs and appending metrics at once: unique seqs, nothing missing', async () => {
  const pages = [app.page, ...await Promise.all(Array.from({ length: TABS - 1 }, () => app.openTab()))]
  for (const page of pages) {
    await new StudiesPage(page, app.baseUrl).open()
    await new DivinerConsole(page).ready()
  }
  // Each tab runs its own worker.
  for (const page of pages) expect(page.workers().length).toBeGreaterThanOrEqual(1)
  const first = app.console
  await first.createStudy({ name: 'shared', description: 'written by four tabs', metric: 'loss', direction: 'minimize', replicates: 0, params: ['lr'] })
  const sharedSeq = await first.insertRun('shared', { lr: 0.999 })

  const inserted = (await Promise.all(pages.map((page, tab) => work(page, tab, sharedSeq)))).map((runs, tab) => runs.map((r) => ({ ...r, tab })))

  // Every tab sees the same result.
  for (const page of pages) {
    const runs = await new DivinerConsole(page).listRuns('shared')
    expect(runs.length).toBe(TABS * RUNS_PER_TAB + 1)
    const seqs = runs.map((r) => r.seq)
    expect(new Set(seqs).size, 'every seq is unique').toBe(seqs.length)
    const bySeq = new Map(runs.map((r) => [r.seq, r]))
    for (const { seq, lr, tab } of inserted.flat()) {
      const run = bySeq.get(seq)
      expect(run?.values, `run ${seq} of tab ${tab}`).toEqual({ lr: `float ${lr}` })
      const i = Math.round(lr * 1000) - tab * 100
      expect(run?.metrics, `run ${seq}'s metrics`).toEqual(Array.from({ length: ENTRIES_PER_RUN }, (_, k) => ({ loss: tab * 1000 + i * 10 + k, tab })))
    }
    const shared = bySeq.get(sharedSeq)
    expect(shared?.metrics.length).toBe(TABS * SHARED_ENTRIES_PER_TAB)
    // Every tab's entries are there, each tab's in the order it wrote them.
    for (let tab = 0; tab < TABS; tab++) {
      expect(shared?.metrics.filter((m) => m['tab'] === tab).map((m) => m['k'])).toEqual(Array.from({ length: SHARED_ENTRIES_PER_TAB }, (_, k) => k))
    }
  }
  expect(app.problems).toEqual([])
})
