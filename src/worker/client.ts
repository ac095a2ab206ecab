/**
 * The client side of the worker API: a Database whose every call runs in the
 * worker. It imports no storage code (only types and the transfer handlers),
 * so the page's main bundle stays free of Dexie.
 */
import * as Comlink from 'comlink'
import type { Database, LogOptions, StudyInfo } from '../db/model/database.js'
import type { Metrics, NewRun, Run, RunState } from '../db/model/run.js'
import type { Study } from '../db/model/study.js'
import type { Annotating, RunAnnotation } from '../db/model/annotations.js'
import type { LogRead, RemoteLogReader, RemoteLogWriter, WorkerApi } from './api.js'
import './transfer.js'

/** The worker API as a caller holds it. */
export type RemoteApi = Comlink.Remote<WorkerApi>

/**
 * A Database served by a worker. `failure` rejects when the worker itself dies
 * (fails to load, crashes, is terminated); every pending and later call then
 * rejects with that error instead of waiting forever.
 */
export class WorkerDatabase implements Database, Annotating {
  /** The whole worker API, for what the Database interface does not cover (dumps, leaderboards, …). */
  readonly api: RemoteApi
  private readonly failure: Promise<never>

  constructor(api: RemoteApi, failure: Promise<never> = new Promise<never>(() => undefined)) {
    this.api = api
    this.failure = failure
    failure.catch(() => undefined)
  }

  /** `pending`, or the worker's failure if that comes first. */
  private call<T>(pending: Promise<T>): Promise<T> {
    return Promise.race([pending, this.failure])
  }

  createTable(signal?: AbortSignal): Promise<void> {
    return this.call(this.api.createTable(signal))
  }

  createStudyIfNotExist(study: Study, signal?: AbortSignal): Promise<boolean> {
    return this.call(this.api.createStudyIfNotExist(study, signal))
  }

  lookupStudy(name: string, signal?: AbortSignal): Promise<StudyInfo> {
    return this.call(this.api.lookupStudy(name, signal))
  }

  listStudies(prefix: string, since?: Date, signal?: AbortSignal): Promise<StudyInfo[]> {
    return this.call(this.api.listStudies(prefix, since, signal))
  }

  nextSeq(study: string, signal?: AbortSignal): Promise<number> {
    return this.call(this.api.nextSeq(study, signal))
  }

  insertRun(run: NewRun, signal?: AbortSignal): Promise<Run> {
    return this.call(this.api.insertRun(run, signal))
  }

  updateRun(study: string, seq: number, state: RunState, message: string, runtime: number, retry: number, signal?: AbortSignal): Promise<void> {
    return this.call(this.api.updateRun(study, seq, state, message, runtime, retry, signal))
  }

  appendRunMetrics(study: string, seq: number, metrics: Metrics, signal?: AbortSignal): Promise<void> {
    return this.call(this.api.appendRunMetrics(study, seq, metrics, signal))
  }

  listRuns(study: string, states: RunState, since?: Date, signal?: AbortSignal): Promise<Run[]> {
    return this.call(this.api.listRuns(study, states, since, signal))
  }

  lookupRun(study: string, seq: number, signal?: AbortSignal): Promise<Run> {
    return this.call(this.api.lookupRun(study, seq, signal))
  }

  setStudyNote(study: string, note: string, signal?: AbortSignal): Promise<void> {
    return this.call(this.api.setStudyNote(study, note, signal))
  }

  setRunNote(study: string, seq: number, note: string, signal?: AbortSignal): Promise<void> {
    return this.call(this.api.setRunNote(study, seq, note, signal))
  }

  setRunTags(study: string, seq: number, tags: readonly string[], signal?: AbortSignal): Promise<void> {
    return this.call(this.api.setRunTags(study, seq, tags, signal))
  }

  runAnnotations(study: string, signal?: AbortSignal): Promise<RunAnnotation[]> {
    return this.call(this.api.runAnnotations(study, signal))
  }

  deleteStudy(study: string, signal?: AbortSignal): Promise<void> {
    return this.call(this.api.deleteStudy(study, signal))
  }

  deleteRun(study: string, seq: number, signal?: AbortSignal): Promise<void> {
    return this.call(this.api.deleteRun(study, seq, signal))
  }

  log(study: string, seq: number, options: LogOptions = {}): ReadableStream<string> {
    const { signal, ...request } = options
    return remoteLogStream(this.call(this.api.log(study, seq, request, signal)), (p) => this.call(p))
  }

  logger(study: string, seq: number): WritableStream<string> {
    return remoteLogger(this.call(this.api.logger(study, seq)), (p) => this.call(p))
  }
}

type Guard = <T>(pending: Promise<T>) => Promise<T>

/** Lets go of a proxy's channel once; later calls are no-ops. */
function releaser(proxy: Promise<Comlink.Remote<unknown>>): () => void {
  let released = false
  return () => {
    if (released) return
    released = true
    proxy.then((p) => p[Comlink.releaseProxy](), () => undefined)
  }
}

/** A local stream pulling from a remote log reader that is still on its way. */
function remoteLogStream(remote: Promise<Comlink.Remote<RemoteLogReader>>, guard: Guard): ReadableStream<string> {
  const release = releaser(remote)
  let cancelled = false
  return new ReadableStream<string>({
    async pull(controller) {
      try {
        const r = await guard<LogRead>((await remote).read())
        if (cancelled) return
        if (r.done) {
          release()
          controller.close()
        } else {
          controller.enqueue(r.value)
        }
      } catch (e) {
        release()
        throw e
      }
    },
    async cancel() {
      cancelled = true
      try {
        await guard((await remote).cancel())
      } finally {
        release()
      }
    },
  }, { highWaterMark: 0 })
}

/** A local stream writing through a remote log writer that is still on its way. */
function remoteLogger(remote: Promise<Comlink.Remote<RemoteLogWriter>>, guard: Guard): WritableStream<string> {
  const release = releaser(remote)
  const end = async (how: 'close' | 'abort') => {
    try {
      const w = await remote
      await guard(how === 'close' ? w.close() : w.abort())
    } finally {
      release()
    }
  }
  return new WritableStream<string>({
    async write(text) {
      try {
        await guard((await remote).write(text))
      } catch (e) {
        release()
        throw e
      }
    },
    close: () => end('close'),
    abort: () => end('abort'),
  })
}
