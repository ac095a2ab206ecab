/**
 * Offline: once the page has been loaded, its service worker keeps it, so a
 * reload with the network gone still shows the studies, and the study screen
 * (loaded on demand) still opens.
 */
import type { Page } from 'playwright-core'
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const app = useApp()

/** True when the page's own requests can reach the server (asks for a file no cache holds). */
function online(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
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
    const studies = app.studies
    await studies.open()
    // The service worker takes over this first page once it has cached the build.
    await app.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    await studies.loadExample()
    expect(await studies.names()).toEqual(['mnist'])
  })

  test('a reload offline still shows the studies', async () => {
    await app.context.setOffline(true)
    expect(await online(app.page)).toBe(false)
    const studies = app.studies
    await studies.reload()
    expect(await studies.names()).toEqual(['mnist'])
    expect((await studies.counts('mnist')).runs).toBe(128)
    await studies.screenshot('test-results/page-offline.png')
  })

  test('the study screen, loaded on demand, opens offline too', async () => {
    const studies = app.studies
    await studies.openStudy('mnist')
    await app.page.getByRole('tab', { name: 'Runs', selected: true }).waitFor()
    await app.page.reload()
    await app.page.getByRole('tab', { name: 'Runs', selected: true }).waitFor()
    await app.page.screenshot({ path: 'test-results/page-offline-study.png', fullPage: true })
  })

  test('nothing went wrong on the way, but the one request meant to fail offline', () => {
    expect(app.problems.filter((p) => !p.includes('/no-such-file-'))).toEqual([])
  })
})
