/**
 * `fillRunCells` in a real page: a row slot given run after run shows each run's
 * cells exactly as a fresh row would, keeps its checkbox first, and remakes
 * its cells when the columns change.
 */
import { expect, test } from 'vitest'
import { RunState } from '../../src/db/model/run.js'
import { float, str } from '../../src/db/model/values.js'
import { columnsOf } from '../../src/ui/study/runs.js'
import { fillRunCells } from '../../src/ui/study/run-cells.js'
import { makeRow } from '../unit/ui/rows.js'

const columns = columnsOf({ values: ['lr', 'opt'], metrics: ['loss'] })

const plain = makeRow(7, { values: { lr: float(0.00012345678), opt: str('adam') }, last: { loss: 0.123456789 }, status: 'done', runtime: 65_000 })
const marked = makeRow(8, {
  values: { opt: str('sgd') }, last: {}, state: RunState.Failure, status: 'diverged',
  config: { optuna: { number: 41 } }, note: 'look again', tags: ['baseline', 'gpu'],
})

/** A row element as the template makes it: its checkbox cell first. */
function rowElement(): HTMLElement {
  const el = document.createElement('div')
  el.innerHTML = '<span role="cell" class="check"><input type="checkbox"></span>'
  document.body.append(el)
  return el
}

/** What a row shows: each cell's text, its data-full, and the classes and titles of its marks. */
function shown(el: HTMLElement): unknown[] {
  return [...el.children].slice(1).map((c) => ({
    text: c.textContent,
    full: (c as HTMLElement).dataset['full'],
    num: c.classList.contains('num'),
    href: c.querySelector('a')?.getAttribute('href'),
    state: c.querySelector('.state')?.className,
    marks: [...c.querySelectorAll('a ~ span')].map((m) => `${m.className}:${m.textContent}:${m.getAttribute('title') ?? ''}`),
  }))
}

test('a slot refilled with another run shows what a fresh row of that run shows', () => {
  const slot = rowElement()
  const fresh = rowElement()
  fillRunCells(slot, plain, columns, '#/run/s/7')
  fillRunCells(slot, marked, columns, '#/run/s/8')
  fillRunCells(fresh, marked, columns, '#/run/s/8')
  expect(shown(slot)).toEqual(shown(fresh))
  expect(slot.firstElementChild?.className).toBe('check')
  expect(slot.children).toHaveLength(columns.length + 1)
  const id = shown(slot)[0]
  expect(id).toMatchObject({ text: 's:8#41✎baselinegpu', href: '#/run/s/8', marks: ["trial:#41:Optuna's trial number", 'noted:✎:look again', 'tag:baseline:', 'tag:gpu:'] })
  expect(shown(slot)[1]).toMatchObject({ text: 'failure', state: 'state failure' })

  // And back: the marks go, the numbers' exact texts come back.
  fillRunCells(slot, plain, columns, '#/run/s/7')
  const back = rowElement()
  fillRunCells(back, plain, columns, '#/run/s/7')
  expect(shown(slot)).toEqual(shown(back))
  expect(shown(slot)[0]).toMatchObject({ text: 's:7', marks: [] })
  const lr = shown(slot)[columns.findIndex((c) => c.key === 'v.lr')]
  expect(lr).toMatchObject({ text: '0.0001235', full: '0.00012345678' })
  expect(shown(slot)[columns.findIndex((c) => c.key === 'm.loss')]).toMatchObject({ num: true, full: '0.123456789' })
  expect(shown(slot)[columns.findIndex((c) => c.key === 'v.opt')]).toMatchObject({ text: 'adam', full: undefined })
})

test('other columns remake the cells; the checkbox stays first', () => {
  const slot = rowElement()
  fillRunCells(slot, plain, columns, '#/run/s/7')
  const fewer = columnsOf({ values: ['opt'], metrics: [] })
  fillRunCells(slot, plain, fewer, '#/run/s/7')
  expect(slot.children).toHaveLength(fewer.length + 1)
  expect(slot.firstElementChild?.className).toBe('check')
  expect(shown(slot).at(-1)).toMatchObject({ text: 'adam' })
})
