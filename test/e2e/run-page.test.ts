/**
 * A run's screen: everything `diviner info -v` shows, the metric history as a
 * chart and a table, TSV/CSV downloads as Diviner's `metrics` command writes
 * them, the script, and the log: read whole, since a time, and followed live
 * while another tab writes to it. Deep links survive a reload.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

/** The finished run's metric history: loss and acc each report, lr now and then, one NaN and one +Inf. */
const history: Record<string, number>[] = Array.from({ length: 40 }, (_, i) => {
  const m: Record<string, number> = { loss: 2 / (i + 1), acc: Math.min(0.99, 0.1 + i * 0.025) }
  if (i % 10 === 0) m.lr = 0.1 / (i + 1)
  return m
})
history[5] = { loss: NaN, acc: 0.2 }
history[6] = { loss: Infinity }
const script = 'python train.py \\\n  --lr=0.01 \\\n  --opt=adam'

/** As Diviner's `metrics` command: sorted names, then each report with plain decimals and NA. */
function expectedTable(sep: string): string {
  const names = [...new Set(history.flatMap((m) => Object.keys(m)))].sort()
  const plain = (x: number) => (Number.isNaN(x) ? 'NaN' : x === Infinity ? '+Inf' : x === -Infinity ? '-Inf' : String(x))
  const lines = [names.join(sep), ...history.map((m) => names.map((n) => (n in m ? plain(m[n]!) : 'NA')).join(sep))]
  return lines.join('\n') + '\n'
}

/** Writes text to a run's log from `page`, as a runner in another tab would. */
function writeLog(page: Page, study: string, seq: number, text: string): Promise<void> {
  return page.evaluate(async ([study, seq, text]) => {
    const d = globalThis.diviner
    if (!d) throw new Error('globalThis.diviner is not set')
    const w = d.db.logger(study, seq).getWriter()
    await w.write(text)
    await w.close()
  }, [study, seq, text] as const)
}

const app = useApp({
  seed: [{
    name: 'mnist',
    objective: '-loss',
    params: { lr: [0.1, 0.01], opt: ['adam', 'sgd'] },
    runs: [
      { values: { lr: 0.01, opt: 'adam' }, metrics: history, status: 'finished 40 epochs', runtimeMs: 3_723_000, script, log: ['epoch 1\n', 'epoch 2\n', 'done\n'] },
      { values: { lr: 0.1, opt: 'sgd' }, state: 'pending', status: 'starting', metrics: [{ loss: 1 }], log: ['starting\n'] },
    ],
  }],
})

describe('a finished run', () => {
  test('shows what diviner info -v shows', async () => {
    await app.run.open('mnist', 1)
    expect(await app.run.heading.innerText()).toMatch(/^Run mnist:1\s+success$/)
    const facts = await app.run.facts()
    expect(facts).toMatchObject({ State: 'success', Status: 'finished 40 epochs', Runtime: '1h2m3s', Restarts: '0', Replicate: '0' })
    expect(facts.Created).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)
    expect(facts.Updated).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/)
    expect(facts).not.toHaveProperty('Origin')
    expect(await app.run.valueTable()).toEqual({ lr: '0.01', opt: 'adam' })
    expect(await app.run.script.innerText()).toBe(script)
  })

  test('draws the whole metric history as a chart, one series per chosen metric', async () => {
    await app.run.chart.locator('canvas').waitFor()
    await expect.poll(() => app.run.drawnPixels()).toBeGreaterThan(500)
    expect(await app.run.chartSeries()).toEqual(['report', 'acc', 'loss', 'lr'])
    await app.run.chartChoice('lr').uncheck()
    await expect.poll(() => app.run.chartSeries()).toEqual(['report', 'acc', 'loss'])
    expect(app.run.query().get('chart')).toBe('acc,loss')
    await app.run.chartChoice('acc').uncheck()
    await expect.poll(() => app.run.chartSeries()).toEqual(['report', 'loss'])
    expect(await app.run.drawnPixels()).toBeGreaterThan(500)
    await app.run.screenshot('test-results/run-page.png')
  })

  test('lists every metrics entry in a table, NA where one is missing', async () => {
    expect(await app.run.metricColumns()).toEqual(['#', 'acc', 'loss', 'lr'])
    const rows = await app.run.metricRows()
    expect(rows[0]).toEqual(['0', '0.1', '2', '0.1'])
    expect(rows[1]).toEqual(['1', '0.125', '1', 'NA'])
    expect(rows[5]).toEqual(['5', '0.2', 'NaN', 'NA'])
    expect(rows[6]).toEqual(['6', 'NA', '+Inf', 'NA'])
    expect(await app.page.getByText('40 entries', { exact: true }).isVisible()).toBe(true)
  })

  test('downloads the metrics as TSV (as Diviner\'s metrics command) and as CSV', async () => {
    const tsv = await app.run.download('Download TSV')
    expect(tsv.filename).toBe('mnist-1-metrics.tsv')
    expect(tsv.text).toBe(expectedTable('\t'))
    const csv = await app.run.download('Download CSV')
    expect(csv.filename).toBe('mnist-1-metrics.csv')
    expect(csv.text).toBe(expectedTable(','))
  })

  test('shows the log, and only what came after a time', async () => {
    await expect.poll(() => app.run.logStatus.innerText()).toBe('End of log')
    expect(await app.run.logText()).toBe('epoch 1\nepoch 2\ndone\n')
    expect(await app.run.follow.isChecked()).toBe(false)
    // A line, then a later one a whole second after it: `since` that second shows only the later one.
    const since = await app.page.evaluate(async () => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const w1 = d.db.logger('mnist', 1).getWriter()
      await w1.write('before\n')
      await w1.close()
      const at = new Date(Math.ceil((Date.now() + 1) / 1000) * 1000)
      await new Promise((r) => setTimeout(r, at.getTime() - Date.now() + 50))
      const w2 = d.db.logger('mnist', 1).getWriter()
      await w2.write('after\n')
      await w2.close()
      const p = (n: number) => String(n).padStart(2, '0')
      return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}:${p(at.getMinutes())}:${p(at.getSeconds())}`
    })
    await app.run.since.fill(since)
    await expect.poll(() => app.run.logText()).toBe('after\n')
    expect(app.run.query().get('since')).toBe(since)
    await app.page.getByRole('button', { name: 'From the start' }).click()
    await expect.poll(() => app.run.logText()).toBe('epoch 1\nepoch 2\ndone\nbefore\nafter\n')
  })

  test('a deep link with its options survives a reload', async () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${String(i).padStart(3, '0')} ${'x'.repeat(40)}\n`).join('')
    await writeLog(app.page, 'mnist', 1, long)
    await app.run.open('mnist', 1, { chart: 'loss', tail: '1' })
    // Only the last KB of the log, from a line start, and a note of what was left out.
    await expect.poll(() => app.run.logText()).toMatch(/line 099 x+\n$/)
    const shown = await app.run.logText()
    expect(shown.length).toBeLessThanOrEqual(1024)
    expect(long.endsWith(shown)).toBe(true)
    expect(shown.startsWith('line ')).toBe(true)
    expect(await app.run.logStatus.innerText()).toMatch(/^End of log; \d+ KB earlier not shown$/)
    await expect.poll(() => app.run.chartSeries()).toEqual(['report', 'loss'])
    await app.run.reload()
    await expect.poll(() => app.run.chartSeries()).toEqual(['report', 'loss'])
    expect(await app.run.chartChoice('acc').isChecked()).toBe(false)
    expect(await app.page.getByLabel('Tail (KB)', { exact: true }).inputValue()).toBe('1')
    expect(await app.run.drawnPixels()).toBeGreaterThan(500)
  })
})

