/**
 * The page served by `diviner-local serve` follows the journal directory: a
 * sweep started in a terminal fills the open page while it runs, and what the
 * page pulled stays after the server is gone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { start, type Running } from '../unit/cli/cli.js'
import { useApp } from './fixture.js'

const dir = mkdtempSync(join(tmpdir(), 'diviner-follow-'))
const db = join(dir, 'data')
let server: Running
let url = ''

// Each run reports three epochs a third of a second apart, so the page can be seen filling in.
writeFileSync(join(dir, 'sweep.config.ts'), `import { discrete, gridSearch, minimize, runConfig, study } from 'diviner-local/config'
export default study({
  name: 'live',
  params: { lr: discrete(0.1, 0.01, 0.001), depth: discrete(1, 2) },
  objective: minimize('loss'),
  oracle: gridSearch,
  run: (v) => runConfig({ script: 'for e in 1 2 3; do sleep 0.3; echo "epoch $e"; echo "METRICS: loss=$(echo "scale=4; $LR * $D + 1 / $e" | bc)"; done', env: { LR: String(v.lr), D: String(v.depth) } }),
})
`)

describe('a page opened from diviner-local serve', () => {
  beforeAll(async () => {
    server = start(['serve', '--db', db, '--port', '0'])
    const deadline = Date.now() + 60_000
    while (!/http:\/\/127\.0\.0\.1:\d+\//.test(server.stdout())) {
      if (Date.now() > deadline || server.child.exitCode !== null) throw new Error(`serve did not start: ${server.stderr()}`)
      await new Promise((r) => setTimeout(r, 50))
    }
    url = /http:\/\/127\.0\.0\.1:\d+\//.exec(server.stdout())?.[0] ?? ''
  }, 90_000)
  const app = useApp({ baseUrl: () => url })
  afterAll(() => {
    if (server.child.exitCode === null) server.child.kill('SIGINT')
    rmSync(dir, { recursive: true, force: true })
  })

  it('fills in while a sweep runs: the study appears, its leaderboard ranks runs as they finish', async () => {
    await app.studies.open()
    await expect.poll(() => app.page.getByRole('status').filter({ hasText: 'diviner-local' }).textContent()).toContain('Following diviner-local')
    const sweep = start(['run', '--db', db, '-parallelism', '2', join(dir, 'sweep.config.ts')])
    await app.page.getByRole('link', { name: 'live' }).waitFor({ timeout: 15_000 })
    await app.study.open('live', { tab: 'leaderboard' })
    // While the sweep runs, the board already ranks the runs that finished (6 in all).
    await expect.poll(async () => (await app.study.boardRows()).length, { timeout: 20_000 }).toBeGreaterThan(0)
    const during = (await app.study.boardRows()).length
    const sweepStillRunning = sweep.child.exitCode === null
    const finished = await sweep.done
    expect(finished.code, finished.stderr).toBe(0)
    await expect.poll(async () => (await app.study.boardRows()).length, { timeout: 10_000 }).toBe(6)
    expect(sweepStillRunning).toBe(true)
    expect(during).toBeLessThan(6)
    await app.page.screenshot({ path: 'test-results/journal-follow-leaderboard.png' })
    expect(app.problems).toEqual([])
  })

  it('keeps what it pulled after the server is gone, and says so', async () => {
    server.child.kill('SIGINT')
    await server.done
    await expect.poll(() => app.page.getByRole('status').filter({ hasText: 'diviner-local' }).textContent(), { timeout: 15_000 }).toContain('not answering')
    await app.studies.open().catch(() => undefined)
    // The page itself comes from the service worker's cache now; the data from the page's own database.
    await app.study.open('live')
    await app.study.waitForCount(6, 6)
  })
})
