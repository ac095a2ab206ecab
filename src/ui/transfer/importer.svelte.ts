/**
 * Importing dumps into this browser's database: one at a time, with progress,
 * ending in a summary (or a failure in the error banner).
 */
import * as Comlink from 'comlink'
import { storageGuard } from '../shell/storage.svelte.js'
import type { RemoteApi } from '../../worker/client.js'
import type { Problems } from '../shell/problems.svelte.js'
import type { ImportProgress, ImportSummary } from './types.js'

/** What the import panel shows. */
export type ImportPhase = 'idle' | 'running' | 'done'

/** The import under way or last finished. */
export class Importer {
  phase: ImportPhase = $state('idle')
  /** The name of what is (or was last) imported, for a person: a file name. */
  source = $state('')
  progress: ImportProgress | undefined = $state.raw()
  summary: ImportSummary | undefined = $state.raw()
  private readonly api: Pick<RemoteApi, 'importDump'>
  private readonly problems: Problems

  constructor(api: Pick<RemoteApi, 'importDump'>, problems: Problems) {
    this.api = api
    this.problems = problems
  }

  get busy(): boolean {
    return this.phase === 'running'
  }

  /** The failure label for importing `source`, as the error banner shows it. */
  static failure(source: string): string {
    return `Import of ${source} failed`
  }

  /**
   * Imports `file` (named `source` for a person). A second import while one
   * runs is refused with a message. Resolves to the summary, or undefined when
   * it failed (the failure is reported, never thrown).
   */
  async run(file: Blob, source: string): Promise<ImportSummary | undefined> {
    if (this.busy) {
      this.problems.report(Importer.failure(source), new Error(`${this.source} is still being imported; wait until it has finished`))
      return undefined
    }
    this.phase = 'running'
    this.source = source
    this.summary = undefined
    this.progress = { bytesRead: 0, bytesTotal: file.size, records: 0 }
    try {
      const summary = await this.api.importDump(file, Comlink.proxy((p: ImportProgress) => { this.progress = p }))
      this.summary = summary
      // There is data to keep now: ask the browser to keep it.
      void storageGuard.keep()
      this.phase = 'done'
      this.problems.clear(Importer.failure(source))
      return summary
    } catch (e) {
      this.phase = 'idle'
      this.problems.report(Importer.failure(source), e)
      return undefined
    }
  }

  /** Hides the summary. */
  dismiss(): void {
    if (!this.busy) this.phase = 'idle'
  }
}
