/**
 * The browser worker: owns the page's database and serves it to the page with
 * Comlink. The API is exposed at once (messages that arrive before a listener
 * exists are lost); calls wait until the database is open. Its writes are
 * announced to every tab (see changes.ts).
 */
import * as Comlink from 'comlink'
import { createApi } from './api.js'
import { ChangeBroadcaster } from './changes.js'
import { openAnnouncingDatabase } from './database.js'

/** The IndexedDB database the page keeps its studies and runs in. */
export const DATABASE_NAME = 'diviner'

Comlink.expose(createApi(openAnnouncingDatabase(DATABASE_NAME, new ChangeBroadcaster())))
