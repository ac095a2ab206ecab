/**
 * The runs tab of a study: every run with its columns, filtered by state,
 * sorted by any column, searched; the filters live in the address, so a reload
 * (or a shared link) shows the same; selected runs export as a dump.
 */
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const app = useApp({
  seed: [{
    name: 'mnist',
    description: 'digits, small convnet',
    objective: '-loss',
    params: { lr: [0.1, 0.01, 0.001], opt: ['adam', 'sgd'] },
    runs: [
      { values: { lr: 0.1, opt: 'adam' }, metrics: [{ loss: 0.9, acc: 0.5 }, { loss: 0.5, acc: 0.8 }], status: 'done', runtimeMs: 65_000 },
      { values: { lr: 0.01, opt: 'adam' }, metrics: [{ loss: NaN }], state: 'failure', status: 'diverged', runtimeMs: 5_000 },
      { values: { lr: 0.001, opt: 'sgd' }, state: 'pending', status: 'epoch 3', runtimeMs: 3_723_000 },
      { values: { lr: 0.1, opt: 'sgd' }, metrics: [{ loss: 0.2 }], status: 'done' },
      { values: { lr: 0.01, opt: 'sgd' }, metrics: [{ loss: 0.35, acc: 0.9 }], status: 'finished' },
      { values: { lr: 0.001, opt: 'adam' }, state: 'failure', status: 'OOM' },
    ],
  }],
})

const ids = (...seqs: number[]) => seqs.map((s) => `mnist:${s}`)

