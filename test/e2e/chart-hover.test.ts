/**
 * Charts name what the pointer is over and open it: hovering a point of the
 * objective history, a learning curve, a slice or a line of the parallel
 * coordinates names the run, its trial and its values; clicking it opens the run. Learning curves go beyond 20
 * trials on request, downsampled, with the cap said.
 */
import { describe, expect, test } from 'vitest'
import { useApp, type SeedRun } from './fixture.js'

const TRIALS = 30
const LRS = Array.from({ length: TRIALS }, (_, i) => Number(((i + 1) / 1000).toFixed(3)))

/** One run per trial; acc grows with lr, reported over 12 steps. */
const runs: SeedRun[] = LRS.map((lr, i) => ({
  values: { lr },
  metrics: Array.from({ length: 12 }, (_, step) => ({ step, acc: ((i + 1) / TRIALS) * (1 - Math.exp(-(step + 1) / 3)) })),
}))

const app = useApp({ viewport: { width: 1280, height: 900 }, seed: [{ name: 'sweep', objective: '+acc', params: { lr: LRS }, runs }] })

/**
 * Moves the pointer over `selector` in a grid of points until a tooltip
 * shows; resolves to its text and where the pointer is. A chart drawn again
 * meanwhile (the study's rows changed) is looked for again.
 */
async function hoverUntilTip(selector: string): Promise<{ text: string; x: number; y: number }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sweepForTip(selector)
    } catch (e) {
      if (attempt >= 3 || !/not attached|not on screen/.test(String(e))) throw e
    }
  }
}

async function sweepForTip(selector: string): Promise<{ text: string; x: number; y: number }> {
  const area = app.page.locator(selector).first()
  await area.scrollIntoViewIfNeeded()
  const box = await area.boundingBox()
  if (!box) throw new Error(`${selector} is not on screen`)
  const tip = app.page.getByRole('tooltip').filter({ visible: true })
  for (let fy = 0.1; fy < 0.95; fy += 0.05) {
    for (let fx = 0.05; fx < 0.97; fx += 0.03) {
      const x = box.x + fx * box.width
      const y = box.y + fy * box.height
      await app.page.mouse.move(x, y)
      if (await tip.count()) return { text: (await tip.first().innerText()).replace(/\s+/g, ' '), x, y }
    }
  }
  throw new Error(`no tooltip over ${selector}`)
}

/**
 * Finds a point of `selector` (a canvas) under which a tooltip shows, sweeping
 * it 3 px at a time with synthetic pointer moves in the page (quicker than
 * moving the mouse there), then hovers it with the mouse.
 */
async function findDot(selector: string): Promise<{ text: string; x: number; y: number }> {
  await app.page.locator(selector).first().scrollIntoViewIfNeeded()
  const at = await app.page.locator(selector).first().evaluate(async (canvas) => {
    const box = canvas.getBoundingClientRect()
    for (let y = 2; y < box.height; y += 3) {
      for (let x = 2; x < box.width; x += 3) {
        canvas.dispatchEvent(new PointerEvent('pointermove', { clientX: box.left + x, clientY: box.top + y, bubbles: true }))
        await new Promise((resolve) => setTimeout(resolve, 0))
        if (document.querySelector('[role=tooltip]')) return { x: box.left + x, y: box.top + y }
      }
    }
    return undefined
  })
  if (!at) throw new Error(`no tooltip over ${selector}`)
  await app.page.mouse.move(at.x, at.y)
  const tip = app.page.getByRole('tooltip').filter({ visible: true })
  return { text: (await tip.first().innerText()).replace(/\s+/g, ' '), ...at }
}

