/**
 * The shapes of import and export as the worker API gives them, derived from
 * its implementation (never copied by hand).
 */
import type { WorkerApi } from '../../worker/api.js'

/** What an import did: counts, conflicts and rejected runs with reasons. */
export type ImportSummary = Awaited<ReturnType<WorkerApi['importDump']>>

/** How far an import has got (`bytesRead` of `bytesTotal`, records applied). */
export type ImportProgress = Parameters<NonNullable<Parameters<WorkerApi['importDump']>[1]>>[0]

/** A finished export: the dump, its file name, and where a later delta starts. */
export type ExportResult = Awaited<ReturnType<WorkerApi['exportDump']>>

/** What to export: everything (no fields), chosen studies or runs, or changes since a checkpoint. */
export type ExportOptions = Parameters<WorkerApi['exportDump']>[0]

/** How far an export has got. */
export type ExportProgress = Parameters<NonNullable<Parameters<WorkerApi['exportDump']>[1]>>[0]

/** A point in this database's history; changes after it go into the next delta. */
export type Checkpoint = ExportResult['checkpoint']
