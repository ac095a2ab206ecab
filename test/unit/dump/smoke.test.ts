import { describe, expect, it } from 'vitest'
import { importDump } from '../../../src/db/merge/import.js'
import { RunState } from '../../../src/db/model/run.js'
import { discrete } from '../../../src/db/model/params.js'
import { minimize } from '../../../src/db/model/study.js'
import { float, int } from '../../../src/db/model/values.js'
import { dumpBytes, freshDb, rawSnapshot } from './helpers.js'

describe('dump smoke', () => {
  it('round-trips a small database', async () => {
    const a = await freshDb()
    await a.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2)) } })
    const r = await a.insertRun({ study: 's', values: { x: int(1) } })
    for (let i = 0; i < 300; i++) await a.appendRunMetrics('s', r.seq, { loss: i === 5 ? NaN : 1 / (i + 1) })
    await a.appendLog('s', r.seq, [{ t: 1000, text: 'hello\n' }, { t: 2000, text: 'wörld\n' }])
    await a.updateRun('s', r.seq, RunState.Success, 'done', 42, 0)
    await a.insertRun({ study: 's', values: { x: float(2) } })
    const bytes = await dumpBytes(a)
    const b = await freshDb()
    const summary = await importDump(b, bytes)
    expect(summary.runs).toEqual({ added: 2, updated: 0, unchanged: 0, rejected: 0 })
    expect(summary.studies.added).toBe(1)
    expect(await rawSnapshot(b)).toEqual(await rawSnapshot(a))
    const again = await importDump(b, bytes)
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 2, rejected: 0 })
    expect(again.studies).toEqual({ added: 0, updated: 0, unchanged: 1, conflicts: 0 })
  })

  it('exports a study definition alone, for a runner elsewhere', async () => {
    const a = await freshDb()
    await a.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2)) }, description: 'd' })
    await a.insertRun({ study: 's', values: { x: int(1) } })
    const b = await freshDb()
    const summary = await importDump(b, await dumpBytes(a, { studies: ['s'], definitionsOnly: true }))
    expect(summary.studies.added).toBe(1)
    expect(summary.runs.added).toBe(0)
    expect((await b.lookupStudy('s')).description).toBe('d')
    expect(await b.listRuns('s', RunState.Any)).toEqual([])
  })
})
