/**
 * What an export reads of the IndexedDB store: pages of runs with their whole
 * histories, each page in one read transaction.
 */
import { Dexie } from 'dexie'
import { notExist } from '../model/errors.js'
import { withoutOrigins, type ExportRun, type ExportView } from '../dump/export.js'
import type { StoredStudy, Tombstone } from '../dump/records.js'
import { tombstones } from './dexie-tombstones.js'
import type { DexieConnection } from './connection.js'
import type { RunRecord } from './schema.js'

/** The export view of a Dexie database. */
export class DexieExportView implements ExportView {
  constructor(private readonly db: DexieConnection) {}

  id(): Promise<string> { return this.db.id() }
  clock(): number { return this.db.clock() }

  changeCounter(): Promise<number> {
    return this.db.guard(async () => {
      const r = await this.db.dexie.meta.get('rev')
      return r?.key === 'rev' ? r.n : 0
    })
  }

  studyNames(): Promise<string[]> {
    return this.db.guard(() => this.db.dexie.studies.toCollection().primaryKeys())
  }

  study(name: string): Promise<StoredStudy | undefined> {
    return this.db.guard(() => this.db.dexie.studies.get(name))
  }

  runPage(study: string, afterSeq: number, limit: number, skip?: ReadonlySet<string>): Promise<{ runs: ExportRun[]; last: number }> {
    return this.read(async () => {
      const runs = await this.db.dexie.runs.where('[study+seq]').between([study, afterSeq + 1], [study, Dexie.maxKey]).limit(limit).toArray()
      return { runs: await this.withHistories(withoutOrigins(runs, skip)), last: runs.at(-1)?.seq ?? afterSeq }
    })
  }

  namedRuns(names: readonly { study: string; seq: number }[]): Promise<ExportRun[]> {
    return this.read(async () => {
      const runs: RunRecord[] = []
      for (const { study, seq } of names) {
        const run = await this.db.findRun(study, seq)
        if (!run) throw notExist(`no run ${study}:${seq}`)
        runs.push(run)
      }
      return this.withHistories(runs.map((run) => ({ run, bare: false })))
    })
  }

  changedStudies(since: number): Promise<StoredStudy[]> {
    return this.db.guard(() => this.db.dexie.studies.where('rev').above(since).toArray())
  }

  changedRuns(after: number, limit: number, skip?: ReadonlySet<string>): Promise<{ runs: ExportRun[]; last: number }> {
    return this.read(async () => {
      const runs = await this.db.dexie.runs.where('rev').above(after).limit(limit).toArray()
      return { runs: await this.withHistories(withoutOrigins(runs, skip)), last: runs.at(-1)?.rev ?? after }
    })
  }

  tombstones(since?: number): Promise<Tombstone[]> {
    return tombstones(this.db, since)
  }

  private read<T>(work: () => Promise<T>): Promise<T> {
    const d = this.db.dexie
    return this.db.guard(() => d.transaction('r', [d.studies, d.runs, d.metricChunks, d.logChunks], work))
  }

  /** The runs with their whole histories and logs (a bare run with neither). Awaits only IndexedDB: a long run of other awaits loses the transaction. */
  private async withHistories(runs: readonly { readonly run: RunRecord; readonly bare: boolean }[]): Promise<ExportRun[]> {
    const out: ExportRun[] = []
    for (const { run, bare } of runs) {
      if (bare) { out.push({ run, metrics: [], log: [] }); continue }
      const metrics = run.mSealed ? [...(await this.db.sealedMetrics(run)), ...run.mTail] : run.mTail
      const log = run.lSealed ? [...(await this.db.sealedLog(run)), ...run.lTail] : run.lTail
      out.push({ run, metrics, log })
    }
    return out
  }
}
