/**
 * Live refresh: reload a view when its study changes in any tab, without
 * reloading more often than the reload itself can bear.
 */
import { onDatabaseChange } from '../../worker/changes.js'

/**
 * Calls `reload` whenever `study` changes (in this tab or another), until the
 * returned function is called. Reloads never overlap; a change during one
 * makes one more after it; and reloads are at least `minMs`, or four times
 * as long as the last one took, apart (a study of 100,000 runs reloads less
 * often than a small one).
 */
export function watchStudy(study: string, reload: () => Promise<unknown>, minMs = 1000): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  let running = false
  let dirty = false
  let stopped = false
  let lastStart = -Infinity
  let lastTook = 0

  const run = async () => {
    timer = undefined
    if (stopped) return
    running = true
    dirty = false
    lastStart = Date.now()
    try {
      await reload()
    } catch {
      // The view shows its own failure; watching goes on.
    } finally {
      lastTook = Date.now() - lastStart
      running = false
      if (dirty) schedule()
    }
  }
  const schedule = () => {
    if (stopped) return
    if (running) { dirty = true; return }
    if (timer !== undefined) return
    const gap = Math.max(minMs, 4 * lastTook)
    timer = setTimeout(() => void run(), Math.max(0, lastStart + gap - Date.now()))
  }
  const unsubscribe = onDatabaseChange((change) => {
    if (change.studies.includes(study)) schedule()
  })
  return () => {
    stopped = true
    if (timer !== undefined) clearTimeout(timer)
    unsubscribe()
  }
}
