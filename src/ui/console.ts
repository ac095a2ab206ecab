/**
 * The console API: `globalThis.diviner`, for power users at the browser console
 * and for automation (the end-to-end tests drive the page through it).
 *
 *     await diviner.db.createStudyIfNotExist({
 *       name: 'mnist', objective: diviner.minimize('loss'),
 *       params: { lr: diviner.range(0.0001, 0.1), act: diviner.discrete(diviner.str('relu')) },
 *     })
 *     const run = await diviner.db.insertRun({ study: 'mnist', values: { lr: diviner.float(0.01), act: diviner.str('relu') } })
 *     await diviner.db.appendRunMetrics('mnist', run.seq, { loss: 0.3 })
 *     await diviner.db.listRuns('mnist', diviner.RunState.Any)
 *
 * `db` is the page's Database (SPEC §2), served by its worker; the rest builds arguments.
 */
import type { Database } from '../db/database.js'
import { DivinerError, isDivinerError } from '../db/errors.js'
import { discrete, range } from '../db/params.js'
import { RunState } from '../db/run.js'
import { maximize, minimize } from '../db/study.js'
import { bool, dict, float, int, list, str } from '../db/values.js'

/** The console API over `db`. */
export function consoleApi(db: Database) {
  return Object.freeze({
    db,
    RunState,
    int, float, str, bool, list, dict,
    discrete, range,
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
