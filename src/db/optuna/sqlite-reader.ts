/**
 * The Optuna SQLite reader behind `importDump`. Its code (sqlite.ts) and
 * SQLite itself (WebAssembly) load only when a dropped file turns out to be
 * an Optuna SQLite storage; the journal reader (journal.ts) is part of the
 * worker's first load, since a journal's study is listed from its first lines.
 */
import type { RecordReader as ForeignReader, MergeItem } from '../dump/records.js'
import type { DumpSource } from '../dump/lines.js'

/** The reader of an Optuna SQLite storage (it reads the whole file before the first record). */
export function sqliteReader(source: DumpSource): ForeignReader {
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
