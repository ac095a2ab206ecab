/**
 * Reading a dump as lines: chunked gunzip (when the bytes start with gzip's
 * magic number) or plain text, UTF-8 decoding and line splitting, never holding
 * more than one chunk and one line in memory.
 */
import { Gunzip } from 'fflate'
import { DivinerError } from '../model/errors.js'

/** The longest line a dump may hold (a run's history and log travel in bounded lines). */
export const MAX_LINE_CHARS = 16 * 1024 * 1024

/** What a dump can be read from. */
export type DumpSource = ReadableStream<Uint8Array> | Uint8Array | Blob

/** One line of text and its 1-based number. */
export interface Line { readonly no: number; readonly text: string }

/** A bad-dump error naming the line. */
export function badDump(line: number, reason: string): DivinerError {
  return new DivinerError('bad-dump', `bad dump: line ${line}: ${reason}`, { line, reason })
}

/** The byte stream of a source, and its size when known. */
export function sourceStream(source: DumpSource): { stream: ReadableStream<Uint8Array>; size: number | undefined } {
  if (source instanceof Uint8Array) {
    return { stream: new ReadableStream({ start(c) { c.enqueue(source); c.close() } }), size: source.length }
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return { stream: source.stream(), size: source.size }
  return { stream: source as ReadableStream<Uint8Array>, size: undefined }
}

/** Reads the first `n` bytes of a stream (or fewer at its end), returning them and a stream of all the bytes. */
export async function peek(stream: ReadableStream<Uint8Array>, n: number): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let have = 0
  while (have < n) {
    const { done, value } = await reader.read()
    if (done) break
    chunks.push(value)
    have += value.length
  }
  const head = new Uint8Array(Math.min(have, n))
  let off = 0
  for (const c of chunks) {
    if (off >= head.length) break
    head.set(c.subarray(0, head.length - off), off)
    off += Math.min(c.length, head.length - off)
  }
  const rest = new ReadableStream<Uint8Array>({
    start(c) { for (const chunk of chunks) c.enqueue(chunk) },
    async pull(c) {
      const { done, value } = await reader.read()
      if (done) c.close()
      else c.enqueue(value)
    },
    cancel(reason) { return reader.cancel(reason) },
  })
  return { head, stream: rest }
}

/**
 * How to read the bytes: as plain text, gunzipped by fflate (any number of
 * concatenated members), or gunzipped by the platform's DecompressionStream
 * (native zlib, several times faster, but it stops at the end of the first
 * member: see `MultiMemberGzip`).
 */
export type Decoding = 'text' | 'fflate' | 'native'

/**
 * The fastest decoding this platform offers for gzip bytes that can be
 * stopped early: the browser's DecompressionStream, else fflate. (Node's
 * DecompressionStream keeps pushing into a cancelled stream, an uncaught
 * error in Node 20, so Node reads gzip with fflate.)
 */
export function gzipDecoding(): Decoding {
  const node = typeof (globalThis as { process?: { versions?: { node?: unknown } } }).process?.versions?.node === 'string'
  return typeof DecompressionStream === 'function' && !node ? 'native' : 'fflate'
}

/**
 * Native decompression met data after the end of the first gzip member: the
 * dump is made of concatenated members, which only fflate reads. The caller
 * starts over with `fflate`.
 */
export class MultiMemberGzip extends Error {
  constructor() {
    super('the dump has more than one gzip member')
    this.name = 'MultiMemberGzip'
  }
}

