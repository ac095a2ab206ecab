/**
 * Pulling from a remote (docs/sync.md): every segment that grew past its
 * mark is read from the mark on, cut at its last complete line, and merged
 * under the dump merge rules; only then does its mark move. A crash anywhere
 * is repaired by the next pull (merging again what was merged changes
 * nothing), and a segment that cannot be merged is reported without stopping
 * the others.
 */
import { importDump, type ImportSummary } from '../merge/import.js'
import type { MergeTarget } from '../merge/target.js'
import { DivinerError, isDivinerError } from '../model/errors.js'
import type { MarkStore, PullMark, Segment, SegmentSource } from './segments.js'

/** What one pull did. */
export interface PullResult {
  /** Segments that brought something new. */
  readonly segments: number
  /** Bytes read. */
  readonly bytes: number
  /** Studies and runs added or updated, summed over the segments. */
  readonly studies: number
  readonly runs: number
  /** Segments that could not be merged, and why (they are tried again at the next pull). */
  readonly failed: readonly { readonly key: string; readonly error: DivinerError }[]
  /** Studies defined differently by a segment than here (the local one stays; the segment's runs are rejected). */
  readonly conflicts: readonly { readonly study: string; readonly reason: string }[]
}

const NEWLINE = 0x0a

/** Pulls once from `source` into `db`; `marks` keeps how far each segment was pulled. */
export async function pull(db: MergeTarget, source: SegmentSource, marks: MarkStore, signal?: AbortSignal): Promise<PullResult> {
  const known = await marks.marks(source.id)
  const listed = await source.list(known)
  const grown = listed.filter((s) => s.size > (known.get(s.key)?.bytes ?? 0)).sort((a, b) => (a.key < b.key ? -1 : 1))
  let bytes = 0
  let studies = 0
  let runs = 0
  let segments = 0
  const failed: { key: string; error: DivinerError }[] = []
  const conflicts: { study: string; reason: string }[] = []
  for (const segment of grown) {
    if (signal?.aborted) break
    try {
      const got = await pullSegment(db, source, marks, segment, known.get(segment.key), signal)
      if (!got) continue
      segments++
      bytes += got.bytes
      studies += got.summary.studies.added + got.summary.studies.updated
      runs += got.summary.runs.added + got.summary.runs.updated
      conflicts.push(...got.summary.conflicts)
    } catch (e) {
      if (isDivinerError(e, 'aborted')) throw e
      failed.push({ key: segment.key, error: asError(e, segment.key) })
    }
  }
  return { segments, bytes, studies, runs, failed, conflicts }
}

function asError(e: unknown, key: string): DivinerError {
  if (isDivinerError(e)) {
    const message = e.message.startsWith('bad dump: line') ? `${key}: ${e.message.replace(/^bad dump: /, '')}` : `${key}: ${e.message}`
    return new DivinerError(e.code, message, { ...e.details, key })
  }
  return new DivinerError('internal', `${key}: ${e instanceof Error ? e.message : String(e)}`, { key })
}

/** Merges what a segment gained; resolves to undefined when it holds no complete new line yet. */
async function pullSegment(db: MergeTarget, source: SegmentSource, marks: MarkStore, segment: Segment, mark: PullMark | undefined, signal: AbortSignal | undefined): Promise<{ bytes: number; summary: ImportSummary } | undefined> {
  if (source.whole(segment.key)) {
    const data = await source.read(segment.key, 0, segment.size)
    const summary = await importDump(db, data, { from: source.id, ...(signal ? { signal } : {}) })
    await marks.setMark(source.id, segment.key, { bytes: segment.size, header: '', lines: summary.records + 1 })
    return { bytes: data.length, summary }
  }
  const from = mark?.bytes ?? 0
  const data = await source.read(segment.key, from, segment.size)
  const end = data.lastIndexOf(NEWLINE) + 1
  if (end === 0) return undefined
  const body = data.subarray(0, end)
  let header = mark?.header ?? ''
  let piece: Uint8Array
  if (from === 0) {
    header = new TextDecoder().decode(body.subarray(0, body.indexOf(NEWLINE))).replace(/\r$/, '')
    piece = body
  } else {
    piece = concat(new TextEncoder().encode(`${header}\n`), body)
  }
  let lines = 0
  for (const b of body) if (b === NEWLINE) lines++
  let summary: ImportSummary
  try {
    summary = await importDump(db, piece, { from: source.id, ...(signal ? { signal } : {}) })
  } catch (e) {
    throw renumbered(e, from === 0 ? 0 : (mark?.lines ?? 0) - 1)
  }
  await marks.setMark(source.id, segment.key, { bytes: from + end, header, lines: (mark?.lines ?? 0) + lines })
  return { bytes: data.length, summary }
}

/** A bad-dump error of a piece renumbered to the segment's own line numbers (the piece starts with a repeated header). */
function renumbered(e: unknown, offset: number): unknown {
  if (!isDivinerError(e, 'bad-dump') || offset <= 0) return e
  const line = Number(e.details?.['line'])
  if (!Number.isInteger(line)) return e
  const at = line + offset
  return new DivinerError('bad-dump', e.message.replace(/^bad dump: line \d+/, `bad dump: line ${at}`), { ...e.details, line: at })
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}