describe('the runs tab', () => {
  test('lists every run of the study with its columns', async () => {
    await app.study.open('mnist')
    await app.study.waitForCount(6, 6)
    expect(await app.study.heading.innerText()).toBe('mnist')
    expect(await app.study.tab('Runs').getAttribute('aria-selected')).toBe('true')
    expect(await app.study.runColumns()).toEqual(['', 'Run', 'State', 'Status', 'Created', 'Runtime', 'Retries', 'Replicate', 'lr', 'opt', 'acc', 'loss'])
    expect(await app.study.runIds()).toEqual(ids(1, 2, 3, 4, 5, 6))
    const first = await app.study.runRow('mnist:1')
    expect(first.slice(1, 3)).toEqual(['mnist:1', 'success'])
    expect(first.slice(4)).toEqual([first[4], '1m5s', '0', '0', '0.1', 'adam', '0.8', '0.5'])
    expect(first[4]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)
    expect((await app.study.runRow('mnist:3')).slice(2, 6)).toEqual(['pending', 'epoch 3', first[4], '1h2m3s'])
    expect((await app.study.runRow('mnist:2')).at(-1)).toBe('NaN')
    await app.study.screenshot('test-results/study-runs.png')
  })

  test('a cell shows its whole text as a tooltip when the pointer reaches it', async () => {
    const cell = app.study.runsTable.getByRole('cell', { name: 'epoch 3', exact: true })
    await cell.hover()
    await expect.poll(() => cell.getAttribute('title')).toBe('epoch 3')
  })

  test('filters by state', async () => {
    await app.study.stateFilter('success').uncheck()
    await app.study.waitForCount(3, 6)
    expect(await app.study.runIds()).toEqual(ids(2, 3, 6))
    expect(app.study.query().get('states')).toBe('pending,failure')
    await app.study.stateFilter('pending').uncheck()
    await app.study.waitForCount(2, 6)
    expect(await app.study.runIds()).toEqual(ids(2, 6))
    await app.study.stateFilter('failure').uncheck()
    await app.study.waitForCount(0, 6)
    expect(await app.page.getByText('No run matches the filters.').isVisible()).toBe(true)
    for (const s of ['pending', 'success', 'failure'] as const) await app.study.stateFilter(s).check()
    await app.study.waitForCount(6, 6)
    expect(app.study.query().has('states')).toBe(false)
  })

  test('sorts by any column, ascending then descending; runs without the metric last', async () => {
    await app.study.sortBy('loss')
    expect(await app.study.runIds()).toEqual(ids(4, 5, 1, 2, 3, 6))
    expect(app.study.query().get('sort')).toBe('m.loss')
    await app.study.sortBy('loss')
    expect(await app.study.runIds()).toEqual(ids(1, 5, 4, 2, 3, 6))
    expect(app.study.query().get('sort')).toBe('-m.loss')
    await app.study.sortBy('lr')
    expect(await app.study.runIds()).toEqual(ids(3, 6, 2, 5, 1, 4))
    await app.study.sortBy('Runtime')
    await app.study.sortBy('Runtime')
    expect(await app.study.runIds()).toEqual(ids(3, 1, 2, 4, 5, 6))
    expect(await app.study.runsTable.getByRole('columnheader', { name: 'Runtime' }).getAttribute('aria-sort')).toBe('descending')
    await app.study.sortBy('lr')
  })

  test('searches ids, statuses and values', async () => {
    await app.study.search.fill('adam')
    await app.study.waitForCount(3, 6)
    expect(await app.study.runIds()).toEqual(ids(6, 2, 1))
    await app.study.search.fill('DIVERGED')
    expect(await app.study.runIds()).toEqual(ids(2))
    await app.study.search.fill('lr=0.1')
    await app.study.waitForCount(2, 6)
    await app.study.search.fill('mnist:5')
    expect(await app.study.runIds()).toEqual(ids(5))
    await app.study.search.fill('opt=sgd')
    await app.study.stateFilter('pending').uncheck()
    await app.study.waitForCount(2, 6)
    expect(await app.study.runIds()).toEqual(ids(5, 4))
    await app.study.screenshot('test-results/study-runs-filtered.png')
  })

  test('a reload keeps the filters, sort and search (they are in the address)', async () => {
    expect(Object.fromEntries(app.study.query())).toEqual({ sort: 'v.lr', q: 'opt=sgd', states: 'success,failure' })
    await app.study.reload()
    await app.study.waitForCount(2, 6)
    expect(await app.study.runIds()).toEqual(ids(5, 4))
    expect(await app.study.search.inputValue()).toBe('opt=sgd')
    expect(await app.study.stateFilter('pending').isChecked()).toBe(false)
    expect(await app.study.runsTable.getByRole('columnheader', { name: 'lr' }).getAttribute('aria-sort')).toBe('ascending')
  })

  test('a shared link opens the runs tab with its filters', async () => {
    await app.study.open('mnist', { states: 'failure', sort: '-id' })
    await app.study.waitForCount(2, 6)
    expect(await app.study.runIds()).toEqual(ids(6, 2))
  })

  test('selected runs export as a dump of just those runs', async () => {
    await app.study.open('mnist')
    await app.study.waitForCount(6, 6)
    expect(await app.study.exportSelected.isDisabled()).toBe(true)
    await app.study.select('mnist:2')
    await app.study.select('mnist:5')
    const download = await app.study.exportSelectedRuns()
    expect(download.suggestedFilename()).toMatch(/^diviner-2-runs-.*\.diviner\.gz$/)
    const lines = gunzipSync(await readFile(await download.path())).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]?.covers).toEqual({ kind: 'runs', runs: ['mnist:2', 'mnist:5'] })
    expect(lines.filter((l) => l.t === 'run').map((l) => l.seq)).toEqual([2, 5])
    await app.page.getByRole('status').filter({ hasText: 'Exported 2 runs' }).waitFor()
  })

  test('the header checkbox selects every shown run, and only those', async () => {
    await app.study.search.fill('adam')
    await app.study.waitForCount(3, 6)
    const all = app.study.runsTable.getByRole('checkbox', { name: 'Select all shown runs' })
    await all.check()
    await app.page.getByText('4 selected', { exact: true }).waitFor() // 2 and 5 from the export, and 1 and 6
    await all.uncheck()
    await app.page.getByText('1 selected', { exact: true }).waitFor()
    await app.study.search.fill('')
    await app.study.waitForCount(6, 6)
    expect(await app.study.runsTable.getByRole('checkbox', { name: 'Select mnist:5', exact: true }).isChecked()).toBe(true)
  })

  test('a run id links to the run', async () => {
    await app.study.runsTable.getByRole('link', { name: 'mnist:4', exact: true }).click()
    await app.page.waitForURL(/#\/run\/mnist\/4$/)
    await app.page.getByRole('heading', { name: /Run mnist:4/ }).waitFor()
  })

  test('a study that does not exist says so, with a way back', async () => {
    await app.study.open('nope')
    expect(await app.study.error.innerText()).toContain('no study nope')
    await app.study.error.getByRole('link', { name: 'Back to the studies' }).waitFor()
    await app.study.screenshot('test-results/study-missing.png')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
