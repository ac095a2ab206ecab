/**
 * When the database worker cannot start, the page says so instead of loading forever.
 */
import { mkdir } from 'node:fs/promises'
import { afterAll, beforeAll, expect, inject, test } from 'vitest'
import { workerChunks } from './build-output.js'
import { launch, newProfile, removeProfile, type Browser } from './pages/browser.js'
import { StudiesPage } from './pages/studies-page.js'

let profileDir: string
let browser: Browser

beforeAll(async () => {
  profileDir = await newProfile()
  browser = await launch(profileDir)
})

afterAll(async () => {
  await browser?.close()
  await removeProfile(profileDir)
})

test('a worker script that fails to load shows a clear error', async () => {
  const worker = (await workerChunks(inject('distDir'))).map((c) => c.file)
  expect(worker.length).toBeGreaterThan(0)
  await browser.page.route((url) => worker.some((file) => url.pathname.endsWith(`/${file}`)), (route) => route.fulfill({ status: 404, body: 'gone' }))
  const studies = new StudiesPage(browser.page, inject('baseUrl'))
  await studies.open()
  expect(await studies.error.innerText()).toContain('The studies could not be loaded.')
  expect(await studies.error.innerText()).toContain('The database worker failed')
  await mkdir('test-results', { recursive: true })
  await studies.screenshot('test-results/worker-failure.png')
})
