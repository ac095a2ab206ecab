/**
 * The worker API's dump calls: importing a file (a dump, an Optuna file) with
 * progress, and exporting a dump as a Blob with its checkpoint and a file name.
 */
import { exportDump as exportDumpStream, type ExportOptions } from '../db/dump/export.js'
import type { Checkpoint } from '../db/dump/records.js'
import { importDump as importDumpSource, type ImportProgress } from '../db/merge/import.js'
import { DivinerError } from '../db/model/errors.js'
import type { DexieDatabase } from '../db/store/dexie-database.js'
import { progressReporter } from './progress.js'

/** What `exportDump` makes: the dump, where a later delta continues from, and a name to save it under. */
export interface ExportedDump {
  readonly blob: Blob
  readonly checkpoint: Checkpoint
  readonly filename: string
}

/** Runs work on the database once it is ready (see api.ts). */
export type Call = <T>(signal: AbortSignal | undefined, work: (db: DexieDatabase) => Promise<T>) => Promise<T>

/** The dump calls of the API. */
export function dumpCalls(call: Call) {
  return {
    /**
     * Imports a dump (SPEC §3), merging it with what is here. `onProgress`
     * (a `Comlink.proxy`) hears about it at most about 10 times a second, and
     * once more with the final figures before the summary arrives. Rejects with
     * `bad-dump` or `unsupported-version` (details.line names the line),
     * leaving the database as it was.
     */
    importDump: (file: Blob, onProgress?: (p: ImportProgress) => void, signal?: AbortSignal) =>
      call(signal, async (d) => {
        const progress = progressReporter(onProgress)
        try {
          const summary = await importDumpSource(d, file, { onProgress: (p) => progress.report(p), signal })
          // A finished import has read the whole file.
          await progress.finish({ bytesRead: file.size, bytesTotal: file.size, records: summary.records })
          return summary
        } catch (e) {
          throw cancelled(e, signal, 'the import was cancelled; the database is as it was before')
        } finally {
          progress.release()
        }
      }),

    /**
     * Exports a dump (everything, chosen studies or runs, or a delta since a
     * checkpoint) as a Blob, with the checkpoint a later delta continues from
     * and a file name saying what it holds.
     */
    exportDump: (options: Omit<ExportOptions, 'onProgress'> = {}, onProgress?: (p: { runs: number; bytes: number }) => void, signal?: AbortSignal) =>
      call(signal, async (d): Promise<ExportedDump> => {
        const progress = progressReporter(onProgress)
        try {
          signal?.throwIfAborted()
          let runs = 0
          const stream = exportDumpStream(d, { ...options, onProgress: (p) => { runs = p.runs; progress.report(p) } })
          const blob = await dumpBlob(stream, signal)
          const checkpoint = await stream.checkpoint
          await progress.finish({ runs, bytes: blob.size })
          return { blob, checkpoint, filename: dumpFilename(options, new Date(d.clock())) }
        } catch (e) {
          throw cancelled(e, signal, 'the export was cancelled')
        } finally {
          progress.release()
        }
      })
  }
}

/** Reads an export into a Blob; an abort of `signal` cancels the export. */
function dumpBlob(stream: ReadableStream<Uint8Array>, signal: AbortSignal | undefined): Promise<Blob> {
  const body = signal ? stream.pipeThrough(new TransformStream<Uint8Array, Uint8Array>(), { signal }) : stream
  return new Response(body).blob()
}

/**
 * What a call that failed with `e` rejects with: when its signal was aborted,
 * a DivinerError of code `aborted` (unless `e` already is a DivinerError, such
 * as the reason the caller aborted with), as the Database's calls do.
 */
export function cancelled(e: unknown, signal: AbortSignal | undefined, message: string): unknown {
  return signal?.aborted && !(e instanceof DivinerError) ? new DivinerError('aborted', message) : e
}

/**
 * A file name saying what a dump holds and when it was made (local time):
 * `diviner-all-20240131-235959.diviner.gz`, `diviner-<study>-…`, `diviner-3-studies-…`,
 * `diviner-12-runs-…`, `diviner-changes-since-<rev>-…`.
 */
export function dumpFilename(options: Omit<ExportOptions, 'onProgress'>, when: Date): string {
  return `diviner-${dumpSubject(options)}-${timestamp(when)}.diviner.gz`
}

function dumpSubject(options: Omit<ExportOptions, 'onProgress'>): string {
  if (options.since) return `changes-since-${options.since.rev}`
  if (options.runs) return options.runs.length === 1 ? '1-run' : `${options.runs.length}-runs`
  if (options.studies && options.definitionsOnly) return options.studies.length === 1 ? `${safeName(options.studies[0] ?? '')}-definition` : `${options.studies.length}-definitions`
  if (options.studies) {
    const [only] = options.studies
    return options.studies.length === 1 && only !== undefined ? safeName(only) : `${options.studies.length}-studies`
  }
  return 'all'
}

/** `name` with every character outside [A-Za-z0-9._-] replaced by `_`, at most 80 characters. */
function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80)
}

function timestamp(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}-${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`
}

