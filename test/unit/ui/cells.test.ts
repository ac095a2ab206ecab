import { describe, expect, it } from 'vitest'
import { fileSafe, formatFloatPlain, formatMetric, formatOracle, formatRuntime } from '../../../src/ui/study/cells.js'

describe('formatRuntime', () => {
  it('writes durations as Go does, truncated to seconds', () => {
    expect(formatRuntime(0)).toBe('0s')
    expect(formatRuntime(59_999)).toBe('59s')
    expect(formatRuntime(65_000)).toBe('1m5s')
    expect(formatRuntime(3_723_000)).toBe('1h2m3s')
    expect(formatRuntime(3_600_000)).toBe('1h0m0s')
  })
})

describe('formatMetric', () => {
  it('writes significant digits like %.4g', () => {
    expect(formatMetric(0.123456)).toBe('0.1235')
    expect(formatMetric(12)).toBe('12')
    expect(formatMetric(1234.5)).toBe('1235')
    expect(formatMetric(12345.6)).toBe('1.235e+04'.replace('e+04', 'e+4'))
    expect(formatMetric(0.00001234)).toBe('1.234e-5')
    expect(formatMetric(0.0001)).toBe('0.0001')
    expect(formatMetric(-2.5)).toBe('-2.5')
    expect(formatMetric(0)).toBe('0')
    expect(formatMetric(NaN)).toBe('NaN')
    expect(formatMetric(Infinity)).toBe('+Inf')
    expect(formatMetric(-Infinity)).toBe('-Inf')
    expect(formatMetric(0.9, 6)).toBe('0.9')
  })
})

describe('formatFloatPlain', () => {
  it('writes the shortest round-tripping digits, never in exponent form', () => {
    expect(formatFloatPlain(0.1)).toBe('0.1')
    expect(formatFloatPlain(1e-7)).toBe('0.0000001')
    expect(formatFloatPlain(-1.5e-7)).toBe('-0.00000015')
    expect(formatFloatPlain(1e21)).toBe('1000000000000000000000')
    expect(formatFloatPlain(1.25e22)).toBe('12500000000000000000000')
    expect(formatFloatPlain(3)).toBe('3')
    for (const x of [1e-7, 1.2345e-9, 6.02e23, 5e-324]) expect(Number(formatFloatPlain(x))).toBe(x)
  })
})

describe('formatOracle and fileSafe', () => {
  it('names oracles', () => {
    expect(formatOracle(undefined)).toBe('grid')
    expect(formatOracle({ name: 'random', seed: 7 })).toBe('random (seed 7)')
    expect(formatOracle({ name: 'skopt', acq: 'EI' })).toBe('skopt {"acq":"EI"}')
  })
  it('makes file names', () => {
    expect(fileSafe('a/b c:1')).toBe('a_b_c_1')
  })
})
