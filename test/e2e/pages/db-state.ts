/**
 * What the page's database holds, read back for comparison, and large dumps
 * made in the test: the pieces the hardening tests (crashes, many writers, full
 * disks) share. Reads go through the console API (`globalThis.diviner`), except
 * the import bookkeeping, which the page never shows and is read from IndexedDB.
 *
 * The functions given to `page.evaluate` run in the browser: they may use only
 * their argument and the page's globals, never this module's imports.
 */
import { randomBytes } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { Page } from 'playwright-core'
// For the type of `globalThis.diviner`.
import type {} from '../../../src/ui/console.js'

const T0 = Date.UTC(2024, 0, 1)
const iso = (ms: number) => new Date(ms).toISOString()

/** What a large dump holds. */
export interface BigDumpSpec {
  readonly origin: string
  readonly study: string
  readonly runs: number
  /** Metric entries per run. */
  readonly metrics: number
  /** Characters of log per run. */
  readonly logChars: number
  /** Added to every run's `updated` time (a later version of the same runs wins the merge). */
  readonly updatedOffset?: number
  /** Logs of random text, which storage cannot compress (a repeated character compresses to nothing). */
  readonly randomLogs?: boolean
}

/** A gzip dump (docs/dump-format.md) of one study and `runs` runs, each with a metric history and a log. */
export function bigDump(spec: BigDumpSpec): Buffer {
  const lines: string[] = [
    JSON.stringify({ format: 'diviner-local-dump', version: 1, origin: spec.origin, exported: iso(T0), covers: { kind: 'all' }, checkpoint: { db: spec.origin, rev: spec.runs + 1 } }),
    JSON.stringify({
      t: 'study', name: spec.study, objective: { direction: 'minimize', metric: 'loss' },
      params: { lr: { type: 'range', start: { float: 0 }, end: { float: 1 } } }, replicates: 0,
      description: 'made by the test', oracle: { name: 'random', seed: 1 }, created: iso(T0),
    }),
  ]
  const same = 'x'.repeat(Math.max(0, spec.logChars - 1)) + '\n'
  const log = () => (spec.randomLogs ? randomBytes(spec.logChars).toString('base64').slice(0, spec.logChars - 1) + '\n' : same)
  for (let i = 1; i <= spec.runs; i++) {
    const id = `${spec.origin.slice(0, 8)}-run-${i}`
    lines.push(JSON.stringify({
      t: 'run', id, study: spec.study, seq: i, origin: { db: spec.origin, seq: i }, values: { lr: { float: (i % 1000) / 1000 } },
      replicate: 0, state: 'success', status: `run ${i}`, config: { script: 'train.py' }, created: iso(T0 + i),
      updated: iso(T0 + i + 60_000 + (spec.updatedOffset ?? 0)), runtime_ms: 60_000, retries: 0, metrics: spec.metrics, log: spec.logChars ? 1 : 0,
    }))
    if (spec.metrics) lines.push(JSON.stringify({ t: 'metrics', run: id, from: 0, entries: Array.from({ length: spec.metrics }, (_, k) => ({ loss: 1 / (k + i), step: k })) }))
    if (spec.logChars) lines.push(JSON.stringify({ t: 'log', run: id, from: 0, entries: [{ t: iso(T0 + i), text: log() }] }))
  }
  return gzipSync(Buffer.from(lines.join('\n') + '\n'), { level: 1 })
}

/** The import bookkeeping left in the page's IndexedDB: interrupted imports and their undo records. */
export interface Bookkeeping { readonly imports: number; readonly undo: number }

/** Reads what the page's database holds, and starts imports and exports that a test then interrupts. */
export class DbState {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  /** Waits until the page has published the console API with the worker API. */
  async ready(): Promise<void> {
    await this.page.waitForFunction(() => globalThis.diviner?.api !== undefined)
  }

