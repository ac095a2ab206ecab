import { describe, expect, it } from 'vitest'
import type { Metrics } from '../../../src/db/model/run.js'
import { chartData, chosenMetrics, chosenParam, metricNames, metricsText } from '../../../src/ui/run/metrics.js'

const history: Metrics[] = [
  { loss: 0.9, acc: 0.5 },
  { loss: 1e-7, 'a,b': 2 },
  { loss: NaN, acc: Infinity },
  { acc: -Infinity, loss: 1e21 },
]

describe('metricsText', () => {
  it('writes TSV as Diviner\'s metrics command: sorted names, plain decimals, NA where missing', () => {
    expect(metricsText(history, '\t')).toBe([
      'a,b\tacc\tloss',
      'NA\t0.5\t0.9',
      '2\tNA\t0.0000001',
      'NA\t+Inf\tNaN',
      'NA\t-Inf\t1000000000000000000000',
      '',
    ].join('\n'))
  })

  it('writes a run\'s steps as the first column, never as a metric', () => {
    const optuna: Metrics[] = [{ step: 0, value: 0.5 }, { step: 1, value: 0.25 }, { value: 0.2 }]
    expect(metricsText(optuna, '\t')).toBe('step\tvalue\n0\t0.5\n1\t0.25\n1\t0.2\n')
    expect(metricNames(optuna)).toEqual(['value'])
    expect(chartData(optuna, ['value'])).toEqual([[0, 1, 1], [0.5, 0.25, 0.2]])
  })

  it('writes CSV, quoting a name that holds a comma', () => {
    expect(metricsText(history, ',').split('\n')[0]).toBe('"a,b",acc,loss')
    expect(metricsText([], ',')).toBe('\n')
  })
})

describe('chart data', () => {
  it('lists report indices and one series per name, with gaps for missing and non-finite values', () => {
    expect(metricNames(history)).toEqual(['a,b', 'acc', 'loss'])
    expect(chartData(history, ['acc', 'loss'])).toEqual([[0, 1, 2, 3], [0.5, null, null, null], [0.9, 1e-7, null, 1e21]])
  })

  it('keeps the chosen metrics in the query', () => {
    const names = ['acc', 'loss', 'lr']
    expect(chosenMetrics(names, '')).toEqual(names)
    expect(chosenMetrics(names, 'none')).toEqual([])
    expect(chosenMetrics(names, 'lr,acc,gone')).toEqual(['acc', 'lr'])
    expect(chosenParam(names, names)).toBe('')
    expect(chosenParam(names, [])).toBe('none')
    expect(chosenParam(names, ['acc', 'lr'])).toBe('acc,lr')
  })
})
