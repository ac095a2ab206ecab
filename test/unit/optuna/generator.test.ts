/**
 * Our Optuna journal generator (scripts/optuna-journal.mjs) against a journal
 * real Optuna wrote (test/fixtures/optuna/optuna-3.1-journal.log, the same
 * study run by test/fixtures/optuna/make_journal.py): the same op codes in the
 * same order, every record's keys in Optuna's order, numbers and times in
 * Python's text, the same distribution text, the same import; real Optuna
 * 3.1 separates items with ", " and ": " where the generator writes compact
 * JSON, as Optuna ≥ 4.0 does. Also: its output is deterministic and the same
 * as the generator it replaced (benchmark figures compare over time), and its
 * command line.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { importDump, type ImportSummary } from '../../../src/db/merge/import.js'
import { RunState, type Run } from '../../../src/db/model/run.js'
import type { Study } from '../../../src/db/model/study.js'
import { freshDb } from '../dump/helpers.js'

const GENERATOR = new URL('../../../scripts/optuna-journal.mjs', import.meta.url)
const REAL = new URL('../../fixtures/optuna/optuna-3.1-journal.log', import.meta.url)
/** The real journal's study: 5 trials of 3 intermediate values (make_journal.py). */
const REAL_TRIALS = 5
const REAL_STEPS = 3

/** What the generator module exports (a plain JS module: its types are stated here). */
interface Generator {
  writeOptunaJournal(file: string, options: { trials: number; steps?: number }): JournalSummary
  pythonFloat(x: number): string
  pythonIsoformat(micros: number): string
}
interface JournalSummary { file: string; study: string; trials: number; steps: number; bytes: number; lines: number }
const generator = (await import(GENERATOR.href)) as Generator

const dir = mkdtempSync(join(tmpdir(), 'optuna-generator-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The generator's journal of `trials` × `steps`, as text. */
function generate(trials: number, steps: number): string {
  const file = join(dir, `g-${trials}-${steps}.log`)
  generator.writeOptunaJournal(file, { trials, steps })
  return readFileSync(file, 'latin1')
}

/** The lines of a journal's text (each ends with a line end). */
function linesOf(text: string): string[] {
  expect(text.endsWith('\n')).toBe(true)
  return text.slice(0, -1).split('\n')
}

const real = linesOf(readFileSync(REAL, 'latin1'))
const ours = linesOf(generate(REAL_TRIALS, REAL_STEPS))

type Record = { readonly op_code: number; readonly [key: string]: unknown }
const parse = (line: string): Record => JSON.parse(line) as Record

/** A JSON token of a line: its kind and its exact text. */
interface Token { kind: 'space' | 'string' | 'number' | 'word' | 'punct'; text: string }
const TOKEN = /(\s+)|("(?:[^"\\]|\\.)*")|(-?(?:Infinity|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|NaN)|(true|false|null)|([{}[\],:])/y

/** The tokens of a JSON text (Python's json, so `NaN` and `±Infinity` too), whitespace included. */
function tokens(text: string): Token[] {
  const kinds = ['space', 'string', 'number', 'word', 'punct'] as const
  const out: Token[] = []
  TOKEN.lastIndex = 0
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex
    const m = TOKEN.exec(text)
    if (!m) throw new Error(`not JSON at ${at}: ${text.slice(at, at + 20)}`)
    const group = m.findIndex((g, i) => i > 0 && g !== undefined)
    out.push({ kind: kinds[group - 1] as Token['kind'], text: m[0] })
  }
  return out
}

/**
 * A line's shape: its tokens without whitespace, strings and numbers replaced
 * by their kind (`int` or `float` as Python prints them: a float has a point
 * or an exponent), keys kept.
 */
function shape(line: string): string {
  const ts = tokens(line).filter((t) => t.kind !== 'space')
  return ts.map((t, i) => {
    if (t.kind === 'string') return ts[i + 1]?.text === ':' ? t.text : 'str'
    if (t.kind === 'number') return /^-?\d+$/.test(t.text) ? 'int' : 'float'
    return t.text
  }).join('')
}

/** The lines of each op code (SET_TRIAL_PARAM lines by param name too), keyed `op` or `op:param`. */
function byKind(lines: readonly string[]): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const line of lines) {
    const r = parse(line)
    const key = r.op_code === 5 ? `5:${String(r.param_name)}` : String(r.op_code)
    out.set(key, [...(out.get(key) ?? []), line])
  }
  return out
}

