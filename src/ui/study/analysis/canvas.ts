/**
 * Small drawing helpers for the pictures drawn on a plain canvas (parallel
 * coordinates, slices, importance, replicate spread): uPlot draws lines and
 * time series well but has no categorical or parallel axes, and these
 * pictures are simple enough that a few helpers beat another dependency.
 */
import { drawSoon } from '../../shell/draw-soon.js'
import { formatMetric } from '../cells.js'

/** The page's colours, read from its CSS variables so dark mode works. */
export interface Ink {
  readonly fg: string
  readonly muted: string
  readonly rule: string
  readonly accent: string
  readonly bg: string
}

/** Series colours, distinct on light and dark backgrounds (as the metrics chart's). */
export const COLORS = ['#2f6fdf', '#d9480f', '#2b8a3e', '#ae3ec9', '#e8a400', '#0c8599', '#c2255c', '#5c940d']

/** The colours in force for `el`. */
export function inkOf(el: Element): Ink {
  const style = getComputedStyle(el)
  const v = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback
  return { fg: v('--fg', '#1d2025'), muted: v('--muted', '#5b6270'), rule: v('--rule', '#d9dde3'), accent: v('--accent', '#1f5fbf'), bg: v('--bg', '#fff') }
}

/**
 * Sizes `canvas` to `width`×`height` CSS pixels at the screen's density,
 * without drawing on it: the browser allocates a canvas's pixels when it is
 * first drawn on (about 10 ms for a picture's width), so a canvas that may
 * stay blank (an overlay) is only sized. Returns its size in device pixels.
 */
export function size(canvas: HTMLCanvasElement, width: number, height: number): { w: number; h: number } {
  const { w, h } = devicePixels(width, height)
  // Resizing reallocates the canvas's pixels: only when the size changed (a redraw on a brush keeps it).
  if (canvas.width !== w) canvas.width = w
  if (canvas.height !== h) canvas.height = h
  canvas.style.width = `${width}px`
  canvas.style.height = `${height}px`
  return { w, h }
}

/** `width`×`height` CSS pixels in the screen's pixels (at least 1 each). */
function devicePixels(width: number, height: number): { w: number; h: number } {
  const dpr = window.devicePixelRatio || 1
  return { w: Math.max(1, Math.round(width * dpr)), h: Math.max(1, Math.round(height * dpr)) }
}

/** Sizes `canvas` to `width`×`height` CSS pixels at the screen's density; resolves its context, cleared and scaled. */
export function prepare(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const dpr = window.devicePixelRatio || 1
  const { w, h } = size(canvas, width, height)
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  ctx.setTransform(1, 0, 0, 1, 0, 0)
  ctx.clearRect(0, 0, w, h)
  ctx.globalAlpha = 1
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0)
  ctx.font = '12px system-ui, sans-serif'
  return ctx
}

/**
 * Draws on `canvas` at `width`×`height` CSS pixels in a task of its own
 * (`drawSoon`), `draw` given the context `prepare` resolves. When the canvas
 * takes a new size its pixels are made first, in a task before the drawing's:
 * a canvas's pixels are allocated when it is first drawn on (about 10 ms at a
 * picture's width), so no one task both makes them and draws. Returns what
 * cancels the drawing not yet done.
 */
export function drawCanvasSoon(canvas: HTMLCanvasElement, width: number, height: number, draw: (ctx: CanvasRenderingContext2D) => void): () => void {
  const paint = () => {
    const ctx = prepare(canvas, width, height)
    if (ctx) draw(ctx)
  }
  const { w, h } = devicePixels(width, height)
  if (canvas.width === w && canvas.height === h) return drawSoon(paint)
  let then: (() => void) | undefined
  const first = drawSoon(() => {
    size(canvas, width, height)
    canvas.getContext('2d')?.clearRect(0, 0, 1, 1)
    then = drawSoon(paint)
  })
  return () => {
    first()
    then?.()
  }
}

/** A map from data to pixels over [`d0`, `d1`] → [`p0`, `p1`], logarithmic when `log`; `invert` maps back. */
export interface Scale {
  (x: number): number
  invert(p: number): number
}

/** The scale of `domain` onto `range`; a zero-width domain is widened so it still maps. */
export function scale(domain: readonly [number, number], range: readonly [number, number], log = false): Scale {
  const f = log ? Math.log10 : (x: number) => x
  const g = log ? (y: number) => 10 ** y : (y: number) => y
  let [a, b] = [f(domain[0]), f(domain[1])]
  if (!(b > a)) [a, b] = [a - 0.5 * (Math.abs(a) || 1), b + 0.5 * (Math.abs(b) || 1)]
  const [p0, p1] = range
  const s = ((x: number) => p0 + ((f(x) - a) / (b - a)) * (p1 - p0)) as Scale
  s.invert = (p: number) => g(a + ((p - p0) / (p1 - p0)) * (b - a))
  return s
}

/** About `count` round tick values covering [min, max] (powers of ten for a log scale). */
export function ticks(min: number, max: number, count = 5, log = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return []
  if (log && min > 0) {
    const out: number[] = []
    for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
      for (const m of [1, 3]) {
        const x = m * 10 ** e
        if (x >= min * 0.999 && x <= max * 1.001) out.push(x)
      }
    }
    return out.length >= 2 ? out : [min, max]
  }
  if (max === min) return [min]
  const raw = (max - min) / count
  const mag = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag
  const out: number[] = []
  for (let x = Math.ceil(min / step) * step; x <= max + step * 1e-9; x += step) out.push(Number(x.toPrecision(12)))
  return out
}

/** A number as an axis shows it: up to 4 significant digits. */
export function tickText(x: number): string {
  return formatMetric(x)
}

/** `text` cut with an ellipsis to fit `width` pixels in the context's font. */
export function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text
  let lo = 0
  let hi = text.length
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (ctx.measureText(`${text.slice(0, mid)}…`).width <= width) lo = mid
    else hi = mid - 1
  }
  return `${text.slice(0, lo)}…`
}

/**
 * `text` cut in the middle with an ellipsis to fit `width` pixels, keeping
 * its start and its end: for a category's label, whose last digits may be
 * what tells it from another (`0.1500…0002`).
 */
export function fitMiddle(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text
  const cut = (keep: number) => `${text.slice(0, Math.ceil(keep / 2))}…${text.slice(text.length - Math.floor(keep / 2))}`
  let lo = 0
  let hi = text.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (ctx.measureText(cut(mid)).width <= width) lo = mid
    else hi = mid - 1
  }
  return cut(lo)
}

/**
 * A colour from worse (0) to better (1) along a blue–teal–yellow ramp (like
 * viridis, readable on light and dark), for colouring trials by objective.
 */
export function ramp(t: number, alpha = 1): string {
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]]
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1)
  const i = Math.min(stops.length - 2, Math.floor(x))
  const f = x - i
  const [a, b] = [stops[i] as number[], stops[i + 1] as number[]]
  const c = a.map((v, k) => Math.round(v + f * ((b[k] as number) - v)))
  return `rgba(${c[0]}, ${c[1]}, ${c[2]}, ${alpha})`
}
