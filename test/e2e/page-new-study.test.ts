/**
 * Creating a study with the form: params of every kind, validation by the
 * model's own rules shown at each field, the grid size, and a name that is
 * already taken.
 */
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'
import type { NewStudySpec } from './pages/new-study-page.js'

const app = useApp()

/** A study using every kind of param the model has. */
const EVERY_KIND: NewStudySpec = {
  name: 'every-kind',
  description: 'one param of each kind',
  direction: 'minimize',
  metric: 'val_loss',
  replicates: 2,
  params: [
    { name: 'layers', kind: 'int', values: ['1', '2', '4'] },
    { name: 'dropout', kind: 'float', values: ['0.1', '0.25'] },
    { name: 'optimizer', kind: 'string', values: ['adam', 'sgd'] },
    { name: 'batch_norm', kind: 'bool', values: ['true', 'false'] },
    { name: 'widths', kind: 'list', values: ['[64, 64]', '[128, 0.5, "x", true]'] },
    { name: 'schedule', kind: 'dict', values: ['{"kind": "cosine", "warmup": 5}', '{"kind": "step", "gamma": 0.1, "at": [30, 60]}'] },
    { name: 'epochs', range: 'int', start: '10', end: '13' },
    { name: 'lr', range: 'float', start: '0.0001', end: '0.1' },
  ],
}

