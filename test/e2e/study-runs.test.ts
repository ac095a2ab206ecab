/**
 * The runs tab of a study: every run with its columns, filtered by state,
 * sorted by any column, searched; the filters live in the address, so a reload
 * (or a shared link) shows the same; selected runs export as a dump.
 */
import { mkdir, readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { seedStudy, StudyScreen } from './pages/study-page.js'

const baseUrl = inject('baseUrl')
let profileDir: string
let browser: Browser
let screen: StudyScreen

beforeAll(async () => {
  profileDir = await newProfile()
  browser = await launch(profileDir)
  screen = new StudyScreen(browser.page, baseUrl)
  await mkdir('test-results', { recursive: true })
  await browser.page.goto(baseUrl)
  await seedStudy(browser.page, {
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
  })
})

afterAll(async () => {
  await browser?.close()
  await removeProfile(profileDir)
})

const ids = (...seqs: number[]) => seqs.map((s) => `mnist:${s}`)

describe('the runs tab', () => {
  test('lists every run of the study with its columns', async () => {
    await screen.open('mnist')
    await screen.waitForCount(6, 6)
    expect(await screen.heading.innerText()).toBe('mnist')
    expect(await screen.tab('Runs').getAttribute('aria-selected')).toBe('true')
    expect(await screen.runColumns()).toEqual(['', 'Run', 'State', 'Status', 'Created', 'Runtime', 'Retries', 'Replicate', 'lr', 'opt', 'acc', 'loss'])
    expect(await screen.runIds()).toEqual(ids(1, 2, 3, 4, 5, 6))
    const first = await screen.runRow('mnist:1')
    expect(first.slice(1, 3)).toEqual(['mnist:1', 'success'])
    expect(first.slice(4)).toEqual([first[4], '1m5s', '0', '0', '0.1', 'adam', '0.8', '0.5'])
    expect(first[4]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)
    expect((await screen.runRow('mnist:3')).slice(2, 6)).toEqual(['pending', 'epoch 3', first[4], '1h2m3s'])
    expect((await screen.runRow('mnist:2')).at(-1)).toBe('NaN')
    await screen.screenshot('test-results/study-runs.png')
  })

  test('a cell shows its whole text as a tooltip when the pointer reaches it', async () => {
    const cell = screen.runsTable.getByRole('cell', { name: 'epoch 3', exact: true })
    await cell.hover()
    await expect.poll(() => cell.getAttribute('title')).toBe('epoch 3')
  })

  test('filters by state', async () => {
    await screen.stateFilter('success').uncheck()
    await screen.waitForCount(3, 6)
    expect(await screen.runIds()).toEqual(ids(2, 3, 6))
    expect(screen.query().get('states')).toBe('pending,failure')
    await screen.stateFilter('pending').uncheck()
    await screen.waitForCount(2, 6)
    expect(await screen.runIds()).toEqual(ids(2, 6))
    await screen.stateFilter('failure').uncheck()
    await screen.waitForCount(0, 6)
    expect(await screen.page.getByText('No run matches the filters.').isVisible()).toBe(true)
    for (const s of ['pending', 'success', 'failure'] as const) await screen.stateFilter(s).check()
    await screen.waitForCount(6, 6)
    expect(screen.query().has('states')).toBe(false)
  })

  test('sorts by any column, ascending then descending; runs without the metric last', async () => {
    await screen.sortBy('loss')
    expect(await screen.runIds()).toEqual(ids(4, 5, 1, 2, 3, 6))
    expect(screen.query().get('sort')).toBe('m.loss')
    await screen.sortBy('loss')
    expect(await screen.runIds()).toEqual(ids(1, 5, 4, 2, 3, 6))
    expect(screen.query().get('sort')).toBe('-m.loss')
    await screen.sortBy('lr')
    expect(await screen.runIds()).toEqual(ids(3, 6, 2, 5, 1, 4))
    await screen.sortBy('Runtime')
    await screen.sortBy('Runtime')
    expect(await screen.runIds()).toEqual(ids(3, 1, 2, 4, 5, 6))
    expect(await screen.runsTable.getByRole('columnheader', { name: 'Runtime' }).getAttribute('aria-sort')).toBe('descending')
    await screen.sortBy('lr')
  })

  test('searches ids, statuses and values', async () => {
    await screen.search.fill('adam')
    await screen.waitForCount(3, 6)
    expect(await screen.runIds()).toEqual(ids(6, 2, 1))
    await screen.search.fill('DIVERGED')
    expect(await screen.runIds()).toEqual(ids(2))
    await screen.search.fill('lr=0.1')
    await screen.waitForCount(2, 6)
    await screen.search.fill('mnist:5')
    expect(await screen.runIds()).toEqual(ids(5))
    await screen.search.fill('opt=sgd')
    await screen.stateFilter('pending').uncheck()
    await screen.waitForCount(2, 6)
    expect(await screen.runIds()).toEqual(ids(5, 4))
    await screen.screenshot('test-results/study-runs-filtered.png')
  })

  test('a reload keeps the filters, sort and search (they are in the address)', async () => {
    expect(Object.fromEntries(screen.query())).toEqual({ sort: 'v.lr', q: 'opt=sgd', states: 'success,failure' })
    await screen.reload()
    await screen.waitForCount(2, 6)
    expect(await screen.runIds()).toEqual(ids(5, 4))
    expect(await screen.search.inputValue()).toBe('opt=sgd')
    expect(await screen.stateFilter('pending').isChecked()).toBe(false)
    expect(await screen.runsTable.getByRole('columnheader', { name: 'lr' }).getAttribute('aria-sort')).toBe('ascending')
  })

  test('a shared link opens the runs tab with its filters', async () => {
    await screen.open('mnist', { states: 'failure', sort: '-id' })
    await screen.waitForCount(2, 6)
    expect(await screen.runIds()).toEqual(ids(6, 2))
  })

  test('selected runs export as a dump of just those runs', async () => {
    await screen.open('mnist')
    await screen.waitForCount(6, 6)
    expect(await screen.exportSelected.isDisabled()).toBe(true)
    await screen.select('mnist:2')
    await screen.select('mnist:5')
    const download = await screen.exportSelectedRuns()
    expect(download.suggestedFilename()).toMatch(/^diviner-2-runs-.*\.diviner\.gz$/)
    const lines = gunzipSync(await readFile(await download.path())).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]?.covers).toEqual({ kind: 'runs', runs: ['mnist:2', 'mnist:5'] })
    expect(lines.filter((l) => l.t === 'run').map((l) => l.seq)).toEqual([2, 5])
    await screen.page.getByRole('status').filter({ hasText: 'Exported 2 runs' }).waitFor()
  })

  test('the header checkbox selects every shown run, and only those', async () => {
    await screen.search.fill('adam')
    await screen.waitForCount(3, 6)
    const all = screen.runsTable.getByRole('checkbox', { name: 'Select all shown runs' })
    await all.check()
    await screen.page.getByText('4 selected', { exact: true }).waitFor() // 2 and 5 from the export, and 1 and 6
    await all.uncheck()
    await screen.page.getByText('1 selected', { exact: true }).waitFor()
    await screen.search.fill('')
    await screen.waitForCount(6, 6)
    expect(await screen.runsTable.getByRole('checkbox', { name: 'Select mnist:5', exact: true }).isChecked()).toBe(true)
  })

  test('a run id links to the run', async () => {
    await screen.runsTable.getByRole('link', { name: 'mnist:4', exact: true }).click()
    await screen.page.waitForURL(/#\/run\/mnist\/4$/)
    await screen.page.getByRole('heading', { name: /Run mnist:4/ }).waitFor()
  })

  test('a study that does not exist says so, with a way back', async () => {
    await screen.open('nope')
    expect(await screen.error.innerText()).toContain('no study nope')
    await screen.error.getByRole('link', { name: 'Back to the studies' }).waitFor()
    await screen.screenshot('test-results/study-missing.png')
  })

  test('nothing went wrong on the way', () => {
    expect(browser.problems).toEqual([])
  })
})
