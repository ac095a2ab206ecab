/**
 * Reading a journal file as it grows: each call returns the complete lines
 * appended since the last one. A last line without its newline is held back
 * (its writer may still be writing it); once the file's writer is gone it is
 * a torn line, ignored and reported once.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs'
import type { Line } from '../dump/lines.js'

const CHUNK = 1 << 20

/** The read position in one journal file. */
export class JournalTail {
  /** Bytes of the file consumed as complete lines. */
  offset = 0
  /** Lines consumed so far (the number of the last one). */
  lineNo = 0
  private torn = false
  private readonly decoder = new TextDecoder('utf-8', { fatal: false })

  constructor(readonly path: string) {}

  /**
   * The complete lines appended since the last call (with their numbers), and
   * whether the file ends in an incomplete line. A file that vanished reads as nothing new.
   */
  read(): { lines: Line[]; incomplete: boolean } {
    let fd: number
    try {
      fd = openSync(this.path, 'r')
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], incomplete: false }
      throw e
    }
    try {
      const size = fstatSync(fd).size
      if (size <= this.offset) return { lines: [], incomplete: false }
      const lines: Line[] = []
      let pending: Uint8Array = new Uint8Array(0)
      let pos = this.offset
      while (pos < size) {
        const buf = new Uint8Array(Math.min(CHUNK, size - pos))
        const n = readSync(fd, buf, 0, buf.length, pos)
        if (n <= 0) break
        pos += n
        const bytes = pending.length ? concat(pending, buf.subarray(0, n)) : buf.subarray(0, n)
        let start = 0
        for (;;) {
          const nl = bytes.indexOf(0x0a, start)
          if (nl < 0) break
          const text = this.decoder.decode(bytes.subarray(start, nl))
          this.lineNo++
          lines.push({ no: this.lineNo, text: text.endsWith('\r') ? text.slice(0, -1) : text })
          this.offset += nl + 1 - start
          start = nl + 1
        }
        pending = bytes.slice(start)
      }
      return { lines, incomplete: pending.length > 0 }
    } finally {
      closeSync(fd)
    }
  }

  /** True the first time it is asked about a torn last line (so it is reported once). */
  reportTorn(): boolean {
    if (this.torn) return false
    this.torn = true
    return true
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
