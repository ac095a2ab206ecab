/**
 * The page's sync with a bucket (docs/sync.md), run in the worker: the remote
 * as the Sync panel set it (its keys kept in this browser's IndexedDB only,
 * never sent to the page again, never exported), syncs on request, and
 * automatic syncs after changes and every N seconds while online (paused
 * offline, resumed when back).
 */
import { DivinerError, invalid } from '../db/model/errors.js'
import type { DexieDatabase } from '../db/store/dexie-database.js'
import { DexieMarks } from '../db/store/dexie-marks.js'
import { DexiePush } from '../db/store/dexie-push.js'
import type { RemoteRecord } from '../db/store/schema.js'
import { remoteId, syncBucket, syncProblem } from '../db/sync/bucket-sync.js'
import type { S3Bucket, S3Location } from '../db/sync/s3.js'

/** A remote as the page sets it (the secret only when it changes). */
export interface RemoteSettings {
  readonly endpoint: string
  readonly bucket: string
  readonly prefix: string
  readonly region: string
  readonly pathStyle: boolean
  readonly accessKeyId: string
  /** Omitted (or empty) to keep the saved one. */
  readonly secretAccessKey?: string
  readonly auto: boolean
  readonly everySeconds: number
}

/** What the Sync panel shows. */
export interface SyncStatus {
  /** The remote without its secret, or undefined. */
  readonly remote: Omit<RemoteSettings, 'secretAccessKey'> | undefined
  readonly online: boolean
  readonly syncing: boolean
  /** When the last sync ended well (epoch ms), or 0. */
  readonly lastSync: number
  /** What the last sync moved. */
  readonly last: { readonly pushedRuns: number; readonly pulledRuns: number; readonly pulledStudies: number } | undefined
  /** Runs first recorded here that changed since the last push. */
  readonly waiting: number
  /** The last error in plain words, or ''. */
  readonly error: string
  /** Objects that could not be merged, and studies in conflict, from the last sync. */
  readonly warnings: readonly string[]
}

function checkSettings(s: RemoteSettings): void {
  let url: URL
  try { url = new URL(s.endpoint) } catch { throw invalid(`the endpoint "${s.endpoint}" is not a URL: write it as https://host[:port]`, 'endpoint') }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid('the endpoint must be an http:// or https:// URL', 'endpoint')
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket)) throw invalid('a bucket name is 3 to 63 lower-case letters, digits, dots and dashes', 'bucket')
  if (s.accessKeyId.trim() === '') throw invalid('the access key id is missing', 'accessKeyId')
  if (!Number.isFinite(s.everySeconds) || s.everySeconds < 5) throw invalid('sync at most every 5 seconds', 'everySeconds')
}

function locationOf(r: RemoteRecord): S3Location {
  return { endpoint: r.endpoint, bucket: r.bucket, prefix: r.prefix.replace(/^\/+|\/+$/g, ''), region: r.region || 'us-east-1', pathStyle: r.pathStyle }
}

/** The remote's bucket. The S3 client (its signing and XML reading) is loaded at the first sync, not when the worker starts. */
async function bucketOf(r: RemoteRecord): Promise<S3Bucket> {
  const { S3Bucket } = await import('../db/sync/s3.js')
  return new S3Bucket(locationOf(r), { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey })
}

function publicPart(r: RemoteRecord): SyncStatus['remote'] {
  return { endpoint: r.endpoint, bucket: r.bucket, prefix: r.prefix, region: r.region, pathStyle: r.pathStyle, accessKeyId: r.accessKeyId, auto: r.auto, everySeconds: r.everySeconds }
}

/** The worker's sync with the page's remote. */
export class PageSync {
  private remote: RemoteRecord | undefined
  private loaded: Promise<void> | undefined
  private status: Omit<SyncStatus, 'remote' | 'online' | 'waiting'> = { syncing: false, lastSync: 0, last: undefined, error: '', warnings: [] }
  private timer: ReturnType<typeof setTimeout> | undefined
  private running: Promise<void> | undefined
  private again = false

  constructor(private readonly db: Promise<DexieDatabase>) {
    globalThis.addEventListener?.('online', () => this.schedule(0))
  }

  private async load(): Promise<void> {
    this.loaded ??= this.db.then(async (d) => {
      this.remote = await d.guard(() => d.dexie.remotes.get('remote'))
      this.schedule(this.remote?.auto ? 0 : -1)
    })
    return this.loaded
  }

