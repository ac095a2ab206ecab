/**
 * Hovering and clicking a uPlot chart: a tooltip naming what the pointer is
 * over (a run, its trial and its values), and a click that opens it. A plugin,
 * so every chart that names runs does it alike.
 */
import type uPlot from 'uplot'

/** What the pointer is over: the lines of its tooltip, and the page a click opens. */
export interface HoverTarget {
  readonly lines: readonly string[]
  readonly href?: string
}

/**
 * A uPlot plugin showing `at(u)` (what is under the cursor, or undefined) in a
 * tooltip by the pointer, and opening its `href` on a click (a drag that
 * zooms is no click).
 */
export function hoverPlugin(at: (u: uPlot) => HoverTarget | undefined): uPlot.Plugin {
  let tip: HTMLDivElement | undefined
  let down: { x: number; y: number } | undefined
  return {
    hooks: {
      init: [(u) => {
        tip = document.createElement('div')
        tip.className = 'chart-tip'
        tip.setAttribute('role', 'tooltip')
        tip.hidden = true
        u.over.append(tip)
        u.over.style.cursor = 'pointer'
        u.over.addEventListener('pointerdown', (e) => { down = { x: e.clientX, y: e.clientY } })
        u.over.addEventListener('click', (e) => {
          const moved = down && Math.hypot(e.clientX - down.x, e.clientY - down.y) > 4
          const href = at(u)?.href
          if (!moved && href) location.hash = href
        })
        u.over.addEventListener('pointerleave', () => { if (tip) tip.hidden = true })
      }],
      setCursor: [(u) => {
        if (!tip) return
        const left = u.cursor.left ?? -1
        const top = u.cursor.top ?? -1
        const target = left < 0 ? undefined : at(u)
        if (!target) { tip.hidden = true; return }
        tip.replaceChildren(...target.lines.map((line, i) => {
          const el = document.createElement(i === 0 ? 'strong' : 'span')
          el.textContent = line
          return el
        }))
        tip.hidden = false
        // Beside the pointer, on the side with room.
        const w = tip.offsetWidth
        const h = tip.offsetHeight
        const x = left + 12 + w > u.over.clientWidth ? Math.max(0, left - 12 - w) : left + 12
        const y = top + 12 + h > u.over.clientHeight ? Math.max(0, top - 12 - h) : top + 12
        tip.style.transform = `translate(${x}px, ${y}px)`
      }],
    },
  }
}
