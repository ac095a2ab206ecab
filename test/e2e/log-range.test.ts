/**
 * Log-scale ranges as a person meets them: the new-study form offers them,
 * the study says so, the random oracle's proposals spread over every decade
 * of a learning rate's range, and a bad start is refused with a reason.
 */
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const app = useApp()

describe('a log-scale range', () => {
  test('the form offers it, and refuses one that starts at 0', async () => {
    await app.page.goto(`${app.baseUrl}#/new`)
    await app.newStudy.loaded()
    await app.newStudy.fill({ name: 'logs', metric: 'loss', direction: 'minimize', randomSeed: 3, params: [{ name: 'lr', range: 'float', start: '0', end: '0.1', log: true }] })
    await app.newStudy.createButton.click()
    await app.page.getByText(/a log-scale range must start above 0/).first().waitFor()
    await app.newStudy.fillParam(0, { name: 'lr', range: 'float', start: '0.0001', end: '0.1', log: true })
    expect(await app.newStudy.create()).toMatch(/logs/)
  })

  test('the study shows it, and the random oracle proposes across every decade', async () => {
    await app.study.open('logs', { tab: 'plan', next: '60' })
    expect((await app.study.studyParams())['lr']).toBe('logRange(0.0001, 0.1)')
    const lrs = (await app.study.proposals()).map((p) => Number(/lr=([\d.e+-]+)/.exec(p)?.[1]))
    expect(lrs.length).toBe(60)
    const decades = [0, 0, 0]
    for (const x of lrs) decades[Math.floor(Math.log10(x / 1e-4))]! += 1
    // A linear draw would put about 90% in the last decade.
    for (const n of decades) expect(n).toBeGreaterThan(8)
    await app.page.screenshot({ path: 'test-results/log-range-plan.png', fullPage: true })
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