  /** Saves the remote (keeping the saved secret when none is given), and starts automatic syncs if asked. */
  async save(settings: RemoteSettings): Promise<SyncStatus> {
    await this.load()
    checkSettings(settings)
    const secret = settings.secretAccessKey || this.remote?.secretAccessKey
    if (!secret) throw invalid('the secret access key is missing', 'secretAccessKey')
    const record: RemoteRecord = { ...settings, id: 'remote', secretAccessKey: secret, prefix: settings.prefix.replace(/^\/+|\/+$/g, '') }
    const d = await this.db
    await d.guard(() => d.dexie.remotes.put(record))
    this.remote = record
    this.status = { ...this.status, error: '', warnings: [] }
    this.schedule(record.auto ? 0 : -1)
    return this.current()
  }

  /** Forgets the remote and its keys. */
  async forget(): Promise<SyncStatus> {
    await this.load()
    const d = await this.db
    await d.guard(() => d.dexie.remotes.delete('remote'))
    this.remote = undefined
    this.schedule(-1)
    this.status = { syncing: false, lastSync: 0, last: undefined, error: '', warnings: [] }
    return this.current()
  }

  /** Checks that the saved remote's bucket answers with its keys; rejects with what is wrong. */
  async test(): Promise<void> {
    await this.load()
    if (!this.remote) throw invalid('no remote is set: fill in the form and save it first', 'remote')
    await (await bucketOf(this.remote)).check()
  }

  /** Syncs now (after a sync already running, once more). */
  async syncNow(): Promise<SyncStatus> {
    await this.load()
    if (!this.remote) throw invalid('no remote is set: fill in the form and save it first', 'remote')
    await this.run()
    if (this.status.error) throw new DivinerError('internal', this.status.error, { remote: true })
    return this.current()
  }

  /** A change was written here: with automatic sync on, sync soon. */
  changed(): void {
    if (this.remote?.auto && !this.status.syncing) this.schedule(2000)
  }

  /** The status now. */
  async current(): Promise<SyncStatus> {
    await this.load()
    const online = typeof navigator === 'undefined' || navigator.onLine !== false
    let waiting = 0
    const remote = this.remote
    if (remote) {
      const d = await this.db
      const state = await d.guard(() => d.dexie.pushStates.get(remoteId(locationOf(remote))))
      const local = await d.id()
      // Runs first recorded elsewhere (pulled ones among them) are not this page's to push.
      waiting = await d.guard(() => d.dexie.runs.where('rev').above(state?.rev ?? 0).filter((r) => r.origin.db === local).count())
    }
    return { ...this.status, remote: remote && publicPart(remote), online, waiting }
  }

  /** Plans the next automatic sync in `ms` (now when 0; none when negative). */
  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
    if (ms < 0 || !this.remote?.auto) return
    this.timer = setTimeout(() => {
      void this.run().finally(() => this.schedule((this.remote?.everySeconds ?? 30) * 1000))
    }, ms)
  }

  private run(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.once().finally(() => {
      this.running = undefined
      if (this.again) { this.again = false; void this.run() }
    })
    return this.running
  }

  private async once(): Promise<void> {
    const remote = this.remote
    if (!remote) return
    if (typeof navigator !== 'undefined' && navigator.onLine === false) {
      this.status = { ...this.status, error: 'offline: changes wait here and are pushed when the network is back' }
      return
    }
    this.status = { ...this.status, syncing: true }
    const d = await this.db
    try {
      const r = await syncBucket(d, await bucketOf(remote), new DexiePush(d), new DexieMarks(d))
      this.status = {
        syncing: false, lastSync: Date.now(), error: '',
        last: { pushedRuns: r.pushed.runs, pulledRuns: r.pulled.runs, pulledStudies: r.pulled.studies },
        warnings: [
          ...r.pulled.failed.map((f) => `could not merge ${f.key}: ${f.error.message}`),
          ...r.pulled.conflicts.map((c) => `conflict: ${c.reason}`),
          ...r.foreign.map((k) => `${k} is not a sync object; left alone`),
        ],
      }
    } catch (e) {
      this.status = { ...this.status, syncing: false, error: syncProblem(e) }
    }
  }
}
