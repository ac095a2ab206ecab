/**
 * The journal directory over plain HTTP, read-only, for the page to follow:
 * a listing (`GET <prefix>`: JSON `{origin, files: [{name, size}]}`) and each
 * journal file (`GET <prefix><name>`, with `Range: bytes=a-b` answered 206).
 */
import { createReadStream, readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { isJournalName, listJournalFiles, ORIGIN_FILE } from '../../db/journal/files.js'

/** Where the journal is served, below the page. */
export const JOURNAL_PATH = '/journal/'

function send(res: ServerResponse, status: number, text: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' })
  res.end(text)
}

/** The byte range a `Range` header asks for within `size` bytes, `undefined` for the whole, `null` when unsatisfiable. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | undefined | null {
  if (!header) return undefined
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m || (m[1] === '' && m[2] === '')) return undefined
  let start: number
  let end: number
  if (m[1] === '') { start = Math.max(0, size - Number(m[2])); end = size - 1 } else {
    start = Number(m[1])
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  }
  if (start >= size || start > end) return null
  return { start, end }
}

/** Answers requests under JOURNAL_PATH from the journal directory `dir`; true when it did. */
export function journalRoute(dir: string, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (!pathname.startsWith(JOURNAL_PATH)) return false
  const rest = decodeURIComponent(pathname.slice(JOURNAL_PATH.length))
  if (rest === '') {
    let origin = ''
    try { origin = readFileSync(join(dir, ORIGIN_FILE), 'utf8').trim() } catch { /* no origin yet: nothing recorded */ }
    const files = listJournalFiles(dir).flatMap((name) => {
      try { return [{ name, size: statSync(join(dir, name)).size }] } catch { return [] }
    })
    send(res, 200, JSON.stringify({ origin, files }), 'application/json; charset=utf-8')
    return true
  }
  if (!isJournalName(rest) || rest.includes('/') || rest.includes('\\')) { send(res, 404, 'Not found\n'); return true }
  let size: number
  try { size = statSync(join(dir, rest)).size } catch { send(res, 404, 'Not found\n'); return true }
  const range = rangeOf(req.headers.range, size)
  if (range === null) {
    res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Cache-Control': 'no-store' })
    res.end()
    return true
  }
  const { start, end } = range ?? { start: 0, end: size - 1 }
  res.writeHead(range ? 206 : 200, {
    'Content-Type': 'application/x-ndjson', 'Content-Length': Math.max(0, end - start + 1), 'Accept-Ranges': 'bytes',
    'Cache-Control': 'no-store', ...(range ? { 'Content-Range': `bytes ${start}-${end}/${size}` } : {}),
  })
  if (req.method === 'HEAD' || size === 0) { res.end(); return true }
  createReadStream(join(dir, rest), { start, end }).on('error', () => res.destroy()).pipe(res)
  return true
}
