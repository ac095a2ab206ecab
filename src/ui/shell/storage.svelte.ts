/**
 * Data that stays: the page asks the browser to keep its data (persistent
 * storage, `navigator.storage.persist()`) once there is data to keep (the
 * first import or study), shows how much is stored, the quota and whether it
 * is kept, and says plainly when it is not and nothing was exported or synced
 * for a week (Chromium may evict such data under disk pressure; Safari clears
 * it after a week without a visit).
 */

/** What the page reads and asks of the browser's storage (a part of `StorageManager`). */
export interface StorageLike {
  persisted(): Promise<boolean>
  persist(): Promise<boolean>
  estimate(): Promise<{ usage?: number; quota?: number }>
}

/** Where the times the guard remembers are kept (a part of `Storage`). */
export interface KeyValue {
  getItem(key: string): string | null
  setItem(key: string, value: string): void
}

/** How long data may go without a copy elsewhere before the page says so. */
export const COPY_EVERY_MS = 7 * 24 * 3600 * 1000

/** The page's storage, and whether its data is kept safe. */
export class StorageGuard {
  /** Whether the browser keeps the data (undefined: not known, or no Storage API). */
  persisted: boolean | undefined = $state()
  /** Bytes stored and the quota, as the browser estimates them. */
  usage: number | undefined = $state()
  quota: number | undefined = $state()
  /** When a copy was last made elsewhere (an export or a sync), epoch ms. */
  lastCopy: number | undefined = $state()
  /** When the page first had data to keep (the first import or study), epoch ms. */
  since: number | undefined = $state()
  /** The clock's time at the last refresh (so `stale` is reactive without a timer). */
  private checked = $state(0)

  constructor(
    private readonly database: string,
    private readonly storage: StorageLike | undefined = typeof navigator !== 'undefined' ? navigator.storage : undefined,
    private readonly kv: KeyValue | undefined = typeof localStorage !== 'undefined' ? localStorage : undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.lastCopy = this.read('copy')
    this.since = this.read('since')
  }

  /** True when the data is not kept and no copy was made for a week since there was data. */
  get stale(): boolean {
    const from = this.lastCopy ?? this.since
    return this.persisted === false && from !== undefined && this.checked - from > COPY_EVERY_MS
  }

  /** Days since the last copy (or since there was data), for saying so. */
  get daysWithoutCopy(): number {
    const from = this.lastCopy ?? this.since ?? this.checked
    return Math.floor((this.checked - from) / (24 * 3600 * 1000))
  }

  /** Reads whether the data is kept, and the usage and quota. */
  async refresh(): Promise<void> {
    this.checked = this.now()
    if (!this.storage) return
    try {
      this.persisted = await this.storage.persisted()
      const e = await this.storage.estimate()
      this.usage = e.usage
      this.quota = e.quota
    } catch { /* no Storage API here: nothing to show */ }
  }

  /**
   * There is data to keep (an import, a new study): asks the browser to keep
   * it, once it is not kept yet, and remembers from when there was data.
   */
  async keep(): Promise<void> {
    if (this.since === undefined) { this.since = this.now(); this.write('since', this.since) }
    await this.refresh()
    if (this.persisted === false && this.storage) {
      try { this.persisted = await this.storage.persist() } catch { /* refused: said by `persisted` */ }
      await this.refresh()
    }
  }

  /** A copy of the data was made elsewhere (an export, a sync) at `at`. */
  copied(at: number = this.now()): void {
    if (this.lastCopy !== undefined && this.lastCopy >= at) return
    this.lastCopy = at
    this.write('copy', at)
    this.checked = this.now()
  }

  private read(what: string): number | undefined {
    const v = Number(this.kv?.getItem(`diviner-${what}:${this.database}`) ?? NaN)
    return Number.isFinite(v) ? v : undefined
  }

  private write(what: string, value: number): void {
    try { this.kv?.setItem(`diviner-${what}:${this.database}`, String(value)) } catch { /* storage full or blocked: not remembered */ }
  }
}

/** The guard of the page's database (named as in main.ts). */
export const storageGuard = new StorageGuard('diviner')
