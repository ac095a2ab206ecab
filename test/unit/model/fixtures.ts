/** Plain runs and studies for model tests. */
import type { Run } from '../../../src/db/model/run.js'
import { RunState } from '../../../src/db/model/run.js'
import type { Study } from '../../../src/db/model/study.js'
import { minimize } from '../../../src/db/model/study.js'
import { discrete } from '../../../src/db/model/params.js'
import { float, str } from '../../../src/db/model/values.js'

let nextId = 0

/** A run with harmless defaults, overridden by `fields`. */
export function makeRun(fields: Partial<Run> = {}): Run {
  nextId++
  return {
    id: `run-${String(nextId).padStart(6, '0')}`,
    study: 's',
    seq: nextId,
    values: {},
    replicate: 0,
    state: RunState.Success,
    status: '',
    config: {},
    created: new Date(0),
    updated: new Date(1_000),
    runtime: 0,
    retries: 0,
    metrics: [],
    ...fields,
  }
}

/** A small valid study over two discrete params. */
export function makeStudy(fields: Partial<Study> = {}): Study {
  return {
    name: 'mnist',
    objective: minimize('loss'),
    params: { lr: discrete(float(0.1), float(0.01)), opt: discrete(str('adam'), str('sgd')) },
    ...fields,
  }
}
