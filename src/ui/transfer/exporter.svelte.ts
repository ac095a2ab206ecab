/**
 * Exporting dumps: everything, one study, or the changes since the last
 * export, with progress, ending in a download.
 */
import * as Comlink from 'comlink'
import type { RemoteApi } from '../../worker/client.js'
import type { Problems } from '../shell/problems.svelte.js'
import { checkpointKey, loadCheckpoint, parseSaved, saveCheckpoint, takenNow, type SavedCheckpoint } from './checkpoints.js'
import { downloadBlob } from './download.js'
import { storageGuard } from '../shell/storage.svelte.js'
import type { ExportOptions, ExportProgress } from './types.js'

/** An export that finished: what it was and the file it offered. */
export interface ExportDone {
  readonly what: string
  readonly filename: string
  readonly bytes: number
}

/** The export under way or last finished. */
export class Exporter {
  /** What is being exported ("everything", "study mnist"), while an export runs. */
  running: string | undefined = $state()
  progress: ExportProgress | undefined = $state.raw()
  done: ExportDone | undefined = $state.raw()
  /** Where the last full or delta export left off. */
  last: SavedCheckpoint | undefined = $state.raw()
  private readonly api: Pick<RemoteApi, 'exportDump'> & Partial<Pick<RemoteApi, 'syncStatus'>>
  private readonly problems: Problems
  private readonly database: string

  /** `database` names the database exported, for the checkpoint kept between visits. */
  constructor(api: Pick<RemoteApi, 'exportDump'> & Partial<Pick<RemoteApi, 'syncStatus'>>, problems: Problems, database: string) {
    this.api = api
    this.problems = problems
    this.database = database
    this.last = loadCheckpoint(database)
  }

  /** Follows exports made in other tabs; returns a function that stops following. */
  follow(): () => void {
    const onStorage = (e: StorageEvent) => {
      if (e.key !== checkpointKey(this.database)) return
      try { this.last = parseSaved(e.newValue) } catch { this.last = undefined }
    }
    window.addEventListener('storage', onStorage)
    return () => window.removeEventListener('storage', onStorage)
  }

  get busy(): boolean {
    return this.running !== undefined
  }

  /** Exports every study and run. */
  everything(): Promise<void> {
    return this.run('everything', {}, true)
  }

  /** Exports one study and its runs. */
  study(name: string): Promise<void> {
    return this.run(`study ${name}`, { studies: [name] }, false)
  }

  /** Exports what changed since the last full or delta export; nothing when there was none. */
  async changes(): Promise<void> {
    if (this.last === undefined) return
    await this.run('changes since the last export', { since: this.last.checkpoint }, true)
  }

  /**
   * Exports and downloads. Only an export that covers every change up to its
   * checkpoint (everything, or a delta) moves the point the next delta starts from.
   */
  private async run(what: string, options: ExportOptions, advances: boolean): Promise<void> {
    const failure = `Export of ${what} failed`
    if (this.busy) {
      this.problems.report(failure, new Error(`the export of ${this.running} is still running; wait until it has finished`))
      return
    }
    this.running = what
    this.progress = undefined
    this.done = undefined
    try {
      const { blob, checkpoint, filename } = await this.api.exportDump(options, Comlink.proxy((p: ExportProgress) => { this.progress = p }))
      downloadBlob(blob, filename)
      this.done = { what, filename, bytes: blob.size }
      if (advances) storageGuard.copied()
      if (advances) {
        const saved = takenNow(checkpoint)
        this.last = saved
        saveCheckpoint(this.database, saved)
      }
      this.problems.clear(failure)
    } catch (e) {
      this.problems.report(failure, e)
    } finally {
      this.running = undefined
    }
  }

  /** When this page last synced with a remote (a copy of everything elsewhere), epoch ms; 0 when it has not. */
  async lastSync(): Promise<number> {
    try {
      return (await this.api.syncStatus?.())?.lastSync ?? 0
    } catch {
      return 0
    }
  }

  /** Hides the note about the finished export. */
  dismiss(): void {
    this.done = undefined
  }
}
