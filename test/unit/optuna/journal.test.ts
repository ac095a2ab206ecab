/**
 * Importing an Optuna JournalStorage log: journals made by
 * scripts/optuna-journal.mjs import right; re-importing is idempotent and a
 * longer journal adds only what is new; trials finishing out of order,
 * unfinished trials, NaN values, multi-objective studies, categorical choices
 * of every kind and user attributes map as docs/optuna-mapping.md says;
 * malformed, truncated and unknown-op lines are refused naming the line, the
 * database unchanged; two different Optuna studies of one name are a
 * conflict, not a merge.
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { importDump, type ImportProgress } from '../../../src/db/merge/import.js'
import { RunState } from '../../../src/db/model/run.js'
import { Clock, expectRefused, freshDb, rawSnapshot } from '../dump/helpers.js'

const GENERATOR = fileURLToPath(new URL('../../../scripts/optuna-journal.mjs', import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'optuna-journal-'))

/** A journal written by scripts/optuna-journal.mjs: `trials` COMPLETE trials with `steps` intermediate values each. */
function generated(trials: number, steps: number): { bytes: Uint8Array; lines: Record<string, unknown>[] } {
  const file = join(dir, `j-${trials}-${steps}.log`)
  execFileSync(process.execPath, [GENERATOR, String(trials), file, String(steps)])
  const bytes = new Uint8Array(readFileSync(file))
  const lines = new TextDecoder().decode(bytes).split('\n').filter((l) => l).map((l) => JSON.parse(l) as Record<string, unknown>)
  return { bytes, lines }
}

