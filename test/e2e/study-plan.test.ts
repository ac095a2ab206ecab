/**
 * The plan tab: which grid combinations × replicates are done, pending, failed
 * or missing; what the oracle would propose next; a study whose grid is not
 * finite; and exporting the study with its runs.
 */
import { readFile } from 'node:fs/promises'
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const app = useApp({
  seed: [
    {
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
    },
    { name: 'ranged', objective: '-loss', params: { lr: { range: [0.001, 0.1] }, opt: ['adam'] }, runs: [] },
    {
      name: 'randomly', objective: '-loss', oracle: { name: 'random', seed: 7 }, params: { opt: ['adam', 'sgd', 'rmsprop'] },
      runs: [{ values: { opt: 'sgd' } }],
    },
  ],
})

describe('the plan tab', () => {
  test('counts and lists the grid combinations × replicates by status', async () => {
    await app.study.open('grid', { tab: 'plan' })
    await expect.poll(() => app.study.planSummary()).toBe(
      '4 combinations × 2 replicates = 8 runs: 2 done 1 pending 1 failed 4 missing')
    expect(await app.study.planRows()).toEqual([
      ['0.1', 'adam', 'done', 'pending'],
      ['0.1', 'sgd', 'failed', 'missing'],
      ['0.01', 'adam', 'missing', 'missing'],
      ['0.01', 'sgd', 'missing', 'done'],
    ])
    await app.study.screenshot('test-results/study-plan.png')
  })

  test('proposes the next value sets with the replicates they miss; N is in the address', async () => {
    expect(await app.study.proposals()).toEqual([
      'lr=0.1, opt=sgd replicate 0, 1',
      'lr=0.01, opt=adam replicate 0, 1',
      'lr=0.01, opt=sgd replicate 0',
    ])
    await app.page.getByLabel('How many').fill('1')
    await expect.poll(() => app.study.proposals()).toEqual(['lr=0.1, opt=sgd replicate 0, 1'])
    expect(app.study.query().get('next')).toBe('1')
    await app.study.reload()
    expect(await app.study.proposals()).toEqual(['lr=0.1, opt=sgd replicate 0, 1'])
  })

  test('the plan follows new runs live', async () => {
    await app.page.evaluate(async () => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const run = await d.db.insertRun({ study: 'grid', values: { lr: d.float(0.01), opt: d.str('adam') }, replicate: 0 })
      await d.db.updateRun('grid', run.seq, d.RunState.Success, 'done', 1000, 0)
    })
    await expect.poll(() => app.study.planSummary()).toBe(
      '4 combinations × 2 replicates = 8 runs: 3 done 1 pending 1 failed 3 missing')
  })

  test('exports the study with its runs', async () => {
    const download = app.page.waitForEvent('download')
    await app.page.getByRole('button', { name: 'Export study with its runs' }).click()
    const file = await download
    expect(file.suggestedFilename()).toMatch(/^diviner-grid-.*\.diviner\.gz$/)
    const lines = gunzipSync(await readFile(await file.path())).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    expect(lines[0]?.covers).toEqual({ kind: 'studies', studies: ['grid'] })
    expect(lines.filter((l) => l.t === 'study').map((l) => l.name)).toEqual(['grid'])
    expect(lines.filter((l) => l.t === 'run')).toHaveLength(6)
  })

  test('a study with a float range has no finite grid, and says which param', async () => {
    await app.study.open('ranged', { tab: 'plan' })
    await expect.poll(() => app.study.planSummary()).toMatch(/^The grid is not finite: .*"lr".*float range/)
    expect(await app.page.getByText(/cannot|not finite/).first().isVisible()).toBe(true)
    await app.study.screenshot('test-results/study-plan-not-finite.png')
  })

  test('a random study proposes its next draws', async () => {
    await app.study.open('randomly', { tab: 'plan', next: '3' })
    await expect.poll(() => app.study.proposals().then((p) => p.length)).toBe(3)
    for (const p of await app.study.proposals()) expect(p).toMatch(/^opt=(adam|sgd|rmsprop)$/)
    expect(await app.page.getByText('The grid plan is for grid studies').isVisible()).toBe(true)
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
