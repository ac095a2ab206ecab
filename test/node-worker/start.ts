/**
 * Runs the worker API in a Node worker thread, so tests can drive a Database
 * through the same Comlink boundary the page uses (structured clone, transfer
 * handlers, proxied log streams), on fake-indexeddb.
 *
 *     const w = await startNodeWorkerDatabase('contract-1', { followPollMs: 20, loggerFlushMs: 20 })
 *     await w.db.createStudyIfNotExist(...)
 *     const other = await w.connect()     // a second connection, as another tab
 *     w.advanceClock(61_000)              // make keepalives stale
 *     await w.terminate()                 // and the database is gone
 *
 * Each worker thread has its own fake-indexeddb: two workers never share data,
 * whatever their database names.
 */
import * as Comlink from 'comlink'
// Extensionless on purpose: TypeScript finds the adapter's .d.ts, Vite its .mjs.
import nodeEndpoint from 'comlink/dist/esm/node-adapter'
import { randomUUID } from 'node:crypto'
import { mkdir, rename, rm } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import { build } from 'vite'
import type { Database } from '../../src/db/model/database.js'
import { WorkerDatabase } from '../../src/worker/client.js'
import type { NodeWorkerApi, NodeWorkerData } from '../../src/worker/node-entry.js'

const root = fileURLToPath(new URL('../..', import.meta.url))
const entry = fileURLToPath(new URL('../../src/worker/node-entry.ts', import.meta.url))
const cacheDir = fileURLToPath(new URL('../../node_modules/.cache/diviner-test-worker', import.meta.url))

/** How the worker's database behaves (see DexieDatabaseOptions). */
export interface NodeWorkerOptions {
  readonly followPollMs?: number
  readonly loggerFlushMs?: number
}

/** A Database served by a Node worker thread. */
export interface NodeWorkerDatabase {
  /** The Database, every call of which crosses into the worker. */
  readonly db: Database
  /** The raw worker API, for tests of the boundary itself. */
  readonly api: Comlink.Remote<NodeWorkerApi>
  /** Opens another connection to the same database, in the same worker, also across the boundary. */
  connect(): Promise<Database>
  /** Moves the worker's clock forward by `ms`; takes effect at once, for every connection. */
  advanceClock(ms: number): void
  /** Stops the worker; its database is gone and later calls on `db` reject. */
  terminate(): Promise<void>
}

let built: Promise<string> | undefined

/**
 * Builds `src/worker/node-entry.ts` (with its dependencies) to one ES module
 * for Node 20, once per test process, and resolves to its path. Each process
 * builds into its own directory and renames the result into place (atomic), so
 * a worker started by a parallel test file never loads a half-written file.
 */
export function buildNodeWorker(): Promise<string> {
  built ??= buildOnce()
  return built
}

async function buildOnce(): Promise<string> {
  const outDir = `${cacheDir}${process.pid}-${randomUUID()}`
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      sourcemap: 'inline',
      rolldownOptions: { output: { format: 'es', entryFileNames: 'node-entry.mjs', codeSplitting: false } },
    },
    // Bundle every dependency, so the file runs from anywhere and loads Comlink's ES build.
    ssr: { noExternal: true, target: 'node' },
  })
  await mkdir(cacheDir, { recursive: true })
  const file = `${cacheDir}node-entry.mjs`
  await rename(`${outDir}/node-entry.mjs`, file)
  await rm(outDir, { recursive: true, force: true })
  return file
}

/** Starts a worker thread serving the database `name` and resolves once it is open. */
export async function startNodeWorkerDatabase(name: string, options: NodeWorkerOptions = {}): Promise<NodeWorkerDatabase> {
  const clock = new SharedArrayBuffer(8)
  const offset = new BigInt64Array(clock)
  const workerData: NodeWorkerData = { name, clock, ...options }
  const worker = new Worker(await buildNodeWorker(), { workerData })
  const failure = new Promise<never>((_, reject) => {
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`node worker for ${name} exited with code ${code}`)))
  })
  const api = Comlink.wrap<NodeWorkerApi>(nodeEndpoint(worker))
  const db = new WorkerDatabase(api, failure)
  await db.createTable()
  return {
    db,
    api,
    async connect() {
      const other = new WorkerDatabase(await Promise.race([api.connect(), failure]), failure)
      await other.createTable()
      return other
    },
    advanceClock(ms) {
      Atomics.add(offset, 0, BigInt(Math.round(ms)))
    },
    async terminate() {
      await worker.terminate()
    },
  }
}
