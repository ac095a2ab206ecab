/**
 * What an IndexedDB database pushes to a bucket: a delta dump of what changed
 * since its last push (by the change counter), without the runs other
 * origins recorded first; one pushing tab at a time (a Web Lock).
 */
import { exportDump } from '../dump/export.js'
import type { PushStore } from '../sync/bucket-sync.js'
import type { DexieConnection } from './connection.js'
import type { Exportable } from '../dump/export.js'

/** In-realm exclusion where Web Locks are missing (Node tests). */
const held = new Map<string, Promise<unknown>>()

/** The push side of a Dexie database. */
export class DexiePush implements PushStore {
  constructor(private readonly db: DexieConnection & Exportable) {}

  id(): Promise<string> {
    return this.db.id()
  }

  async pending(remote: string, skip: ReadonlySet<string>) {
    const d = this.db.dexie
    const state = await this.db.guard(() => d.pushStates.get(remote))
    const view = this.db.exportView()
    const now = await view.changeCounter()
    if (state && state.rev >= now) return undefined
    const origin = await this.db.id()
    let runs = 0
    const stream = exportDump(this.db, { ...(state ? { since: { db: origin, rev: state.rev } } : {}), skipOrigins: skip, onProgress: (p) => { runs = p.runs } })
    const bytes = new Uint8Array(await new Response(stream).arrayBuffer())
    const checkpoint = await stream.checkpoint
    const commit = () => this.db.guard(async () => { await d.pushStates.put({ remote, rev: checkpoint.rev }) })
    // Nothing of its own changed (only what was pulled): no object, but the point moves on.
    const studies = state ? (await view.changedStudies(state.rev)).length : (await view.studyNames()).length
    if (runs === 0 && studies === 0) { await commit(); return undefined }
    return { bytes, runs, commit }
  }

  async withPushLock<T>(remote: string, work: () => Promise<T>): Promise<T> {
    const name = `diviner-push:${remote}`
    const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined
    if (locks) return locks.request(name, work)
    const before = held.get(name) ?? Promise.resolve()
    const mine = before.catch(() => undefined).then(work)
    held.set(name, mine)
    try { return await mine } finally { if (held.get(name) === mine) held.delete(name) }
  }
}
