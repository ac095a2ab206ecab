/**
 * The page's side of the worker: connects to it and gives the rest of the UI a
 * Database. The UI imports storage code only through this worker boundary.
 */
import type { Annotating } from '../db/model/annotations.js'
import * as Comlink from 'comlink'
import type { Database } from '../db/model/database.js'
import type { WorkerApi } from '../worker/api.js'
import { WorkerDatabase } from '../worker/client.js'

/** A connection to the database worker. */
export interface Connection {
  /**
   * The worker API, typed from its implementation. Every call also rejects
   * with the worker's failure when the worker dies first.
   */
  readonly api: Comlink.Remote<WorkerApi>
  /** The Database (with notes and tags), every call of which runs in the worker. */
  readonly db: Database & Annotating
  /** Rejects if the worker fails to load or crashes. */
  readonly failure: Promise<never>
}

/** Connects to a worker running `src/worker/index.ts`. */
export function connect(worker: Worker): Connection {
  const remote = Comlink.wrap<WorkerApi>(worker)
  const failure = workerFailure(worker)
  return { api: guarded(remote, failure), db: new WorkerDatabase(remote, failure), failure }
}

/**
 * `api` with every method call raced against `failure`, so no caller waits
 * forever on a worker that died. Only calls are wrapped: symbols (Comlink's
 * release and finalizer markers) pass through, and `then` stays absent so the
 * wrapper is never mistaken for a promise.
 */
export function guarded<T extends object>(api: Comlink.Remote<T>, failure: Promise<never>): Comlink.Remote<T> {
  return new Proxy(api, {
    get(target, key) {
      if (typeof key === 'symbol') return Reflect.get(target, key)
      if (key === 'then') return undefined
      const method = Reflect.get(target, key) as (...args: unknown[]) => Promise<unknown>
      return (...args: unknown[]) => Promise.race([method(...args), failure])
    },
  })
}

/**
 * Rejects with a readable error when `worker` reports a failure of its own (not
 * of a call): its script did not load, or an exception escaped it, after which
 * its state is unknown. Every call then fails with this error, so the page says
 * what happened instead of waiting forever; reloading starts a new worker.
 */
function workerFailure(worker: Worker): Promise<never> {
  const failure = new Promise<never>((_, reject) => {
    worker.addEventListener('error', (event) => {
      event.preventDefault()
      const detail = event.message ? `: ${event.message}` : ' (its script could not be loaded or run)'
      reject(new Error(`The database worker failed${detail}`))
    })
    worker.addEventListener('messageerror', () => {
      reject(new Error('The database worker sent a message the page could not read'))
    })
  })
  failure.catch(() => undefined)
  return failure
}
