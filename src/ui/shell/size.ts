/**
 * Element sizes for the screens, without forcing layout. Svelte's
 * `bind:clientWidth` reads the size as the element is mounted, which forces a
 * synchronous layout per bound element while a screen is being built (on the
 * study and run screens that was most of a 100–250 ms task). Here one shared
 * ResizeObserver reports sizes: it calls back after the browser's own layout,
 * when reading `clientWidth` costs nothing, first right after the element
 * is laid out and then whenever its size changes.
 */
import type { Attachment } from 'svelte/attachments'

/** An element's padding-box size in whole CSS pixels, as `clientWidth` and `clientHeight` give it. */
export interface ClientSize {
  readonly width: number
  readonly height: number
}

const listeners = new WeakMap<Element, (size: ClientSize) => void>()
let observer: ResizeObserver | undefined

function observe(el: Element, set: (size: ClientSize) => void): () => void {
  observer ??= new ResizeObserver((entries) => {
    for (const e of entries) listeners.get(e.target)?.({ width: e.target.clientWidth, height: e.target.clientHeight })
  })
  listeners.set(el, set)
  observer.observe(el)
  return () => {
    observer?.unobserve(el)
    listeners.delete(el)
  }
}

/** An attachment (`{@attach clientSize((s) => …)}`) calling `set` with the element's size once laid out, and on every change. */
export function clientSize(set: (size: ClientSize) => void): Attachment<HTMLElement> {
  return (el) => observe(el, set)
}
