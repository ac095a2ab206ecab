import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { decodeHistories, encodeHistories } from '../../../src/db/store/history-columns.js'

/** A metrics entry: a few keys (shared names make shapes repeat, in any order), any doubles. */
const entry = fc.dictionary(fc.constantFrom('loss', 'acc', 'step', '__proto__', 'a b', ''), fc.double(), { maxKeys: 6 })

describe('history columns', () => {
  it('give back every history exactly: keys in order, values as stored, shapes changing or not', () => {
    fc.assert(fc.property(fc.array(fc.array(entry, { maxLength: 30 }), { maxLength: 12 }), (histories) => {
      const back = decodeHistories(encodeHistories(histories))
      expect(back.map((h) => h.map((m) => Object.entries(m)))).toEqual(histories.map((h) => h.map((m) => Object.entries(m))))
    }), { numRuns: 300 })
  })
})
