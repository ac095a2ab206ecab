/**
 * Export → import into an empty database is lossless: every value kind, special
 * floats, unicode, long histories and logs, every run field; ids and seqs kept.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { importDump } from '../../../src/db/merge/import.js'
import { discrete, range } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { LOG_CHUNK_CHARS, LOG_CHUNK_ENTRIES, METRIC_CHUNK } from '../../../src/db/store/schema.js'
import { maximize } from '../../../src/db/model/study.js'
import { bool, dict, float, int, list, str } from '../../../src/db/model/values.js'
import { build, dbPlan, grow, type DbPlan } from './gen.js'
import { Clock, dumpBytes, dumpLines, freshDb, gzLines, headerLine, metricsLine, rawSnapshot, runLine, studyLine } from './helpers.js'

/** Builds `plan` in a database, exports it, imports the dump into an empty one, and compares. */
async function roundTrip(plan: DbPlan): Promise<void> {
  const clock = new Clock()
  const a = await freshDb('src', clock)
  const b = await freshDb('dst', clock)
  try {
    const runs = await build(a, clock, plan)
    const summary = await importDump(b, await dumpBytes(a))
    expect(summary.runs).toEqual({ added: runs.length, updated: 0, unchanged: 0, rejected: 0 })
    expect(summary.studies).toEqual({ added: plan.studies.length, updated: 0, unchanged: 0, conflicts: 0 })
    expect(summary.origins).toEqual([await a.id()])
    expect(await rawSnapshot(b)).toEqual(await rawSnapshot(a))
    // What a user sees through the API is the same too (the origin aside: it is shown for imported runs).
    for (const s of plan.studies) {
      const strip = (r: { origin?: unknown }) => ({ ...r, origin: undefined })
      expect((await b.listRuns(s.name, RunState.Any)).map(strip)).toEqual((await a.listRuns(s.name, RunState.Any)).map(strip))
    }
  } finally {
    a.close()
    b.close()
  }
}

describe('dump round trip', () => {
  it('lists a study of many imported runs, some with sealed histories (regression)', async () => {
    // listRuns once awaited a non-IndexedDB promise per run inside its transaction:
    // after about a hundred of them Dexie lost the transaction (PrematureCommitError).
    const lines = [headerLine(), studyLine('s')]
    for (let i = 0; i < 150; i++) lines.push(runLine(`r${i}`, 's', i + 1))
    lines.push(runLine('long', 's', 151), metricsLine('long', 0, Array.from({ length: METRIC_CHUNK + 1 }, (_, k) => ({ loss: k }))))
    const db = await freshDb('dst')
    await importDump(db, gzLines(lines))
    const runs = await db.listRuns('s', RunState.Any)
    expect(runs).toHaveLength(151)
    expect(runs.at(-1)?.metrics).toHaveLength(METRIC_CHUNK + 1)
    expect(dumpLines(await dumpBytes(db)).filter((l) => l['t'] === 'metrics')).toHaveLength(2)
  })

  it('keeps random databases unchanged (property)', async () => {
    await fc.assert(fc.asyncProperty(dbPlan(), roundTrip), { numRuns: 25 })
  })

  it('keeps a database with every kind of content unchanged', async () => {
    const clock = new Clock()
    const a = await freshDb('src', clock)
    await a.createStudyIfNotExist({
      name: 'sweep ✓', objective: maximize('acc'), replicates: 63, description: 'ünïcode 🎉\n', oracle: { name: 'vizier', budget: 3, nested: { a: [1, 'x'] } },
      params: {
        n: range(int(-(2n ** 63n)), int(2n ** 63n - 1n)), lr: range(-1.5, 2.25), opt: discrete(str('adam'), str('sgd')),
        f: discrete(float(-0), float(Number.NaN), float(Infinity)), b: discrete(bool(false), bool(true)),
        l: discrete(list(int(1), list()), list()), d: discrete(dict(Object.fromEntries([['__proto__', int(1)]])), dict({})),
      },
    })
    const proto = dict(Object.fromEntries([['__proto__', str('p')], ['constructor', list(float(-0))], ['', bool(true)]]))
    const values = {
      big: int(2n ** 63n - 1n), small: int(-(2n ** 63n)), nan: float(Number.NaN), inf: float(Infinity), ninf: float(-Infinity),
      nz: float(-0), s: str('日本語 \u0000 \ud800 "q"'), t: bool(true), nested: list(list(int(1), proto), dict({ x: list() })), proto,
    }
    const seqs: number[] = []
    for (const [state, i] of [[RunState.Pending, 0], [RunState.Success, 1], [RunState.Failure, 2], [RunState.Success, 3]] as const) {
      await a.nextSeq('sweep ✓') // leave gaps between seqs
      const run = await a.insertRun({ study: 'sweep ✓', values, replicate: i * 21, config: { script: '#!/bin/sh\necho ✓', localFiles: ['a.py'], datasets: [], extra: { k: [null, 1.5, 'x'] } } })
      seqs.push(run.seq)
      clock.tick()
      const metrics = Array.from({ length: i === 1 ? 2 * METRIC_CHUNK + 3 : i }, (_, k) => ({ loss: [Number.NaN, Infinity, -Infinity, -0, 0.5][k % 5] as number, acc: k }))
      const log = Array.from({ length: i === 1 ? LOG_CHUNK_ENTRIES + 5 : i }, (_, k) => ({ t: Date.UTC(2024, 0, 1) + k, text: `línea ${k} 🎉\n` }))
      if (i === 3) log.push({ t: -1, text: 'x'.repeat(LOG_CHUNK_CHARS) }, { t: 8.64e15, text: '\ud83d' }, { t: -8.64e15, text: 'end' })
      await grow(a, 'sweep ✓', run.seq, metrics, log)
      clock.tick(1)
      await a.updateRun('sweep ✓', run.seq, state, `state ${state} ✓`, i === 2 ? 1234.5 : i * 1000, i)
    }
    const bytes = await dumpBytes(a)
    const b = await freshDb('dst')
    await importDump(b, bytes)
    expect(await rawSnapshot(b)).toEqual(await rawSnapshot(a))
    expect((await b.listRuns('sweep ✓', RunState.Any)).map((r) => r.seq)).toEqual(seqs)
    // The dump writes the documented encodings.
    const run = dumpLines(bytes).find((l) => l['t'] === 'run') as { values: Record<string, unknown> }
    expect(run.values['big']).toEqual({ int: '9223372036854775807' })
    expect(run.values['nan']).toEqual({ float: 'NaN' })
    expect(run.values['ninf']).toEqual({ float: '-Infinity' })
    expect(run.values['nz']).toEqual({ float: '-0' })
  })
})
