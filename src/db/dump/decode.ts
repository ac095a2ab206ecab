/**
 * Reading dump records (docs/dump-format.md): each parsed line decoded into a
 * record with every field checked. Decoders take untrusted parsed JSON and
 * throw `BadRecord` with a reason.
 */
import { checkTags, MAX_NOTE } from '../model/annotations.js'
import { isDivinerError } from '../model/errors.js'
import type { Param, Params } from '../model/params.js'
import { RunState, type Metrics, type RunConfig } from '../model/run.js'
import { validateStudy, type Objective, type OracleSpec, type Study } from '../model/study.js'
import { nullProtoCopy, type FloatValue, type IntValue } from '../model/values.js'
import {
  BadRecord, decodeFloat, decodeValue, describe, field, finiteNonNegative, freeJson, integer, isObject, KeyCheck,
  mapRecordChecked, nonEmpty, obj, string, stringList, time, type Json,
} from './json.js'
import { DUMP_FORMAT, DUMP_VERSION, type Checkpoint, type DumpCovers, type DumpHeader, type DumpRecord, type RunHead } from './records.js'

function decodeParam(x: unknown, what: string, keys: KeyCheck): Param {
  const o = obj(x, what)
  const type = field(o, 'type', what)
  if (type === 'discrete') {
    const values = field(o, 'values', what)
    if (!Array.isArray(values)) throw new BadRecord(`${what}.values must be an array`)
    return { type: 'discrete', values: values.map((v, i) => decodeValue(v, `${what}.values[${i}]`, 0, keys)) }
  }
  if (type === 'range') {
    const start = decodeValue(field(o, 'start', what), `${what}.start`, 0, keys)
    const end = decodeValue(field(o, 'end', what), `${what}.end`, 0, keys)
    if ((start.kind !== 'int' && start.kind !== 'float') || start.kind !== end.kind) {
      throw new BadRecord(`${what}: a range's ends must both be ints or both floats`)
    }
    const log = o['log']
    if (log !== undefined && typeof log !== 'boolean') throw new BadRecord(`${what}.log must be true or false`)
    return { type: 'range', start: start as IntValue | FloatValue, end: end as IntValue | FloatValue, ...(log === true ? { log: true } : {}) }
  }
  throw new BadRecord(`${what}.type must be "discrete" or "range"`)
}

function decodeObjective(x: unknown): Objective {
  const o = obj(x, 'objective')
  const direction = field(o, 'direction', 'objective')
  if (direction !== 'minimize' && direction !== 'maximize') throw new BadRecord('objective.direction must be "minimize" or "maximize"')
  return { direction, metric: string(field(o, 'metric', 'objective'), 'objective.metric') }
}

function decodeStudy(o: Json, keys: KeyCheck): DumpRecord {
  const params: Params = mapRecordChecked(obj(field(o, 'params', 'study'), 'study.params'), (p, k) => decodeParam(p, `param ${k}`, keys))
  const raw: Study = {
    name: string(field(o, 'name', 'study'), 'study.name'),
    objective: decodeObjective(field(o, 'objective', 'study')),
    params,
    replicates: integer(field(o, 'replicates', 'study'), 'study.replicates', 0, 63),
    description: string(field(o, 'description', 'study'), 'study.description'),
    oracle: freeJson(obj(field(o, 'oracle', 'study'), 'study.oracle'), 'study.oracle') as OracleSpec,
    ...(Object.hasOwn(o, 'command') ? { command: string(o['command'], 'study.command') } : {}),
  }
  let study: Study
  try {
    study = validateStudy(raw)
  } catch (e) {
    throw new BadRecord(isDivinerError(e) ? e.message : String(e))
  }
  const notes = noteFields(o, 'study')
  const deleted = Object.hasOwn(o, 'deleted') ? { deleted: time(o['deleted'], 'study.deleted') } : {}
  return { type: 'study', study, created: time(field(o, 'created', 'study'), 'study.created'), ...(notes.noteAt !== undefined ? { notes } : {}), ...deleted }
}

const STATES: Record<string, RunState> = { pending: RunState.Pending, success: RunState.Success, failure: RunState.Failure }

