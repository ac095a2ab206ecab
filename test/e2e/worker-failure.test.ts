/**
 * When the database worker cannot start, the page says so instead of loading forever.
 */
import { expect, inject, test } from 'vitest'
import { workerChunks } from './build-output.js'
import { useApp } from './fixture.js'

const app = useApp()

test('a worker script that fails to load shows a clear error', async () => {
  const worker = (await workerChunks(inject('distDir'))).map((c) => c.file)
  expect(worker.length).toBeGreaterThan(0)
  await app.page.route((url) => worker.some((file) => url.pathname.endsWith(`/${file}`)), (route) => route.fulfill({ status: 404, body: 'gone' }))
  const studies = app.studies
  await studies.open()
  expect(await studies.error.innerText()).toContain('The studies could not be loaded.')
  expect(await studies.error.innerText()).toContain('The database worker failed')
  await studies.screenshot('test-results/worker-failure.png')
})
