/**
 * The studies screen on a first visit: the empty state loads the shipped
 * example; the list shows what the dump holds; filters and deep links survive
 * a reload; an unknown address says so.
 */
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'
import { exampleStudies } from './pages/example.js'
import { formatMetric } from '../../src/ui/shell/numbers.js'

const app = useApp()

describe('the studies screen', () => {
  test('an empty database offers the example, which loads with its counts', async () => {
    await app.studies.open()
    expect(await app.studies.emptyMessage.isVisible()).toBe(true)
    await app.studies.screenshot('test-results/page-empty.png')

    await app.studies.loadExample()
    await app.studies.table.waitFor()
    await app.studies.screenshot('test-results/page-example-loaded.png')

    const want = await exampleStudies()
    expect(await app.studies.names()).toEqual(want.map((s) => s.name))
    for (const s of want) {
      expect(await app.studies.counts(s.name)).toEqual({
        runs: s.runs, pending: s.pending, success: s.success, failure: s.failure, pruned: 0, best: formatMetric(s.best),
      })
    }
    const [mnist] = await app.studies.rows()
    expect(mnist).toMatchObject({ name: 'mnist', objective: 'maximize(acc)', replicates: '1' })
  })

  test('the name filter takes a prefix or a regular expression, and says when one is invalid', async () => {
    await app.studies.filterByName('mn')
    await expect.poll(() => app.studies.names()).toEqual(['mnist'])
    await app.studies.filterByName('cifar')
    await app.studies.noMatch.waitFor()

    await app.studies.filterByName('/^m.i/')
    await expect.poll(() => app.studies.names()).toEqual(['mnist'])
    await app.studies.filterByName('/[unclosed')
    await app.studies.nameFilterError.waitFor()
    expect(await app.studies.nameFilter.getAttribute('aria-invalid')).toBe('true')
    await app.studies.screenshot('test-results/page-filter-invalid.png')

    await app.studies.setRegex(true)
    await app.studies.filterByName('n?ist$')
    await expect.poll(() => app.studies.names()).toEqual(['mnist'])
  })

  test('filters live in the address and survive a reload', async () => {
    await app.studies.setRegex(false)
    await app.studies.filterByName('mni')
    await app.studies.setActivity('last hour')
    expect(new URL(app.page.url()).hash).toBe('#/?q=mni&active=hour')
    await app.studies.reload()
    expect(await app.studies.nameFilter.inputValue()).toBe('mni')
    expect(await app.studies.activity.inputValue()).toBe('hour')
    // Importing is activity here: the example's study was active just now.
    await expect.poll(() => app.studies.names()).toEqual(['mnist'])
    await app.studies.screenshot('test-results/page-filtered.png')
    await app.studies.setActivity('any time')
    expect(new URL(app.page.url()).hash).toBe('#/?q=mni')
  })

  test('a deep link to a study view comes back after a reload', async () => {
    await app.studies.openStudy('mnist')
    await app.page.getByRole('tab', { name: 'Leaderboard' }).click()
    await app.page.getByRole('tab', { name: 'Leaderboard', selected: true }).waitFor()
    const address = app.page.url()
    expect(new URL(address).hash).toMatch(/^#\/study\/mnist\?.*tab=leaderboard/)
    await app.page.reload()
    await app.page.getByRole('tab', { name: 'Leaderboard', selected: true }).waitFor()
    expect(app.page.url()).toBe(address)
    await app.page.screenshot({ path: 'test-results/page-deep-link.png', fullPage: true })
  })

  test('an unknown address says there is no such page and links home', async () => {
    await app.page.goto(`${app.baseUrl}#/no/such/thing`)
    await app.page.getByRole('heading', { name: 'No such page' }).waitFor()
    await app.page.screenshot({ path: 'test-results/page-missing.png', fullPage: true })
    await app.page.getByRole('link', { name: 'Go to the studies' }).click()
    await app.studies.loaded()
    expect(await app.studies.names()).toEqual(['mnist'])
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(app.problems).toEqual([])
  })
})
