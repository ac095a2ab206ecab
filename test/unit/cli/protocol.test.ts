import { describe, expect, it } from 'vitest'
import { classify, LineSplitter, parseGoDuration, parseMetricsLine } from '../../../src/cli/runner/protocol.js'
import { alignColumns, formatDecimal, formatDuration, formatG } from '../../../src/cli/output.js'

describe('the black-box protocol', () => {
  it('cuts output into lines; a lone \\r ends a progress line, \\r\\n a plain one, even across chunks', () => {
    const s = new LineSplitter()
    expect(s.push('a\nb\r')).toEqual([{ text: 'a', progress: false }])
    expect(s.push('\nep 1 [#  ]\rep 1 [## ]\r')).toEqual([
      { text: 'b', progress: false }, { text: 'ep 1 [#  ]', progress: true },
    ])
    expect(s.push('x')).toEqual([{ text: 'ep 1 [## ]', progress: true }])
    expect(s.end()).toEqual([{ text: 'x', progress: false }])
  })

  it('reads METRICS lines as Diviner does, NaN and ±Inf included', () => {
    expect(classify('METRICS: acc=0.91,loss=0.23')).toEqual({ kind: 'metrics', metrics: { acc: 0.91, loss: 0.23 } })
    expect(parseMetricsLine('loss=NaN,x=+Inf,y=-inf,,z=1e-3')).toMatchObject({ kind: 'metrics', metrics: { loss: NaN, x: Infinity, y: -Infinity, z: 0.001 } })
  })

  it('reports a malformed METRICS line with the reason', () => {
    expect(classify('METRICS: acc')).toMatchObject({ kind: 'bad-metrics', reason: expect.stringContaining('"acc" is not name=value') })
    expect(classify('METRICS: acc=high')).toMatchObject({ kind: 'bad-metrics', reason: expect.stringContaining('not a number') })
    expect(classify('METRICS: ')).toMatchObject({ kind: 'bad-metrics' })
  })

  it('reads DIVINER: keepalive=DURATION in Go duration syntax', () => {
    expect(classify('DIVINER: keepalive=90s')).toEqual({ kind: 'keepalive', ms: 90_000 })
    expect(classify('DIVINER: keepalive=forever')).toMatchObject({ kind: 'bad-directive' })
    expect(classify('DIVINER: retry=3')).toMatchObject({ kind: 'bad-directive' })
    expect(classify('plain output')).toEqual({ kind: 'output' })
  })

  it('parses Go durations', () => {
    expect(parseGoDuration('1h30m')).toBe(5_400_000)
    expect(parseGoDuration('1.5h')).toBe(5_400_000)
    expect(parseGoDuration('300ms')).toBe(300)
    expect(parseGoDuration('2m3.5s')).toBe(123_500)
    expect(parseGoDuration('0')).toBe(0)
    expect(parseGoDuration('90')).toBeUndefined()
    expect(parseGoDuration('5 m')).toBeUndefined()
  })
})

describe('output as Diviner prints it', () => {
  it('formats %.4g and %.3g as Go does', () => {
    expect(formatG(0.23456789, 4)).toBe('0.2346')
    expect(formatG(1234567, 4)).toBe('1.235e+06')
    expect(formatG(0.00001234, 3)).toBe('1.23e-05')
    expect(formatG(100, 4)).toBe('100')
    expect(formatG(NaN, 4)).toBe('NaN')
    expect(formatG(-Infinity, 4)).toBe('-Inf')
  })

  it('formats floats as the shortest decimal without an exponent (FormatFloat f -1)', () => {
    expect(formatDecimal(1e-7)).toBe('0.0000001')
    expect(formatDecimal(1.5e21)).toBe('1500000000000000000000')
    expect(formatDecimal(0.1)).toBe('0.1')
    expect(formatDecimal(-2.5e-8)).toBe('-0.000000025')
    expect(formatDecimal(Infinity)).toBe('+Inf')
  })

  it('formats durations as Go does', () => {
    expect(formatDuration(0)).toBe('0s')
    expect(formatDuration(150)).toBe('150ms')
    expect(formatDuration(61_500)).toBe('1m1.5s')
    expect(formatDuration(3_723_000)).toBe('1h2m3s')
  })

  it('aligns tab-separated columns as text/tabwriter (minwidth 4, padding 1)', () => {
    expect(alignColumns('a\tbb\tc\nlonger\tx\ty')).toBe('a      bb  c\nlonger x   y')
  })
})
