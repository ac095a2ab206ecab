/**
 * The studies screen on a first visit: the empty state loads the shipped
 * example; the list shows what the dump holds; filters and deep links survive
 * a reload; an unknown address says so.
 */
import { mkdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { exampleStudies } from './pages/example.js'
import { StudiesPage } from './pages/studies-page.js'
import { formatMetric } from '../../src/ui/shell/numbers.js'

const baseUrl = inject('baseUrl')
let profileDir: string
let browser: Browser
let studies: StudiesPage

beforeAll(async () => {
  await mkdir('test-results', { recursive: true })
  profileDir = await newProfile()
  browser = await launch(profileDir)
  studies = new StudiesPage(browser.page, baseUrl)
})

afterAll(async () => {
  await browser?.close()
  await removeProfile(profileDir)
})

describe('the studies screen', () => {
  test('an empty database offers the example, which loads with its counts', async () => {
    await studies.open()
    expect(await studies.emptyMessage.isVisible()).toBe(true)
    await studies.screenshot('test-results/page-empty.png')

    await studies.loadExample()
    await studies.table.waitFor()
    await studies.screenshot('test-results/page-example-loaded.png')

    const want = await exampleStudies()
    expect(await studies.names()).toEqual(want.map((s) => s.name))
    for (const s of want) {
      expect(await studies.counts(s.name)).toEqual({
        runs: s.runs, pending: s.pending, success: s.success, failure: s.failure, best: formatMetric(s.best),
      })
    }
    const [mnist] = await studies.rows()
    expect(mnist).toMatchObject({ name: 'mnist', objective: 'maximize(acc)', replicates: '1' })
  })

  test('the name filter takes a prefix or a regular expression, and says when one is invalid', async () => {
    await studies.filterByName('mn')
    await expect.poll(() => studies.names()).toEqual(['mnist'])
    await studies.filterByName('cifar')
    await studies.noMatch.waitFor()

    await studies.filterByName('/^m.i/')
    await expect.poll(() => studies.names()).toEqual(['mnist'])
    await studies.filterByName('/[unclosed')
    await studies.nameFilterError.waitFor()
    expect(await studies.nameFilter.getAttribute('aria-invalid')).toBe('true')
    await studies.screenshot('test-results/page-filter-invalid.png')

    await studies.setRegex(true)
    await studies.filterByName('n?ist$')
    await expect.poll(() => studies.names()).toEqual(['mnist'])
  })

  test('filters live in the address and survive a reload', async () => {
    await studies.setRegex(false)
    await studies.filterByName('mni')
    await studies.setActivity('last hour')
    expect(new URL(browser.page.url()).hash).toBe('#/?q=mni&active=hour')
    await studies.reload()
    expect(await studies.nameFilter.inputValue()).toBe('mni')
    expect(await studies.activity.inputValue()).toBe('hour')
    // Importing is activity here: the example's study was active just now.
    await expect.poll(() => studies.names()).toEqual(['mnist'])
    await studies.screenshot('test-results/page-filtered.png')
    await studies.setActivity('any time')
    expect(new URL(browser.page.url()).hash).toBe('#/?q=mni')
  })

  test('a deep link to a study view comes back after a reload', async () => {
    await studies.openStudy('mnist')
    await browser.page.getByRole('tab', { name: 'Leaderboard' }).click()
    await browser.page.getByRole('tab', { name: 'Leaderboard', selected: true }).waitFor()
    const address = browser.page.url()
    expect(new URL(address).hash).toMatch(/^#\/study\/mnist\?.*tab=leaderboard/)
    await browser.page.reload()
    await browser.page.getByRole('tab', { name: 'Leaderboard', selected: true }).waitFor()
    expect(browser.page.url()).toBe(address)
    await browser.page.screenshot({ path: 'test-results/page-deep-link.png', fullPage: true })
  })

  test('an unknown address says there is no such page and links home', async () => {
    await browser.page.goto(`${baseUrl}#/no/such/thing`)
    await browser.page.getByRole('heading', { name: 'No such page' }).waitFor()
    await browser.page.screenshot({ path: 'test-results/page-missing.png', fullPage: true })
    await browser.page.getByRole('link', { name: 'Go to the studies' }).click()
    await studies.loaded()
    expect(await studies.names()).toEqual(['mnist'])
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(browser.problems).toEqual([])
  })
})
