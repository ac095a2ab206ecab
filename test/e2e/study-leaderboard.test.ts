/**
 * The leaderboard tab, as Diviner's `leaderboard` command: replicated trials
 * ranked by the objective (or an override), top N, chosen value and metric
 * columns, min–max across replicates (a column of its own for the objective),
 * replicates expanded, constant columns hidden and said; trials made of
 * successful runs only (running ones on request, marked), failed runs never
 * in a mean. The expected figures are computed here from the runs made.
 */
import { beforeEach, describe, expect, test } from 'vitest'
import { useApp, type SeedRun } from './fixture.js'

/** Trials of study cifar: each value set's runs, by replicate. */
const trials = [
  { lr: 0.1, bs: 32, runs: [{ replicate: 0, acc: 0.8, loss: 0.5 }, { replicate: 1, acc: 0.84, loss: 0.4 }] },
  { lr: 0.01, bs: 32, runs: [{ replicate: 0, acc: 0.9, loss: 0.3 }, { replicate: 1, acc: 0.86, loss: 0.35 }] },
  { lr: 0.001, bs: 64, runs: [{ replicate: 0, acc: 0.7, loss: 0.9 }, { replicate: 1, acc: 0.1, loss: 5, failed: true }] },
  { lr: 0.0001, bs: 64, runs: [{ replicate: 0, loss: 1.2 }, { replicate: 1, loss: 1.1 }] },
  { lr: 0.1, bs: 64, runs: [{ replicate: 0, acc: 0.75, loss: 0.6 }, { replicate: 1, pending: true }] },
] as const

type TrialRun = { replicate: number; acc?: number; loss?: number; pending?: boolean; failed?: boolean }

/** Whether the board counts run `r`: successful ones, and running ones when asked for. */
let withRunning = false
const counts = (r: TrialRun) => !r.failed && (!r.pending || withRunning)

/** Runs in the order they are made; seq = index + 1. */
const runs: (TrialRun & { trial: number })[] = trials.flatMap((t, trial) => t.runs.map((r) => ({ ...r, trial })))
const seqsOf = (trial: number) => runs.flatMap((r, i) => (r.trial === trial && counts(r) ? [i + 1] : []))
/** The runs of a trial the board counts. */
const runsOf = (trial: number) => (trials[trial]!.runs as readonly TrialRun[]).filter(counts)

/** As the page writes a metric: 4 significant digits, no trailing zeros. */
const g = (x: number) => String(Number(x.toPrecision(4)))
/** As the page writes a float value: Diviner's way, with `.0` on whole numbers. */
const fv = (x: number) => (Number.isInteger(x) ? `${x}.0` : String(x))
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length

/** What a trial's row should say for `metric`: the mean over the replicates reporting it, and their min–max when there are several replicates. */
function metricCell(trial: number, metric: 'acc' | 'loss'): string {
  const rs = runsOf(trial)
  const xs = rs.flatMap((r) => (r[metric] === undefined ? [] : [r[metric]]))
  if (xs.length === 0) return 'NA'
  const [min, max] = [Math.min(...xs), Math.max(...xs)]
  const spread = rs.length > 1 && min !== max ? ` ${g(min)}–${g(max)}` : ''
  return `${g(mean(xs))}${spread}`
}

/** The objective's mean alone, as its own cell shows it. */
function meanCell(trial: number, metric: 'acc' | 'loss'): string {
  const xs = runsOf(trial).flatMap((r) => (r[metric] === undefined ? [] : [r[metric]]))
  return xs.length === 0 ? 'NA' : g(mean(xs))
}

/** The objective's min–max column: filled when 2 or more replicates report it. */
function rangeCell(trial: number, metric: 'acc' | 'loss'): string {
  const xs = runsOf(trial).flatMap((r) => (r[metric] === undefined ? [] : [r[metric]]))
  return xs.length < 2 ? '' : `${g(Math.min(...xs))}–${g(Math.max(...xs))}`
}

