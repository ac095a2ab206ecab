/**
 * Following a journal directory that `diviner-local serve` serves: the
 * worker pulls it every 200 ms (at once again when a pull brought
 * something), merging what runners append into this page's database. When
 * the server goes away the page keeps what it has and tries again, slower.
 */
import { HttpJournalSource } from '../db/sync/http-journal.js'
import { pull } from '../db/sync/pull.js'
import type { DexieDatabase } from '../db/store/dexie-database.js'
import { DexieMarks } from '../db/store/dexie-marks.js'

/** What the page shows of the follow. */
export interface FollowStatus {
  /** The journal's URL, or undefined when not following. */
  readonly url: string | undefined
  /** True while the server answers. */
  readonly connected: boolean
  /** When the last pull ended (epoch ms), or 0. */
  readonly lastPull: number
  /** Runs added or updated by pulls so far. */
  readonly runs: number
  /** The last error in plain words, or ''. */
  readonly error: string
}

const EVERY_MS = 200
const RETRY_MS = 5000

/** Pulls one journal URL into a database, on a timer, until stopped. */
export class JournalFollower {
  private status: FollowStatus = { url: undefined, connected: false, lastPull: 0, runs: 0, error: '' }
  private timer: ReturnType<typeof setTimeout> | undefined
  private source: HttpJournalSource | undefined

  constructor(private readonly db: Promise<DexieDatabase>) {}

  /** Starts following `url` (a journal listing URL ending in `/`); following the same URL again does nothing. */
  follow(url: string): FollowStatus {
    if (this.source?.base === url) return this.status
    this.stop()
    this.source = new HttpJournalSource(url)
    this.status = { ...this.status, url }
    this.schedule(0)
    return this.status
  }

  /** Stops following. */
  stop(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    this.source = undefined
  }

  /** The follow's status now. */
  current(): FollowStatus {
    return this.status
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => { void this.tick() }, ms)
  }

  private async tick(): Promise<void> {
    const source = this.source
    if (!source) return
    const db = await this.db
    let next = EVERY_MS
    try {
      const got = await pull(db, source, new DexieMarks(db))
      const failure = got.failed[0]?.error.message ?? ''
      this.status = { ...this.status, connected: true, lastPull: Date.now(), runs: this.status.runs + got.runs, error: failure }
      if (got.segments > 0) next = 0
    } catch (e) {
      this.status = { ...this.status, connected: false, lastPull: Date.now(), error: e instanceof Error ? e.message : String(e) }
      next = RETRY_MS
    }
    if (this.source === source) this.schedule(next)
  }
}
