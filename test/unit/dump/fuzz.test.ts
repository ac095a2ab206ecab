/**
 * A fixed-seed fuzz of import (fuzz-cases.ts, fuzz-run.ts): dumps derived from
 * valid ones with every kind of damage either import without losing anything
 * or are refused with bad-dump / unsupported-version naming a line, leaving the
 * database exactly as it was; never another exception, never a hang.
 *
 * `npm run fuzz` runs the same with 10,000 cases (FUZZ_CASES, FUZZ_SEED set
 * them) and prints the outcomes by kind.
 */
import { describe, expect, it } from 'vitest'
import { MUTATION_KINDS } from './fuzz-cases.js'
import { runFuzz } from './fuzz-run.js'

const full = process.env['FUZZ_CASES'] !== undefined
const CASES = full ? Number(process.env['FUZZ_CASES']) : 500
const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : 20240601

describe('import fuzz', () => {
  it(`${CASES} damaged dumps (seed ${SEED}) import without loss or are refused cleanly`, { timeout: full ? 0 : 120_000 }, async () => {
    expect(Number.isInteger(CASES) && CASES > 0, 'FUZZ_CASES must be a positive integer').toBe(true)
    const report = await runFuzz({ cases: CASES, seed: SEED })
    if (full) {
      const rows = Object.entries(report.outcomes).sort(([a], [b]) => a.localeCompare(b))
        .map(([kind, o]) => `  ${kind.padEnd(14)} imported ${String(o.imported).padStart(5)}  refused ${String(o.refused).padStart(5)}  failed ${String(o.failed).padStart(4)}`)
      const total = Object.values(report.outcomes).reduce((s, o) => ({ imported: s.imported + o.imported, refused: s.refused + o.refused, failed: s.failed + o.failed }), { imported: 0, refused: 0, failed: 0 })
      console.log([`import fuzz: ${report.cases} cases, seed ${report.seed}`, ...rows,
        `  total          imported ${total.imported}  refused ${total.refused}  failed ${total.failed}`,
        ...report.failures.slice(0, 50).map((f) => `  FAIL ${f}`)].join('\n'))
    }
    expect(report.failures).toEqual([])
    // Every kind of damage was tried, and both outcomes occur.
    if (CASES >= 300) expect(Object.keys(report.outcomes).sort()).toEqual([...MUTATION_KINDS].sort())
    const counts = Object.values(report.outcomes)
    expect(counts.reduce((s, o) => s + o.refused, 0)).toBeGreaterThan(CASES / 4)
    expect(counts.reduce((s, o) => s + o.imported, 0)).toBeGreaterThan(0)
  })
})
