/**
 * Progress reports to a callback on the other side of the boundary. The caller
 * passes `Comlink.proxy(callback)`; each call is a message, so reports are
 * throttled, and the proxy is let go of once the work is over.
 */
import * as Comlink from 'comlink'

/** How often progress is reported at most, ms (about 10 reports a second). */
export const PROGRESS_INTERVAL_MS = 100

/** Throttled reports to a callback, then a final one. */
export interface ProgressReporter<P> {
  /** Reports `p` unless a report went out less than the interval ago (then `p` is dropped). */
  report(p: P): void
  /** Reports `p` whatever the interval, waits until the callback has run, and lets go of it. */
  finish(p: P): Promise<void>
  /** Lets go of the callback without a last report (the work failed). */
  release(): void
}

/**
 * A reporter to `callback` (a Comlink proxy, or a plain function when called
 * in the same thread; none is fine). A failing callback never fails the work.
 */
export function progressReporter<P>(callback: ((p: P) => void) | undefined, intervalMs = PROGRESS_INTERVAL_MS): ProgressReporter<P> {
  let last = -Infinity
  let released = false
  const send = async (p: P) => {
    if (!callback || released) return
    try {
      await callback(p)
    } catch {
      // The page may have gone away; the work goes on.
    }
  }
  const release = () => {
    if (released) return
    released = true
    if (callback) releaseRemote(callback)
  }
  return {
    report(p) {
      const now = Date.now()
      if (now - last < intervalMs) return
      last = now
      void send(p)
    },
    async finish(p) {
      last = Date.now()
      await send(p)
      release()
    },
    release,
  }
}

/** Closes the channel behind a Comlink proxy; harmless for a plain function. */
function releaseRemote(callback: object): void {
  const remote = callback as { readonly [Comlink.releaseProxy]?: () => void }
  remote[Comlink.releaseProxy]?.()
}
