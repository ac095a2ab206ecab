/**
 * Reading a dump as merge records: bytes → lines → decoded, checked records,
 * a chunk at a time. The first record must be a header.
 */
import { DivinerError, isDivinerError } from '../model/errors.js'
import { BadRecord } from './json.js'
import { decodeRecord, UnsupportedVersion } from './decode.js'
import { badDump, isGzip, parseLine, peek, readLines, sourceStream, type Decoding, type DumpSource, type Line } from './lines.js'
import type { DumpRecord, MergeItem, RecordReader } from './records.js'

/** Lines decoded before they are handed on. */
const SLICE = 256

/** Reads from the source; a failure of the source itself (not a DivinerError) becomes bad-dump naming line `line`. */
export async function readOrRefuse<T>(read: () => Promise<T>, line: number): Promise<T> {
  try {
    return await read()
  } catch (e) {
    if (isDivinerError(e)) throw e
    throw badDump(line, `could not be read (${e instanceof Error ? e.message : String(e)})`)
  }
}

/** One line decoded; a bad line is `bad-dump` (or `unsupported-version`) naming it. */
export function decodeLine(line: Line): DumpRecord {
  try {
    const { value, hostile } = parseLine(line)
    return decodeRecord(value, hostile)
  } catch (e) {
    if (e instanceof UnsupportedVersion) {
      throw new DivinerError('unsupported-version', `bad dump: line ${line.no}: ${e.message}`, { line: line.no, version: e.version })
    }
    if (e instanceof BadRecord) throw badDump(line.no, e.message)
    throw e
  }
}

/**
 * A reader of a dump (gzip, with `gzip` as the way to inflate it, or plain
 * JSON Lines): its records in chunks, each line decoded and checked, the
 * first a header. Refuses with `bad-dump` naming the line.
 */
export function readDump(source: DumpSource, gzip: Decoding): RecordReader {
  let bytesRead = 0
  async function* records(): AsyncGenerator<MergeItem[]> {
    const { stream: raw } = sourceStream(source)
    const { head, stream } = await readOrRefuse(() => peek(raw, 2), 1)
    const gzipped = isGzip(head)
    if (!gzipped && head.length > 0 && head[0] !== 0x7b /* { */ && head[0] !== 0xef /* a UTF-8 byte order mark */) {
      await stream.cancel()
      throw badDump(1, 'not a dump: neither gzip nor JSON Lines')
    }
    const lines = readLines(stream, gzipped ? gzip : 'text', (n) => { bytesRead += n })
    let sawHeader = false
    let lastLine = 0
    try {
      for (;;) {
        const next = await readOrRefuse(() => lines.next(), lastLine + 1)
        if (next.done) break
        // Decoded and handed on a slice at a time, so that batches are applied while later lines are decoded.
        let out: MergeItem[] = []
        for (const line of next.value) {
          lastLine = line.no
          if (line.text.trim() === '') continue
          const record = decodeLine(line)
          if (!sawHeader && record.type !== 'header') throw badDump(line.no, 'a dump must start with a header line naming its format and version')
          sawHeader = true
          out.push({ line, record })
          if (out.length >= SLICE) { yield out; out = [] }
        }
        if (out.length) yield out
      }
    } finally {
      await lines.return(undefined)
    }
    if (!sawHeader) throw badDump(1, 'the dump is empty')
  }
  return { kind: 'diviner-dump', records: records(), bytesRead: () => bytesRead }
}