describe('the Optuna journal generator against real Optuna', () => {
  it('writes the op codes Optuna writes for study.optimize(), in the same order', () => {
    const ops = (lines: readonly string[]) => lines.map((l) => parse(l).op_code)
    const perTrial = [4, 5, 5, 5, ...Array<number>(REAL_STEPS).fill(7), 6]
    expect(ops(real)).toEqual([0, ...Array.from({ length: REAL_TRIALS }, () => perTrial).flat()])
    expect(ops(ours)).toEqual(ops(real))
  })

  it('gives every record the keys of Optuna’s, in Optuna’s order, and values of the same types', () => {
    const mine = byKind(ours)
    const theirs = byKind(real)
    expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort())
    for (const [kind, lines] of theirs) {
      const keys = new Set(lines.map((l) => Object.keys(parse(l)).join(',')))
      expect(keys.size, kind).toBe(1)
      expect(new Set(mine.get(kind)?.map((l) => Object.keys(parse(l)).join(','))), kind).toEqual(keys)
      // Same shape: the same keys, the same kinds of values (a float printed as a float, an index as an int).
      const shapes = new Set(lines.map(shape))
      expect(shapes.size, kind).toBe(1)
      expect(new Set(mine.get(kind)?.map(shape)), kind).toEqual(shapes)
    }
    expect(shape(ours[2] as string)).toBe('{"op_code":int,"worker_id":str,"trial_id":int,"param_name":str,"param_value_internal":float,"distribution":str}')
  })

  it('writes compact JSON (Optuna ≥ 4.0) where Optuna 3.1 wrote ", " and ": " between items', () => {
    for (const line of ours) expect(tokens(line).filter((t) => t.kind === 'space')).toEqual([])
    for (const line of real) {
      const ts = tokens(line)
      ts.forEach((t, i) => {
        if (t.kind === 'space') expect([ts[i - 1]?.text, t.text]).toSatisfy(([before, space]) => (before === ',' || before === ':') && space === ' ')
        if (t.text === ',' || t.text === ':') expect(ts[i + 1]?.text).toBe(' ')
      })
    }
  })

  it('prints every number as Python does: floats as repr prints them, ints bare', () => {
    const numbers = (lines: readonly string[]) => lines.flatMap((line) => {
      const r = parse(line)
      const inner = typeof r.distribution === 'string' ? tokens(r.distribution) : []
      return [...tokens(line), ...inner].filter((t) => t.kind === 'number').map((t) => t.text)
    })
    const floats = (lines: readonly string[]) => numbers(lines).filter((t) => !/^-?\d+$/.test(t))
    // The real file checks pythonFloat against Python itself; then our lines are checked with it.
    expect(floats(real).length).toBeGreaterThan(40)
    expect(floats(real)).toContain('1.2620948285169303e-05') // an exponent form, besides the distribution's 1e-05
    for (const text of [...floats(real), ...floats(ours)]) expect(generator.pythonFloat(Number(text))).toBe(text)
    for (const text of numbers(ours).filter((t) => /^-?\d+$/.test(t))) expect(Number.isSafeInteger(Number(text))).toBe(true)
    // Python's own repr of these values (printed by python3's json.dumps).
    const python: [number, string][] = [
      [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [10, '10.0'], [-10, '-10.0'], [100, '100.0'], [0.5, '0.5'], [12345.678, '12345.678'],
      [1e-5, '1e-05'], [0.0001, '0.0001'], [3e-4, '0.0003'], [0.00011666128825437924, '0.00011666128825437924'],
      [1.2620948285169303e-05, '1.2620948285169303e-05'], [-2.5e-7, '-2.5e-07'], [0.1 + 0.2, '0.30000000000000004'],
      [1e16, '1e+16'], [1e15 + 0.5, '1000000000000000.5'], [123456789012345.6, '123456789012345.6'], [9999999999999998, '9999999999999998.0'],
      [1e22, '1e+22'], [1.5e300, '1.5e+300'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
      [Number.NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
    ]
    for (const [x, text] of python) expect(generator.pythonFloat(x)).toBe(text)
  })

  it('prints times as Python’s isoformat with microseconds, and worker ids in Optuna’s form', () => {
    const fields = (lines: readonly string[], key: string) => lines.map(parse).flatMap((r) => (key in r ? [r[key]] : []))
    for (const lines of [real, ours]) {
      const times = [...fields(lines, 'datetime_start'), ...fields(lines, 'datetime_complete')]
      expect(times).toHaveLength(2 * REAL_TRIALS)
      for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
      const workers = new Set(fields(lines, 'worker_id'))
      expect(workers.size).toBe(1)
      expect([...workers][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}-\d+$/)
    }
    const micros = Date.UTC(2025, 0, 1) * 1000
    expect(generator.pythonIsoformat(micros)).toBe('2025-01-01T00:00:00.000000')
    expect(generator.pythonIsoformat(micros + 5)).toBe('2025-01-01T00:00:00.000005')
    expect(generator.pythonIsoformat(micros + 86_399_999_999)).toBe('2025-01-01T23:59:59.999999')
  })

  it('writes the distribution text Optuna writes for the same distributions', () => {
    const distributions = (lines: readonly string[]) => new Map(lines.map(parse).filter((r) => r.op_code === 5).map((r) => [r.param_name, r.distribution]))
    expect(distributions(ours)).toEqual(distributions(real))
    expect(distributions(ours).get('lr')).toBe('{"name": "FloatDistribution", "attributes": {"step": null, "low": 1e-05, "high": 1.0, "log": true}}')
  })

  it('imports like the real journal: the same study, runs of the same shape', async () => {
    const imported = async (lines: readonly string[]) => {
      const db = await freshDb('optuna-generator')
      const summary = await importDump(db, new TextEncoder().encode(lines.join('\n') + '\n'))
      const [name] = (await db.listStudies('')).map((s) => s.name)
      const study = await db.lookupStudy(name as string)
      const runs = await db.listRuns(name as string, RunState.Any)
      return { summary, study, runs }
    }
    const mine = await imported(ours)
    const theirs = await imported(real)
    const summary = ({ source, studies, runs, conflicts }: ImportSummary) => ({ source, studies, runs, conflicts })
    expect(summary(mine.summary)).toEqual(summary(theirs.summary))
    expect(mine.summary).toMatchObject({ source: 'optuna-journal', runs: { added: REAL_TRIALS } })

    const study = ({ objective, params, replicates, oracle }: Study) =>
      ({ objective, params, replicates, oracle: { ...oracle, source: typeof (oracle as { source?: unknown } | undefined)?.source } })
    expect(study(mine.study)).toEqual(study(theirs.study))
    expect(mine.study.name).toBe(`bench-journal-${REAL_TRIALS}`)
    expect(mine.study.description?.replaceAll(mine.study.name, 'S')).toBe(theirs.study.description?.replaceAll(theirs.study.name, 'S'))

    const run = (r: Run) => ({
      seq: r.seq, replicate: r.replicate, state: r.state, status: r.status, retries: r.retries,
      values: Object.fromEntries(Object.entries(r.values).map(([k, v]) => [k, v.kind])),
      config: Object.fromEntries(Object.entries(r.config).map(([k, v]) => [k, v !== null && typeof v === 'object' ? Object.keys(v) : typeof v])),
      metrics: r.metrics.map((m) => Object.keys(m).join(',')),
      steps: r.metrics.flatMap((m) => ('step' in m ? [m.step] : [])),
      runtime: r.runtime === r.updated.getTime() - r.created.getTime() && r.runtime > 0,
      origin: Object.keys(r.origin ?? {}),
    })
    expect(mine.runs.map(run)).toEqual(theirs.runs.map(run))
    expect(run(mine.runs[0] as Run)).toMatchObject({
      state: RunState.Success, status: 'complete', values: { x: 'float', lr: 'float', optimizer: 'string' },
      metrics: [...Array<string>(REAL_STEPS).fill('step,value'), 'value'], steps: [0, 1, 2], runtime: true,
    })
  })
})

describe('the Optuna journal generator', () => {
  const sha256 = (text: string) => createHash('sha256').update(text, 'latin1').digest('hex')

  it('is deterministic, and writes what the generator it replaced wrote', () => {
    const small = generate(40, 7)
    expect(generate(40, 7)).toBe(small)
    // The output of the former tools/gen_optuna_journal.mjs for the same arguments: benchmark figures stay comparable.
    expect(sha256(small)).toBe('d2e872cc70058b91f39b45751fb1724ee0efee35e8bd1f3fb81d1f491da95d5c')
    const bench = generate(1000, 100) // the benchmarks' smaller journal
    expect(bench.length).toBe(15_695_146)
    expect(sha256(bench)).toBe('a3096bc2e878711cf80982ef811ace1ed083da532dcf6c59314bf61c79688e05')
  })

  it('runs from the command line: N OUT [STEPS=100], a JSON summary on stdout; a usage line and exit 2 on bad arguments', () => {
    const script = fileURLToPath(GENERATOR)
    const out = join(dir, 'cli.log')
    const ok = spawnSync(process.execPath, [script, '3', out, '2'], { encoding: 'utf8' })
    expect(ok.status).toBe(0)
    expect(JSON.parse(ok.stdout)).toEqual({ file: out, study: 'bench-journal-3', trials: 3, steps: 2, bytes: 4468, lines: 1 + 3 * (5 + 2) })
    expect(sha256(readFileSync(out, 'latin1'))).toBe('b63f801b16d5f9dff57b1b15c0763ca122cfc94bcdeab965cdb56de4a0b3f915')
    const defaults = spawnSync(process.execPath, [script, '1', out], { encoding: 'utf8' })
    expect(JSON.parse(defaults.stdout)).toMatchObject({ steps: 100, lines: 106 })
    for (const args of [[], ['3'], ['0', out], ['x', out], ['3', out, '-1'], ['3', out, '2', 'more']]) {
      const bad = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8' })
      expect(bad.status).toBe(2)
      expect(bad.stdout).toBe('')
      expect(bad.stderr).toMatch(/^usage: node scripts\/optuna-journal\.mjs N OUT \[STEPS=100\]/)
    }
    expect(() => generator.writeOptunaJournal(out, { trials: 1.5 })).toThrow(RangeError)
    expect(() => generator.writeOptunaJournal(out, { trials: 1, steps: -1 })).toThrow(RangeError)
  })
})
