/**
 * How the Database's two stream methods cross the worker boundary: `log` as a
 * proxied reader, one call per piece of text, and `logger` as a proxied
 * writer (see api.ts for why the streams themselves are not transferred).
 */
import * as Comlink from 'comlink'
import type { LogOptions } from '../db/model/database.js'
import { releaseSignal } from './transfer.js'

/** `log`'s options as they cross the boundary; the signal travels as its own argument. */
export type LogRequest = Omit<LogOptions, 'signal'>

/** One read of a remote log: the next piece of text, or the end. */
export type LogRead = { readonly done: true; readonly value?: undefined } | { readonly done: false; readonly value: string }

/** The worker's side of a `log` stream, read one piece at a time by the client. */
export interface RemoteLogReader {
  /** The next piece of text; rejects with the stream's error (a not-exist for a missing run). */
  read(): Promise<LogRead>
  /** Stops reading (a follower stops following). */
  cancel(): Promise<void>
}

/** The worker's side of a `logger` stream. */
export interface RemoteLogWriter {
  write(text: string): Promise<void>
  /** Flushes what was written; resolves once it is stored. */
  close(): Promise<void>
  /** Flushes what was written and ends the stream. */
  abort(): Promise<void>
}

/** The reader side of a log stream: reads `stream` on request; a client that goes away without cancelling cancels it (Comlink's finalizer). */
export function logReader(stream: ReadableStream<string>, signal: AbortSignal | undefined): RemoteLogReader & { [Comlink.finalizer](): void } {
  const reader = stream.getReader()
  let finished = false
  const finish = () => {
    if (finished) return
    finished = true
    releaseSignal(signal)
  }
  return {
    async read() {
      try {
        const r = await reader.read()
        if (r.done) finish()
        return r.done ? { done: true } : { done: false, value: r.value }
      } catch (e) {
        finish()
        throw e
      }
    },
    async cancel() {
      finish()
      await reader.cancel()
    },
    [Comlink.finalizer]() {
      if (!finished) void this.cancel().catch(() => undefined)
    },
  }
}

/** Writes to `stream` on request; a client that goes away without closing closes it, which flushes. */
export function logWriter(stream: WritableStream<string>): RemoteLogWriter & { [Comlink.finalizer](): void } {
  const writer = stream.getWriter()
  let ended = false
  return {
    write: (text) => writer.write(text),
    async close() {
      ended = true
      await writer.close()
    },
    async abort() {
      ended = true
      await writer.abort()
    },
    [Comlink.finalizer]() {
      if (!ended) void writer.close().catch(() => undefined)
    },
  }
}
