/**
 * Where runs' histories sit in a study's summary (src/db/store/history-places.ts):
 * whatever the seqs (small, huge, negative, fractional), a place set is the
 * place read back until it is forgotten or set anew.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { HistoryPlaces } from '../../../src/db/store/history-places.js'

const seq = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 40 }), fc.integer({ min: -5, max: -1 }), fc.double({ noNaN: true, noDefaultInfinity: true }))
const op = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), seq, segment: fc.nat(1000), position: fc.nat(10_000) }),
  fc.record({ kind: fc.constant('forget' as const), seq }),
)

describe('history places', () => {
  it('reads back the last place set of each seq, or none once forgotten', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 50 }), fc.array(op, { maxLength: 60 }), (limit, ops) => {
      const places = new HistoryPlaces(limit)
      const want = new Map<number, { segment: number; position: number }>()
      for (const o of ops) {
        if (o.kind === 'set') {
          places.set(o.seq, o.segment, o.position)
          want.set(o.seq, { segment: o.segment, position: o.position })
        } else {
          places.forget(o.seq)
          want.delete(o.seq)
        }
      }
      for (const o of ops) {
        const w = want.get(o.seq)
        expect(places.segmentOf(o.seq)).toBe(w ? w.segment : -1)
        if (w) expect(places.positionOf(o.seq)).toBe(w.position)
      }
    }))
  })
})
