/**
 * Log-scale ranges: a param attribute that dumps keep, Optuna's log=True maps
 * to, the random oracle samples log-uniformly, and the pictures draw on a log axis.
 */
import { describe, expect, it } from 'vitest'
import { trialTable } from '../../../src/db/analysis/table.js'
import { decodeRecord } from '../../../src/db/dump/decode.js'
import { encodeStudy } from '../../../src/db/dump/encode.js'
import { distributionParam, parseDistribution, widenParam } from '../../../src/db/optuna/distributions.js'
import { isDivinerError } from '../../../src/db/model/errors.js'
import { random } from '../../../src/db/model/oracle.js'
import { formatParam, isLogRange, logRange, paramsEqual, range, validateParam } from '../../../src/db/model/params.js'
import { minimize, studiesEquivalent, type Study } from '../../../src/db/model/study.js'
import { float, int, type FloatValue, type IntValue } from '../../../src/db/model/values.js'

const lr = logRange(1e-4, 0.1)

describe('log-scale ranges', () => {
  it('are ranges with an attribute, written logRange(…), and start above 0', () => {
    expect(lr).toEqual({ type: 'range', start: float(1e-4), end: float(0.1), log: true })
    expect(range(1e-4, 0.1)).not.toHaveProperty('log')
    expect(isLogRange(lr)).toBe(true)
    expect(formatParam(lr)).toBe('logRange(0.0001, 0.1)')
    expect(() => logRange(0, 1)).toThrow(/a log-scale range must start above 0/)
    expect(() => logRange(int(0), int(10))).toThrow(/must start above 0/)
    let error: unknown
    try { validateParam('lr', { ...range(1, 2), log: 'yes' } as never) } catch (e) { error = e }
    expect(isDivinerError(error, 'invalid')).toBe(true)
  })

  it('make a different study definition from the linear range of the same ends', () => {
    expect(paramsEqual(lr, logRange(1e-4, 0.1))).toBe(true)
    expect(paramsEqual(lr, range(1e-4, 0.1))).toBe(false)
    const a: Study = { name: 's', objective: minimize('loss'), params: { lr } }
    expect(studiesEquivalent(a, { ...a, params: { lr: range(1e-4, 0.1) } })).toBe(false)
  })

  it('travel in dumps as "log": true, and a dump without it reads as linear', () => {
    const study = { name: 's', objective: minimize('loss'), params: { lr, n: range(int(1), int(5)) }, replicates: 0, description: '', oracle: { name: 'grid' }, created: 0, counter: 0 }
    const line = encodeStudy(study)
    expect(JSON.parse(line).params.lr).toEqual({ type: 'range', start: { float: 1e-4 }, end: { float: 0.1 }, log: true })
    expect(JSON.parse(line).params.n).not.toHaveProperty('log')
    const back = decodeRecord(JSON.parse(line))
    expect(back).toMatchObject({ type: 'study', study: { params: { lr, n: range(int(1), int(5)) } } })
    expect(() => decodeRecord({ ...JSON.parse(line), params: { lr: { ...JSON.parse(line).params.lr, log: 1 } } })).toThrow(/log must be true or false/)
  })

  it('are what Optuna\'s log=True distributions become, and stay so when widened', () => {
    const f = distributionParam(parseDistribution('{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 0.1, "log": true}}'))
    expect(f).toMatchObject({ type: 'range', log: true })
    const i = distributionParam(parseDistribution('{"name": "IntDistribution", "attributes": {"log": true, "step": 1, "low": 16, "high": 256}}'))
    expect(i).toMatchObject({ type: 'range', start: int(16), end: int(257), log: true })
    expect(distributionParam(parseDistribution('{"name": "FloatDistribution", "attributes": {"step": null, "low": 0.0, "high": 1.0, "log": false}}'))).not.toHaveProperty('log')
    expect(widenParam(f, distributionParam(parseDistribution('{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-06, "high": 0.1, "log": true}}')))).toMatchObject({ log: true, start: float(1e-6) })
  })

  it('are sampled log-uniformly by the random oracle: as many draws in each decade', () => {
    const study: Study = { name: 's', objective: minimize('loss'), params: { lr, n: logRange(int(1), int(1001)) } }
    const draws = random(study, 7, 6000)
    const decades = [0, 0, 0]
    const ints = [0, 0, 0]
    for (const d of draws) {
      const x = (d.lr as FloatValue).value
      expect(x >= 1e-4 && x < 0.1).toBe(true)
      decades[Math.floor(Math.log10(x / 1e-4))]! += 1
      const n = Number((d.n as IntValue).value)
      expect(n >= 1 && n <= 1000).toBe(true)
      ints[Math.min(2, Math.floor(Math.log10(n)))]! += 1
    }
    // Each decade holds about a third (a linear draw would put 90% in the last).
    for (const c of decades) expect(c / draws.length).toBeGreaterThan(0.28)
    for (const c of decades) expect(c / draws.length).toBeLessThan(0.39)
    for (const c of ints) expect(c / draws.length).toBeGreaterThan(0.25)
  })

  it('are drawn on a log axis in the pictures, whatever their span', () => {
    const narrow = logRange(0.01, 0.05)
    const table = trialTable([{ values: { lr: float(0.01) }, metrics: { loss: 1 } }, { values: { lr: float(0.04) }, metrics: { loss: 2 } }], { lr: narrow }, minimize('loss'))
    expect(table.axes[0]).toMatchObject({ kind: 'numeric', log: true })
    const linear = trialTable([{ values: { lr: float(0.01) }, metrics: { loss: 1 } }, { values: { lr: float(0.04) }, metrics: { loss: 2 } }], { lr: range(0.01, 0.05) }, minimize('loss'))
    expect(linear.axes[0]).toMatchObject({ kind: 'numeric', log: false })
  })
})
