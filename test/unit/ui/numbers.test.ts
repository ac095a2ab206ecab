/**
 * formatCount writes whole numbers without Intl (whose first use costs a
 * main-thread task): the same text as `toLocaleString('en-US')`.
 */
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { formatCount } from '../../../src/ui/shell/numbers.js'

it('formatCount writes any number as toLocaleString("en-US") does', () => {
  for (const n of [0, 7, 999, 1000, 12_345, 1_000_000, -1234, -999, Number.MAX_SAFE_INTEGER, 1234.5678, Infinity]) {
    expect(formatCount(n)).toBe(n.toLocaleString('en-US'))
  }
  fc.assert(fc.property(fc.maxSafeInteger(), (n) => formatCount(n) === n.toLocaleString('en-US')))
})

it('formatCount writes bigints (a plan of more combinations than 2^53) as toLocaleString("en-US") does', () => {
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), (n) => formatCount(n) === n.toLocaleString('en-US')))
})
