/**
 * A study of two objectives, imported from a journal real Optuna wrote: both
 * objectives shown and selectable, the Pareto front drawn with Optuna's own
 * front highlighted (trials 4, 9, 14, 15, 20, 24, 25, 28), its points linked
 * to their runs, and the leaderboard showing the Pareto set on request.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { useApp } from './fixture.js'

const FIXTURE = fileURLToPath(new URL('../fixtures/optuna/optuna-3.1-two-objectives.log', import.meta.url))
const FRONT = [4, 9, 14, 15, 20, 24, 25, 28]
const app = useApp({ seed: [FIXTURE], viewport: { width: 1280, height: 900 } })

describe('a study of two objectives', () => {
  test('shows both objectives, and ranks by either', async () => {
    await app.study.open('two-objectives', { tab: 'leaderboard' })
    expect((await app.study.studyFacts())['Objectives']).toBe('minimize(value_0), maximize(value_1)')
    await app.study.board.waitFor()
    expect(await app.study.boardHeader()).toEqual(expect.arrayContaining(['value_0', 'value_1']))
    const rankBy = app.page.getByLabel('Rank by', { exact: true })
    await rankBy.selectOption({ label: 'maximize(value_1)' })
    await expect.poll(() => app.study.notes()).toContain('ranked by maximize(value_1)')
    expect(app.study.query().get('objective')).toBe('+value_1')
    const header = await app.study.boardHeader()
    expect(header[2]).toBe('value_1')
    await rankBy.selectOption({ label: 'minimize(value_0)' })
    await expect.poll(() => app.study.notes()).toContain('ranked by minimize(value_0)')
  })

  test('draws the Pareto front of the two, Optuna\'s front highlighted; a front point opens its run', async () => {
    await app.study.pictureReady('pareto-front')
    const note = await app.study.picture('pareto-front').locator('.note').innerText()
    expect(note).toMatch(/^29 trials; 8 on the front/)
    await app.page.screenshot({ path: 'test-results/pareto-front.png', fullPage: true })
    const canvas = app.study.picture('pareto-front').locator('canvas')
    await canvas.scrollIntoViewIfNeeded()
    const at = await canvas.evaluate(async (c) => {
      const box = c.getBoundingClientRect()
      for (let y = 2; y < box.height; y += 3) {
        for (let x = 2; x < box.width; x += 3) {
          c.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + x, clientY: box.top + y, bubbles: true }))
          await new Promise((r) => setTimeout(r, 0))
          const tip = document.querySelector('figure[data-picture="pareto-front"] [role=tooltip]')
          if (tip?.textContent?.includes('on the front')) return { x: box.left + x, y: box.top + y, text: tip.textContent }
        }
      }
      return undefined
    })
    expect(at?.text).toMatch(/^#\d+ two-objectives:(\d+) · on the front/)
    const seq = Number(/two-objectives:(\d+)/.exec(at!.text)?.[1])
    expect(FRONT).toContain(seq - 1)
    await app.page.mouse.click(at!.x, at!.y)
    await app.page.waitForURL(new RegExp(`#/run/two-objectives/${seq}$`))
  })

  test('the leaderboard shows the Pareto set on request', async () => {
    await app.study.open('two-objectives', { tab: 'leaderboard' })
    await app.study.board.waitFor()
    await app.page.getByRole('checkbox', { name: 'Pareto set only', exact: true }).check()
    await expect.poll(async () => (await app.study.boardRows()).length).toBe(8)
    const numbers = (await app.study.boardRows()).map((r) => Number(/#(\d+)/.exec(r[1]!)?.[1])).sort((a, b) => a - b)
    expect(numbers).toEqual(FRONT)
    expect(app.study.query().get('pareto')).toBe('1')
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