  /**
   * Every study and every run (without histories, but with their lengths and
   * last entries) as comparable text. Waits for the database to open, which
   * is when an interrupted import is undone.
   */
  snapshot(): Promise<string> {
    return this.page.evaluate(async () => {
      const api = globalThis.diviner?.api
      if (!api) throw new Error('globalThis.diviner.api is not set')
      const out: unknown[] = []
      for (const s of await api.studyOverviews('')) {
        const rows = await api.runRows(s.name)
        out.push({
          study: [s.name, s.description, s.runs, s.counts, s.replicates, s.oracle],
          runs: rows.map((r) => [r.id, r.seq, r.state, r.status, r.updated.getTime(), r.metricCount, r.logCount, r.last, r.origin ?? null]),
        })
      }
      return JSON.stringify(out)
    })
  }

  /** How many interrupted imports and undo records the page's IndexedDB holds. */
  bookkeeping(): Promise<Bookkeeping> {
    return this.page.evaluate(() => new Promise<Bookkeeping>((resolve, reject) => {
      const open = indexedDB.open('diviner')
      open.onerror = () => reject(open.error ?? new Error('could not open the database'))
      open.onsuccess = () => {
        const db = open.result
        const tx = db.transaction(['imports', 'undo'], 'readonly')
        const imports = tx.objectStore('imports').count()
        const undo = tx.objectStore('undo').count()
        tx.oncomplete = () => { db.close(); resolve({ imports: imports.result, undo: undo.result }) }
        tx.onerror = () => { db.close(); reject(tx.error ?? new Error('could not read the database')) }
      }
    }))
  }

  /**
   * Starts importing `bytes` through the worker API and returns at once; the
   * page keeps the latest progress and the outcome (see `importProgress`,
   * `importOutcome`).
   */
  startImport(bytes: Uint8Array): Promise<void> {
    return this.page.evaluate((base64) => {
      const d = globalThis.diviner
      if (!d?.api) throw new Error('globalThis.diviner.api is not set')
      const binary = atob(base64)
      const data = new Uint8Array(binary.length)
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i)
      const state: { records: number; outcome?: string } = { records: 0 }
      Reflect.set(globalThis, 'testImport', state)
      d.api.importDump(new File([data], 'big.diviner.gz'), d.proxy((p: { records: number }) => { state.records = p.records }))
        .then((s) => { state.outcome = `imported ${s.records}` }, (e: unknown) => { state.outcome = d.isDivinerError(e) ? `${e.code}: ${e.message}` : `error: ${String(e)}` })
    }, Buffer.from(bytes).toString('base64'))
  }

  /** Records the running import has applied so far. */
  importProgress(): Promise<number> {
    return this.page.evaluate(() => (Reflect.get(globalThis, 'testImport') as { records: number } | undefined)?.records ?? 0)
  }

  /** How the import started by `startImport` ended (`imported N`, `code: message`), or undefined while it runs. */
  importOutcome(): Promise<string | undefined> {
    return this.page.evaluate(() => (Reflect.get(globalThis, 'testImport') as { outcome?: string } | undefined)?.outcome)
  }

  /** Waits until the running import has applied at least `records` records, and checks it has not finished. */
  async waitForImportProgress(records: number): Promise<number> {
    await this.page.waitForFunction((n) => {
      const s = Reflect.get(globalThis, 'testImport') as { records: number; outcome?: string } | undefined
      return s !== undefined && (s.records >= n || s.outcome !== undefined)
    }, records, { polling: 5 })
    const outcome = await this.importOutcome()
    if (outcome !== undefined) throw new Error(`the import ended before it could be interrupted: ${outcome}`)
    return this.importProgress()
  }

  /** Imports `bytes` through the worker API and resolves to the number of records applied. */
  async importAll(bytes: Uint8Array): Promise<number> {
    await this.startImport(bytes)
    const handle = await this.page.waitForFunction(() => (Reflect.get(globalThis, 'testImport') as { outcome?: string }).outcome, undefined, { timeout: 120_000 })
    const outcome = String(await handle.jsonValue())
    const match = /^imported (\d+)$/.exec(outcome)
    if (!match) throw new Error(`the import failed: ${outcome}`)
    return Number(match[1])
  }
}
