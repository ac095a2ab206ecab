/**
 * The Database contract through the worker boundary: the worker API in a Node
 * worker thread (Dexie on fake-indexeddb), reached through WorkerDatabase.
 */
import { describeDatabaseContract } from '../../contract/database.contract.js'
import { startNodeWorkerDatabase } from '../../node-worker/start.js'

describeDatabaseContract('through the Comlink worker (Node worker_threads)', async () => {
  const worker = await startNodeWorkerDatabase('contract', { followPollMs: 20, loggerFlushMs: 20 })
  return {
    db: worker.db,
    connect: () => worker.connect(),
    advanceClock: (ms) => worker.advanceClock(ms),
    close: () => worker.terminate(),
  }
})
