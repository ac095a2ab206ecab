/**
 * Pull marks on IndexedDB: how far each remote's segments were pulled.
 */
import type { MarkStore, PullMark } from '../sync/segments.js'
import type { DexieConnection } from './connection.js'

/** The marks of a Dexie database. */
export class DexieMarks implements MarkStore {
  constructor(private readonly db: DexieConnection) {}

  async marks(remote: string): Promise<Map<string, PullMark>> {
    const recs = await this.db.guard(() => this.db.dexie.pullMarks.where('[remote+key]').between([remote, ''], [remote, '\uffff']).toArray())
    return new Map(recs.map((r) => [r.key, { bytes: r.bytes, header: r.header, lines: r.lines }]))
  }

  async setMark(remote: string, key: string, mark: PullMark): Promise<void> {
    await this.db.guard(() => this.db.dexie.pullMarks.put({ remote, key, ...mark }))
  }
}
