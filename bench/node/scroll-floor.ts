/**
 * The floor of scrolling the runs table: what the browser's own primitives
 * cost for the same work. In the page, beside the real table, a bare copy:
 * the same viewport, rows and cells (cloned nodes, so the same CSS applies),
 * a pool of row slots of the same height moved by the same transform, and the
 * cells of each row that comes into view given their text by plain
 * `textContent` (from the real table's rows, taken in turn). It is scrolled
 * as the real one is; each frame's main-thread work is then style, layout and
 * paint of the new rows and the least script that fills them.
 */
import type { Page } from 'playwright-core'

/** Builds the bare copy of the runs table, scrolls it for `ms`, removes it; each frame's work and interval. */
export async function scrollFloor(page: Page, ms = 3000): Promise<{ work: number[]; intervals: number[] }> {
  // The copy takes its cells' texts from rows on show: the rows scrolled to last may still be coming.
  await page.waitForFunction(() => document.querySelector('[role=table][aria-label=Runs] .body [role=row]:not(.placeholder)') !== null, undefined, { timeout: 60_000 })
  return page.evaluate(async (ms) => {
    const real = document.querySelector('[role=table][aria-label=Runs]') as HTMLElement
    const body = real.querySelector('.body') as HTMLElement
    const slots = [...body.children] as HTMLElement[]
    const shown = () => slots.filter((s) => s.querySelector('[role=row]:not(.placeholder)'))
    // Rows on show may give way to placeholders for a moment (a window asked for again): wait for some.
    for (const until = performance.now() + 60_000; shown().length === 0 && performance.now() < until;) await new Promise(requestAnimationFrame)
    const sample = shown()
    if (sample.length === 0) throw new Error('the runs table showed no row for a minute')
    const rowHeight = (slots[0] as HTMLElement).getBoundingClientRect().height
    // The texts of the real rows' cells, cycled through as the copy scrolls.
    const texts = sample.map((s) => [...s.querySelectorAll('[role=cell]')].map((c) => c.textContent ?? ''))
    const count = 100_000
    const viewport = real.cloneNode(false) as HTMLElement
    viewport.removeAttribute('aria-label')
    const inner = (real.firstElementChild as HTMLElement).cloneNode(false) as HTMLElement
    const head = (real.querySelector('.head') as HTMLElement).cloneNode(true) as HTMLElement
    const copyBody = body.cloneNode(false) as HTMLElement
    copyBody.style.height = `${count * rowHeight}px`
    const pool = slots.map(() => {
      const slot = (sample[0] as HTMLElement).cloneNode(true) as HTMLElement
      copyBody.append(slot)
      return { slot, cells: [...slot.querySelectorAll('[role=cell]')].map((c) => (c.querySelector('a') ?? c.querySelector('.state') ?? c) as HTMLElement), row: -1 }
    })
    inner.append(head, copyBody)
    viewport.append(inner)
    real.style.display = 'none'
    real.after(viewport)
    const place = () => {
      const first = Math.floor(viewport.scrollTop / rowHeight)
      for (let i = first; i < first + pool.length && i < count; i++) {
        const p = pool[i % pool.length] as (typeof pool)[number]
        if (p.row === i) continue
        p.row = i
        p.slot.style.transform = `translateY(${i * rowHeight}px)`
        const t = texts[i % texts.length] as string[]
        p.cells.forEach((c, k) => { if (k > 0) c.textContent = t[k] ?? '' })
      }
    }
    viewport.addEventListener('scroll', place)
    place()
    const intervals: number[] = []
    const work: number[] = []
    const frame = () => new Promise<number>((r) => requestAnimationFrame(r))
    const afterFrame = () => new Promise<number>((r) => {
      const c = new MessageChannel()
      c.port1.onmessage = () => { c.port1.close(); r(performance.now()) }
      c.port2.postMessage(0)
    })
    await frame()
    let last = await frame()
    const start = last
    let top = 0
    while (last - start < ms) {
      top += 240
      viewport.scrollTop = top
      const now = await frame()
      const done = afterFrame()
      intervals.push(now - last)
      work.push((await done) - now)
      last = now
    }
    viewport.remove()
    real.style.display = ''
    return { work, intervals }
  }, ms)
}
