/**
 * A run's log as the page shows it: read once (everything, or what was
 * appended since a time) or followed as it grows, keeping only the last
 * `limit` characters. Reading stops (the stream is cancelled) on `stop`.
 */
import type { Database } from '../../db/model/database.js'
import { failureOf, type Failure } from '../study/failure.js'

/** What to read. */
export interface LogRequest {
  readonly since?: Date
  readonly follow: boolean
  /** Characters kept from the end of the log. */
  readonly limit: number
}

export type LogStatus = 'idle' | 'reading' | 'following' | 'done' | 'failed'

export class LogTail {
  /** The last `limit` characters read, starting at a line when some were dropped. */
  text = $state('')
  /** Characters read but dropped from the start to keep within the limit. */
  dropped = $state(0)
  status: LogStatus = $state('idle')
  failure: Failure | undefined = $state.raw()
  private readonly db: Pick<Database, 'log'>
  private current: { reader: ReadableStreamDefaultReader<string>; abort: AbortController } | undefined

  constructor(db: Pick<Database, 'log'>) {
    this.db = db
  }

  /** Starts reading `study:seq`'s log afresh (stopping any earlier read). */
  start(study: string, seq: number, request: LogRequest): void {
    this.stop()
    this.text = ''
    this.dropped = 0
    this.failure = undefined
    const abort = new AbortController()
    const stream = this.db.log(study, seq, { since: request.since, follow: request.follow, signal: abort.signal })
    const reader = stream.getReader()
    const current = { reader, abort }
    this.current = current
    this.status = request.follow ? 'following' : 'reading'
    void this.pump(current, request.limit)
  }

  /** Stops reading: cancels the stream, which ends a follower in the worker. */
  stop(): void {
    const current = this.current
    if (current === undefined) return
    this.current = undefined
    void current.reader.cancel().catch(() => undefined)
    current.abort.abort()
    if (this.status === 'following' || this.status === 'reading') this.status = 'idle'
  }

  private async pump(current: NonNullable<LogTail['current']>, limit: number): Promise<void> {
    try {
      for (;;) {
        const { done, value } = await current.reader.read()
        if (this.current !== current) return
        if (done) break
        this.append(value, limit)
      }
      this.current = undefined
      this.status = 'done'
    } catch (e) {
      if (this.current !== current) return
      this.current = undefined
      this.failure = failureOf(e)
      this.status = 'failed'
    }
  }

  private append(chunk: string, limit: number): void {
    const text = this.text + chunk
    if (text.length <= limit) {
      this.text = text
      return
    }
    let cut = text.length - limit
    const line = text.indexOf('\n', cut)
    if (line >= 0 && line < text.length - 1) cut = line + 1
    this.dropped += cut
    this.text = text.slice(cut)
  }
}
