/**
 * Moving runs between two browsers with a dump, in real headless Chromium:
 * profile A makes studies, runs, metric histories and logs, and exports them
 * through its worker; profile B (a fresh profile: another machine) imports the
 * bytes, and holds the same runs, histories and logs. Along the way, A's page
 * and a second tab of A hear A's writes on the changes channel.
 */
import { gunzipSync } from 'node:zlib'
import { describe, expect, test } from 'vitest'
import { RunState } from '../../src/db/model/run.js'
import { useApp, type App } from './fixture.js'
import type { DivinerConsole } from './pages/console-api.js'
import { DumpConsole, type ExportedBytes, type FullRun } from './pages/dump-console.js'

const a = useApp()
const b = useApp()

/** Opens the page on `app`'s first tab and waits for its console API. */
async function open(app: App): Promise<{ diviner: DivinerConsole; dumps: DumpConsole }> {
  await app.studies.open()
  const diviner = app.console
  const dumps = app.dumps
  await diviner.ready()
  await dumps.ready()
  return { diviner, dumps }
}

/** A run as it must look on any machine: where it came from is local knowledge. */
function portable(runs: FullRun[]): Omit<FullRun, 'origin'>[] {
  return runs.map(({ origin: _origin, ...rest }) => rest)
}

describe('a dump made in one profile, imported into another', () => {
  let exported: ExportedBytes
  let before: Record<string, FullRun[]>

  test('profile A makes runs; its page and another tab of A hear each write', async () => {
    const { diviner, dumps } = await open(a)
    const otherTab = new DumpConsole(await a.context.newPage())
    await otherTab.page.goto(a.baseUrl)
    await otherTab.listenForChanges()
    await dumps.listenForChanges()

    await diviner.createStudy({ name: 'mnist', description: 'digits', metric: 'loss', direction: 'minimize', replicates: 1, params: ['lr', 'momentum'] })
    await diviner.createStudy({ name: 'cifar/resnet 50', description: 'a name with a slash', metric: 'acc', direction: 'maximize', replicates: 0, params: ['lr'] })
    const one = await diviner.insertRun('mnist', { lr: 0.01, momentum: 0.9 })
    const two = await diviner.insertRun('mnist', { lr: 0.1, momentum: 0.5 })
    const three = await diviner.insertRun('mnist', { lr: 0.01, momentum: 0.9 }, 1)
    await diviner.appendMetrics('mnist', one, [{ loss: 0.9, acc: 0.5 }, { loss: 0.4, acc: 0.8 }, { loss: NaN, acc: 0.81 }])
    await diviner.finishRun('mnist', one, RunState.Success, 'finished 3 epochs')
    await diviner.appendMetrics('mnist', two, [{ loss: Infinity, acc: -Infinity }])
    await diviner.finishRun('mnist', two, RunState.Failure, 'diverged')
    await dumps.writeLog('mnist', one, ['epoch 1\n', 'epoch 2 ü ✓\n', 'done\n'])
    await dumps.writeLog('mnist', two, ['loss is inf\n'])
    await dumps.writeLog('mnist', three, ['starting…'])
    const res = await diviner.insertRun('cifar/resnet 50', { lr: 0.3 })
    await diviner.appendMetrics('cifar/resnet 50', res, Array.from({ length: 300 }, (_, i) => ({ acc: i / 300, step: i })))
    await diviner.finishRun('cifar/resnet 50', res, RunState.Success, 'ok')

    for (const tab of [otherTab, dumps]) {
      await expect.poll(() => tab.heardChanges().then((s) => new Set(s))).toEqual(new Set(['mnist', 'cifar/resnet 50']))
    }
    await otherTab.page.close()
    before = { 'mnist': await dumps.fullRuns('mnist'), 'cifar/resnet 50': await dumps.fullRuns('cifar/resnet 50') }
    expect(before['mnist']?.map((r) => r.log)).toEqual(['epoch 1\nepoch 2 ü ✓\ndone\n', 'loss is inf\n', 'starting…'])
  })

  test('profile A exports everything through its worker', async () => {
    exported = await a.dumps.exportAll()
    expect(exported.filename).toMatch(/^diviner-all-\d{8}-\d{6}\.diviner\.gz$/)
    expect(exported.lastProgress).toEqual({ runs: 4, bytes: exported.bytes.length })
    const [header] = gunzipSync(exported.bytes).toString('utf8').split('\n')
    expect(JSON.parse(header ?? '')).toMatchObject({ format: 'diviner-local-dump', version: 1, origin: exported.checkpoint.db, checkpoint: exported.checkpoint })
  })

  test('profile B imports the bytes, with progress, and holds the same runs and logs', async () => {
    const { dumps } = await open(b)
    const { summary, progress } = await dumps.importBytes(exported.bytes)
    expect(summary.studies).toEqual({ added: 2, updated: 0, unchanged: 0, conflicts: 0 })
    expect(summary.runs).toEqual({ added: 4, updated: 0, unchanged: 0, rejected: 0 })
    expect(summary.origins).toEqual([exported.checkpoint.db])
    expect(progress.at(-1)).toEqual({ bytesRead: exported.bytes.length, bytesTotal: exported.bytes.length, records: summary.records })

    for (const [study, runs] of Object.entries(before)) {
      const after = await dumps.fullRuns(study)
      expect(portable(after)).toEqual(portable(runs))
      expect(after.every((r) => r.origin?.db === exported.checkpoint.db)).toBe(true)
    }
  })

  test('importing the same bytes again changes nothing', async () => {
    const { summary } = await b.dumps.importBytes(exported.bytes)
    expect(summary.runs).toEqual({ added: 0, updated: 0, unchanged: 4, rejected: 0 })
    expect(portable(await b.dumps.fullRuns('mnist'))).toEqual(portable(before['mnist'] ?? []))
  })

  test('a damaged dump is refused with bad-dump, and B keeps what it had', async () => {
    const damaged = exported.bytes.subarray(0, exported.bytes.length - 20)
    const code = await b.page.evaluate(async (bytes) => {
      const d = globalThis.diviner
      if (!d?.api) throw new Error('globalThis.diviner.api is not set')
      try {
        await d.api.importDump(new Blob([new Uint8Array(bytes)]))
        return 'no error'
      } catch (e) {
        return d.isDivinerError(e) ? e.code : `not a DivinerError: ${String(e)}`
      }
    }, [...damaged])
    expect(code).toBe('bad-dump')
    expect(portable(await b.dumps.fullRuns('mnist'))).toEqual(portable(before['mnist'] ?? []))
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(a.problems).toEqual([])
    expect(b.problems).toEqual([])
  })
})
