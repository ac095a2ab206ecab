/**
 * The Optuna readers behind `importDump`: loaded (with this module) only when a
 * dropped file turns out to be an Optuna journal or SQLite storage; the SQLite
 * reader (and SQLite itself, WebAssembly) only for an SQLite file.
 */
import type { RecordReader as ForeignReader, MergeItem } from '../dump/records.js'
import { sourceStream, type DumpSource } from '../dump/lines.js'
import { readJournal } from './journal.js'

/** The reader of an Optuna file of the given kind. */
export function optunaReader(kind: 'optuna-journal' | 'optuna-sqlite', source: DumpSource): ForeignReader {
  if (kind === 'optuna-journal') return readJournal(sourceStream(source).stream)
  let read = 0
  async function* records(): AsyncGenerator<MergeItem[]> {
    // SQLite needs the whole file.
    const bytes = source instanceof Uint8Array ? source
      : typeof Blob !== 'undefined' && source instanceof Blob ? new Uint8Array(await source.arrayBuffer())
        : new Uint8Array(await new Response(source).arrayBuffer())
    const { sqliteRecords } = await import('./sqlite.js')
    const items = await sqliteRecords(bytes)
    read = bytes.length
    for (let i = 0; i < items.length; i += 2000) yield items.slice(i, i + 2000)
  }
  return { kind: 'optuna-sqlite', records: records(), bytesRead: () => read }
}