describe('a pending run', () => {
  let writer: Page

  beforeAll(async () => {
    writer = await app.context.newPage()
    await writer.goto(app.baseUrl)
    await writer.waitForFunction(() => globalThis.diviner !== undefined)
  })

  afterAll(async () => {
    await writer?.close()
  })

  test('follows the log as another tab appends to it, staying at the end', async () => {
    await app.run.open('mnist', 2)
    await expect.poll(() => app.run.logStatus.innerText()).toBe('Following…')
    expect(await app.run.follow.isChecked()).toBe(true)
    await expect.poll(() => app.run.logText()).toBe('starting\n')
    const lines = Array.from({ length: 60 }, (_, i) => `step ${i + 1}: loss ${(1 / (i + 1)).toFixed(4)}\n`)
    await writeLog(writer, 'mnist', 2, lines.slice(0, 30).join(''))
    await expect.poll(() => app.run.logText(), { timeout: 15_000 }).toBe(`starting\n${lines.slice(0, 30).join('')}`)
    await writeLog(writer, 'mnist', 2, lines.slice(30).join(''))
    await expect.poll(() => app.run.logText(), { timeout: 15_000 }).toBe(`starting\n${lines.join('')}`)
    await expect.poll(() => app.run.logAtBottom()).toBe(true)
    await app.run.screenshot('test-results/run-follow.png')
  })

  test('shows metrics and state as another tab reports them', async () => {
    await writer.evaluate(async () => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      await d.db.appendRunMetrics('mnist', 2, { loss: 0.5 })
      await d.db.appendRunMetrics('mnist', 2, { loss: 0.25 })
    })
    await app.page.getByText('3 entries', { exact: true }).waitFor({ timeout: 15_000 })
    await writer.evaluate(async () => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      await d.db.updateRun('mnist', 2, d.RunState.Success, 'finished', 2000, 1)
    })
    await expect.poll(() => app.run.facts().then((f) => f.State), { timeout: 15_000 }).toBe('success')
    expect((await app.run.facts()).Restarts).toBe('1')
  })

  test('stops following when turned off, and when the page is left', async () => {
    await app.run.open('mnist', 2, { follow: '1' })
    await expect.poll(() => app.run.logStatus.innerText()).toBe('Following…')
    await app.run.follow.uncheck()
    await expect.poll(() => app.run.logStatus.innerText()).toBe('End of log')
    expect(app.run.query().get('follow')).toBeNull()
    await app.run.follow.check()
    await expect.poll(() => app.run.logStatus.innerText()).toBe('Following…')
    await app.study.open('mnist')
    await writeLog(writer, 'mnist', 2, 'after leaving\n')
    await app.run.open('mnist', 2)
    await expect.poll(() => app.run.logText()).toMatch(/after leaving\n$/)
  })
})

describe('a run that does not exist', () => {
  test('says so as the database does, with a way back to its study', async () => {
    await app.run.open('mnist', 99)
    expect(await app.run.error.innerText()).toContain('no run mnist:99')
    await app.run.error.getByRole('link', { name: 'Back to study mnist' }).click()
    await app.page.waitForURL(/#\/study\/mnist$/)
    await app.run.open('mnist', 99)
    await app.run.screenshot('test-results/run-missing.png')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
