/**
 * A small fixed-seed fuzz of import: mutations of a valid dump (bit flips,
 * truncations, shuffled, duplicated and dropped lines, fields replaced by wrong
 * types, deep nesting, hostile keys, appended members) either import or are
 * refused with bad-dump / unsupported-version naming a line, never another
 * exception and never a hang; a refused dump leaves the database unchanged.
 */
import { describe, expect, it } from 'vitest'
import { DivinerError } from '../../../src/db/errors.js'
import { importDump } from '../../../src/db/dump/import.js'
import { concat, freshDb, gz, gzLines, headerLine, jsonl, logLine, metricsLine, rawSnapshot, runLine, studyLine } from './helpers.js'
import { seededUniform } from '../../../src/db/prng.js'

const CASES = 300
const SEED = 20240601
const LANES = 6


/** The lines of the dump every case mutates: two studies, runs of every state and value kind, histories and logs. */
function baseLines(): Record<string, unknown>[] {
  const lines: Record<string, unknown>[] = [
    headerLine(),
    studyLine('s'),
    studyLine('t ✓', {
      objective: { direction: 'maximize', metric: 'acc' }, replicates: 2, description: 'ü',
      params: { lr: { type: 'range', start: { float: 0.001 }, end: { float: 1 } }, n: { type: 'range', start: { int: '-9223372036854775808' }, end: { int: '9223372036854775807' } } },
      oracle: { name: 'random', seed: 7 },
    }),
  ]
  const values = [
    { x: { int: '1' } },
    { lr: { float: 'NaN' }, n: { int: '-9223372036854775808' } },
    { d: { dict: { a: { list: [{ bool: true }, { string: '✓' }] }, b: { float: '-0' } } } },
    { lr: { float: '-Infinity' }, s: { string: '' } },
  ]
  for (let i = 0; i < 8; i++) {
    const id = `fz-${i}`
    const study = i % 2 ? 't ✓' : 's'
    const n = i === 3 ? 40 : i % 3
    lines.push(runLine(id, study, i + 1, {
      values: values[i % values.length], replicate: i % 3, state: ['pending', 'success', 'failure'][i % 3],
      status: `status ${i} 🎉`, retries: i, runtime_ms: i * 1.5, metrics: n, log: i % 2 ? 2 : 0,
      config: { script: `run ${i}`, localFiles: ['a'], extra: { k: [1, null, 'x'] } },
    }))
    const entries = Array.from({ length: n }, (_, k) => ({ loss: k === 1 ? 'NaN' : 1 / (k + 1), acc: k === 2 ? 'Infinity' : k }))
    for (let k = 0; k < n; k += 16) lines.push(metricsLine(id, k, entries.slice(k, k + 16)))
    if (i % 2) lines.push(logLine(id, 0, [`start ${i}\n`, 'ünïcode ✓\n']))
  }
  return lines
}

/** What the database holds before each case: an older version of half of those runs (so the dump's lines write). */
function olderLines(): Record<string, unknown>[] {
  return baseLines().filter((l) => l['t'] !== 'metrics' && l['t'] !== 'log' && !(typeof l['id'] === 'string' && Number((l['id'] as string).slice(3)) >= 4))
    .map((l) => (l['t'] === 'run' ? { ...l, state: 'pending', updated: '2024-01-01T00:00:30.000Z' } : l))
}

/** Wrong-typed, hostile or absurd replacements for a field, as JSON text. */
function junk(rnd: () => number): string {
  const deep = (n: number) => `${'['.repeat(n)}0${']'.repeat(n)}`
  const options: string[] = [
    '"text"', '""', '-1', '1.5', '0', String(2 ** 53), '1e308', '-0', 'null', 'true', '[]', '{}', '[[0.5]]',
    '{"int":"1","float":1}', '"constructor"', '"toString"', '"__proto__"', '{"constructor":1}', '{"__proto__":{"polluted":1}}',
    '{"dict":{"__proto__":{"int":"1"}}}', '{"\\u005f_proto__":1}', deep(40), deep(50_000), '{"list":' + deep(50) + '}',
    '{"a":' + deep(50_000) + '}', '"NaN"', '"2024-13-45T99:00:00Z"', `"${'x'.repeat(10_000)}"`, '{"int":"99999999999999999999"}',
  ]
  const dangerous = ['"constructor"', '"toString"', '"__proto__"', deep(50_000), '{"a":' + deep(50_000) + '}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}']
  return (rnd() < 0.4 ? pick(dangerous, rnd) : pick(options, rnd))
}

const JUNK = '\u0000junk\u0000'

/** Replaces one field, somewhere in the record `o` (a top-level one half of the time), by junk; returns the line's text. */
function replaceField(o: Record<string, unknown>, rnd: () => number): string {
  let node = o
  const top = rnd() < 0.5
  for (let depth = 0; depth < 6; depth++) {
    const keys = Object.keys(node)
    if (keys.length === 0) break
    const k = keys[Math.floor(rnd() * keys.length)] as string
    const child = node[k]
    if (!top && typeof child === 'object' && child !== null && rnd() < 0.6) { node = child as Record<string, unknown>; continue }
    node[k] = JUNK
    break
  }
  return JSON.stringify(o).replace(JSON.stringify(JUNK), junk(rnd))
}

function pick<T>(xs: readonly T[], rnd: () => number): T {
  return xs[Math.floor(rnd() * xs.length)] as T
}

