/**
 * Comparing runs and trials: 2 to 5 runs selected in the runs table (or trials
 * in the leaderboard) open side by side, with the rows that differ marked in
 * text (≠), not by colour alone, and their learning curves overlaid.
 */
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const curve = (start: number, n: number) => Array.from({ length: n }, (_, k) => ({ loss: start / (k + 1), acc: 1 - start / (k + 2) }))

const app = useApp({
  seed: [{
    name: 'cmp',
    objective: '-loss',
    replicates: 1,
    params: { lr: [0.1, 0.01], opt: ['adam', 'sgd'] },
    runs: [
      { values: { lr: 0.1, opt: 'adam' }, metrics: curve(1, 8), status: 'done', runtimeMs: 60_000 },
      { values: { lr: 0.01, opt: 'adam' }, metrics: curve(2, 12), status: 'done', runtimeMs: 60_000 },
      { values: { lr: 0.1, opt: 'sgd' }, metrics: curve(3, 5), state: 'failure', status: 'diverged', runtimeMs: 5_000 },
      { values: { lr: 0.1, opt: 'adam' }, replicate: 1, metrics: curve(1.2, 8), status: 'done', runtimeMs: 61_000 },
      { values: { lr: 0.01, opt: 'adam' }, replicate: 1, metrics: curve(2.2, 12), status: 'done', runtimeMs: 59_000 },
    ],
  }],
})

/** The comparison table as text: row label → cells, and which rows are marked as differing. */
async function comparison(): Promise<{ rows: Record<string, string[]>; differing: string[] }> {
  const table = app.page.locator('table[data-compare]')
  await table.waitFor()
  return table.evaluate((t) => {
    const rows: Record<string, string[]> = {}
    const differing: string[] = []
    for (const tr of t.querySelectorAll('tbody tr:not(.group)')) {
      const th = tr.querySelector('th')
      const label = (th?.textContent ?? '').trim().replace(/^≠?\s*(differs:)?\s*/, '')
      rows[label] = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')
      if (tr.getAttribute('data-differs') === 'true') differing.push(label)
    }
    return { rows, differing }
  })
}

describe('compare', () => {
  test('runs selected in the runs table open side by side, differences marked, curves overlaid', async () => {
    await app.study.open('cmp')
    await app.study.waitForCount(5, 5)
    const compare = app.page.getByRole('link', { name: /^Compare \d$/ })
    expect(await app.page.getByRole('button', { name: 'Compare' }).isDisabled()).toBe(true)
    for (const id of ['cmp:1', 'cmp:2', 'cmp:3']) await app.page.getByRole('checkbox', { name: `Select ${id}` }).check()
    expect(await compare.textContent()).toBe('Compare 3')
    await compare.click()
    expect(app.page.url()).toContain('#/compare/cmp?runs=1%2C2%2C3')
    const { rows, differing } = await comparison()
    expect(rows.State).toEqual(['success', 'success', 'failure'])
    expect(rows.lr).toEqual(['0.1', '0.01', '0.1'])
    expect(rows.opt).toEqual(['adam', 'adam', 'sgd'])
    expect(rows.loss).toEqual(['0.125', '0.166667', '0.6'])
    expect(differing).toEqual(expect.arrayContaining(['State', 'Status', 'Runtime', 'Reports', 'lr', 'opt', 'loss', 'acc']))
    expect(differing).not.toContain('Replicate')
    // Marked in text, not by colour alone.
    expect(await app.page.locator('tr[data-differs=true] th .mark').first().textContent()).toBe('≠')
    await app.page.locator('figure[data-picture=compare-curves][data-ready=true]').waitFor()
    expect(await app.page.locator('figure[data-picture=compare-curves] .u-legend .u-series').count()).toBe(4)
    expect(await app.page.getByRole('combobox', { name: 'Metric' }).inputValue()).toBe('loss')
    await app.page.getByLabel('Only rows that differ').check()
    expect(Object.keys((await comparison()).rows)).not.toContain('Replicate')
    await app.page.getByLabel('Only rows that differ').uncheck()
    await app.page.setViewportSize({ width: 1600, height: 1000 })
    await app.page.screenshot({ path: 'test-results/compare-runs.png', fullPage: true })
    await app.page.setViewportSize({ width: 1100, height: 700 })
  })

  test('trials compare by their runs (replicates averaged)', async () => {
    await app.page.goto(`${app.baseUrl}#/compare/cmp?trials=1.4,2.5`)
    await expect.poll(async () => (await comparison()).rows.Runs).toEqual(['2', '2'])
    const { rows, differing } = await comparison()
    expect(rows.Runs).toEqual(['2', '2'])
    expect(rows.Replicates).toEqual(['0, 1', '0, 1'])
    expect(rows.lr).toEqual(['0.1', '0.01'])
    expect(rows.loss).toEqual([String(Number(((1 / 8 + 1.2 / 8) / 2).toPrecision(6))), String(Number(((2 / 12 + 2.2 / 12) / 2).toPrecision(6)))])
    expect(differing).toContain('lr')
    expect(differing).not.toContain('opt')
    await app.page.locator('figure[data-picture=compare-curves][data-ready=true]').waitFor()
  })

  test('an address naming one run, or six, says how to compare', async () => {
    await app.page.goto(`${app.baseUrl}#/compare/cmp?runs=1`)
    expect(await app.page.getByRole('alert').textContent()).toContain('compare 2 to 5 runs or trials')
    await app.page.goto(`${app.baseUrl}#/compare/cmp?runs=1,x`)
    expect(await app.page.getByRole('alert').textContent()).toContain('runs=3,7,12')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
