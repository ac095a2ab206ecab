/** Run rows for the UI's table tests. */
import { RunState } from '../../../src/db/model/run.js'
import type { RunRow } from '../../../src/ui/study/types.js'

/** A row of study `s` with harmless defaults, overridden by `fields`. */
export function makeRow(seq: number, fields: Partial<RunRow> = {}): RunRow {
  return {
    id: `id-${seq}`,
    study: 's',
    seq,
    values: {},
    replicate: 0,
    state: RunState.Success,
    status: '',
    config: {},
    created: new Date(2024, 0, 1, 12, 0),
    updated: new Date(2024, 0, 1, 13, 0),
    runtime: 0,
    retries: 0,
    last: {},
    metricCount: 0,
    logCount: 0,
    ...fields,
  }
}
