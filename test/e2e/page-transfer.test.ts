/**
 * Moving studies between browsers through the page: import with the file
 * input or by dropping a file, the summary, errors for a file that is not a
 * dump, and export (everything, one study, changes since the last export)
 * into a fresh profile that then lists the same studies.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { RunState } from '../../src/db/model/run.js'
import { useApp } from './fixture.js'
import { EXAMPLE_FILE, largeDump } from './pages/example.js'
import type { StudiesPage, StudyCounts } from './pages/studies-page.js'
import type { Downloaded } from './pages/transfer.js'

const a = useApp()
const b = useApp()

/** Every listed study's name and counts. */
async function listed(studies: StudiesPage): Promise<Record<string, StudyCounts>> {
  const out: Record<string, StudyCounts> = {}
  for (const name of await studies.names()) out[name] = await studies.counts(name)
  return out
}

describe('import and export through the page', () => {
  let everything: Downloaded

  test('a dump chosen with "Import dump" is imported, with a summary', async () => {
    const studies = a.studies
    const transfer = a.transfer
    await studies.open()
    const summary = await transfer.importFile(EXAMPLE_FILE)
    expect(summary).toEqual({
      studies: { added: 1, updated: 0, unchanged: 0, conflicts: 0 },
      runs: { added: 128, updated: 0, unchanged: 0, rejected: 0 },
      reasons: [],
    })
    await studies.table.waitFor()
    await studies.screenshot('test-results/page-import-summary.png')
  })

  test('the same dump dropped on the page changes nothing, and says so', async () => {
    const transfer = a.transfer
    await transfer.closeSummary()
    const { overlayShown, summary } = await transfer.dropFile(EXAMPLE_FILE, 'test-results/page-drop-overlay.png')
    expect(overlayShown).toBe(true)
    expect(summary.runs).toEqual({ added: 0, updated: 0, unchanged: 128, rejected: 0 })
    expect(await transfer.dropOverlay.isVisible()).toBe(false)
  })

  test('a file that is not a dump is refused with a message saying what to do', async () => {
    const transfer = a.transfer
    const studies = a.studies
    const bad = join(a.dir, 'notes.txt')
    await writeFile(bad, 'these are my notes, not a dump\n')
    await transfer.importInput.setInputFiles(bad)
    await studies.error.waitFor()
    const banner = await studies.error.innerText()
    expect(banner).toContain('Import of notes.txt failed')
    expect(banner).toContain('bad dump')
    expect(banner).toContain('Nothing was imported from it; your data is unchanged.')
    await studies.screenshot('test-results/page-import-error.png')
    await a.page.getByRole('button', { name: 'Dismiss: Import of notes.txt failed' }).click()
    expect(await studies.error.count()).toBe(0)
    expect(await studies.names()).toEqual(['mnist'])
  })

  test('"Changes since last time" waits for a first export', async () => {
    const transfer = a.transfer
    const choices = await transfer.openExport()
    expect(await choices.getByRole('button', { name: 'Changes since last time' }).isDisabled()).toBe(true)
    expect(await choices.getByText('nothing exported yet').isVisible()).toBe(true)
    await a.page.screenshot({ path: 'test-results/page-export-menu.png' })
    await a.page.keyboard.press('Escape')
  })

  test('"Export" everything downloads a dump named by the page', async () => {
    const diviner = a.console
    await diviner.ready()
    await diviner.createStudy({ name: 'cifar', description: 'resnet sweep', metric: 'acc', direction: 'maximize', replicates: 0, params: ['lr'] })
    const seq = await diviner.insertRun('cifar', { lr: 0.1 })
    await diviner.appendMetrics('cifar', seq, [{ acc: 0.5 }, { acc: 0.7 }])
    await diviner.finishRun('cifar', seq, RunState.Success, 'done')

    const transfer = a.transfer
    everything = await transfer.export('Everything', a.dir)
    expect(everything.filename).toMatch(/^diviner-all-\d{8}-\d{6}\.diviner\.gz$/)
    await transfer.exportStatus.getByText(`Exported everything: ${everything.filename}`).waitFor()
    await a.page.screenshot({ path: 'test-results/page-export-done.png' })
  })

  test('a fresh profile that imports it lists the same studies with the same counts', async () => {
    const studiesA = a.studies
    await studiesA.reload()
    const want = await listed(studiesA)
    expect(Object.keys(want)).toEqual(['cifar', 'mnist'])

    const studiesB = b.studies
    await studiesB.open()
    expect(await studiesB.emptyMessage.isVisible()).toBe(true)
    const summary = await b.transfer.importFile(everything.path)
    expect(summary.studies.added).toBe(2)
    expect(summary.runs.added).toBe(129)
    await studiesB.table.waitFor()
    await expect.poll(() => studiesB.names()).toEqual(['cifar', 'mnist'])
    expect(await listed(studiesB)).toEqual(want)
    await studiesB.screenshot('test-results/page-imported-elsewhere.png')
  })

  test('later changes travel as a delta; one study travels on its own', async () => {
    const diviner = a.console
    await diviner.ready()
    const seq = await diviner.insertRun('cifar', { lr: 0.01 })
    await diviner.appendMetrics('cifar', seq, [{ acc: 0.9 }])
    await diviner.finishRun('cifar', seq, RunState.Success, 'done')

    const transfer = a.transfer
    const delta = await transfer.export('Changes since last time', a.dir)
    expect(delta.filename).toMatch(/^diviner-changes-since-\d+-/)
    const one = await transfer.exportStudy('cifar', a.dir)
    expect(one.filename).toMatch(/^diviner-cifar-/)

    const summary = await b.transfer.importFile(delta.path)
    expect(summary.runs).toEqual({ added: 1, updated: 0, unchanged: 0, rejected: 0 })
    const studiesB = b.studies
    await expect.poll(() => studiesB.counts('cifar')).toMatchObject({ runs: 2, success: 2, best: '0.9' })
    const again = await b.transfer.importFile(one.path)
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 2, rejected: 0 })
  })

  test('a large import shows its progress as it goes', async () => {
    const big = join(a.dir, 'large.diviner.gz')
    await writeFile(big, await largeDump(20))
    const transfer = b.transfer
    await transfer.closeSummary()
    await transfer.importInput.setInputFiles(big)
    await transfer.importProgress.waitFor()
    const moving = await transfer.progressMoved()
    await b.page.screenshot({ path: 'test-results/page-import-progress.png' })
    expect(moving).toBe(true)
    await transfer.summary.waitFor({ timeout: 60_000 })
    expect((await transfer.shownSummary()).runs).toEqual({ added: 20 * 128, updated: 0, unchanged: 0, rejected: 0 })
    await expect.poll(() => b.studies.counts('mnist'), { timeout: 15_000 }).toMatchObject({ runs: 21 * 128 })
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(a.problems).toEqual([])
    expect(b.problems).toEqual([])
  })
})