/** Clicks where the pointer is, and resolves to the run the page opens. */
async function clickOpensRun(x: number, y: number): Promise<string> {
  await app.page.mouse.click(x, y)
  await app.page.waitForURL(/#\/run\//)
  const m = /#\/run\/([^/]+)\/(\d+)/.exec(app.page.url())
  return `${m?.[1]}:${m?.[2]}`
}

describe('charts', () => {
  test('hovering a point of the objective history names its run and values; a click opens the run', async () => {
    await app.study.open('sweep', { tab: 'leaderboard' })
    await app.study.pictureReady('objective-history')
    const { text, x, y } = await hoverUntilTip('figure[data-picture="objective-history"] .u-over')
    expect(text).toMatch(/^sweep:(\d+) lr=0\.\d+ acc [\d.]+ · best so far [\d.]+$/)
    const seq = Number(/^sweep:(\d+)/.exec(text)?.[1])
    expect(text).toContain(`lr=${LRS[seq - 1]}`)
    await app.page.screenshot({ path: 'test-results/chart-hover-history.png' })
    expect(await clickOpensRun(x, y)).toBe(`sweep:${seq}`)
  })

  test('learning curves beyond 20 trials on request, downsampled, the cap said; hovering names a curve', async () => {
    await app.study.open('sweep', { tab: 'leaderboard', lc: '25' })
    await app.study.pictureReady('learning-curves')
    const note = await app.study.picture('learning-curves').locator('figcaption, .note, p').allInnerTexts()
    expect(note.join(' ')).toMatch(/25 runs of the best 25 trials by acc; at most 200 curves, of at most 500 points each/)
    expect(await app.page.getByLabel('Trials', { exact: true }).getAttribute('max')).toBe('200')
    const { text, x, y } = await hoverUntilTip('figure[data-picture="learning-curves"] .u-over')
    expect(text).toMatch(/^#(\d+) sweep:(\d+), replicate 0 lr=0\.\d+ acc [\d.]+ at step \d+$/)
    const seq = Number(/sweep:(\d+)/.exec(text)?.[1])
    await app.page.screenshot({ path: 'test-results/chart-hover-curves.png' })
    expect(await clickOpensRun(x, y)).toBe(`sweep:${seq}`)
  })

  // A slice's dots and the parallel coordinates' lines name the trial the same way.
  for (const [what, picture, canvas, shot] of [
    ['a dot of a slice', 'slices', 'canvas', 'slice'],
    ['a line of the parallel coordinates', 'parallel-coordinates', 'canvas.overlay', 'parallel'],
  ] as const) {
    test(`hovering ${what} names its trial; a click opens its run`, async () => {
      await app.study.open('sweep', { tab: 'analysis' })
      await app.study.pictureReady(picture)
      const { text, x, y } = await findDot(`figure[data-picture="${picture}"] ${canvas}`)
      expect(text).toMatch(/^#(\d+) sweep:(\d+) lr=0\.\d+ acc [\d.]+$/)
      const seq = Number(/sweep:(\d+)/.exec(text)?.[1])
      // Ranked by acc, which grows with lr: trial #k is the run of the k-th largest lr.
      expect(Number(/^#(\d+)/.exec(text)?.[1])).toBe(TRIALS + 1 - seq)
      expect(text).toContain(`lr=${LRS[seq - 1]}`)
      await app.page.screenshot({ path: `test-results/chart-hover-${shot}.png` })
      expect(await clickOpensRun(x, y)).toBe(`sweep:${seq}`)
    })
  }

  test("the parallel coordinates' overlay holds the hovered line while hovered, and nothing once the pointer leaves", async () => {
    await app.study.open('sweep', { tab: 'analysis' })
    await app.study.pictureReady('parallel-coordinates')
    const overlay = app.page.locator('figure[data-picture="parallel-coordinates"] canvas.overlay')
    /** Pixels of the overlay that are not transparent. */
    const inked = () => overlay.evaluate((c: HTMLCanvasElement) => {
      const pixels = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data ?? new Uint8ClampedArray()
      let n = 0
      for (let i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) n++
      return n
    })
    expect(await inked()).toBe(0)
    await findDot('figure[data-picture="parallel-coordinates"] canvas.overlay')
    await expect.poll(inked).toBeGreaterThan(100)
    await app.page.mouse.move(1, 1)
    await expect.poll(() => app.page.getByRole('tooltip').filter({ visible: true }).count()).toBe(0)
    await expect.poll(inked).toBe(0)
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
