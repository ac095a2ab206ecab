/**
 * A journal directory served by `diviner-local serve` as a remote: its
 * listing at `<base>` (JSON: `{origin, files: [{name, size}]}`) and each file
 * at `<base><name>`, read with HTTP range requests. Plain HTTP, nothing else.
 */
import { DivinerError } from '../model/errors.js'
import type { PullMark, Segment, SegmentSource } from './segments.js'

/** The listing `diviner-local serve` answers at its journal URL. */
export interface JournalListing {
  readonly origin: string
  readonly files: readonly { readonly name: string; readonly size: number }[]
}

function isListing(x: unknown): x is JournalListing {
  if (typeof x !== 'object' || x === null) return false
  const o = x as { origin?: unknown; files?: unknown }
  return typeof o.origin === 'string' && Array.isArray(o.files) &&
    o.files.every((f: unknown) => typeof f === 'object' && f !== null && typeof (f as { name?: unknown }).name === 'string' && Number.isSafeInteger((f as { size?: unknown }).size))
}

function unreachable(url: string, why: string): DivinerError {
  return new DivinerError('internal', `the diviner-local server at ${url} ${why}`, { remote: true })
}

/** The journal directory a diviner-local server serves at `base` (a URL ending in `/`). */
export class HttpJournalSource implements SegmentSource {
  readonly id: string

  constructor(readonly base: string, private readonly fetcher: typeof fetch = (...args) => fetch(...args)) {
    this.id = `journal:${base}`
  }

  async list(_marks: ReadonlyMap<string, PullMark>): Promise<Segment[]> {
    let res: Response
    try {
      res = await this.fetcher(this.base, { cache: 'no-store' })
    } catch (e) {
      throw unreachable(this.base, `does not answer (${e instanceof Error ? e.message : String(e)}); is it still running?`)
    }
    if (!res.ok) throw unreachable(this.base, `answered ${res.status} to the journal listing`)
    const listing: unknown = await res.json().catch(() => undefined)
    if (!isListing(listing)) throw unreachable(this.base, 'sent a journal listing this page does not understand')
    return listing.files.map((f) => ({ key: f.name, size: f.size }))
  }

  async read(key: string, from: number, to: number): Promise<Uint8Array> {
    const url = new URL(encodeURIComponent(key), this.base).href
    let res: Response
    try {
      res = await this.fetcher(url, { cache: 'no-store', headers: { Range: `bytes=${from}-${to - 1}` } })
    } catch (e) {
      throw unreachable(this.base, `does not answer (${e instanceof Error ? e.message : String(e)})`)
    }
    if (res.status === 416) return new Uint8Array(0)
    if (res.status !== 206 && !(res.status === 200 && from === 0)) throw unreachable(this.base, `answered ${res.status} reading ${key}`)
    const bytes = new Uint8Array(await res.arrayBuffer())
    return res.status === 200 ? bytes.subarray(0, to) : bytes
  }

  whole(): boolean {
    return false
  }
}
