/**
 * The browser worker: owns the page's database and serves it to the page with
 * Comlink. The API is exposed at once (messages that arrive before a listener
 * exists are lost); calls wait until the database is open.
 */
import * as Comlink from 'comlink'
import { openDatabase } from '../db/dexie.js'
import { createApi } from './api.js'

/** The IndexedDB database the page keeps its studies and runs in. */
export const DATABASE_NAME = 'diviner'

Comlink.expose(createApi(openDatabase(DATABASE_NAME)))
