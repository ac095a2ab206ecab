/**
 * The database a worker serves: Dexie, plus an announcement of every write on
 * the changes channel (see changes.ts), so other tabs see it live.
 */
import { DexieDatabase, type DexieDatabaseOptions } from '../db/store/dexie-database.js'
import type { ChangeBroadcaster } from './changes.js'

/**
 * A DexieDatabase that tells `changes` about each study it writes. It hooks
 * `notify`, which the database calls after every committed write (a created
 * study, an inserted or updated run, appended metrics, a flushed log, an import
 * that changed something) to wake its own log followers.
 */
export class AnnouncingDatabase extends DexieDatabase {
  readonly #announcer: ChangeBroadcaster

  constructor(name: string, changes: ChangeBroadcaster, options?: DexieDatabaseOptions) {
    super(name, options)
    this.#announcer = changes
  }

  override notify(study: string): void {
    super.notify(study)
    this.#announcer.changed(study)
  }
}

/** Opens (creating if needed) the database `name`, announcing its writes on `changes`. */
export async function openAnnouncingDatabase(name: string, changes: ChangeBroadcaster, options?: DexieDatabaseOptions): Promise<DexieDatabase> {
  const db = new AnnouncingDatabase(name, changes, options)
  await db.createTable()
  return db
}
