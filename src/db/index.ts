/**
 * The entry point for code that runs without the page (tests, tools, Node): the
 * public names of SPEC §6.
 */
export {
  int, float, str, bool, list, dict, valuesEqual, valueEqual, compareValues, compareValueSets,
  valueKey, valuesKey, formatValue,
} from './model/values.js'
export type { Value, ValueKind, Values, IntValue, FloatValue, StringValue, BoolValue, ListValue, DictValue } from './model/values.js'
export { discrete, range, logRange, isValidValue, paramValues, formatParam } from './model/params.js'
export type { Param, Params, DiscreteParam, RangeParam } from './model/params.js'
export { minimize, maximize, validateStudy } from './model/study.js'
export type { Study, Objective, Direction, OracleSpec } from './model/study.js'
export { RunState, runName, stateName } from './model/run.js'
export type { Run, NewRun, Metrics, RunConfig, RunOrigin } from './model/run.js'
export { trials, replicatedTrial, runTrial } from './model/trial.js'
export type { Trial, ReplicateSet } from './model/trial.js'
export { grid, random, propose } from './model/oracle.js'
export type { Database, LogOptions, StudyInfo } from './model/database.js'
export { STALE_AFTER_MS } from './model/database.js'
export { DexieDatabase, openDatabase } from './store/dexie-database.js'
export type { DexieDatabaseOptions } from './store/dexie-database.js'
export type { RunRow } from './model/run.js'
export { DivinerError, isDivinerError } from './model/errors.js'
export type { ErrorCode } from './model/errors.js'
export { exportDump } from './dump/export.js'
export type { ExportOptions, DumpStream } from './dump/export.js'
export { importDump } from './merge/import.js'
export type { ImportOptions, ImportProgress, ImportSummary, Rejection } from './merge/import.js'
export { DUMP_FORMAT, DUMP_VERSION } from './dump/records.js'
export type { Checkpoint, DumpHeader } from './dump/records.js'