function decodeRun(o: Json, keys: KeyCheck): DumpRecord {
  const stateName = string(field(o, 'state', 'run'), 'run.state')
  const state = Object.hasOwn(STATES, stateName) ? STATES[stateName] : undefined
  if (state === undefined) throw new BadRecord(`run.state must be pending, success or failure, got ${describe(stateName)}`)
  const origin = obj(field(o, 'origin', 'run'), 'run.origin')
  const run: RunHead = {
    id: nonEmpty(field(o, 'id', 'run'), 'run.id'),
    study: nonEmpty(field(o, 'study', 'run'), 'run.study'),
    seq: integer(field(o, 'seq', 'run'), 'run.seq', 1),
    origin: { db: nonEmpty(field(origin, 'db', 'run.origin'), 'run.origin.db'), seq: integer(field(origin, 'seq', 'run.origin'), 'run.origin.seq', 1) },
    values: mapRecordChecked(obj(field(o, 'values', 'run'), 'run.values'), (v, k) => decodeValue(v, `value ${k}`, 0, keys)),
    replicate: integer(field(o, 'replicate', 'run'), 'run.replicate', 0, 63),
    state,
    status: string(field(o, 'status', 'run'), 'run.status'),
    config: runConfig(field(o, 'config', 'run')),
    created: time(field(o, 'created', 'run'), 'run.created'),
    updated: time(field(o, 'updated', 'run'), 'run.updated'),
    runtime: finiteNonNegative(field(o, 'runtime_ms', 'run'), 'run.runtime_ms'),
    retries: integer(field(o, 'retries', 'run'), 'run.retries', 0),
    metricCount: integer(field(o, 'metrics', 'run'), 'run.metrics', 0),
    logCount: integer(field(o, 'log', 'run'), 'run.log', 0),
    ...noteFields(o, 'run'),
    ...tagFields(o),
    ...(Object.hasOwn(o, 'deleted') ? { deleted: time(o['deleted'], 'run.deleted') } : {}),
  }
  return { type: 'run', run }
}

/** A line's optional note and the time it was edited (both, or neither). */
function noteFields(o: Json, what: 'study' | 'run'): { note?: string; noteAt?: number } {
  if (!Object.hasOwn(o, 'noteAt') && !Object.hasOwn(o, 'note')) return {}
  const note = string(field(o, 'note', what), `${what}.note`)
  if (note.length > MAX_NOTE) throw new BadRecord(`${what}.note holds more than ${MAX_NOTE} characters`)
  return { note, noteAt: time(field(o, 'noteAt', what), `${what}.noteAt`) }
}

/** A run line's optional tags and the time they were edited (both, or neither). */
function tagFields(o: Json): { tags?: string[]; tagsAt?: number } {
  if (!Object.hasOwn(o, 'tagsAt') && !Object.hasOwn(o, 'tags')) return {}
  const raw = stringList(field(o, 'tags', 'run'), 'run.tags')
  let tags: string[]
  try {
    tags = checkTags(raw)
  } catch (e) {
    throw new BadRecord(`run.tags: ${isDivinerError(e) ? e.message : String(e)}`)
  }
  return { tags, tagsAt: time(field(o, 'tagsAt', 'run'), 'run.tagsAt') }
}

/**
 * A run's config: free-form JSON, except that the fields the page shows for
 * what they are (script text, lists of local files and datasets) have their
 * types (a `localFiles` of `{"length": 1e9}` would otherwise be walked as a list).
 */
function runConfig(x: unknown): RunConfig {
  const config = freeJson(obj(x, 'run.config'), 'run.config') as Json
  if (Object.hasOwn(config, 'script')) string(config['script'], 'run.config.script')
  for (const key of ['localFiles', 'datasets']) {
    if (Object.hasOwn(config, key)) stringList(config[key], `run.config.${key}`)
  }
  return config as RunConfig
}

function decodeMetrics(o: Json): DumpRecord {
  const entries = field(o, 'entries', 'metrics')
  if (!Array.isArray(entries)) throw new BadRecord('metrics.entries must be an array')
  return {
    type: 'metrics',
    run: nonEmpty(field(o, 'run', 'metrics'), 'metrics.run'),
    from: integer(field(o, 'from', 'metrics'), 'metrics.from', 0),
    entries: entries.map(metricsEntry),
  }
}

/**
 * One metrics entry, its keys in their order: the parsed object itself when
 * every value is a number (most are; a fresh object of the same shape costs a
 * million allocations in a large dump), else a copy with "NaN", "Infinity",
 * "-Infinity" and "-0" made numbers.
 */
