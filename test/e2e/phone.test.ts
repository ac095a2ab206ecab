/**
 * A page that fits a phone: at 390 px wide no screen scrolls sideways (wide
 * tables scroll inside their own box), in light and dark mode; and at a wide
 * window the runs table uses the width. Screenshots in test-results/.
 */
import { fileURLToPath } from 'node:url'
import { describe, expect, test } from 'vitest'
import { openApp, useApp } from './fixture.js'

const EXAMPLE = fileURLToPath(new URL('../../public/examples/mnist.diviner.gz', import.meta.url))
const OPTUNA = fileURLToPath(new URL('../fixtures/optuna/pytorch_simple.sqlite3', import.meta.url))

/** Every screen a person reaches, by address. */
const SCREENS: readonly (readonly [string, string])[] = [
  ['studies', '#/'],
  ['new-study', '#/new'],
  ['runs', '#/study/mnist'],
  ['leaderboard', '#/study/mnist?tab=leaderboard&expand=1'],
  ['plan', '#/study/mnist?tab=plan'],
  ['analysis', '#/study/mnist?tab=analysis'],
  ['optuna-runs', '#/study/pytorch_simple'],
  ['optuna-leaderboard', '#/study/pytorch_simple?tab=leaderboard'],
  ['run', '#/run/mnist/3'],
  ['compare', '#/compare/mnist?runs=1,2,3'],
]

const app = useApp({ seed: [EXAMPLE, OPTUNA], viewport: { width: 390, height: 800 } })

/** How far the page scrolls sideways: its width beyond the window's. */
function sideways(): Promise<number> {
  return app.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
}

describe('at 390 px wide', () => {
  for (const scheme of ['light', 'dark'] as const) {
    test(`no screen scrolls sideways (${scheme})`, async () => {
      await app.page.emulateMedia({ colorScheme: scheme })
      for (const [name, hash] of SCREENS) {
        await app.page.goto(`${app.baseUrl}${hash}`)
        await app.page.getByRole('heading', { level: 2 }).first().waitFor()
        // Pictures and tables come a task or two after the heading.
        await app.page.waitForTimeout(600)
        await app.page.screenshot({ path: `test-results/phone-${name}-${scheme}.png`, fullPage: true })
        await expect.poll(sideways, { message: `${name} scrolls sideways` }).toBe(0)
      }
    })
  }

  test('nor at a tablet\'s widths, where the studies table scrolls in its box', async () => {
    for (const width of [700, 900]) {
      await app.page.setViewportSize({ width, height: 800 })
      for (const hash of ['#/', '#/study/mnist?tab=leaderboard']) {
        await app.page.goto(`${app.baseUrl}${hash}`)
        await app.page.getByRole('heading', { level: 2 }).first().waitFor()
        await app.page.waitForTimeout(600)
        await expect.poll(sideways, { message: `${hash} at ${width} px scrolls sideways` }).toBe(0)
      }
    }
    await app.page.setViewportSize({ width: 390, height: 800 })
  })

  test('a wide table scrolls inside its own box', async () => {
    await app.page.emulateMedia({ colorScheme: 'light' })
    await app.study.open('pytorch_simple')
    await app.study.waitForCount(100, 100)
    const box = await app.study.runsTable.evaluate((t) => {
      let el: HTMLElement | null = t as HTMLElement
      while (el && el.scrollWidth <= el.clientWidth) el = el.parentElement
      return el ? { scrolls: el !== document.documentElement && el !== document.body, width: el.clientWidth } : undefined
    })
    expect(box?.scrolls).toBe(true)
    expect(box!.width).toBeLessThanOrEqual(390)
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})

describe('at 1,440 px wide', () => {
  test('the runs table uses the width', async () => {
    const wide = await openApp({ viewport: { width: 1440, height: 900 } })
    try {
      await wide.seed(OPTUNA)
      await wide.study.open('pytorch_simple')
      await wide.study.waitForCount(100, 100)
      const width = await wide.study.runsTable.evaluate((t) => t.getBoundingClientRect().width)
      expect(width).toBeGreaterThan(1440 - 80)
      await wide.page.screenshot({ path: 'test-results/wide-runs.png' })
      expect(wide.problems).toEqual([])
    } finally {
      await wide.close()
    }
  })
})