const enc = (lines: readonly unknown[]): Uint8Array =>
  new TextEncoder().encode(lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n')

const W = 'aaaaaaaa-0000-4000-8000-000000000001-1'
const dist = {
  x: '{"name": "FloatDistribution", "attributes": {"step": null, "low": -1.0, "high": 1.0, "log": false}}',
  n: '{"name": "IntDistribution", "attributes": {"log": false, "step": 2, "low": 2, "high": 8}}',
  opt: '{"name": "CategoricalDistribution", "attributes": {"choices": ["adam", null]}}',
  ratio: '{"name": "CategoricalDistribution", "attributes": {"choices": [0.5, 1.0]}}',
  flag: '{"name": "CategoricalDistribution", "attributes": {"choices": [true, false]}}',
}
const op = (code: number, fields: Record<string, unknown>) => ({ op_code: code, worker_id: W, ...fields })
const study = (name: string, directions = [1], worker = W) => ({ op_code: 0, worker_id: worker, study_name: name, directions })
const trial = (studyId: number, second: number) => op(4, { study_id: studyId, datetime_start: `2025-02-01T00:00:${String(second).padStart(2, '0')}.250000` })
const param = (trialId: number, name: keyof typeof dist, value: number) => op(5, { trial_id: trialId, param_name: name, param_value_internal: value, distribution: dist[name] })
const inter = (trialId: number, step: number, value: number | string) => `{"op_code":7,"worker_id":"${W}","trial_id":${trialId},"step":${step},"intermediate_value":${value}}`
const finish = (trialId: number, state: number, values: (number | string)[] | null, second: number) =>
  `{"op_code":6,"worker_id":"${W}","trial_id":${trialId},"state":${state},"values":${values ? `[${values.join(',')}]` : 'null'},"datetime_complete":"2025-02-01T00:01:${String(second).padStart(2, '0')}.000000"}`

describe('Optuna journal import', () => {
  it('imports a generated journal with every run, param, history and value right', async () => {
    const { bytes, lines } = generated(40, 7)
    const db = await freshDb('optuna-journal')
    const progress: ImportProgress[] = []
    const summary = await importDump(db, new Blob([bytes as BlobPart]), { onProgress: (p) => progress.push(p) })
    expect(summary.source).toBe('optuna-journal')
    expect(summary.studies).toEqual({ added: 1, updated: 0, unchanged: 0, conflicts: 0 })
    expect(summary.runs).toEqual({ added: 40, updated: 0, unchanged: 0, rejected: 0 })
    expect(summary.bytes).toBe(bytes.length)
    expect(progress.at(-1)?.bytesRead).toBe(bytes.length)
    expect(progress.every((p) => p.bytesTotal === bytes.length)).toBe(true)
    // The study's definition is committed first, alone: a page lists the study before any of its runs is in.
    expect(progress[0]).toMatchObject({ records: 1, studies: [{ name: 'bench-journal-40', runs: 0 }] })

    const s = await db.lookupStudy('bench-journal-40')
    expect(s.objective).toEqual({ direction: 'minimize', metric: 'value' })
    expect(s.params.x).toMatchObject({ type: 'range', start: { kind: 'float', value: -10 } })
    expect(s.params.optimizer).toEqual({ type: 'discrete', values: ['adam', 'sgd', 'rmsprop'].map((value) => ({ kind: 'string', value })) })
    expect(s.description).toMatch(/lr: log/)
    const runs = await db.listRuns('bench-journal-40', RunState.Any)
    expect(runs.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(runs.every((r) => r.state === RunState.Success && r.status === 'complete')).toBe(true)
    // The expected figures, read straight from the journal's lines.
    for (let t = 0; t < 40; t++) {
      const mine = lines.filter((l) => l.trial_id === t)
      const run = await db.lookupRun('bench-journal-40', t + 1)
      const x = mine.find((l) => l.op_code === 5 && l.param_name === 'x')?.param_value_internal
      const o = mine.find((l) => l.op_code === 5 && l.param_name === 'optimizer')?.param_value_internal as number
      expect(run.values.x).toEqual({ kind: 'float', value: x })
      expect(run.values.optimizer).toEqual({ kind: 'string', value: ['adam', 'sgd', 'rmsprop'][o] })
      const inters = mine.filter((l) => l.op_code === 7).map((l) => ({ step: l.step, value: l.intermediate_value }))
      const final = mine.find((l) => l.op_code === 6) as { values: number[]; datetime_complete: string }
      expect(run.metrics).toEqual([...inters, { value: final.values[0] }])
      expect(run.updated.toISOString()).toBe(`${final.datetime_complete.slice(0, 23)}Z`)
    }
  })

  it('re-importing is idempotent, and a longer journal adds only what is new', async () => {
    const { bytes } = generated(30, 10)
    const text = new TextDecoder().decode(bytes)
    // The run continued: a prefix cut (at a line end) in the middle of trial 12's intermediate values.
    const cut = text.split('\n').slice(0, 1 + 12 * 15 + 4 + 5).join('\n') + '\n'
    const fresh = await freshDb('optuna-journal-whole')
    await importDump(fresh, bytes)

    // A clock soon after trial 12 started, so that it is not yet stale (a pending run reports failure after 60 s without keepalive).
    const start12 = (cut.split('\n').filter((l) => l.startsWith('{"op_code":4')).at(-1) as string).match(/"datetime_start":"([^"]+)"/)?.[1] as string
    const db = await freshDb('optuna-journal-longer', new Clock(Date.parse(`${start12.slice(0, 23)}Z`) + 5000))
    const first = await importDump(db, new TextEncoder().encode(cut))
    expect(first.runs).toEqual({ added: 13, updated: 0, unchanged: 0, rejected: 0 })
    const running = await db.lookupRun('bench-journal-30', 13)
    expect(running.state).toBe(RunState.Pending)
    expect(running.metrics.length).toBe(5)
    const again = await importDump(db, new TextEncoder().encode(cut))
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 13, rejected: 0 })
    expect(again.studies).toEqual({ added: 0, updated: 0, unchanged: 1, conflicts: 0 })

    const longer = await importDump(db, bytes)
    expect(longer.runs).toEqual({ added: 17, updated: 1, unchanged: 12, rejected: 0 })
    expect(await rawSnapshot(db)).toEqual(await rawSnapshot(fresh))
  })

  it('maps out-of-order finishes, unfinished trials, NaN, pruned and failed trials, choices and user attributes', async () => {
    const db = await freshDb('optuna-journal-cases', new Clock(Date.UTC(2025, 1, 1, 0, 0, 30)))
    const summary = await importDump(db, enc([
      study('cases', [2]),
      trial(0, 1), trial(0, 2), trial(0, 3), trial(0, 4), trial(0, 5),
      param(0, 'x', 0.5), param(1, 'x', -0.25), param(1, 'n', 6), param(2, 'opt', 1), param(3, 'ratio', 1), param(3, 'flag', 0),
      op(8, { trial_id: 1, user_attr: { note: 'second', nested: { a: [1, 2] } } }),
      inter(1, 0, 'NaN'), inter(1, 1, 'Infinity'), inter(1, 2, 0.75),
      finish(1, 1, ['0.75'], 10), // trial 1 finishes before trial 0
      inter(0, 0, 0.1), finish(0, 2, [0.1], 11), // pruned
      finish(2, 3, null, 12), // failed
      inter(3, 5, 0.3), inter(3, 2, 0.2), // steps out of order
      op(9, { trial_id: 3, system_attr: { fixed: true } }),
      // trial 3 still running, trial 4 waiting at the end of the file
      finish(4, 4, null, 13).replace(',"datetime_complete":"2025-02-01T00:01:13.000000"', ''),
      // operations on a finished trial are ignored, as Optuna ignores them
      inter(1, 3, 99), op(8, { trial_id: 1, user_attr: { late: true } }),
    ]))
    expect(summary.runs.added).toBe(5)
    const s = await db.lookupStudy('cases')
    expect(s.objective).toEqual({ direction: 'maximize', metric: 'value' })
    expect(s.params.n).toEqual({ type: 'range', start: { kind: 'int', value: 2n }, end: { kind: 'int', value: 9n } })
    expect(s.params.opt).toEqual({ type: 'discrete', values: [{ kind: 'string', value: 'adam' }, { kind: 'string', value: 'None' }] })
    expect(s.params.ratio).toEqual({ type: 'discrete', values: [{ kind: 'float', value: 0.5 }, { kind: 'float', value: 1 }] })
    expect(s.params.flag).toEqual({ type: 'discrete', values: [{ kind: 'bool', value: true }, { kind: 'bool', value: false }] })
    expect(s.description).toMatch(/n: step 2/)
    const runs = await db.listRuns('cases', RunState.Any)
    const bySeq = (seq: number) => runs.find((r) => r.seq === seq)
    expect(runs.map((r) => r.seq).sort()).toEqual([1, 2, 3, 4, 5]) // seq = number + 1 although trial 1 finished first
    expect(bySeq(1)).toMatchObject({ state: RunState.Failure, status: 'pruned' })
    expect(bySeq(2)).toMatchObject({ state: RunState.Success, status: 'complete', values: { x: { kind: 'float', value: -0.25 }, n: { kind: 'int', value: 6n } } })
    expect(bySeq(2)?.config.user_attrs).toEqual({ note: 'second', nested: { a: [1, 2] } })
    expect(bySeq(3)).toMatchObject({ state: RunState.Failure, status: 'fail', values: { opt: { kind: 'string', value: 'None' } } })
    expect(bySeq(4)).toMatchObject({ state: RunState.Pending, status: 'running', values: { ratio: { kind: 'float', value: 1 }, flag: { kind: 'bool', value: true } } })
    expect(bySeq(5)).toMatchObject({ state: RunState.Pending, status: 'waiting' })
    const r2 = await db.lookupRun('cases', 2)
    expect(r2.metrics).toEqual([{ step: 0, value: Number.NaN }, { step: 1, value: Infinity }, { step: 2, value: 0.75 }, { value: 0.75 }])
    expect((await db.lookupRun('cases', 4)).metrics).toEqual([{ step: 2, value: 0.2 }, { step: 5, value: 0.3 }])
    expect(r2.runtime).toBe(67_750) // 00:00:02.250 to 00:01:10.000
  })

  it('emits an unfinished trial early as pending when 2,000 finished ones wait behind it, and completes it at the end', async () => {
    const lines: unknown[] = [study('stuck'), trial(0, 1), inter(0, 0, 0.5)]
    for (let i = 1; i <= 2100; i++) lines.push(trial(0, 2), param(i, 'x', 0.25), finish(i, 1, [i], 3))
    lines.push(inter(0, 1, 0.25)) // the stuck trial goes on reporting
    const db = await freshDb('optuna-journal-stuck', new Clock(Date.UTC(2025, 1, 1, 0, 0, 30)))
    const summary = await importDump(db, enc(lines))
    expect(summary.runs).toEqual({ added: 2101, updated: 0, unchanged: 0, rejected: 0 })
    const runs = await db.listRuns('stuck', RunState.Any)
    expect(runs.map((r) => r.seq)).toEqual(Array.from({ length: 2101 }, (_, i) => i + 1))
    const stuck = await db.lookupRun('stuck', 1)
    expect(stuck).toMatchObject({ state: RunState.Pending, status: 'running' })
    expect(stuck.metrics).toEqual([{ step: 0, value: 0.5 }, { step: 1, value: 0.25 }])
    expect((await db.lookupRun('stuck', 2101)).metrics).toEqual([{ value: 2100 }])
  })

  it('maps a multi-objective study to value_0, value_1, … with the first as objective', async () => {
    const db = await freshDb('optuna-journal-mo')
    await importDump(db, enc([study('mo', [1, 2]), trial(0, 1), param(0, 'x', 0.1), finish(0, 1, [0.5, 3], 9)]))
    const s = await db.lookupStudy('mo')
    expect(s.objective).toEqual({ direction: 'minimize', metric: 'value_0' })
    expect(s.description).toMatch(/value_0 \(minimize\), value_1 \(maximize\)/)
    expect((await db.lookupRun('mo', 1)).metrics).toEqual([{ value_0: 0.5, value_1: 3 }])
  })

  it('widens the params as a longer journal brings new ones (define-by-run)', async () => {
    const lines = [study('grow'), trial(0, 1), param(0, 'x', 0.5), finish(0, 1, [1], 2), trial(0, 3), param(1, 'x', 0.1), param(1, 'n', 4), finish(1, 1, [2], 4)]
    const db = await freshDb('optuna-journal-grow')
    await importDump(db, enc(lines.slice(0, 4)))
    expect(Object.keys((await db.lookupStudy('grow')).params)).toEqual(['x'])
    const more = await importDump(db, enc(lines))
    expect(more.studies).toEqual({ added: 0, updated: 1, unchanged: 0, conflicts: 0 })
    expect(more.runs).toEqual({ added: 1, updated: 0, unchanged: 1, rejected: 0 })
    expect(Object.keys((await db.lookupStudy('grow')).params).sort()).toEqual(['n', 'x'])
  })

  it('does not merge two different Optuna studies of the same name: a conflict, runs rejected', async () => {
    const db = await freshDb('optuna-journal-twins')
    await importDump(db, enc([study('twin'), trial(0, 1), finish(0, 1, [1], 2)]))
    const before = await rawSnapshot(db)
    const other = await importDump(db, enc([study('twin', [1], 'bbbbbbbb-0000-4000-8000-000000000002-7'), trial(0, 1), finish(0, 1, [5], 2)]))
    expect(other.studies.conflicts).toBe(1)
    expect(other.conflicts[0]?.reason).toMatch(/not the same Optuna study/)
    expect(other.runs).toEqual({ added: 0, updated: 0, unchanged: 0, rejected: 1 })
    expect(await rawSnapshot(db)).toEqual(before)
  })

  it('reads a journal from a stream, several studies, a deleted one left out', async () => {
    const db = await freshDb('optuna-journal-stream')
    const bytes = enc([
      study('a'), study('b', [2]), study('a'), // a second "a" is ignored, as Optuna ignores it
      trial(0, 1), trial(1, 2), finish(0, 1, [1], 3), op(1, { study_id: 1 }), finish(1, 1, [2], 4), trial(1, 5),
    ])
    const stream = new ReadableStream<Uint8Array>({
      start(c) { for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.slice(i, i + 7)); c.close() },
    })
    const summary = await importDump(db, stream)
    expect(summary.studies.added).toBe(1)
    expect((await db.listStudies('')).map((s) => s.name)).toEqual(['a'])
    expect((await db.listRuns('a', RunState.Any)).length).toBe(1)
  })

  it('reads non-ASCII text cut anywhere by the chunks of a stream', async () => {
    const bytes = enc([study('学習 é'), trial(0, 1), op(8, { trial_id: 0, user_attr: { note: 'naïve 🚀 ✓' } }), finish(0, 1, [1], 2)])
    for (const size of [1, 2, 3, 5, 64]) {
      const db = await freshDb('optuna-journal-utf8')
      const stream = new ReadableStream<Uint8Array>({
        start(c) { for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size)); c.close() },
      })
      await importDump(db, stream)
      expect((await db.lookupRun('学習 é', 1)).config.user_attrs).toEqual({ note: 'naïve 🚀 ✓' })
    }
  })

  it('reads intermediate values of every form alike, whatever the chunks of a stream (the bytes path and the text path agree)', async () => {
    const w = (id: string, trialId: number, step: number | string, value: string) =>
      `{"op_code":7,"worker_id":"${id}","trial_id":${trialId},"step":${step},"intermediate_value":${value}}`
    const lines = [
      study('forms'), trial(0, 1),
      w(W, 0, 0, '0.5'), w(W, 0, 1, '-1.25e-7'), w(W, 0, 2, 'NaN'), w(W, 0, 3, '-Infinity'), w(W, 0, 4, '1E+300'), w(W, 0, 5, '-0'),
      `${w(W, 0, 6, '7')}\r`, // a CRLF line end
      w('a\\"b', 0, 7, '8'), // an escaped quote in the worker id
      w(W, 0, 8, '12345678901234567890'), w(W, 0, 9, '0.30000000000000004'),
      `{"op_code":7,"worker_id":"${W}","step":10,"trial_id":0,"intermediate_value":10.5}`, // other key order
      `{"op_code":7, "worker_id":"${W}", "trial_id":0, "step":11, "intermediate_value":11}`, // spaces
      w(W, 0, 12, '1.5 '),
      finish(0, 1, [2], 2),
    ]
    const expected = [0.5, -1.25e-7, Number.NaN, -Infinity, 1e300, -0, 7, 8, 12345678901234567890, 0.30000000000000004, 10.5, 11, 1.5]
      .map((value, step) => ({ step, value }))
    const bytes = enc(lines)
    for (const size of [1, 7, 64, 100, 4096]) {
      const db = await freshDb('optuna-journal-forms')
      const stream = new ReadableStream<Uint8Array>({
        start(c) { for (let i = 0; i < bytes.length; i += size) c.enqueue(bytes.slice(i, i + size)); c.close() },
      })
      await importDump(db, stream)
      expect((await db.lookupRun('forms', 1)).metrics).toEqual([...expected, { value: 2 }])
    }
    // A line of the fast form with no value, or a value that is no JSON number, is refused like any malformed line.
    for (const value of ['', '0x10', '1.', '.5', 'nan']) {
      const db = await freshDb('optuna-journal-forms-bad')
      await expectRefused(db, enc([study('s'), trial(0, 1), w(W, 0, 0, value)]), { line: 3, message: /not valid JSON/ })
    }
  })

  it('refuses a truncated journal naming its last line, the database unchanged', async () => {
    const { bytes } = generated(20, 5)
    const db = await freshDb('optuna-journal-truncated')
    await importDump(db, enc([study('keep'), trial(0, 1), finish(0, 1, [1], 2)]))
    const lines = new TextDecoder().decode(bytes).split('\n').length - 1
    await expectRefused(db, bytes.slice(0, bytes.length - 30), { line: lines, message: /not valid JSON/ })
  })

  it('refuses a corrupted journal naming the line, the database unchanged', async () => {
    const { bytes } = generated(2500, 2) // more than one batch of runs (2,000) is applied before the bad line
    const text = new TextDecoder().decode(bytes).split('\n')
    text[15000] = (text[15000] as string).replace('"trial_id":', '"trial_id":"x",')
    const db = await freshDb('optuna-journal-corrupt')
    await expectRefused(db, new TextEncoder().encode(text.join('\n')), { line: 15001, message: /not valid JSON/ })
    text[15000] = '{"op_code":5,"worker_id":"w","trial_id":"seven"}'
    await expectRefused(db, new TextEncoder().encode(text.join('\n')), { line: 15001, message: /trial_id must be a non-negative integer/ })
    // Invalid UTF-8 (a lone continuation byte) inside a line.
    const bad = new TextEncoder().encode(text.slice(0, 15000).join('\n') + '\n{"op_code":2,"worker_id":"w\u00e9","study_id":0,"user_attr":{}}\n')
    const at = bad.length - 30
    bad[at] = 0x80
    await expectRefused(db, bad, { line: 15001, message: /not valid UTF-8/ })
    await expectRefused(db, enc([study('s'), trial(0, 1), '{"op_code":7,"worker_id":"w","trial_id":0,"step":0,"intermediate_value":0.5']), { line: 3, message: /not valid JSON/ })
  })

  it('refuses an unknown op code naming the line', async () => {
    const db = await freshDb('optuna-journal-unknown')
    await expectRefused(db, enc([study('s'), trial(0, 1), op(42, { trial_id: 0 })]), { line: 3, message: /unknown op code 42/ })
  })
})
