/**
 * formatCount writes whole numbers without Intl (whose first use costs a
 * main-thread task): the same text as `toLocaleString('en-US')`.
 */
import fc from 'fast-check'
import { afterEach, expect, it, vi } from 'vitest'
import { formatCount } from '../../../src/ui/shell/numbers.js'

it('formatCount writes any number as toLocaleString("en-US") does', () => {
  for (const n of [0, 7, 999, 1000, 12_345, 1_000_000, -1234, -999, Number.MAX_SAFE_INTEGER, 1234.5678, Infinity]) {
    expect(formatCount(n)).toBe(n.toLocaleString('en-US'))
  }
  fc.assert(fc.property(fc.maxSafeInteger(), (n) => formatCount(n) === n.toLocaleString('en-US')))
})

afterEach(() => {
  vi.restoreAllMocks()
})

it('formatCount writes bigints (a plan of more combinations than 2^53) as toLocaleString("en-US") does, without Intl', () => {
  fc.assert(fc.property(fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }), (n) => {
    const want = n.toLocaleString('en-US')
    const intl = vi.spyOn(BigInt.prototype, 'toLocaleString')
    try {
      return formatCount(n) === want && intl.mock.calls.length === 0
    } finally {
      intl.mockRestore()
    }
  }))
})

it('formatCount uses no Intl for whole numbers', () => {
  const intl = vi.spyOn(Number.prototype, 'toLocaleString')
  expect([0, 999, 1000, -1234, Number.MAX_SAFE_INTEGER].map(formatCount)).toEqual(['0', '999', '1,000', '-1,234', '9,007,199,254,740,991'])
  expect(intl).not.toHaveBeenCalled()
})