/** The trials ranked by `metric` in `direction`, leaving out those lacking it. */
function ranked(metric: 'acc' | 'loss', direction: 1 | -1): number[] {
  const value = (t: number) => {
    const xs = runsOf(t).flatMap((r) => (r[metric] === undefined ? [] : [r[metric]]))
    return xs.length === 0 ? undefined : mean(xs)
  }
  return trials.map((_, t) => t).filter((t) => value(t) !== undefined).sort((a, b) => direction * ((value(a) as number) - (value(b) as number)))
}

function runsCell(trial: number): string {
  const running = runsOf(trial).some((r) => r.pending)
  return seqsOf(trial).map((s) => `cifar:${s}`).join(', ') + (running ? ' running' : '')
}

function replicatesCell(trial: number): string {
  return runsOf(trial).map((r) => r.replicate).join(', ')
}

const app = useApp({
  seed: [{
    name: 'cifar',
    objective: '+acc',
    replicates: 1,
    params: { lr: [0.1, 0.01, 0.001, 0.0001], bs: [32, 64], opt: ['adam'] },
    runs: runs.map((r): SeedRun => {
      const t = trials[r.trial]!
      const m: Record<string, number> = {}
      if (r.acc !== undefined) m.acc = r.acc
      if (r.loss !== undefined) m.loss = r.loss
      return {
        values: { lr: t.lr, bs: t.bs, opt: 'adam' }, replicate: r.replicate,
        metrics: Object.keys(m).length ? [{ acc: 0.1, loss: 2 }, m] : [], state: r.pending ? 'pending' : r.failed ? 'failure' : 'success',
      }
    }),
  }],
})

