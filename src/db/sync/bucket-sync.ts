/**
 * Sync through a bucket (docs/sync.md): each database pushes what it wrote
 * as immutable objects `PREFIX/<origin>/<counter>.jsonl.gz` (dump format,
 * never rewritten, one writer per origin), and pulls every other origin's
 * objects past its marks, merging them under the dump merge rules.
 */
import { DivinerError, isDivinerError } from '../model/errors.js'
import type { MergeTarget } from '../merge/target.js'
import { pull, type PullResult } from './pull.js'
import type { S3Bucket, S3Location } from './s3.js'
import type { MarkStore, PullMark, Segment, SegmentSource } from './segments.js'

/** Digits of an object's counter: keys sort as their counters do. */
const COUNTER_DIGITS = 12

/** The key of an origin's object number `counter`. */
export function objectKey(prefix: string, origin: string, counter: number): string {
  return `${prefix ? `${prefix}/` : ''}${origin}/${String(counter).padStart(COUNTER_DIGITS, '0')}.jsonl.gz`
}

/** The origin and counter of an object key of this layout, or undefined (a foreign object). */
export function parseObjectKey(prefix: string, key: string): { origin: string; counter: number } | undefined {
  const rest = prefix ? (key.startsWith(`${prefix}/`) ? key.slice(prefix.length + 1) : undefined) : key
  const m = rest === undefined ? null : /^([^/]+)\/(\d{12})\.jsonl\.gz$/.exec(rest)
  return m ? { origin: m[1] as string, counter: Number(m[2]) } : undefined
}

/** What a database offers a push: its changes as a dump, and where it keeps its push state. */
export interface PushStore {
  /** This database's origin id. */
  id(): Promise<string>
  /**
   * What changed here since the last push to `remote` (leaving out runs first
   * recorded by the `skip` origins, which the remote has from them), as gzip
   * dump bytes; undefined when nothing did. `commit` records it as pushed.
   */
  pending(remote: string, skip: ReadonlySet<string>): Promise<{ readonly bytes: Uint8Array; readonly runs: number; commit(): Promise<void> } | undefined>
  /** Runs `work` holding the lock that makes this database the only writer of its origin's objects. */
  withPushLock<T>(remote: string, work: () => Promise<T>): Promise<T>
}

/** What a sync did. */
export interface SyncResult {
  /** Objects written, and the runs and bytes they held. */
  readonly pushed: { readonly objects: number; readonly runs: number; readonly bytes: number }
  readonly pulled: PullResult
  /** Objects under the prefix that are not this layout's (left alone), by key. */
  readonly foreign: readonly string[]
}

/** The name a bucket's prefix goes by as a remote (marks and push states are kept by it), without secrets. */
export function remoteId(l: S3Location): string {
  return `s3:${l.endpoint}|${l.bucket}|${l.prefix}`
}

/** The other origins' objects of a bucket, as segments to pull (read whole; a mark per object). */
export class BucketSource implements SegmentSource {
  readonly id: string
  /** Keys under the prefix that are not this layout's, seen by the last listing. */
  foreign: string[] = []
  /** The origins seen by the last listing. */
  origins: string[] = []

  constructor(private readonly bucket: S3Bucket, private readonly self: string) {
    this.id = remoteId(bucket.location)
  }

  private get prefix(): string { return this.bucket.location.prefix }

  /** The origins with objects under the prefix, and keys there that belong to no origin. */
  async listOrigins(): Promise<string[]> {
    const { objects, prefixes } = await this.bucket.list(this.prefix ? `${this.prefix}/` : '', { delimiter: '/' })
    this.foreign = objects.map((o) => o.key)
    this.origins = prefixes.map((p) => p.slice(this.prefix ? this.prefix.length + 1 : 0).replace(/\/$/, ''))
    return this.origins
  }

  async list(marks: ReadonlyMap<string, PullMark>): Promise<Segment[]> {
    const out: Segment[] = []
    for (const origin of await this.listOrigins()) {
      if (origin === this.self) continue
      const under = `${this.prefix ? `${this.prefix}/` : ''}${origin}/`
      // Objects are immutable and pulled in order: list only past the last one pulled whole.
      let after: string | undefined
      for (const [key, mark] of marks) if (key.startsWith(under) && mark.header === '' && (after === undefined || key > after)) after = key
      const { objects } = await this.bucket.list(under, after ? { startAfter: after } : {})
      for (const o of objects) {
        if (parseObjectKey(this.prefix, o.key)) out.push({ key: o.key, size: o.size })
        else this.foreign.push(o.key)
      }
    }
    return out
  }

  read(key: string): Promise<Uint8Array> {
    return this.bucket.get(key)
  }

  whole(): boolean {
    return true
  }
}

/** Pushes what this database wrote since its last push, as the next object of its origin. */
export async function push(bucket: S3Bucket, store: PushStore, source: BucketSource): Promise<SyncResult['pushed']> {
  const origin = await store.id()
  const remote = source.id
  return store.withPushLock(remote, async () => {
    const origins = await source.listOrigins()
    const pending = await store.pending(remote, new Set(origins.filter((o) => o !== origin)))
    if (!pending) return { objects: 0, runs: 0, bytes: 0 }
    // The next counter after the last object of this origin (the bucket is the authority: a push whose
    // commit was lost left an object, which the next one must not overwrite).
    const own = `${bucket.location.prefix ? `${bucket.location.prefix}/` : ''}${origin}/`
    const { objects } = await bucket.list(own)
    const last = objects.reduce((n, o) => Math.max(n, parseObjectKey(bucket.location.prefix, o.key)?.counter ?? 0), 0)
    await bucket.put(objectKey(bucket.location.prefix, origin, last + 1), pending.bytes)
    await pending.commit()
    return { objects: 1, runs: pending.runs, bytes: pending.bytes.length }
  })
}

/** One sync: push, then pull. Pull failures of single objects are in the result; a failing bucket rejects. */
export async function syncBucket(db: MergeTarget, bucket: S3Bucket, store: PushStore, marks: MarkStore, signal?: AbortSignal): Promise<SyncResult> {
  const source = new BucketSource(bucket, await store.id())
  const pushed = await push(bucket, store, source)
  const pulled = await pull(db, source, marks, signal)
  return { pushed, pulled, foreign: source.foreign }
}

/** A sync failure in plain words, for a status line (the error's own message when it is ours). */
export function syncProblem(e: unknown): string {
  if (isDivinerError(e)) return e.message
  return new DivinerError('internal', e instanceof Error ? e.message : String(e)).message
}
