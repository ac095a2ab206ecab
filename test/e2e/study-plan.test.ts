/**
 * The plan tab: which grid combinations × replicates are done, pending, failed
 * or missing; what the oracle would propose next; a study whose grid is not
 * finite; and exporting the study with its runs.
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
    name: 'grid',
    objective: '-loss',
    replicates: 1,
    params: { lr: [0.1, 0.01], opt: ['adam', 'sgd'] },
    runs: [
      { values: { lr: 0.1, opt: 'adam' }, replicate: 0, metrics: [{ loss: 0.3 }] },
      { values: { lr: 0.1, opt: 'adam' }, replicate: 1, state: 'failure' },
      { values: { lr: 0.1, opt: 'adam' }, replicate: 1, state: 'pending' },
      { values: { lr: 0.1, opt: 'sgd' }, replicate: 0, state: 'failure' },
      { values: { lr: 0.01, opt: 'sgd' }, replicate: 1, metrics: [{ loss: 0.2 }] },
    ],
  })
  await seedStudy(browser.page, { name: 'ranged', objective: '-loss', params: { lr: { range: [0.001, 0.1] }, opt: ['adam'] }, runs: [] })
  await seedStudy(browser.page, {
    name: 'randomly', objective: '-loss', oracle: { name: 'random', seed: 7 }, params: { opt: ['adam', 'sgd', 'rmsprop'] },
    runs: [{ values: { opt: 'sgd' } }],
  })
})

afterAll(async () => {
  await browser?.close()
  await removeProfile(profileDir)
})

describe('the plan tab', () => {
  test('counts and lists the grid combinations × replicates by status', async () => {
    await screen.open('grid', { tab: 'plan' })
    await expect.poll(() => screen.planSummary()).toBe(
      '4 combinations × 2 replicates = 8 runs: 2 done 1 pending 1 failed 4 missing')
    expect(await screen.planRows()).toEqual([
      ['0.1', 'adam', 'done', 'pending'],
      ['0.1', 'sgd', 'failed', 'missing'],
      ['0.01', 'adam', 'missing', 'missing'],
      ['0.01', 'sgd', 'missing', 'done'],
    ])
    await screen.screenshot('test-results/study-plan.png')
  })

  test('proposes the next value sets with the replicates they miss; N is in the address', async () => {
    expect(await screen.proposals()).toEqual([
      'lr=0.1, opt=sgd replicate 0, 1',
      'lr=0.01, opt=adam replicate 0, 1',
      'lr=0.01, opt=sgd replicate 0',
    ])
    await screen.page.getByLabel('How many').fill('1')
    await expect.poll(() => screen.proposals()).toEqual(['lr=0.1, opt=sgd replicate 0, 1'])
    expect(screen.query().get('next')).toBe('1')
    await screen.reload()
    expect(await screen.proposals()).toEqual(['lr=0.1, opt=sgd replicate 0, 1'])
  })

  test('the plan follows new runs live', async () => {
    await browser.page.evaluate(async () => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const run = await d.db.insertRun({ study: 'grid', values: { lr: d.float(0.01), opt: d.str('adam') }, replicate: 0 })
      await d.db.updateRun('grid', run.seq, d.RunState.Success, 'done', 1000, 0)
    })
    await expect.poll(() => screen.planSummary()).toBe(
      '4 combinations × 2 replicates = 8 runs: 3 done 1 pending 1 failed 3 missing')
  })

  test('exports the study with its runs', async () => {
    const download = browser.page.waitForEvent('download')
    await browser.page.getByRole('button', { name: 'Export study with its runs' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^diviner-grid-.*\.diviner\.gz$/)
    const lines = gunzipSync(await readFile(await file.path())).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]?.covers).toEqual({ kind: 'studies', studies: ['grid'] })
    expect(lines.filter((l) => l.t === 'study').map((l) => l.name)).toEqual(['grid'])
    expect(lines.filter((l) => l.t === 'run')).toHaveLength(6)
  })

  test('a study with a float range has no finite grid, and says which param', async () => {
    await screen.open('ranged', { tab: 'plan' })
    await expect.poll(() => screen.planSummary()).toMatch(/^The grid is not finite: .*"lr".*float range/)
    expect(await screen.page.getByText(/cannot|not finite/).first().isVisible()).toBe(true)
    await screen.screenshot('test-results/study-plan-not-finite.png')
  })

  test('a random study proposes its next draws', async () => {
    await screen.open('randomly', { tab: 'plan', next: '3' })
    await expect.poll(() => screen.proposals().then((p) => p.length)).toBe(3)
    for (const p of await screen.proposals()) expect(p).toMatch(/^opt=(adam|sgd|rmsprop)$/)
    expect(await screen.page.getByText('The grid plan is for grid studies').isVisible()).toBe(true)
  })

  test('nothing went wrong on the way', () => {
    expect(browser.problems).toEqual([])
  })
})