describe('the new-study form', () => {
  test('is reached from the studies list', async () => {
    await app.studies.open()
    await app.studies.newStudy()
    await app.newStudy.loaded()
    expect(new URL(app.page.url()).hash).toBe('#/new')
  })

  test('checks each field with the model\'s rules and says why', async () => {
    await app.newStudy.createButton.click()
    expect(await app.newStudy.fieldError(app.newStudy.name)).toBe('a study needs a non-empty name')
    expect(await app.newStudy.fieldError(app.newStudy.metric)).toBe('objective metric must be a non-empty name')
    await app.newStudy.replicates.fill('64')
    expect(await app.newStudy.fieldError(app.newStudy.replicates)).toBe('replicates must be an integer in 0..63, got 64')
    await app.newStudy.fillParam(0, { name: 'lr', range: 'float', start: '0.1', end: '0.01' })
    expect(await app.newStudy.param(0).getByText('is empty; start must be below end').isVisible()).toBe(true)
    await app.newStudy.fillParam(0, { name: 'bs', kind: 'int', values: ['32', '3.5'] })
    expect(await app.newStudy.param(0).getByText('line 2: "3.5" is not a whole number').isVisible()).toBe(true)
    await app.newStudy.fillParam(0, { name: 'act', kind: 'string', values: ['relu', 'relu'] })
    expect(await app.newStudy.param(0).getByText('value relu appears twice').isVisible()).toBe(true)
    await app.newStudy.fillParam(0, { name: 'cfg', kind: 'dict', values: ['[1, 2]'] })
    expect(await app.newStudy.param(0).getByText('line 1: a dict value is a JSON object').isVisible()).toBe(true)
    await app.newStudy.fillParam(1, { name: 'cfg', kind: 'bool', values: ['true'] })
    expect(await app.newStudy.param(1).getByText('param 1 is already named cfg').isVisible()).toBe(true)
    await app.newStudy.oracle.selectOption('random')
    await app.newStudy.seed.fill('1.5')
    expect(await app.newStudy.fieldError(app.newStudy.seed)).toBe('the random oracle needs an integer seed, got 1.5')
    await app.page.screenshot({ path: 'test-results/page-new-study-errors.png', fullPage: true })
    // Nothing was created.
    expect(await app.newStudy.outcome.count()).toBe(0)
  })

  test('creates a study with params of every kind, and shows its grid size', async () => {
    await app.page.reload()
    await app.newStudy.loaded()
    await app.newStudy.fill(EVERY_KIND)
    // A float range has no finite grid.
    expect(await app.newStudy.gridSize.innerText()).toContain('not finite')
    await app.page.screenshot({ path: 'test-results/page-new-study-filled.png', fullPage: true })
    await app.newStudy.param(7).getByRole('button', { name: 'Remove param 8' }).click()
    // 3 × 2 × 2 × 2 × 2 × 2 × 3 epochs = 288 value sets, 3 runs each.
    expect(await app.newStudy.gridSize.innerText()).toBe('Grid size: 288 value sets × 3 runs each = 864 runs.')
    await app.newStudy.fillParam(7, { name: 'lr', range: 'float', start: '0.0001', end: '0.1' })

    expect(await app.newStudy.create()).toContain('Created study every-kind.')
    await app.page.screenshot({ path: 'test-results/page-new-study-created.png', fullPage: true })

    await app.console.ready()
    const stored = await app.page.evaluate(async () => {
      const s = await globalThis.diviner?.db.lookupStudy('every-kind')
      if (!s) throw new Error('no console API')
      const kinds = Object.fromEntries(Object.entries(s.params).map(([name, p]) => [
        name, p.type === 'range' ? `range ${p.start.kind} ${String(p.start.value)}..${String(p.end.value)}` : `discrete ${p.values.map((v) => v.kind).join(',')}`,
      ]))
      const widths = JSON.stringify(s.params['widths'], (_, v: unknown) => typeof v === 'bigint' ? `${v}n` : v)
      return { objective: s.objective, replicates: s.replicates, description: s.description, oracle: s.oracle, kinds, widths }
    })
    expect(stored).toMatchObject({
      objective: { direction: 'minimize', metric: 'val_loss' },
      replicates: 2,
      description: 'one param of each kind',
      oracle: { name: 'grid' },
      kinds: {
        layers: 'discrete int,int,int',
        dropout: 'discrete float,float',
        optimizer: 'discrete string,string',
        batch_norm: 'discrete bool,bool',
        widths: 'discrete list,list',
        schedule: 'discrete dict,dict',
        epochs: 'range int 10..13',
        lr: 'range float 0.0001..0.1',
      },
    })
    // JSON numbers map to int when whole, float otherwise; strings and booleans keep their kinds.
    expect(stored.widths).toBe(JSON.stringify({
      type: 'discrete',
      values: [
        { kind: 'list', value: [{ kind: 'int', value: '64n' }, { kind: 'int', value: '64n' }] },
        { kind: 'list', value: [{ kind: 'int', value: '128n' }, { kind: 'float', value: 0.5 }, { kind: 'string', value: 'x' }, { kind: 'bool', value: true }] },
      ],
    }))

    await app.newStudy.backToStudies()
    await app.studies.loaded()
    expect(await app.studies.rows()).toMatchObject([
      { name: 'every-kind', description: 'one param of each kind', objective: 'minimize(val_loss)', replicates: '2' },
    ])
    expect(await app.studies.counts('every-kind')).toEqual({ runs: 0, pending: 0, success: 0, failure: 0, pruned: 0, best: '—' })
  })

  test('says when a study of that name already exists, and links to it', async () => {
    await app.studies.newStudy()
    await app.newStudy.loaded()
    await app.newStudy.fill({ name: 'every-kind', metric: 'acc', randomSeed: 7, params: [{ name: 'x', kind: 'int', values: ['1'] }] })
    expect(await app.newStudy.create()).toContain('A study named every-kind already exists; it was left unchanged.')
    await app.page.screenshot({ path: 'test-results/page-new-study-exists.png', fullPage: true })
    await app.newStudy.outcome.getByRole('link', { name: 'every-kind' }).click()
    expect(new URL(app.page.url()).hash).toBe('#/study/every-kind')
  })

  test('a command template: the study shows it and how to run it from a terminal; a placeholder that names no param is refused', async () => {
    await app.studies.open()
    await app.studies.newStudy()
    await app.newStudy.loaded()
    const spec: NewStudySpec = { name: 'templated sweep', metric: 'loss', direction: 'minimize', params: [{ name: 'lr', kind: 'float', values: ['0.1', '0.01'] }], command: 'python train.py --lr={lr} --depth={depth}' }
    await app.newStudy.fill(spec)
    await app.newStudy.createButton.click()
    await expect.poll(() => app.page.locator('#command-error').textContent()).toBe('the command names {depth}, which is not a param of the study')
    await app.newStudy.fill({ ...spec, command: 'python train.py --lr={lr}' })
    expect(await app.newStudy.create()).toContain('templated sweep')
    await app.study.open('templated sweep')
    await expect.poll(() => app.page.locator('.command').innerText()).toContain('python train.py --lr={lr}')
    expect(await app.page.locator('.command').innerText()).toContain("npx diviner-local run --study 'templated sweep'")
    await app.page.screenshot({ path: 'test-results/page-new-study-command.png' })
  })

  test('nothing went wrong on the way: no console errors, page errors or failed requests', () => {
    expect(app.problems).toEqual([])
  })
})
