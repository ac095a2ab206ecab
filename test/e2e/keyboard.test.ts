/**
 * Keys: j/k (and the arrows) move the current row of the runs table and of
 * the leaderboard, Enter opens it; on a run, ] and [ step through the runs in
 * the table's order (which travels in the address); / focuses the search box;
 * ? shows the keys (Escape closes, the focus returns); no key fires while
 * typing in a field.
 */
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const app = useApp({
  seed: [{
    name: 'keys',
    objective: '-loss',
    params: { lr: [0.1, 0.01, 0.001, 0.0001] },
    runs: [0.4, 0.1, 0.3, 0.2].map((loss, i) => ({ values: { lr: [0.1, 0.01, 0.001, 0.0001][i] as number }, metrics: [{ loss: loss + 0.5 }, { loss }], status: 'done' })),
  }],
})

const currentRow = () => app.page.locator('[role=row][aria-current=true] a').textContent()
const hashPath = () => decodeURIComponent(new URL(app.page.url()).hash)

describe('keys', () => {
  test('j and k move the current row of the runs table; Enter opens its run, in the table\'s order', async () => {
    await app.study.open('keys', { sort: 'm.loss' })
    await app.study.waitForCount(4, 4)
    expect(await app.study.runIds()).toEqual(['keys:2', 'keys:4', 'keys:3', 'keys:1'])
    await app.page.locator('body').press('j')
    expect(await currentRow()).toBe('keys:2')
    await app.page.keyboard.press('j')
    await app.page.keyboard.press('ArrowDown')
    expect(await currentRow()).toBe('keys:3')
    await app.page.keyboard.press('k')
    expect(await currentRow()).toBe('keys:4')
    await app.page.keyboard.press('x')
    expect(await app.page.getByRole('checkbox', { name: 'Select keys:4' }).isChecked()).toBe(true)
    await app.page.keyboard.press('Enter')
    await app.page.getByRole('heading', { name: /^Run keys:4/ }).waitFor()
    expect(hashPath()).toBe('#/run/keys/4?sort=m.loss')
  })

  test('on a run, ] and [ step to the next and previous run in the table\'s order', async () => {
    const steps = app.page.getByRole('navigation', { name: 'Step through runs' })
    await expect.poll(() => steps.textContent()).toContain('run 2 of 4')
    await app.page.keyboard.press(']')
    await app.page.getByRole('heading', { name: /^Run keys:3/ }).waitFor()
    await expect.poll(() => steps.textContent()).toContain('run 3 of 4')
    await app.page.keyboard.press(']')
    await app.page.getByRole('heading', { name: /^Run keys:1/ }).waitFor()
    await expect.poll(() => steps.textContent()).toContain('last')
    await app.page.keyboard.press('[')
    await app.page.getByRole('heading', { name: /^Run keys:3/ }).waitFor()
    await expect.poll(() => steps.textContent()).toContain('run 3 of 4')
    await app.page.keyboard.press('k')
    await app.page.getByRole('heading', { name: /^Run keys:4/ }).waitFor()
    expect(hashPath()).toBe('#/run/keys/4?sort=m.loss')
  })

  test('/ focuses the search box, and keys typed there stay text', async () => {
    await app.study.open('keys')
    await app.study.waitForCount(4, 4)
    await app.page.keyboard.press('/')
    expect(await app.study.search.evaluate((el) => el === document.activeElement)).toBe(true)
    await app.page.keyboard.type('jk')
    expect(await app.study.search.inputValue()).toBe('jk')
    expect(await app.page.locator('[role=row][aria-current=true]').count()).toBe(0)
    await app.study.search.fill('')
    await app.page.keyboard.press('Escape')
    expect(await app.study.search.evaluate((el) => el === document.activeElement)).toBe(false)
  })

  test('? shows the keys; Escape closes it and the focus returns', async () => {
    const status = app.page.getByRole('checkbox', { name: 'success' })
    await status.focus()
    await app.page.keyboard.press('?')
    const help = app.page.getByRole('dialog', { name: 'Keys' })
    await help.waitFor()
    const text = await help.textContent()
    for (const k of ['j', 'k', 'Enter', '[', ']', '/', '?', 'Esc']) expect(text).toContain(k)
    // While it is open, the table keys do nothing.
    await app.page.keyboard.press('j')
    expect(await app.page.locator('[role=row][aria-current=true]').count()).toBe(0)
    await app.page.setViewportSize({ width: 1600, height: 1000 })
    await app.page.screenshot({ path: 'test-results/keyboard-help.png' })
    await app.page.setViewportSize({ width: 1100, height: 700 })
    await app.page.keyboard.press('Escape')
    await help.waitFor({ state: 'hidden' })
    expect(await status.evaluate((el) => el === document.activeElement)).toBe(true)
  })

  test('the leaderboard: j/k move the current trial, x selects, two selected compare', async () => {
    await app.study.open('keys', { tab: 'leaderboard' })
    await app.page.locator('[data-board][data-ready=true]').waitFor()
    await app.page.locator('body').press('j')
    const current = app.page.locator('[data-board] tr[aria-current=true]')
    expect(await current.locator('td').first().textContent()).toBe('1')
    await app.page.keyboard.press('x')
    await app.page.keyboard.press('j')
    expect(await current.locator('td').first().textContent()).toBe('2')
    await app.page.keyboard.press('x')
    const compare = app.page.getByRole('link', { name: 'Compare 2 trials' })
    await compare.click()
    await app.page.locator('table[data-compare]').waitFor()
    expect(hashPath()).toBe('#/compare/keys?trials=2,4')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