function nativeGunzip(stream: ReadableStream<Uint8Array>): ReadableStream<Uint8Array> {
  return stream.pipeThrough(new DecompressionStream('gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>)
}

/** True when the bytes start with gzip's magic number. */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b
}

/**
 * Which of the lines in `bytes` (whole lines, each ending in a newline) holds
 * invalid UTF-8, counting from 1; the first line's bytes may begin inside a
 * character whose first bytes came before them, so its leading continuation
 * bytes are not judged (it is the answer when no line is found wanting).
 */
function invalidLine(bytes: Uint8Array): number {
  const check = new TextDecoder('utf-8', { fatal: true })
  let start = 0
  while (start < 3 && start < bytes.length && ((bytes[start] as number) & 0xc0) === 0x80) start++
  for (let line = 1; start < bytes.length; line++) {
    const end = bytes.indexOf(0x0a, start) + 1
    try {
      check.decode(bytes.subarray(start, end))
    } catch {
      return line
    }
    start = end
  }
  return 1
}

/**
 * Splits a byte stream into lines, gunzipping it first when `gzip`. Yields lines
 * in batches (one per input chunk) and reports input bytes consumed. Throws
 * `bad-dump` naming the line for invalid gzip, truncated gzip, invalid UTF-8 or
 * an over-long line.
 */
export async function* readLines(source: ReadableStream<Uint8Array>, decoding: Decoding | boolean, onBytes: (n: number) => void): AsyncGenerator<Line[]> {
  const mode: Decoding = decoding === true ? 'fflate' : decoding === false ? 'text' : decoding
  const gzip = mode === 'fflate'
  let stream = source
  let report = onBytes
  if (mode === 'native') {
    // Count bytes as the decompressor takes them, before they are inflated.
    stream = nativeGunzip(source.pipeThrough(new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) { onBytes(chunk.length); controller.enqueue(chunk) },
    })))
    report = () => undefined
  }
  const decoder = new TextDecoder('utf-8', { fatal: true })
  let pending = ''
  let no = 0
  let out: Line[] = []
  const take = (text: string) => {
    let start = 0
    for (;;) {
      const nl = text.indexOf('\n', start)
      if (nl < 0) break
      if (pending.length + (nl - start) > MAX_LINE_CHARS) throw badDump(no + 1, `line is longer than ${MAX_LINE_CHARS} characters`)
      const line = pending + text.slice(start, nl)
      pending = ''
      no++
      out.push({ no, text: line.endsWith('\r') ? line.slice(0, -1) : line })
      start = nl + 1
    }
    pending += text.slice(start)
    if (pending.length > MAX_LINE_CHARS) throw badDump(no + 1, `line is longer than ${MAX_LINE_CHARS} characters`)
  }
  // A chunk's whole lines are decoded in one call (a newline byte never occurs
  // inside a UTF-8 sequence, so nothing is left pending after the last one), and
  // what follows them as a streamed piece of the next line. Invalid UTF-8 is
  // blamed on the line that holds it.
  const decode = (bytes: Uint8Array, final: boolean) => {
    const nl = bytes.lastIndexOf(0x0a)
    if (nl >= 0) {
      const lines = bytes.subarray(0, nl + 1)
      let text: string
      try {
        text = decoder.decode(lines)
      } catch {
        throw badDump(no + invalidLine(lines), 'text is not valid UTF-8')
      }
      take(text)
    }
    if (nl + 1 < bytes.length || final) {
      let text: string
      try {
        text = decoder.decode(bytes.subarray(nl + 1), { stream: !final })
      } catch {
        throw badDump(no + 1, 'text is not valid UTF-8')
      }
      take(text)
    }
  }
  // ISIZE of the last gzip member: a download cut inside the trailer still inflates.
  let memberBytes = 0
  const tail = new Uint8Array(8)
  let tailLen = 0
  const inflater = gzip ? new Gunzip((chunk, final) => { memberBytes += chunk.length; decode(chunk, final) }) : undefined
  if (inflater) inflater.onmember = () => { memberBytes = 0 }
  const feed = (chunk: Uint8Array, final: boolean) => {
    if (!inflater) { decode(chunk, final); return }
    if (chunk.length >= 8) { tail.set(chunk.subarray(chunk.length - 8)); tailLen = 8 } else if (chunk.length) {
      const keep = tail.slice(Math.max(0, tailLen - (8 - chunk.length)), tailLen)
      tail.set(keep); tail.set(chunk, keep.length); tailLen = keep.length + chunk.length
    }
    try {
      inflater.push(chunk, final)
    } catch (e) {
      if (e instanceof DivinerError) throw e
      throw badDump(no + 1, `not valid gzip (${e instanceof Error ? e.message : String(e)}): the file is damaged or truncated`)
    }
  }
  const reader = stream.getReader()
  let ended = false
  const read = async () => {
    try {
      return await reader.read()
    } catch (e) {
      if (mode !== 'native' || e instanceof DivinerError) throw e
      if (/junk/i.test(String(e))) throw new MultiMemberGzip()
      throw badDump(no + 1, `not valid gzip (${e instanceof Error ? e.message : String(e)}): the file is damaged or truncated`)
    }
  }
  try {
    for (;;) {
      const { done, value } = await read()
      ended = done
      if (done) break
      report(value.length)
      feed(value, false)
      if (out.length) { yield out; out = [] }
    }
    feed(new Uint8Array(0), true)
    if (inflater) {
      const size = tailLen === 8 ? new DataView(tail.buffer).getUint32(4, true) : -1
      if (size !== memberBytes % 2 ** 32) throw badDump(no + 1, 'gzip data is truncated (its trailer is missing or damaged)')
    }
    if (pending.length) { no++; out.push({ no, text: pending }); pending = '' }
    if (out.length) yield out
  } finally {
    // Stopped early (a bad line, a failed batch): tell the source we are done with it.
    if (!ended) await reader.cancel().catch(() => undefined)
    reader.releaseLock()
  }
}

const HOSTILE_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/** One parsed line, and the objects in it holding a key that could reach a prototype (object → key). */
export interface ParsedLine { readonly value: unknown; readonly hostile: ReadonlyMap<object, string> | undefined }

/**
 * Parses one JSON line, noting every object that holds a key such as
 * `__proto__` (JSON.parse makes it a plain own property; whether the place
 * allows it is for the decoder to say: only a dict value does).
 */
export function parseLine(line: Line): ParsedLine {
  const t = line.text
  const hostile = new Map<object, string>()
  let value: unknown
  try {
    value = t.includes('proto') || t.includes('constructor') || t.includes('\\u')
      ? JSON.parse(t, function (this: object, key: string, v: unknown) {
        if (HOSTILE_KEYS.has(key)) hostile.set(this, key)
        return v
      })
      : JSON.parse(t)
  } catch (e) {
    throw badDump(line.no, `not valid JSON (${e instanceof Error ? e.message : String(e)})`)
  }
  return { value, hostile: hostile.size ? hostile : undefined }
}

/**
 * A function to await between pieces of a long read: it lets a task run
 * (a message to the worker, a timer, an IndexedDB request completing) once
 * `ms` have passed since it last did, and otherwise returns at once. A read
 * whose data is always ready would otherwise keep the worker's event loop
 * (and the batches it applies) waiting until it ends.
 */
export function taskBreaks(ms = 16): () => Promise<void> | undefined {
  let last = performance.now()
  return () => {
    const now = performance.now()
    if (now - last < ms) return undefined
    return nextTask().then(() => { last = performance.now() })
  }
}

/** Resolves in a later task (without setTimeout's clamping of nested timers). */
function nextTask(): Promise<void> {
  if (typeof MessageChannel === 'undefined') return new Promise((resolve) => setTimeout(resolve, 0))
  return new Promise((resolve) => {
    const channel = new MessageChannel()
    channel.port1.onmessage = () => {
      channel.port1.close()
      resolve()
    }
    channel.port2.postMessage(0)
  })
}
