/**
 * Reading an Optuna JournalStorage log (JournalFileBackend: one JSON object a
 * line, each an operation with an `op_code`) as merge records, streaming: the
 * bytes are decoded (or, for ASCII, read as bytes) and split into lines chunk
 * by chunk, and each line is replayed (journal-replay.ts). Memory holds the
 * trials not yet emitted, not the file.
 */
import type { RecordReader as ForeignReader, MergeItem } from '../dump/records.js'
import { badDump } from '../dump/lines.js'
import { JournalReplay } from './journal-replay.js'

/** Bytes of the first chunk read at a time (about a hundred lines of a journal). */
const FIRST_PIECE = 16 * 1024

/**
 * Reads a journal from a byte stream: the records for the merge, in chunks (one
 * per chunk of bytes read, the first chunk's in pieces of `FIRST_PIECE`). Throws bad-dump naming the line for invalid UTF-8,
 * a malformed line (also a truncated last line), an unknown op code.
 */
export function readJournal(stream: ReadableStream<Uint8Array>): ForeignReader {
  let bytes = 0
  async function* records(): AsyncGenerator<MergeItem[]> {
    const replay = new JournalReplay()
    // Decoding replaces invalid UTF-8 with U+FFFD (faster than a fatal decoder); a chunk holding one
    // is decoded again, fatally, to tell a real U+FFFD from invalid bytes. A chunk of ASCII alone
    // (the usual journal) is decoded as Latin-1, which gives the same text several times faster.
    const decoder = new TextDecoder('utf-8')
    const ascii = new TextDecoder('latin1')
    let pending = ''
    let no = 0
    const reader = stream.getReader()
    let ended = false
    const take = (text: string) => {
      let start = 0
      for (;;) {
        const nl = text.indexOf('\n', start)
        if (nl < 0) break
        let t = start === 0 && pending ? pending + text.slice(0, nl) : text.slice(start, nl)
        if (start === 0) pending = ''
        no++
        if (t.endsWith('\r')) t = t.slice(0, -1)
        if (no === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1)
        if (t.length && t.trim() !== '') replay.line({ no, text: t })
        start = nl + 1
      }
      pending += text.slice(start)
      if (pending.length > 64 * 1024 * 1024) throw badDump(no + 1, 'line is longer than 64 Mi characters')
    }
    // A chunk of ASCII alone, line by line as bytes: intermediate values are read from the bytes, other lines decoded one by one.
    const takeAscii = (b: Uint8Array) => {
      let start = 0
      if (pending) {
        const nl = b.indexOf(0x0a)
        if (nl < 0) { take(ascii.decode(b)); return }
        take(ascii.decode(b.subarray(0, nl + 1)))
        start = nl + 1
      }
      for (;;) {
        const nl = b.indexOf(0x0a, start)
        if (nl < 0) break
        no++
        const end = nl > start && b[nl - 1] === 0x0d ? nl - 1 : nl
        if (!replay.intermediateBytes(b, start, end)) {
          const t = ascii.decode(b.subarray(start, end))
          if (t.length && t.trim() !== '') replay.line({ no, text: t })
        }
        start = nl + 1
      }
      if (start < b.length) take(ascii.decode(b.subarray(start)))
    }
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) { ended = true; break }
        // The first chunk in pieces: its first trial's records go out before the rest of it is parsed.
        const step = bytes === 0 ? FIRST_PIECE : value.length
        bytes += value.length
        for (let at = 0; at < value.length; at += step) {
          const piece = value.subarray(at, at + step)
          // (A character cut by the previous piece's end leaves this one starting with a non-ASCII byte.)
          if (isAscii(piece)) takeAscii(piece)
          else {
            const text = decoder.decode(piece, { stream: true })
            if (text.includes('\uFFFD')) checkUtf8(piece, no + countNewlines(pending))
            take(text)
          }
          if (replay.out.length) { yield replay.out; replay.out = [] }
        }
      }
      const rest = decoder.decode()
      if (rest.includes('\uFFFD')) throw badDump(no + 1 + countNewlines(pending), 'text is not valid UTF-8 (the file ends inside a character)')
      take(rest)
      if (pending.trim() !== '') { no++; replay.line({ no, text: pending }) }
      replay.end({ no, text: '' })
      if (replay.out.length) yield replay.out
    } finally {
      if (!ended) await reader.cancel().catch(() => undefined)
      reader.releaseLock()
    }
  }
  return { kind: 'optuna-journal', records: records(), bytesRead: () => bytes }
}

/**
 * Throws bad-dump naming the line when `bytes` (a chunk whose lines before it
 * number `before`) hold invalid UTF-8. A sequence cut at the chunk's end is
 * not an error here (the next chunk completes it).
 */
function checkUtf8(bytes: Uint8Array, before: number): void {
  const fatal = new TextDecoder('utf-8', { fatal: true })
  let line = before
  let start = 0
  for (;;) {
    const nl = bytes.indexOf(0x0a, start)
    const end = nl < 0 ? bytes.length : nl + 1
    try {
      fatal.decode(bytes.subarray(start, end), { stream: nl < 0 })
    } catch {
      // A line cut by the chunk's start may begin with the tail of a character: skip up to 3 continuation bytes.
      let s = start
      while (line === before && s < end && s - start < 3 && ((bytes[s] as number) & 0xc0) === 0x80) s++
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(s, end), { stream: nl < 0 })
      } catch {
        throw badDump(line + 1, 'text is not valid UTF-8')
      }
    }
    if (nl < 0) return
    line++
    start = end
  }
}

/** True when every byte is below 0x80 (read a 32-bit word at a time). */
function isAscii(bytes: Uint8Array): boolean {
  const n = bytes.length
  let i = 0
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) if ((bytes[i++] as number) >= 0x80) return false
  const words = (n - i) >> 2
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words)
    let or = 0
    for (let k = 0; k < words; k++) or |= w[k] as number
    if (or & 0x80808080) return false
    i += words * 4
  }
  while (i < n) if ((bytes[i++] as number) >= 0x80) return false
  return true
}

function countNewlines(s: string): number {
  let n = 0
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++
  return n
}
