/**
 * One connection to the IndexedDB database: the Dexie tables and what every
 * part of the store shares (identity, clock, change counter, run lookup,
 * sealed history, change notices, error mapping). `DexieDatabase` builds the
 * Database interface on it; imports, exports, logs and the row cache use it.
 */
import type { Metrics, LogEntry } from '../model/run.js'
import { storageError } from './dexie-views.js'
import { DivinerDexie, type RunRecord } from './schema.js'

/** A connection to the database; `createTable` opens it and learns its identity. */
export abstract class DexieConnection {
  /** The underlying Dexie database (for the store's own modules and benchmarks; not for the UI). */
  readonly dexie: DivinerDexie
  /** Fires `change` (detail: the study) after each write made through this connection. */
  readonly changes = new EventTarget()
  /** This database's id once `createTable` has run. */
  protected localId: string | undefined

  constructor(name: string, private readonly now: () => number) {
    this.dexie = new DivinerDexie(name)
  }

  /** Opens the database (creating it if needed) and learns its identity; idempotent. */
  abstract createTable(signal?: AbortSignal): Promise<void>

  /** This database's identity: a random id made by the first `createTable`, shared by every connection. */
  async id(): Promise<string> {
    if (this.localId === undefined) await this.createTable()
    return this.localId as string
  }

  /**
   * Takes `count` fresh values of the local change counter and returns the first;
   * every changed record gets its own. Call inside a write transaction that includes `meta`.
   */
  async nextRev(count = 1): Promise<number> {
    const rec = await this.dexie.meta.get('rev')
    const first = (rec?.key === 'rev' ? rec.n : 0) + 1
    await this.dexie.meta.put({ key: 'rev', n: first + count - 1 })
    return first
  }

  /** The stored record of run `study:seq`, or undefined. */
  findRun(study: string, seq: number): Promise<RunRecord | undefined> {
    return this.dexie.runs.where('[study+seq]').equals([study, seq]).first()
  }

  /** The sealed part of a run's metric history, in order. */
  async sealedMetrics(rec: RunRecord): Promise<Metrics[]> {
    if (rec.mSealed === 0) return []
    const chunks = await this.dexie.metricChunks.where('[run+chunk]').between([rec.id, 0], [rec.id, rec.mSealed]).toArray()
    return chunks.flatMap((c) => c.entries)
  }

  /** The sealed part of a run's log, in order. */
  async sealedLog(rec: RunRecord): Promise<LogEntry[]> {
    if (rec.lSealed === 0) return []
    const chunks = await this.dexie.logChunks.where('[run+chunk]').between([rec.id, 0], [rec.id, rec.lSealed]).toArray()
    return chunks.flatMap((c) => c.entries)
  }

  /** Tells in-process followers that `study` changed. */
  notify(study: string): void {
    this.changes.dispatchEvent(new CustomEvent('change', { detail: study }))
  }

  /** Runs `work`, mapping storage failures to DivinerErrors. */
  async guard<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work()
    } catch (e) {
      throw storageError(e)
    }
  }

  /** The current time on this database's clock, epoch ms. */
  clock(): number {
    return this.now()
  }
}
