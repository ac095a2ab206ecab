/**
 * A full disk, in real Chromium: the profile's storage quota for the page's
 * origin is cut down (DevTools protocol, Storage.overrideQuotaForOrigin) to a
 * little more than what it holds, then a person imports a dump far larger than
 * that. The import fails with a clear message in the error banner (code
 * `quota`), and everything the database held before is still there.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { useApp } from './fixture.js'
import { bigDump } from './pages/db-state.js'

const ORIGIN = 'f0110000-0000-4000-8000-0000000d15c0'
/** The origin's storage quota for the test: room for the page's cached files and a little data. */
const QUOTA = 6 * 1024 * 1024
const app = useApp()

test('an import that runs out of storage quota fails clearly and keeps the earlier data', async () => {
  // The quota is cut before the page stores anything: Chromium keeps the room it
  // last found left for a while, so a quota cut later would not bite at once.
  const origin = new URL(app.baseUrl).origin
  const cdp = await app.context.newCDPSession(app.page)
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: QUOTA })
  // (navigator.storage.estimate() reports a made-up quota, for privacy; the protocol tells the real one.)
  expect(await cdp.send('Storage.getUsageAndQuota', { origin })).toMatchObject({ overrideActive: true, quota: QUOTA })

  const studies = app.studies
  const state = app.db
  await studies.open()
  await app.seed({
    name: 'kept', description: 'made before the disk filled up', objective: '-loss', params: { lr: { range: [0, 1] } },
    runs: [0, 1, 2].map((i) => ({ values: { lr: i / 10 }, metrics: [{ loss: 1 - i / 10 }], state: 'pending' as const })),
  })
  // Some of the big dump's runs, in older versions: the failed import must restore them as they were.
  await app.seed(bigDump({ origin: ORIGIN, study: 'big', runs: 50, metrics: 1, logChars: 10 }))
  const before = await state.snapshot()
  const { usage } = await cdp.send('Storage.getUsageAndQuota', { origin })
  expect(usage).toBeLessThan(QUOTA)

  // 3,000 runs with 4,000 characters of random log text each: about 12 MB to store.
  const dump = bigDump({ origin: ORIGIN, study: 'big', runs: 3000, metrics: 10, logChars: 4000, updatedOffset: 1000, randomLogs: true })
  const file = join(app.dir, 'too-big.diviner.gz')
  await writeFile(file, dump)
  await app.transfer.importInput.setInputFiles(file)
  const alert = app.page.getByRole('alert')
  await alert.getByText('Import of too-big.diviner.gz failed').waitFor({ timeout: 60_000 })
  const text = await alert.innerText()
  expect(text).toContain('storage quota exceeded')
  expect(text).toContain('Free disk space or remove old data from this browser')
  await app.page.screenshot({ path: 'test-results/quota-import-failed.png', fullPage: true })

  // The code crosses the worker boundary too.
  const code = await app.page.evaluate(async (bytes) => {
    const d = globalThis.diviner
    if (!d?.api) throw new Error('globalThis.diviner.api is not set')
    try {
      await d.api.importDump(new Blob([Uint8Array.from(atob(bytes), (c) => c.charCodeAt(0))]))
      return 'imported'
    } catch (e) {
      return d.isDivinerError(e) ? e.code : `not a DivinerError: ${String(e)}`
    }
  }, dump.toString('base64'))
  expect(code).toBe('quota')

  // Nothing that was there is lost. (Chromium refuses every write, however small,
  // once the quota is passed, so the records the import replaced cannot all be put
  // back yet: the part already imported is undone once there is room again.)
  const kept = runsOf(await state.snapshot())
  for (const [id, run] of runsOf(before)) {
    expect(kept.get(id)?.metrics, `run ${id}`).toBeGreaterThanOrEqual(run.metrics)
    expect(kept.get(id)?.log, `run ${id}`).toBeGreaterThanOrEqual(run.log)
  }

  // With room again, the page undoes the rest when it next opens: the data is exactly as before.
  await cdp.send('Storage.overrideQuotaForOrigin', { origin })
  await studies.reload()
  expect(await state.snapshot()).toBe(before)
  expect(await state.bookkeeping()).toEqual({ imports: 0, undo: 0 })
  // And the same file imports.
  expect(await state.importAll(dump)).toBeGreaterThan(3000)
  expect(runsOf(await state.snapshot()).size).toBe(3003)
  expect(app.problems).toEqual([])
})

/** The runs of a snapshot (DbState.snapshot) by id, with the lengths of their histories and logs. */
function runsOf(snapshot: string): Map<string, { metrics: number; log: number }> {
  const studies = JSON.parse(snapshot) as { runs: [string, number, number, string, number, number, number][] }[]
  return new Map(studies.flatMap((s) => s.runs.map((r): [string, { metrics: number; log: number }] => [r[0], { metrics: r[5], log: r[6] }])))
}
