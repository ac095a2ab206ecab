/**
 * Offline: once the page has been loaded, its service worker keeps it, so a
 * reload with the network gone still shows the studies, and the study screen
 * (loaded on demand) still opens.
 */
import { mkdir } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { StudiesPage } from './pages/studies-page.js'

const baseUrl = inject('baseUrl')
let profileDir: string
let browser: Browser

beforeAll(async () => {
  await mkdir('test-results', { recursive: true })
  profileDir = await newProfile()
  browser = await launch(profileDir)
})

afterAll(async () => {
  await browser?.context.setOffline(false)
  await browser?.close()
  await removeProfile(profileDir)
})

/** True when the page's own requests can reach the server (asks for a file no cache holds). */
function online(browser: Browser): Promise<boolean> {
  return browser.page.evaluate(async () => {
    try {
      await fetch(`./no-such-file-${Date.now()}`)
      return true
    } catch {
      return false
    }
  })
}

describe('with the network gone', () => {
  test('the page installs its service worker and keeps the example on a first visit', async () => {
    const studies = new StudiesPage(browser.page, baseUrl)
    await studies.open()
    // The service worker takes over this first page once it has cached the build.
    await browser.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await studies.loadExample()
    expect(await studies.names()).toEqual(['mnist'])
  })

  test('a reload offline still shows the studies', async () => {
    await browser.context.setOffline(true)
    expect(await online(browser)).toBe(false)
    const studies = new StudiesPage(browser.page, baseUrl)
    await studies.reload()
    expect(await studies.names()).toEqual(['mnist'])
    expect((await studies.counts('mnist')).runs).toBe(128)
    await studies.screenshot('test-results/page-offline.png')
  })

  test('the study screen, loaded on demand, opens offline too', async () => {
    const studies = new StudiesPage(browser.page, baseUrl)
    await studies.openStudy('mnist')
    await browser.page.getByRole('tab', { name: 'Runs', selected: true }).waitFor()
    await browser.page.reload()
    await browser.page.getByRole('tab', { name: 'Runs', selected: true }).waitFor()
    await browser.page.screenshot({ path: 'test-results/page-offline-study.png', fullPage: true })
  })

  test('nothing went wrong on the way, but the one request meant to fail offline', () => {
    expect(browser.problems.filter((p) => !p.includes('/no-such-file-'))).toEqual([])
  })
})