function metricsEntry(e: unknown, i: number): Metrics {
  if (!isObject(e)) throw new BadRecord(`metrics.entries[${i}] must be an object`)
  for (const k of Object.keys(e)) {
    if (typeof e[k] !== 'number') return mapRecordChecked(e, (x, key) => decodeFloat(x, `metric ${key}`))
  }
  return e as Metrics
}

function decodeLog(o: Json): DumpRecord {
  const entries = field(o, 'entries', 'log')
  if (!Array.isArray(entries)) throw new BadRecord('log.entries must be an array')
  return {
    type: 'log',
    run: nonEmpty(field(o, 'run', 'log'), 'log.run'),
    from: integer(field(o, 'from', 'log'), 'log.from', 0),
    entries: entries.map((e, i) => {
      const eo = obj(e, `log.entries[${i}]`)
      return { t: time(field(eo, 't', 'log entry'), 'log entry t'), text: string(field(eo, 'text', 'log entry'), 'log entry text') }
    }),
  }
}

function decodeCovers(x: unknown): DumpCovers {
  const o = obj(x, 'header.covers')
  switch (o.kind) {
    case 'all': return { kind: 'all' }
    case 'studies': return { kind: 'studies', studies: stringList(o.studies, 'header.covers.studies') }
    case 'runs': return { kind: 'runs', runs: stringList(o.runs, 'header.covers.runs') }
    case 'delta': return { kind: 'delta', since: decodeCheckpoint(o.since, 'header.covers.since') }
    default: throw new BadRecord('header.covers.kind must be all, studies, runs or delta')
  }
}

/** A checkpoint from its JSON form, checked. */
export function decodeCheckpoint(x: unknown, what: string): Checkpoint {
  const o = obj(x, what)
  return { db: string(field(o, 'db', what), `${what}.db`), rev: integer(field(o, 'rev', what), `${what}.rev`, 0) }
}

/** Why a header names a version this code cannot read. */
export class UnsupportedVersion extends Error {
  constructor(readonly version: unknown) {
    super(`dump format version ${JSON.stringify(version)} is not supported (this page reads version ${DUMP_VERSION}); update the page to import it`)
    this.name = 'UnsupportedVersion'
  }
}

function decodeHeader(o: Json): DumpRecord {
  const version = o.version
  if (version !== DUMP_VERSION) {
    if (typeof version !== 'number' || !Number.isInteger(version)) throw new BadRecord('header.version must be an integer')
    throw new UnsupportedVersion(version)
  }
  const header: DumpHeader = {
    format: DUMP_FORMAT,
    version,
    origin: nonEmpty(field(o, 'origin', 'header'), 'header.origin'),
    exported: new Date(time(field(o, 'exported', 'header'), 'header.exported')),
    covers: decodeCovers(field(o, 'covers', 'header')),
    checkpoint: decodeCheckpoint(field(o, 'checkpoint', 'header'), 'header.checkpoint'),
  }
  return { type: 'header', header }
}

/** True when parsed JSON is a dump header (it names the format). */
export function isHeader(o: unknown): boolean {
  return isObject(o) && o.format === DUMP_FORMAT
}

/**
 * One parsed line, decoded and checked. `hostile` maps each object of the line
 * that holds a key such as `__proto__` to that key: such a key is data inside a
 * dict value and refused anywhere else.
 */
export function decodeRecord(parsed: unknown, hostile?: ReadonlyMap<object, string>): DumpRecord {
  const keys = new KeyCheck(hostile)
  const record = decodeFields(obj(parsed, 'a line'), keys)
  keys.check()
  return record
}

function decodeFields(o: Json, keys: KeyCheck): DumpRecord {
  if (Object.hasOwn(o, 'format')) {
    if (o.format !== DUMP_FORMAT) throw new BadRecord(`not a Diviner Local dump (format ${describe(o.format)})`)
    return decodeHeader(o)
  }
  switch (o.t) {
    case 'study': return decodeStudy(o, keys)
    case 'run': return decodeRun(o, keys)
    case 'metrics': return decodeMetrics(o)
    case 'log': return decodeLog(o)
    default: throw new BadRecord(`unknown record type ${describe(o.t ?? null)}`)
  }
}

/** The values of a study record for storage, copied onto null prototypes. */
export function studyParams(study: Study): Params {
  return nullProtoCopy(study.params)
}