/** One mutated dump. */
function mutate(rnd: () => number): { kind: string; bytes: Uint8Array } {
  const base = baseLines
  const lines = base().map((l) => JSON.stringify(l))
  const kind = pick(['flip', 'truncate', 'shuffle', 'duplicate', 'drop', 'field', 'field', 'run-field', 'run-field', 'run-field', 'bytes', 'append', 'plain-field'], rnd)
  switch (kind) {
    case 'flip': {
      const bytes = gz(jsonl(lines)).slice()
      const flips = 1 + Math.floor(rnd() * 3)
      for (let i = 0; i < flips; i++) {
        const at = Math.floor(rnd() * bytes.length)
        bytes[at] = (bytes[at] as number) ^ (1 << Math.floor(rnd() * 8))
      }
      return { kind, bytes }
    }
    case 'truncate': {
      const bytes = gz(jsonl(lines))
      return { kind, bytes: bytes.subarray(0, Math.floor(rnd() * bytes.length)) }
    }
    case 'shuffle': {
      const body = lines.slice(1)
      for (let i = body.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1))
        ;[body[i], body[j]] = [body[j] as string, body[i] as string]
      }
      return { kind, bytes: gz(jsonl([lines[0], ...body])) }
    }
    case 'duplicate': {
      const out = [...lines]
      for (let i = 0; i < 3; i++) out.splice(1 + Math.floor(rnd() * (out.length - 1)), 0, pick(lines, rnd))
      return { kind, bytes: gz(jsonl(out)) }
    }
    case 'drop': {
      const out = lines.filter(() => rnd() > 0.2)
      return { kind, bytes: gz(jsonl(out)) }
    }
    case 'field':
    case 'plain-field': {
      const objs = base()
      const at = Math.floor(rnd() * objs.length)
      const text = jsonl(objs.map((o, i) => (i === at ? replaceField(o, rnd) : JSON.stringify(o))))
      return { kind, bytes: kind === 'field' ? gz(text) : new TextEncoder().encode(text) }
    }
    case 'run-field': { // one of the fields a run line is made of
      const objs = base()
      const runs = objs.flatMap((o, i) => (o['t'] === 'run' ? [i] : []))
      const at = pick(runs, rnd)
      const key = pick(['state', 'seq', 'config', 'values', 'replicate', 'runtime_ms', 'updated', 'origin', 'id', 'study', 'status'], rnd)
      const line = JSON.stringify({ ...objs[at], [key]: JUNK }).replace(JSON.stringify(JUNK), junk(rnd))
      return { kind, bytes: gz(jsonl(objs.map((o, i) => (i === at ? line : JSON.stringify(o))))) }
    }
    case 'bytes': {
      const text = new TextEncoder().encode(jsonl(lines))
      const at = Math.floor(rnd() * text.length)
      const junkBytes = Uint8Array.from({ length: 1 + Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 256))
      return { kind, bytes: concat(text.subarray(0, at), junkBytes, text.subarray(at + Math.floor(rnd() * 16))) }
    }
    default: { // append: a second member, itself mutated at one field
      const objs = base()
      const at = 1 + Math.floor(rnd() * (objs.length - 1))
      return { kind, bytes: concat(gzLines(lines), gz(jsonl(objs.map((o, i) => (i === at ? replaceField(o, rnd) : JSON.stringify(o)))))) }
    }
  }
}

/** Rejects when `p` takes longer than `ms`: an import must never hang. */
function within<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const timeout = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms) })
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer))
}

describe('import fuzz', () => {
  it(`${CASES} mutated dumps import or are refused cleanly`, async () => {
    const rnd = seededUniform(SEED)
    const cases = Array.from({ length: CASES }, (_, i) => ({ i, ...mutate(rnd) }))
    const outcomes: Record<string, number> = {}
    const older = gzLines(olderLines())
    /** A database holding the older dump: what every case starts from. */
    const start = async () => {
      const db = await freshDb('fuzz')
      await importDump(db, older)
      return db
    }
    const before = JSON.stringify(await rawSnapshot(await start()))
    // Lanes of cases run side by side (fake-indexeddb mostly waits), each case on a
    // database holding just the older dump: a refused case must leave it so, and
    // after a case that imported, the lane starts over on a fresh one.
    await Promise.all(Array.from({ length: LANES }, async (_, lane) => {
      let db = await start()
      for (const { i, kind, bytes } of cases.filter((c) => c.i % LANES === lane)) {
        const result = await within(importDump(db, bytes), 10_000).then(() => 'ok', (e: unknown) => e)
        const outcome = `${kind} ${result === 'ok' ? 'ok' : 'refused'}`
        outcomes[outcome] = (outcomes[outcome] ?? 0) + 1
        expect(({} as Record<string, unknown>)['polluted'], `case ${i}`).toBeUndefined()
        if (result === 'ok') {
          db.close()
          db = await start()
          continue
        }
        const where = `case ${i} (${kind})`
        expect(result, where).toBeInstanceOf(DivinerError)
        const e = result as DivinerError
        expect(['bad-dump', 'unsupported-version'], `${where}: ${e.message}`).toContain(e.code)
        expect(e.message, where).toMatch(/line [1-9]\d*/)
        expect(e.details?.['line'], where).toBeGreaterThan(0)
        // (compared as text: much faster than a deep comparison, and canon() keeps every distinction)
        expect(JSON.stringify(await rawSnapshot(db)), `${where}: ${e.message}`).toBe(before)
      }
      db.close()
    }))
    // The mutations exercise both outcomes, for most kinds of mutation.
    const refused = Object.entries(outcomes).filter(([k]) => k.endsWith('refused')).reduce((s, [, n]) => s + n, 0)
    expect(refused).toBeGreaterThan(CASES / 4)
    expect(refused).toBeLessThan(CASES)
  })
})