describe('the leaderboard tab', () => {
  // The running run's keepalive, as its runner would send it: a pending run silent for 60 s reports as failed.
  beforeEach(async () => {
    const seq = runs.findIndex((r) => r.pending) + 1
    await app.page.evaluate((seq) => globalThis.diviner?.db.updateRun('cifar', seq, globalThis.diviner.RunState.Pending, '', 0, 0), seq)
  })

  test('ranks trials by the objective, averaged over replicates with their min–max; says what it hid and left out', async () => {
    await app.study.open('cifar')
    await app.study.tab('Leaderboard').click()
    await app.study.board.waitFor()
    expect(app.study.query().get('tab')).toBe('leaderboard')
    expect(await app.study.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', 'Replicates', 'bs', 'lr'])
    const order = ranked('acc', -1)
    expect(order).toEqual([1, 0, 4, 2])
    expect(await app.study.boardRows()).toEqual(order.map((t, i) => [
      String(i + 1), runsCell(t), meanCell(t, 'acc'), rangeCell(t, 'acc'), replicatesCell(t), fv(trials[t]!.bs), fv(trials[t]!.lr),
    ]))
    expect(await app.study.notes()).toEqual(['ranked by maximize(acc)', 'trials of successful runs; left out: 1 failed, 1 running', '1 trial lacks acc', 'hidden: opt=adam (constant)'])
    await app.study.screenshot('test-results/study-leaderboard.png')
  })

  test('top N shows the best N; columns constant across them are hidden too', async () => {
    await app.study.boardOption('Top N', '2')
    await expect.poll(() => app.study.boardRows().then((rows) => rows.length)).toBe(2)
    expect(await app.study.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', 'Replicates', 'lr'])
    expect(await app.study.notes()).toContain('hidden: bs=32.0, opt=adam (constant)')
    await app.study.boardFlag('Show constant columns').check()
    expect(await app.study.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', 'Replicates', 'bs', 'lr', 'opt'])
    await app.study.boardFlag('Show constant columns').uncheck()
  })

  test('value and metric columns are chosen by regular expressions', async () => {
    await app.study.boardOption('Top N', '')
    await app.study.boardOption('Values', '^l')
    await app.study.boardOption('Metrics', 'loss')
    await expect.poll(() => app.study.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', 'loss', 'Replicates', 'lr'])
    const order = ranked('acc', -1)
    expect((await app.study.boardRows()).map((r) => r[4])).toEqual(order.map((t) => metricCell(t, 'loss')))
    await app.study.boardOption('Values', '(')
    await app.page.getByRole('alert').filter({ hasText: /Invalid regular expression/ }).waitFor()
    await app.study.boardOption('Values', '^l')
  })

  test('expand replicates shows each trial\'s runs under it', async () => {
    await app.study.boardFlag('Expand replicates').check()
    const rows = await app.study.boardRows()
    const order = ranked('acc', -1)
    const want: string[][] = []
    for (const [i, t] of order.entries()) {
      want.push([String(i + 1), runsCell(t), meanCell(t, 'acc'), rangeCell(t, 'acc'), metricCell(t, 'loss'), replicatesCell(t), fv(trials[t]!.lr)])
      for (const [k, r] of runsOf(t).entries()) {
        want.push(['', `cifar:${seqsOf(t)[k]} success`,
          r.pending ? 'NA' : r.acc === undefined ? 'NA' : g(r.acc), '', r.pending ? 'NA' : r.loss === undefined ? 'NA' : g(r.loss), `replicate ${r.replicate}`, ''])
      }
    }
    expect(rows).toEqual(want)
    await app.study.screenshot('test-results/study-leaderboard-expanded.png')
  })

  test('an objective override ranks by another metric, either way', async () => {
    await app.study.boardFlag('Expand replicates').uncheck()
    await app.study.boardOption('Metrics', '')
    await app.study.boardOption('Objective', '-loss')
    // Only lr is chosen (values ^l), so nothing is hidden as constant.
    await expect.poll(() => app.study.notes()).toEqual(['ranked by minimize(loss)', 'trials of successful runs; left out: 1 failed, 1 running'])
    const order = ranked('loss', 1)
    expect(await app.study.boardRows()).toEqual(order.map((t, i) => [String(i + 1), runsCell(t), meanCell(t, 'loss'), rangeCell(t, 'loss'), replicatesCell(t), fv(trials[t]!.lr)]))
    await app.study.boardOption('Objective', 'loss')
    await expect.poll(() => app.study.notes()).toContain('ranked by maximize(loss)')
    expect((await app.study.boardRows()).map((r) => r[1])).toEqual(ranked('loss', -1).map(runsCell))
    await app.study.boardOption('Objective', '-loss')
    await expect.poll(() => app.study.notes()).toContain('ranked by minimize(loss)')
  })

  test('running trials are ranked on request, marked; failed runs never enter a mean', async () => {
    await app.study.boardFlag('Include running trials').check()
    withRunning = true
    await expect.poll(() => app.study.notes()).toEqual(['ranked by minimize(loss)', 'trials of successful and running runs; left out: 1 failed'])
    const order = ranked('loss', 1)
    await expect.poll(() => app.study.boardRows()).toEqual(order.map((t, i) => [String(i + 1), runsCell(t), meanCell(t, 'loss'), rangeCell(t, 'loss'), replicatesCell(t), fv(trials[t]!.lr)]))
    expect((await app.study.boardRows()).some((r) => r[1]?.endsWith(' running'))).toBe(true)
    expect(app.study.query().get('running')).toBe('1')
    await app.study.screenshot('test-results/study-leaderboard-running.png')
    await app.study.boardFlag('Include running trials').uncheck()
    withRunning = false
    await expect.poll(() => app.study.notes()).toEqual(['ranked by minimize(loss)', 'trials of successful runs; left out: 1 failed, 1 running'])
  })

  test('every option is in the address: a reload shows the same leaderboard', async () => {
    expect(Object.fromEntries(app.study.query())).toEqual({ tab: 'leaderboard', values: '^l', objective: '-loss' })
    const before = await app.study.boardRows()
    await app.study.reload()
    await app.study.board.waitFor()
    expect(await app.study.boardRows()).toEqual(before)
    expect(await app.page.getByLabel('Objective', { exact: true }).inputValue()).toBe('-loss')
  })

  test('a shared link with every option opens that leaderboard', async () => {
    await app.study.open('cifar', { tab: 'leaderboard', n: '1', metrics: 'loss', expand: '1', constant: '1' })
    await app.study.board.waitFor()
    expect(await app.study.boardHeader()).toEqual(['#', 'Runs', 'acc', 'min–max', 'loss', 'Replicates', 'bs', 'lr', 'opt'])
    expect((await app.study.boardRows()).length).toBe(1 + runsOf(1).length)
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
