/**
 * Live changes across tabs (SPEC §4, "Tabs"): after a write, the database
 * worker says which studies changed on a BroadcastChannel, which reaches every
 * other context of the same origin (other tabs, their workers, and the page that
 * owns the writing worker). Imports no storage code, so the page may use it.
 *
 *     const stop = onDatabaseChange(({ studies }) => reload(studies))
 *     stop()
 */

/** The name of the channel changes are announced on. */
export const CHANGES_CHANNEL = 'diviner-changes'

/** What the worker posts after writes: the studies whose data changed. */
export interface DatabaseChange {
  readonly type: 'changed'
  /** The studies changed since the previous message from the same worker (at least one). */
  readonly studies: readonly string[]
}

/** True when `data` is a DatabaseChange (a channel carries whatever any same-origin script posts). */
export function isDatabaseChange(data: unknown): data is DatabaseChange {
  return typeof data === 'object' && data !== null &&
    'type' in data && data.type === 'changed' &&
    'studies' in data && Array.isArray(data.studies) && data.studies.every((s: unknown) => typeof s === 'string')
}

/**
 * Calls `callback` for each change announced by any database worker of this
 * origin, until the returned function is called. Without BroadcastChannel it
 * never calls back.
 */
export function onDatabaseChange(callback: (change: DatabaseChange) => void): () => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined
  const channel = new BroadcastChannel(CHANGES_CHANNEL)
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (isDatabaseChange(event.data)) callback(event.data)
  }
  return () => channel.close()
}

/** How often a worker announces changes at most, ms. */
export const CHANGE_INTERVAL_MS = 100

/**
 * Announces changed studies, coalesced: at most one message per `intervalMs`,
 * naming every study changed since the last one. A burst of writes in one task
 * becomes one message.
 */
export class ChangeBroadcaster {
  private readonly post: (change: DatabaseChange) => void
  private readonly intervalMs: number
  private readonly pending = new Set<string>()
  private scheduled = false
  private last = -Infinity

  /** Posts on the changes channel by default; without BroadcastChannel, posts nowhere. */
  constructor(post: (change: DatabaseChange) => void = channelPoster(), intervalMs = CHANGE_INTERVAL_MS) {
    this.post = post
    this.intervalMs = intervalMs
  }

  /** Notes that `study` changed; it is announced within `intervalMs`. */
  changed(study: string): void {
    this.pending.add(study)
    if (this.scheduled) return
    this.scheduled = true
    const wait = Math.max(0, this.last + this.intervalMs - Date.now())
    // When it may post now, at the end of this task (a worker busy importing runs its timers late); else after the interval.
    if (wait === 0) queueMicrotask(() => this.flush())
    else setTimeout(() => this.flush(), wait)
  }

  private flush(): void {
    this.scheduled = false
    this.last = Date.now()
    const studies = [...this.pending]
    this.pending.clear()
    if (studies.length) this.post({ type: 'changed', studies })
  }
}

function channelPoster(): (change: DatabaseChange) => void {
  if (typeof BroadcastChannel === 'undefined') return () => undefined
  let channel: BroadcastChannel | undefined
  return (change) => {
    channel ??= new BroadcastChannel(CHANGES_CHANNEL)
    channel.postMessage(change)
  }
}
