import { describe, expect, it } from 'vitest'
import type { Metrics } from '../../../src/db/model/run.js'
import { float, int, str, type Values } from '../../../src/db/model/values.js'
import {
  boardView, constantColumns, hiddenNote, lackingNote, matchAndSort, parseObjective,
} from '../../../src/ui/study/leaderboard.js'

describe('parseObjective', () => {
  it('reads overrides as Diviner does', () => {
    expect(parseObjective('')).toEqual({})
    expect(parseObjective('  ')).toEqual({})
    expect(parseObjective('-loss')).toEqual({ spec: '-loss' })
    expect(parseObjective('+acc')).toEqual({ spec: '+acc' })
    expect(parseObjective('acc')).toEqual({ spec: '+acc' })
    expect(parseObjective('-').error).toMatch(/name a metric/)
  })
})

describe('matchAndSort', () => {
  const names = ['lr', 'batch', 'optimizer', 'momentum', 'layers']
  it('groups by the first expression matched, sorted within a group, in list order', () => {
    expect(matchAndSort(names, 'o,^l')).toEqual(['momentum', 'optimizer', 'layers', 'lr'])
    expect(matchAndSort(names, '.')).toEqual(['batch', 'layers', 'lr', 'momentum', 'optimizer'])
    expect(matchAndSort(names, '^lr$')).toEqual(['lr'])
  })
  it('matches nothing for a blank list, and throws on a bad expression', () => {
    expect(matchAndSort(names, '')).toEqual([])
    expect(() => matchAndSort(names, '(')).toThrow(SyntaxError)
  })
})

describe('constantColumns', () => {
  const t = (values: Values) => ({ values })
  it('finds names whose value is the same (kind-aware) in every trial', () => {
    const trials = [t({ opt: str('adam'), lr: float(0.1), n: int(1) }), t({ opt: str('adam'), lr: float(0.2), n: float(1) })]
    expect(constantColumns(trials, ['lr', 'n', 'opt'])).toEqual([{ name: 'opt', value: str('adam') }])
    expect(hiddenNote(constantColumns(trials, ['lr', 'n', 'opt']))).toBe('hidden: opt=adam (constant)')
  })
  it('hides nothing for one trial, or a name some trial lacks', () => {
    expect(constantColumns([t({ opt: str('adam') })], ['opt'])).toEqual([])
    expect(constantColumns([t({ opt: str('adam') }), t({})], ['opt'])).toEqual([])
    expect(hiddenNote([])).toBe('')
  })
})

describe('lackingNote', () => {
  it('counts trials lacking the objective', () => {
    expect(lackingNote(0, 'acc')).toBe('')
    expect(lackingNote(1, 'acc')).toBe('1 trial lacks acc')
    expect(lackingNote(3, 'acc')).toBe('3 trials lack acc')
  })
})

describe('boardView', () => {
  const ranked: { values: Values; metrics: Metrics }[] = [
    { values: { lr: float(0.1), opt: str('adam'), bs: int(32) }, metrics: { acc: 0.9, loss: 0.2, f1: 0.7 } },
    { values: { lr: float(0.01), opt: str('adam'), bs: int(64) }, metrics: { acc: 0.8, loss: 0.3 } },
    { values: { lr: float(1), opt: str('adam'), bs: int(32) }, metrics: { acc: 0.5 } },
    { values: { lr: float(2), opt: str('sgd'), bs: int(32) }, metrics: { loss: 9 } },
  ]
  const options = { top: 20, values: '.*', metrics: '', showConstant: false }

  it('shows trials having the objective, hides constant values, and picks metrics', () => {
    const v = boardView(ranked, 'acc', { ...options, metrics: 'loss,f' })
    expect(v.shown).toEqual(ranked.slice(0, 3))
    expect(v.values).toEqual(['bs', 'lr'])
    expect(v.hidden).toEqual([{ name: 'opt', value: str('adam') }])
    expect(v.metrics).toEqual(['loss', 'f1'])
  })

  it('takes the top N, which may make more columns constant', () => {
    const v = boardView(ranked, 'acc', { ...options, top: 1 })
    expect(v.shown).toHaveLength(1)
    expect(v.values).toEqual(['bs', 'lr', 'opt'])
    const two = boardView(ranked, 'acc', { ...options, top: 2, values: 'lr,opt' })
    expect(two.values).toEqual(['lr'])
    expect(two.hidden.map((h) => h.name)).toEqual(['opt'])
  })

  it('shows constant columns when asked, and all trials for N = 0', () => {
    const v = boardView(ranked, 'loss', { ...options, top: 0, showConstant: true })
    expect(v.shown).toHaveLength(3)
    expect(v.values).toEqual(['bs', 'lr', 'opt'])
    expect(v.hidden).toEqual([])
  })
})
