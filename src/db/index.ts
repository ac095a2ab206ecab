/**
 * The entry point for code that runs without the page (tests, tools, Node): the
 * public names of SPEC §6.
 */
export {
  int, float, str, bool, list, dict, valuesEqual, valueEqual, compareValues, compareValueSets,
  valueKey, valuesKey, formatValue,
} from './values.js'
export type { Value, ValueKind, Values, IntValue, FloatValue, StringValue, BoolValue, ListValue, DictValue } from './values.js'
export { discrete, range, isValidValue, paramValues, formatParam } from './params.js'
export type { Param, Params, DiscreteParam, RangeParam } from './params.js'
export { minimize, maximize, validateStudy } from './study.js'
export type { Study, Objective, Direction, OracleSpec } from './study.js'
export { RunState, runName, stateName, runTrial } from './run.js'
export type { Run, NewRun, Metrics, RunConfig, RunOrigin } from './run.js'
export { trials, replicatedTrial } from './trial.js'
export type { Trial, ReplicateSet } from './trial.js'
export { grid, random, propose } from './oracle.js'
export type { Database, LogOptions, StudyInfo } from './database.js'
export { STALE_AFTER_MS } from './database.js'
export { DexieDatabase, openDatabase } from './dexie.js'
export type { DexieDatabaseOptions, RunRow } from './dexie.js'
export { DivinerError, isDivinerError } from './errors.js'
export type { ErrorCode } from './errors.js'
export { exportDump } from './dump/export.js'
export type { ExportOptions, DumpStream } from './dump/export.js'
export { importDump } from './dump/import.js'
export type { ImportOptions, ImportProgress, ImportSummary, Rejection } from './dump/import.js'
export { DUMP_FORMAT, DUMP_VERSION } from './dump/codec.js'
export type { Checkpoint, DumpHeader } from './dump/codec.js'
