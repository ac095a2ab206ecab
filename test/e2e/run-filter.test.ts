/**
 * Finding runs with a filter as MLflow users write it, on the runs table and
 * the leaderboard: kept in the address, and a bad query said plainly (the
 * table then shows the runs without it).
 */
import { describe, expect, test } from 'vitest'
import { useApp, type SeedRun } from './fixture.js'

const OPTIMIZERS = ['adam', 'sgd'] as const
const LRS = [0.1, 0.01, 0.001] as const

/** Two replicates per (optimizer, lr); acc by hand; the sgd/0.001 replicate 1 fails. */
const runs: SeedRun[] = OPTIMIZERS.flatMap((optimizer, o) => LRS.flatMap((lr, l) => [0, 1].map((replicate): SeedRun => ({
  values: { optimizer, lr },
  replicate,
  metrics: [{ acc: 0.9 + 0.02 * l + 0.03 * (1 - o) + 0.001 * replicate }],
  state: optimizer === 'sgd' && lr === 0.001 && replicate === 1 ? 'failure' : 'success',
}))))
const acc = (r: SeedRun) => (r.metrics?.[0] as { acc: number }).acc

const app = useApp({ seed: [{ name: 'filt', objective: '+acc', replicates: 1, params: { optimizer: [...OPTIMIZERS], lr: [...LRS] }, runs }] })

/** The seqs (1-based, in seed order) of the runs `keep` keeps. */
const seqs = (keep: (r: SeedRun) => boolean) => runs.flatMap((r, i) => (keep(r) ? [`filt:${i + 1}`] : []))

describe('the filter language on the page', () => {
  test('the runs table keeps what a filter says, and the address keeps the filter', async () => {
    await app.study.open('filt')
    await app.study.waitForCount(12, 12)
    await app.study.search.fill("metrics.acc > 0.96 and params.optimizer = 'adam'")
    const want = seqs((r) => acc(r) > 0.96 && r.values.optimizer === 'adam')
    await app.study.waitForCount(want.length, 12)
    expect(await app.study.runIds()).toEqual(want)
    expect(app.study.query().get('q')).toBe("metrics.acc > 0.96 and params.optimizer = 'adam'")
    await app.study.reload()
    await app.study.waitForCount(want.length, 12)
    expect(await app.study.runIds()).toEqual(want)
  })

  test('states, in-lists, or and free text', async () => {
    await app.study.search.fill("state = 'failure' or lr in (0.1, 0.01) and optimizer = sgd")
    const want = seqs((r) => r.state === 'failure' || ((r.values.lr === 0.1 || r.values.lr === 0.01) && r.values.optimizer === 'sgd'))
    await app.study.waitForCount(want.length, 12)
    expect(await app.study.runIds()).toEqual(want)
    // Free text is looked for in the run's name (and status, values, tags, note).
    await app.study.search.fill('filt:1')
    await app.study.waitForCount(4, 12)
    expect(await app.study.runIds()).toEqual(['filt:1', 'filt:10', 'filt:11', 'filt:12'])
  })

  test('a bad query is said plainly, and the table shows the runs without it', async () => {
    await app.study.search.fill('acc >')
    const alert = app.page.locator('[data-filter-problem]')
    await expect.poll(() => alert.innerText()).toBe('Search: expected a value after > (at character 6 of "acc >") — not applied')
    await app.study.waitForCount(12, 12)
    await app.study.search.fill('speed > 3')
    await expect.poll(() => alert.innerText()).toMatch(/^Search: no metric, param or attribute is called speed/)
    await app.page.screenshot({ path: 'test-results/run-filter-problem.png' })
    await app.study.search.fill('')
    await expect.poll(() => alert.count()).toBe(0)
  })

  test('the leaderboard keeps the trials a filter keeps, read as their means', async () => {
    await app.study.open('filt', { tab: 'leaderboard', filter: 'acc > 0.95' })
    await app.study.board.waitFor()
    const rows = await app.study.boardRows()
    // Trials' means: adam 0.9305, 0.9505, 0.9705; sgd 0.9005, 0.9205, 0.94 (one replicate, the other failed).
    expect(rows.map((r) => r[2])).toEqual(['0.9705', '0.9505'])
    expect(app.study.query().get('filter')).toBe('acc > 0.95')
    await app.page.getByLabel('Filter', { exact: true }).fill('optimizer = sgd')
    await expect.poll(async () => (await app.study.boardRows()).length).toBe(3)
    await app.page.getByLabel('Filter', { exact: true }).fill('optimizer = ')
    await app.page.locator('[data-filter-problem]').waitFor()
    await app.page.screenshot({ path: 'test-results/board-filter-problem.png', fullPage: true })
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
