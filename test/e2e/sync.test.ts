/**
 * Sync in the page, against a real S3-compatible server (s3rver, started
 * here on a free loopback port, with CORS for the page): two browser profiles
 * and a command-line writer converge; changes made offline go out when the
 * page is back online; the page reaches nothing but its own origin and the
 * remote it was given.
 */
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { cli, tempDir, writeFiles } from '../unit/cli/cli.js'
import { S3_KEY, startS3, type S3Server } from '../unit/sync/s3-server.js'
import { useApp, type App } from './fixture.js'
import { SyncScreen } from './pages/sync-page.js'

let s3: S3Server
const tmp = tempDir('diviner-e2e-sync-')
const journal = join(tmp.dir, 'data')

beforeAll(async () => { s3 = await startS3(['team']) })
afterAll(async () => { await s3.stop(); tmp.remove() })

const remote = () => ({ endpoint: s3.endpoint, bucket: 'team', prefix: 'lab', ...S3_KEY, pathStyle: true })

/** Every run of every study the page holds: study, values and metrics (seqs are local names). */
function runsOf(app: App): Promise<string[]> {
  return app.page.evaluate(async () => {
    const d = globalThis.diviner
    if (!d) throw new Error('no console API')
    const out: string[] = []
    for (const s of await d.db.listStudies('')) {
      for (const r of await d.db.listRuns(s.name, d.RunState.Any)) {
        out.push(JSON.stringify([s.name, r.state, Object.entries(r.values).map(([k, v]) => `${k}=${String(v.value)}`).sort(), r.metrics]))
      }
    }
    return out.sort()
  })
}

async function addRuns(app: App, study: string, losses: readonly number[]): Promise<void> {
  await app.console.ready()
  await app.console.createStudy({ name: study, description: '', metric: 'loss', direction: 'minimize', replicates: 0, params: ['lr'] })
  for (const [i, loss] of losses.entries()) {
    const seq = await app.console.insertRun(study, { lr: i / 10 })
    await app.console.appendMetrics(study, seq, [{ loss }])
    await app.console.finishRun(study, seq, 2, 'done')
  }
}

describe('sync in the page', () => {
  const a = useApp()
  const b = useApp()
  const requests: string[] = []

  it('two profiles and a command-line writer converge to the same runs, each once', async () => {
    a.context.on('request', (r) => requests.push(r.url()))
    await a.studies.open()
    await a.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    await addRuns(a, 'shared', [0.5, 0.4, 0.3])
    const syncA = new SyncScreen(a.page, a.baseUrl)
    await syncA.open()
    expect(await syncA.save(remote())).toContain(`may connect to ${s3.endpoint}`)
    // After the reload, the page's policy allows the remote, and nothing else.
    const policy = await a.page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
    expect(policy).toContain(`connect-src 'self' ${s3.endpoint};`)
    expect(await syncA.syncNow()).toBe('Synced: pushed 3 runs, pulled 0 runs of 0 studies.')

    // A command-line writer on another machine: a sweep of its own, synced through the same bucket.
    writeFiles(tmp.dir, { 'c.config.ts': `import { discrete, gridSearch, minimize, runConfig, study } from 'diviner-local/config'
export default study({ name: 'cli', params: { x: discrete(1, 2) }, objective: minimize('loss'), oracle: gridSearch, run: (v) => runConfig({ script: 'echo METRICS: loss=' + v.x }) })
` })
    expect((await cli(['run', '--db', journal, join(tmp.dir, 'c.config.ts')])).code).toBe(0)
    const env = { AWS_ACCESS_KEY_ID: S3_KEY.accessKeyId, AWS_SECRET_ACCESS_KEY: S3_KEY.secretAccessKey, AWS_ENDPOINT_URL: s3.endpoint, AWS_S3_FORCE_PATH_STYLE: 'true', HOME: tmp.dir }
    const fromCli = await cli(['sync', '--db', journal, 's3://team/lab'], { env })
    expect(fromCli.code, fromCli.stderr).toBe(0)
    expect(fromCli.stdout).toMatch(/^pushed 2 runs \(\d+ KB\); pulled 1 object \(1 studies and 3 runs added or updated, \d+ KB\) to s3:\/\/team\/lab\n$/)

    await b.studies.open()
    await b.page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
    await addRuns(b, 'other', [0.9])
    const syncB = new SyncScreen(b.page, b.baseUrl)
    await syncB.open()
    await syncB.save(remote())
    expect(await syncB.syncNow()).toBe('Synced: pushed 1 runs, pulled 5 runs of 2 studies.')
    expect(await syncA.syncNow()).toBe('Synced: pushed 0 runs, pulled 3 runs of 2 studies.')
    await cli(['sync', '--db', journal, 's3://team/lab'], { env })

    const expected = await runsOf(a)
    expect(expected).toHaveLength(6)
    expect(await runsOf(b)).toEqual(expected)
    const list = JSON.parse((await cli(['list', '--db', journal, '-runs', '--json'])).stdout) as { runs: unknown[] }
    expect(list.runs).toHaveLength(6)
    await a.page.screenshot({ path: 'test-results/sync-panel.png', fullPage: true })
    expect(a.problems).toEqual([])
    expect(b.problems).toEqual([])
  })

  it('changes made offline are pushed once the page is back online', async () => {
    const syncA = new SyncScreen(a.page, a.baseUrl)
    await syncA.save({ ...remote(), secretAccessKey: '', auto: true, everySeconds: 5 })
    await a.context.setOffline(true)
    await addRuns(a, 'shared', [0.2])
    await a.page.waitForTimeout(3000)
    await a.context.setOffline(false)
    const syncB = new SyncScreen(b.page, b.baseUrl)
    await expect.poll(async () => { await syncB.syncNow(); return (await runsOf(b)).length }, { timeout: 30_000, interval: 1000 }).toBe(7)
    await expect.poll(async () => (await syncA.status())['Waiting to be pushed']).toBe('0 runs changed')
  })

  it('the page asked no origin but its own and the remote\'s', () => {
    const origins = new Set(requests.map((u) => new URL(u).origin))
    expect([...origins].sort()).toEqual([new URL(a.baseUrl).origin, s3.endpoint].sort())
  })
})
