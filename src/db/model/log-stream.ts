/**
 * The behaviour of `Database.log` and `Database.logger` (SPEC §2), shared by
 * every store: a store says how to read log entries from a position, how to
 * wait for a change, and how to append entries; these functions make the
 * streams.
 */
import type { LogOptions } from './database.js'
import type { LogEntry } from './run.js'

/** How far a log reader has got: the next entry index (stores may keep more, such as a chunk number). */
export interface LogCursor { next: number }

/** What a log reader needs of a store. */
export interface LogSource<C extends LogCursor> {
  /** Entries from `cursor` on (advancing it), possibly only some of them; rejects with not-exist for a missing run. */
  readLog(study: string, seq: number, cursor: C): Promise<LogEntry[]>
  /** Resolves after a change that may have added entries, after a poll interval, or on abort. */
  waitForChange(signal: AbortSignal | undefined): Promise<void>
}

/** What a logger needs of a store. */
export interface LogSink {
  /** Appends entries to the run's log; rejects with not-exist for a missing run. */
  appendLog(study: string, seq: number, entries: readonly LogEntry[]): Promise<void>
  /** The store's clock, epoch ms: when written text arrived. */
  clock(): number
}

/**
 * The run's log as a stream of text, returned at once: entries at or after
 * `since`, then (with `follow`) entries as they are appended, until the reader
 * cancels or `signal` aborts. Errors (such as not-exist) arrive through it.
 */
export function logStream<C extends LogCursor>(source: LogSource<C>, study: string, seq: number, cursor: C, options: LogOptions = {}): ReadableStream<string> {
  const since = options.since?.getTime() ?? -Infinity
  const { follow = false, signal } = options
  let cancelled = false
  return new ReadableStream<string>({
    pull: async (controller) => {
      for (;;) {
        if (cancelled) return
        if (signal?.aborted) { controller.close(); return }
        const entries = await source.readLog(study, seq, cursor)
        const text = entries.filter((e) => e.t >= since).map((e) => e.text).join('')
        if (text) { controller.enqueue(text); return }
        if (entries.length) continue
        if (!follow) { controller.close(); return }
        await source.waitForChange(signal)
      }
    },
    cancel: () => { cancelled = true },
  }, { highWaterMark: 0 })
}

/** How a logger buffers: it writes after `flushMs` or once `flushChars` characters wait. */
export interface LoggerOptions { readonly flushMs: number; readonly flushChars?: number }

/**
 * A stream appending what is written to the run's log, each piece stamped with
 * its arrival time; returned at once. Text is buffered briefly and written in
 * entries; closing (or aborting) flushes. A failed write fails later writes and the close.
 */
export function loggerStream(sink: LogSink, study: string, seq: number, options: LoggerOptions): WritableStream<string> {
  const flushChars = options.flushChars ?? 16_384
  let buffer: LogEntry[] = []
  let chars = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let failure: unknown
  let flushing: Promise<void> = Promise.resolve()
  const flush = (): Promise<void> => {
    if (timer !== undefined) { clearTimeout(timer); timer = undefined }
    const entries = buffer
    buffer = []
    chars = 0
    if (entries.length) flushing = flushing.then(() => sink.appendLog(study, seq, entries)).catch((e: unknown) => { failure ??= e })
    return flushing.then(() => { if (failure !== undefined) throw failure })
  }
  return new WritableStream<string>({
    write: async (text) => {
      if (failure !== undefined) throw failure
      const t = sink.clock()
      const last = buffer[buffer.length - 1]
      if (last && last.t === t) last.text += text
      else buffer.push({ t, text })
      chars += text.length
      if (chars >= flushChars) await flush()
      else timer ??= setTimeout(() => { void flush().catch(() => undefined) }, options.flushMs)
    },
    close: () => flush(),
    abort: () => flush(),
  })
}

/**
 * Resolves on the first of: a `change` event on `changes`, `pollMs` passing,
 * or `signal` aborting.
 */
export function waitForChange(changes: EventTarget, pollMs: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      changes.removeEventListener('change', done)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, pollMs)
    changes.addEventListener('change', done)
    signal?.addEventListener('abort', done)
  })
}
