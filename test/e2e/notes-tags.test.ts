/**
 * Notes and tags as a person uses them: a study's note and a run's note
 * written in Markdown (shown as text-only formatting: markup in a note stays
 * text), tags set on the run page and by the console API, shown in the runs
 * table and found by a filter; all of it still there after a reload.
 */
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const app = useApp({
  seed: [{
    name: 'noted', objective: '-loss', params: { lr: [0.1, 0.01, 0.001] },
    runs: [0.1, 0.01, 0.001].map((lr, i) => ({ values: { lr }, metrics: [{ loss: 1 - i * 0.2 }] })),
  }],
})

describe('notes and tags', () => {
  test('a study\'s note is written in Markdown and shown formatted, markup staying text', async () => {
    await app.study.open('noted')
    await app.page.getByRole('button', { name: 'Add a note' }).click()
    await app.page.getByLabel('Note on this study (Markdown)').fill('# Plan\nTry **smaller** rates.\n\n<img src=x onerror="window.pwned=1">')
    await app.page.getByRole('button', { name: 'Save note' }).click()
    const note = app.page.getByRole('region', { name: 'Note on this study' })
    await note.getByRole('heading', { name: 'Plan' }).waitFor()
    expect(await note.locator('strong').innerText()).toBe('smaller')
    expect(await note.innerText()).toContain('<img src=x onerror="window.pwned=1">')
    expect(await app.page.evaluate(() => (window as { pwned?: number }).pwned)).toBeUndefined()
    await app.study.reload()
    await note.getByRole('heading', { name: 'Plan' }).waitFor()
    await app.page.screenshot({ path: 'test-results/notes-study.png' })
  })

  test('a run\'s tags and note are set on its page; the runs table shows them', async () => {
    await app.run.open('noted', 2)
    await app.page.getByRole('button', { name: 'Edit tags' }).click()
    await app.page.getByLabel('Tags, separated by commas').fill('good,  baseline, good')
    await app.page.getByRole('button', { name: 'Save tags' }).click()
    await expect.poll(() => app.page.getByRole('group', { name: 'Tags' }).locator('.tag').allInnerTexts()).toEqual(['baseline', 'good'])
    await app.page.getByRole('button', { name: 'Add a note' }).click()
    await app.page.getByLabel('Note on this run (Markdown)').fill('Diverged after *epoch 3*')
    await app.page.getByRole('button', { name: 'Save note' }).click()
    await app.page.getByRole('region', { name: 'Note on this run' }).locator('em').waitFor()
    await app.run.screenshot('test-results/notes-run.png')
    await app.study.open('noted')
    await app.study.waitForCount(3, 3)
    expect((await app.study.runRow('noted:2'))[1]).toBe('noted:2✎baselinegood')
  })

  test('tags set by the console API show too, and a filter finds runs by tag and note', async () => {
    await app.page.evaluate(() => globalThis.diviner?.db.setRunTags('noted', 3, ['good']))
    await app.study.search.fill("tag = 'good'")
    await app.study.waitForCount(2, 3)
    expect(await app.study.runIds()).toEqual(['noted:2', 'noted:3'])
    await app.study.search.fill("note like '%epoch%'")
    await app.study.waitForCount(1, 3)
    await app.study.search.fill('baseline')
    await app.study.waitForCount(1, 3)
    expect(await app.study.runIds()).toEqual(['noted:2'])
    await app.study.screenshot('test-results/notes-runs-table.png')
  })

  test('the leaderboard\'s filter finds trials by their runs\' tags and notes too', async () => {
    await app.study.open('noted', { tab: 'leaderboard', filter: "tag = 'good'" })
    await app.study.board.waitFor()
    await expect.poll(async () => (await app.study.boardRows()).map((r) => r[1])).toEqual(['noted:3', 'noted:2'])
    await app.page.screenshot({ path: 'test-results/notes-board-filter.png', fullPage: true })
    await app.page.getByLabel('Filter', { exact: true }).fill('baseline')
    await expect.poll(async () => (await app.study.boardRows()).map((r) => r[1])).toEqual(['noted:2'])
    await app.page.getByLabel('Filter', { exact: true }).fill("note like '%epoch%'")
    await expect.poll(async () => (await app.study.boardRows()).map((r) => r[1])).toEqual(['noted:2'])
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
