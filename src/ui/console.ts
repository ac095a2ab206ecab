/**
 * The console API: `globalThis.diviner`, for power users at the browser console
 * and for automation (the end-to-end tests drive the page through it).
 *
 *     await diviner.db.createStudyIfNotExist({
 *       name: 'mnist', objective: diviner.minimize('loss'),
 *       params: { lr: diviner.logRange(0.0001, 0.1), act: diviner.discrete(diviner.str('relu')) },
 *     })
 *     const run = await diviner.db.insertRun({ study: 'mnist', values: { lr: diviner.float(0.01), act: diviner.str('relu') } })
 *     await diviner.db.appendRunMetrics('mnist', run.seq, { loss: 0.3 })
 *     await diviner.db.listRuns('mnist', diviner.RunState.Any)
 *
 * `db` is the page's Database (SPEC §2), served by its worker, with notes and
 * tags (`setStudyNote`, `setRunNote`, `setRunTags`, `runAnnotations`); `api` is the
 * worker's whole API (dumps, overviews, leaderboards; progress callbacks go
 * through `diviner.proxy`); the rest builds arguments.
 *
 *     const { blob, filename } = await diviner.api.exportDump({ studies: ['mnist'] })
 *     await diviner.api.importDump(file, diviner.proxy((p) => console.log(p.records)))
 */
import * as Comlink from 'comlink'
import type { Database } from '../db/model/database.js'
import type { Annotating } from '../db/model/annotations.js'
import { DivinerError, isDivinerError } from '../db/model/errors.js'
import { discrete, logRange, range } from '../db/model/params.js'
import { RunState } from '../db/model/run.js'
import { maximize, minimize } from '../db/model/study.js'
import { bool, dict, float, int, list, str } from '../db/model/values.js'
import { WorkerDatabase, type RemoteApi } from '../worker/client.js'

/** The console API over `db`, and `api`: by default the worker API `db` is served by, if any. */
export function consoleApi(db: Database & Annotating, api: RemoteApi | undefined = db instanceof WorkerDatabase ? db.api : undefined) {
  return Object.freeze({
    db,
    api,
    proxy: Comlink.proxy,
    RunState,
    int, float, str, bool, list, dict,
    discrete, range, logRange,
    minimize, maximize,
    DivinerError, isDivinerError,
  })
}

/** What `globalThis.diviner` holds. */
export type ConsoleApi = ReturnType<typeof consoleApi>

declare global {
  /** The console API (see src/ui/console.ts); set once the page has started. */
  var diviner: ConsoleApi | undefined
}
