/**
 * Deleting from the page, with a confirmation, and tombstones that travel in
 * dumps: a run deleted here is deleted in another browser that imports the
 * export, and an older dump does not bring back a deleted run or study.
 */
import { describe, expect, test } from 'vitest'
import { openApp, useApp } from './fixture.js'

const app = useApp({
  seed: [{
    name: 'doomed', objective: '-loss', params: { lr: [0.1, 0.01, 0.001] },
    runs: [0.1, 0.01, 0.001].map((lr, i) => ({ values: { lr }, metrics: [{ loss: 1 - i * 0.2 }] })),
  }],
})

describe('deleting', () => {
  let before = ''

  test('a run is deleted from its page after a confirmation (which can be cancelled)', async () => {
    await app.studies.open()
    before = (await app.transfer.export('Everything', app.dir)).path
    await app.run.open('doomed', 2)
    await app.page.getByRole('button', { name: 'Delete run…' }).click()
    const dialog = app.page.getByRole('alertdialog', { name: 'Delete run doomed:2?' })
    expect(await dialog.innerText()).toMatch(/older dumps will not bring it back/)
    await app.page.screenshot({ path: 'test-results/delete-confirm.png' })
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    expect(await dialog.count()).toBe(0)
    await app.page.getByRole('button', { name: 'Delete run…' }).click()
    await dialog.getByRole('button', { name: 'Delete run doomed:2' }).click()
    await app.page.waitForURL(/#\/study\/doomed$/)
    await app.study.waitForCount(2, 2)
    expect(await app.study.runIds()).toEqual(['doomed:1', 'doomed:3'])
  })

  test('an older dump does not bring it back; another browser that had it deletes it on importing the export', async () => {
    const again = await app.transfer.importFile(before)
    expect(again.runs).toMatchObject({ added: 0 })
    await app.study.open('doomed')
    await app.study.waitForCount(2, 2)
    const after = (await app.transfer.export('Everything', app.dir)).path
    const other = await openApp()
    try {
      await other.studies.open()
      await other.transfer.importFile(before)
      await other.study.open('doomed')
      await other.study.waitForCount(3, 3)
      await other.transfer.importFile(after)
      await other.study.open('doomed')
      await other.study.waitForCount(2, 2)
      expect(await other.study.runIds()).toEqual(['doomed:1', 'doomed:3'])
      expect(other.problems).toEqual([])
    } finally {
      await other.close()
    }
  })

  test('a study is deleted with its runs, and an older dump does not bring it back', async () => {
    await app.study.open('doomed')
    await app.page.getByRole('button', { name: 'Delete study…' }).click()
    await app.page.getByRole('alertdialog', { name: 'Delete study doomed?' }).getByRole('button', { name: 'Delete study doomed' }).click()
    await app.page.waitForURL(/#\/$/)
    await expect.poll(() => app.studies.names()).toEqual([])
    const again = await app.transfer.importFile(before)
    expect(again.studies).toMatchObject({ added: 0 })
    await app.studies.open()
    await expect.poll(() => app.studies.names()).toEqual([])
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
