/**
 * Dumps and live changes through the page's console API (`globalThis.diviner`):
 * what a power user, or a script driving the page, does to move runs between
 * browsers. Bytes cross between the page and the test as base64 text.
 *
 * The functions given to `page.evaluate` run in the browser: they may use only
 * their argument and the page's globals, never this module's imports.
 */
import type { Page } from 'playwright-core'
// For the type of `globalThis.diviner`.
import type {} from '../../../src/ui/console.js'
import type { Checkpoint, ImportSummary } from '../../../src/worker/api.js'

/** A dump exported by the page. */
export interface ExportedBytes {
  readonly bytes: Buffer
  readonly filename: string
  readonly checkpoint: Checkpoint
  /** The last progress report the page received. */
  readonly lastProgress: { runs: number; bytes: number } | undefined
}

/** What an import through the page did. */
export interface ImportResult {
  readonly summary: ImportSummary
  /** The progress reports the page received, in order. */
  readonly progress: { bytesRead: number; bytesTotal: number | undefined; records: number }[]
}

/** A run with everything a dump must carry, in a form that compares across browsers. */
export interface FullRun {
  readonly id: string
  readonly seq: number
  /** Param name → kind and value as text (`float 0.25`). */
  readonly values: Record<string, string>
  readonly replicate: number
  readonly state: number
  readonly status: string
  readonly config: unknown
  readonly created: string
  readonly updated: string
  readonly runtime: number
  readonly retries: number
  readonly metrics: readonly Record<string, number>[]
  readonly origin: { db: string; seq: number } | undefined
  /** The whole log text. */
  readonly log: string
}

export class DumpConsole {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  /** Waits until the page has published the console API with the worker API. */
  async ready(): Promise<void> {
    await this.page.waitForFunction(() => globalThis.diviner?.api !== undefined)
  }

  /** Writes `texts` to the run's log through a logger, then closes it (which flushes). */
  writeLog(study: string, seq: number, texts: readonly string[]): Promise<void> {
    return this.page.evaluate(async ([study, seq, texts]) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const writer = d.db.logger(study, seq).getWriter()
      for (const t of texts) await writer.write(t)
      await writer.close()
    }, [study, seq, texts] as const)
  }

  /** Exports everything through the worker API and hands the bytes to the test. */
  async exportAll(): Promise<ExportedBytes> {
    const out = await this.page.evaluate(async () => {
      const d = globalThis.diviner
      if (!d?.api) throw new Error('globalThis.diviner.api is not set')
      let lastProgress: { runs: number; bytes: number } | undefined
      const { blob, filename, checkpoint } = await d.api.exportDump({}, d.proxy((p: { runs: number; bytes: number }) => { lastProgress = p }))
      const bytes = new Uint8Array(await blob.arrayBuffer())
      let binary = ''
      for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
      return { base64: btoa(binary), filename, checkpoint, size: blob.size, lastProgress }
    })
    const bytes = Buffer.from(out.base64, 'base64')
    if (bytes.length !== out.size) throw new Error(`export: got ${bytes.length} bytes of ${out.size}`)
    return { bytes, filename: out.filename, checkpoint: out.checkpoint, lastProgress: out.lastProgress }
  }

  /** Imports `bytes` through the worker API, as a file a person dropped would be. */
  importBytes(bytes: Uint8Array, name = 'dump.diviner.gz'): Promise<ImportResult> {
    return this.page.evaluate(async ([base64, name]) => {
      const d = globalThis.diviner
      if (!d?.api) throw new Error('globalThis.diviner.api is not set')
      const binary = atob(base64)
      const data = new Uint8Array(binary.length)
      for (let i = 0; i < binary.length; i++) data[i] = binary.charCodeAt(i)
      const progress: ImportResult['progress'] = []
      const summary = await d.api.importDump(new File([data], name), d.proxy((p: ImportResult['progress'][number]) => { progress.push(p) }))
      return { summary, progress }
    }, [Buffer.from(bytes).toString('base64'), name] as const)
  }

  /** Every run of the study with its whole history and log, by seq. */
  fullRuns(study: string): Promise<FullRun[]> {
    return this.page.evaluate(async (study) => {
      const d = globalThis.diviner
      if (!d) throw new Error('globalThis.diviner is not set')
      const out: FullRun[] = []
      for (const r of await d.db.listRuns(study, d.RunState.Any)) {
        let log = ''
        for await (const piece of d.db.log(study, r.seq)) log += piece
        out.push({
          id: r.id, seq: r.seq, replicate: r.replicate, state: r.state, status: r.status, config: r.config,
          values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, `${v.kind} ${String(v.value)}`])),
          created: r.created.toISOString(), updated: r.updated.toISOString(), runtime: r.runtime, retries: r.retries,
          metrics: r.metrics.map((m) => ({ ...m })), origin: r.origin && { db: r.origin.db, seq: r.origin.seq }, log,
        })
      }
      return out
    }, study)
  }

  /** Starts collecting the studies named on the changes channel, as another tab would hear them. */
  listenForChanges(): Promise<void> {
    return this.page.evaluate(() => {
      const heard: string[] = []
      Reflect.set(globalThis, 'heardChanges', heard)
      new BroadcastChannel('diviner-changes').onmessage = (e: MessageEvent<unknown>) => {
        const data = e.data
        if (typeof data === 'object' && data !== null && 'studies' in data && Array.isArray(data.studies)) heard.push(...data.studies.map(String))
      }
    })
  }

  /** The studies named on the changes channel since `listenForChanges`. */
  heardChanges(): Promise<string[]> {
    return this.page.evaluate(() => {
      const heard: unknown = Reflect.get(globalThis, 'heardChanges')
      return Array.isArray(heard) ? heard.map(String) : []
    })
  }
}
