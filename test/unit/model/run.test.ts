import { describe, expect, it } from 'vitest'
import { DivinerError } from '../../../src/db/model/errors.js'
import { parseStates, runName, RunState, stateName } from '../../../src/db/model/run.js'
import { runTrial } from '../../../src/db/model/trial.js'
import { replicateSetList } from '../../../src/db/model/trial.js'
import { float, str } from '../../../src/db/model/values.js'
import { makeRun } from './fixtures.js'

describe('runName', () => {
  it('is study:seq', () => {
    expect(runName({ study: 'mnist', seq: 12 })).toBe('mnist:12')
    expect(runName(makeRun({ study: 'a:b', seq: 1 }))).toBe('a:b:1')
  })
})

describe('stateName', () => {
  it("matches Go's RunState.String()", () => {
    expect(stateName(0)).toBe('unknown')
    expect(stateName(RunState.Pending)).toBe('pending')
    expect(stateName(RunState.Success)).toBe('success')
    expect(stateName(RunState.Failure)).toBe('failure')
    expect(stateName(RunState.Any)).toBe('INVALID')
    expect(stateName(RunState.Pending | RunState.Success)).toBe('INVALID')
    expect(stateName(8)).toBe('INVALID')
  })
})

describe('parseStates', () => {
  it('unions the named states', () => {
    expect(parseStates('pending')).toBe(RunState.Pending)
    expect(parseStates('success', 'failure')).toBe(RunState.Success | RunState.Failure)
    expect(parseStates('Pending, SUCCESS')).toBe(RunState.Pending | RunState.Success)
    expect(parseStates('any')).toBe(RunState.Any)
    expect(parseStates()).toBe(0)
  })

  it('rejects an unknown name', () => {
    expect(() => parseStates('done')).toThrow(DivinerError)
    expect(() => parseStates('toString')).toThrow(/unknown run state "toString"/)
  })
})

describe('runTrial', () => {
  const values = { lr: float(0.1), opt: str('adam') }

  it("uses the run's last metrics entry", () => {
    const run = makeRun({ values, replicate: 3, metrics: [{ loss: 3 }, { loss: 2, acc: 0.5 }] })
    const t = runTrial(run)
    expect(t.values).toBe(values)
    expect(t.metrics).toEqual({ loss: 2, acc: 0.5 })
    expect(replicateSetList(t.replicates)).toEqual([3])
    expect([...t.replicateMetrics]).toEqual([[3, { loss: 2, acc: 0.5 }]])
    expect(t.runs).toEqual([run])
  })

  it('has no metrics for a run that reported none', () => {
    expect(runTrial(makeRun({ metrics: [] })).metrics).toEqual({})
  })

  it('is pending unless the run succeeded', () => {
    expect(runTrial(makeRun({ state: RunState.Success })).pending).toBe(false)
    expect(runTrial(makeRun({ state: RunState.Pending })).pending).toBe(true)
    expect(runTrial(makeRun({ state: RunState.Failure })).pending).toBe(true)
  })

  it('keeps NaN and infinite metrics', () => {
    const t = runTrial(makeRun({ metrics: [{ loss: NaN, grad: -Infinity }] }))
    expect(t.metrics['loss']).toBeNaN()
    expect(t.metrics['grad']).toBe(-Infinity)
  })
})
