/**
 * The same worker for Node worker_threads (tests, command-line tools): the
 * database lives in this thread's fake-indexeddb, named by `workerData.name`.
 * Built to JavaScript before use (see test/node-worker/start.ts): Node 20
 * cannot run TypeScript in a worker.
 */
import 'fake-indexeddb/auto'
import * as Comlink from 'comlink'
// Extensionless on purpose: TypeScript finds the adapter's .d.ts, Vite its .mjs.
import nodeEndpoint from 'comlink/dist/esm/node-adapter'
import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '../db/dexie.js'
import { createApi } from './api.js'

/** What the parent passes as `workerData`. */
export interface NodeWorkerData { readonly name: string }

function databaseName(data: unknown): string {
  const name = (data as Partial<NodeWorkerData> | null)?.name
  if (typeof name !== 'string' || name === '') throw new TypeError('node worker: workerData.name must name the database')
  return name
}

if (parentPort === null) throw new Error('node worker: not running in a worker thread')
Comlink.expose(createApi(openDatabase(databaseName(workerData))), nodeEndpoint(parentPort))
