/**
 * The same worker for Node worker_threads (tests, command-line tools): the
 * database lives in this thread's fake-indexeddb, named by `workerData.name`.
 * Built to JavaScript before use (see test/node-worker/start.ts): Node 20
 * cannot run TypeScript in a worker. Writes are announced on the changes
 * channel (see changes.ts), which Node's BroadcastChannel carries to every
 * thread of the process.
 */
import 'fake-indexeddb/auto'
import * as Comlink from 'comlink'
// Extensionless on purpose: TypeScript finds the adapter's .d.ts, Vite its .mjs.
import nodeEndpoint from 'comlink/dist/esm/node-adapter'
import { parentPort, workerData } from 'node:worker_threads'
import type { DexieDatabaseOptions } from '../db/store/dexie-database.js'
import { createApi } from './api.js'
import { ChangeBroadcaster } from './changes.js'
import { openAnnouncingDatabase } from './database.js'

/** What the parent passes as `workerData`. */
export interface NodeWorkerData {
  /** The database name. */
  readonly name: string
  /**
   * For tests: a shared 8-byte buffer holding, as a BigInt64, milliseconds
   * added to this worker's clock. The parent moves the clock by writing it,
   * synchronously, with no message to race other calls.
   */
  readonly clock?: SharedArrayBuffer
  /** Passed to the database (see DexieDatabaseOptions). */
  readonly followPollMs?: number
  readonly loggerFlushMs?: number
}

function checkData(data: unknown): NodeWorkerData {
  const d = data as Partial<NodeWorkerData> | null
  if (typeof d?.name !== 'string' || d.name === '') throw new TypeError('node worker: workerData.name must name the database')
  if (d.clock !== undefined && !(d.clock instanceof SharedArrayBuffer && d.clock.byteLength >= 8)) {
    throw new TypeError('node worker: workerData.clock must be a SharedArrayBuffer of at least 8 bytes')
  }
  return { name: d.name, clock: d.clock, followPollMs: d.followPollMs, loggerFlushMs: d.loggerFlushMs }
}

function databaseOptions(data: NodeWorkerData): DexieDatabaseOptions {
  const offset = data.clock && new BigInt64Array(data.clock, 0, 1)
  return {
    now: offset ? () => Date.now() + Number(Atomics.load(offset, 0)) : Date.now,
    followPollMs: data.followPollMs,
    loggerFlushMs: data.loggerFlushMs,
  }
}

/** The worker API on the named database, plus more connections to it. */
function createNodeApi(data: NodeWorkerData) {
  const options = databaseOptions(data)
  const changes = new ChangeBroadcaster()
  return {
    ...createApi(openAnnouncingDatabase(data.name, changes, options)),
    /** Another connection to the same database (as a second tab would hold), served the same way. */
    connect: () => Comlink.proxy(createApi(openAnnouncingDatabase(data.name, changes, options))),
  }
}

/** The API of the Node worker: the worker API plus `connect`. */
export type NodeWorkerApi = ReturnType<typeof createNodeApi>

if (parentPort === null) throw new Error('node worker: not running in a worker thread')
Comlink.expose(createNodeApi(checkData(workerData)), nodeEndpoint(parentPort))
