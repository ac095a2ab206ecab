/**
 * Bad input (SPEC §3): every kind of broken or hostile dump is refused with a
 * DivinerError (`bad-dump`, or `unsupported-version`) naming the line, and the
 * database is left exactly as it was, even when good lines came first.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import type { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { importDump } from '../../../src/db/merge/import.js'
import { MAX_LINE_CHARS } from '../../../src/db/dump/lines.js'
import { RunState } from '../../../src/db/model/run.js'
import {
  concat, expectRefused, freshDb, gz, gzLines, headerLine, jsonl, logLine, metricsLine, runLine, studyLine,
} from './helpers.js'

let db: DexieDatabase

/** Good lines that would change the database (a longer history for r1, a new run r2) if they were applied. */
const good = (): Record<string, unknown>[] => [
  headerLine(),
  studyLine('s'),
  runLine('r1', 's', 1, { updated: '2024-02-01T00:00:00.000Z', status: 'newer' }),
  metricsLine('r1', 0, [{ loss: 1 }, { loss: 0.5 }, { loss: 0.25 }]),
  logLine('r1', 0, ['a\n', 'b\n', 'c\n']),
  runLine('r2', 's', 2),
]

/** The good lines, then `bad` (line 7), then one more good line. */
const withBadLine = (bad: unknown): unknown[] => [...good(), bad, runLine('r3', 's', 3)]

beforeEach(async () => {
  db = await freshDb('target')
  await importDump(db, gzLines([headerLine(), studyLine('s'), runLine('r1', 's', 1), metricsLine('r1', 0, [{ loss: 1 }]), logLine('r1', 0, ['a\n'])]))
})

/** A deterministic byte source (xorshift32). */
function bytesFrom(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n)
  let x = seed || 1
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5
    out[i] = x & 0xff
  }
  return out
}

describe('refused dumps', () => {
  it('not gzip and not JSON Lines (random bytes)', async () => {
    const bytes = bytesFrom(7, 4096)
    expect([bytes[0], bytes[1]]).not.toEqual([0x1f, 0x8b])
    expect(bytes[0]).not.toBe(0x7b)
    await expectRefused(db, bytes, { line: 1, message: /not a dump/ })
  })

  it('gzip magic followed by garbage', async () => {
    await expectRefused(db, concat(new Uint8Array([0x1f, 0x8b]), bytesFrom(9, 4096)), { line: 1, message: /gzip/ })
  })

  it('truncated gzip (cut in the middle)', async () => {
    const lines = [...good()]
    for (let i = 0; i < 400; i++) lines.push(runLine(`many-${i}`, 's', 10 + i, { status: `status ${i} ${'x'.repeat(i % 50)}` }))
    const bytes = gzLines(lines)
    await expectRefused(db, bytes.subarray(0, Math.floor(bytes.length / 2)), { message: /gzip|truncated/ })
  })

  for (const cut of [1, 4, 7, 8]) {
    it(`truncated gzip (cut ${cut} bytes into the 8-byte trailer)`, async () => {
      const bytes = gzLines(good())
      await expectRefused(db, bytes.subarray(0, bytes.length - cut), { message: /truncated/ })
    })
  }

  it('a corrupt line (invalid JSON)', async () => {
    await expectRefused(db, gzLines(withBadLine('{"t":"run","id":"r9",')), { line: 7, message: /not valid JSON/ })
  })

  it('a line that is JSON but not an object', async () => {
    await expectRefused(db, gzLines(withBadLine('[1,2,3]')), { line: 7 })
  })

  it('an unknown record type', async () => {
    await expectRefused(db, gzLines(withBadLine({ t: 'trial', id: 'x' })), { line: 7, message: /unknown record type/ })
  })

  describe('wrong field types', () => {
    const cases: [string, unknown, RegExp][] = [
      ['seq as a string', runLine('r9', 's', 9, { seq: '9' }), /run\.seq/],
      ['a metrics entry that is an array', metricsLine('r2', 0, [[0.5]] as never), /metrics\.entries\[0\]/],
      ['a metric that is not a float', metricsLine('r2', 0, [{ loss: '0.5' }]), /metric loss/],
      ['a value with two kind keys', runLine('r9', 's', 9, { values: { x: { int: '1', float: 1 } } }), /exactly one kind/],
      ['an int value that is a number', runLine('r9', 's', 9, { values: { x: { int: 1 } } }), /value x\.int/],
      ['an int beyond 64 bits', runLine('r9', 's', 9, { values: { x: { int: '9223372036854775808' } } }), /64 bits/],
      ['an unknown value kind', runLine('r9', 's', 9, { values: { x: { complex: [1, 2] } } }), /unknown kind/],
      ['an unknown state', runLine('r9', 's', 9, { state: 'running' }), /run\.state/],
      ['a state naming an Object.prototype property', runLine('r9', 's', 9, { state: 'constructor' }), /run\.state/],
      ['a state that is a number', runLine('r9', 's', 9, { state: 2 }), /run\.state/],
      ['a time that is not ISO 8601', runLine('r9', 's', 9, { updated: 'yesterday' }), /run\.updated/],
      ['a negative runtime', runLine('r9', 's', 9, { runtime_ms: -1 }), /runtime_ms/],
      ['a missing field', (() => { const l = runLine('r9', 's', 9); delete l['status']; return l })(), /lacks "status"/],
      ['a config that is not an object', runLine('r9', 's', 9, { config: 'train.py' }), /run\.config/],
      ['a study with an invalid param', studyLine('s2', { params: { x: { type: 'discrete', values: [] } } }), /at least one value/],
      ['a study with replicates out of range', studyLine('s2', { replicates: 64 }), /replicates/],
      ['a log entry without a time', { t: 'log', run: 'r2', from: 0, entries: [{ text: 'x' }] }, /lacks "t"/],
      ['a metrics line whose from is negative', metricsLine('r2', -1, [{ loss: 1 }]), /metrics\.from/],
    ]
    for (const [name, line, message] of cases) {
      it(name, async () => { await expectRefused(db, gzLines(withBadLine(line)), { line: 7, message }) })
    }
  })

  it('a deeply nested value', async () => {
    let v: unknown = { int: '1' }
    for (let i = 0; i < 100; i++) v = { list: [v] }
    await expectRefused(db, gzLines(withBadLine(runLine('r9', 's', 9, { values: { x: v } }))), { line: 7, message: /nests deeper/ })
  })

  it('a deeply nested config', async () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000)
    const line = JSON.stringify(runLine('r9', 's', 9, { config: { deep: 0 } })).replace('{"deep":0}', `{"deep":${deep}}`)
    await expectRefused(db, gzLines(withBadLine(line)), { line: 7, message: /nests deeper/ })
  })

  it('a seq that is negative, zero or fractional', async () => {
    for (const seq of [-1, 0, 1.5]) await expectRefused(db, gzLines(withBadLine(runLine('r9', 's', seq))), { line: 7, message: /run\.seq/ })
  })

  it('a replicate of 64 or more', async () => {
    for (const replicate of [64, 1000]) await expectRefused(db, gzLines(withBadLine(runLine('r9', 's', 9, { replicate }))), { line: 7, message: /run\.replicate/ })
  })

  describe('unknown version', () => {
    it('in the header is refused with unsupported-version naming it', async () => {
      const e = await expectRefused(db, gzLines([headerLine({ version: 2 }), ...good().slice(1)]), { code: 'unsupported-version', line: 1, message: /version 2\b/ })
      expect(e.details?.['version']).toBe(2)
    })

    it('in an appended member is refused too', async () => {
      const bytes = concat(gzLines(good()), gzLines([headerLine({ version: 2 }), runLine('r9', 's', 9)]))
      await expectRefused(db, bytes, { code: 'unsupported-version', line: 7, message: /version 2\b/ })
    })

    it('a version that is not a number is a bad dump', async () => {
      await expectRefused(db, gzLines([headerLine({ version: '1' }), ...good().slice(1)]), { line: 1, message: /version/ })
    })

    it('another format is a bad dump', async () => {
      await expectRefused(db, gzLines([headerLine({ format: 'dexie' }), ...good().slice(1)]), { line: 1, message: /not a Diviner Local dump/ })
    })
  })

  describe('hostile keys', () => {
    const proto = (o: object) => JSON.stringify(o).replace('"KEY"', '"__proto__"')
    const cases: [string, string][] = [
      ['__proto__ as a param name in values', proto(runLine('r9', 's', 9, { values: { KEY: { int: '1' } } }))],
      ['__proto__ as a key of config', proto(runLine('r9', 's', 9, { config: { KEY: { polluted: true } } }))],
      ['constructor as a key of config', JSON.stringify(runLine('r9', 's', 9, { config: { nested: { constructor: { prototype: 1 } } } }))],
      ['__proto__ written with a unicode escape', JSON.stringify(runLine('r9', 's', 9, { config: { KEY: 1 } })).replace('"KEY"', '"\\u005f_proto__"')],
      ['__proto__ as a value kind', proto(runLine('r9', 's', 9, { values: { x: { KEY: { int: '1' } } } }))],
      ['prototype as a metric name', JSON.stringify(metricsLine('r2', 0, [{ prototype: 1 }]))],
      ['__proto__ as a param of a study', proto(studyLine('s2', { params: { KEY: { type: 'discrete', values: [{ int: '1' }] } } }))],
      ['__proto__ in an oracle', proto(studyLine('s2', { oracle: { name: 'x', KEY: {} } }))],
    ]
    for (const [name, line] of cases) {
      it(name, async () => {
        await expectRefused(db, gzLines(withBadLine(line)), { line: 7, message: /not allowed|unknown kind "__proto__"/ })
        expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
      })
    }

    it('are plain data inside a dict value', async () => {
      const line = JSON.stringify(runLine('r9', 's', 9, { values: { d: { dict: { KEY: { int: '1' }, constructor: { dict: { prototype: { bool: true } } } } } } })).replace('"KEY"', '"__proto__"')
      await importDump(db, gzLines([...good(), line]))
      const d = (await db.lookupRun('s', 9)).values['d']
      expect(d?.kind).toBe('dict')
      expect(Object.keys(d?.value as object).sort()).toEqual(['__proto__', 'constructor'])
    })
  })

  describe('absurd sizes', () => {
    it('a line longer than the limit with no newline, read as a stream of chunks', async () => {
      const chunk = new TextEncoder().encode('x'.repeat(1 << 20))
      const head = new TextEncoder().encode(jsonl(good()) + '{"t":"run","status":"')
      let sent = 0
      const stream = new ReadableStream<Uint8Array>({
        pull(c) {
          if (sent === 0) c.enqueue(head)
          else if (sent > 64) c.close() // 64 MiB planned; the import must stop long before
          else c.enqueue(chunk)
          sent++
        },
      }, { highWaterMark: 0 })
      await expectRefused(db, stream, { line: 7, message: /longer than/ })
      expect(sent).toBeLessThan(24)
    })

    it('a line longer than the limit that ends within one chunk', async () => {
      const text = jsonl(good()) + `{"t":"run","status":"${'y'.repeat(MAX_LINE_CHARS)}"}\n` + jsonl([runLine('r3', 's', 3)])
      await expectRefused(db, new TextEncoder().encode(text), { line: 7, message: /longer than/ })
    })
  })

  it('a dump without a header', async () => {
    await expectRefused(db, gzLines(good().slice(1)), { line: 1, message: /header/ })
  })

  it('an empty file', async () => {
    await expectRefused(db, new Uint8Array(0), { line: 1, message: /empty/ })
    await expectRefused(db, gz(''), { line: 1, message: /empty/ })
  })

  it('invalid UTF-8', async () => {
    const text = new TextEncoder().encode(jsonl(good()))
    const bad = concat(text, new TextEncoder().encode('{"t":"run","status":"'), new Uint8Array([0xc3, 0x28, 0xff]), new TextEncoder().encode('"}\n'))
    await expectRefused(db, bad, { line: 7, message: /UTF-8/ })
    await expectRefused(db, gz(bad), { line: 7, message: /UTF-8/ })
  })

  it('a source stream that fails midway', async () => {
    const bytes = gzLines([...good(), ...Array.from({ length: 300 }, (_, i) => runLine(`m${i}`, 's', 10 + i))])
    let pulls = 0
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (pulls++ === 0) c.enqueue(bytes.subarray(0, bytes.length >> 1))
        else c.error(new Error('network connection lost'))
      },
    })
    await expectRefused(db, stream, { message: /network connection lost/ })
  })

  describe('inconsistent records', () => {
    it('metrics for a run that is neither in the dump nor here', async () => {
      await expectRefused(db, gzLines(withBadLine(metricsLine('ghost', 0, [{ loss: 1 }]))), { line: 7, message: /ghost/ })
    })

    it('a history that continues past entries neither the dump nor the database has', async () => {
      await expectRefused(db, gzLines(withBadLine(metricsLine('r2', 5, [{ loss: 1 }]))), { line: 7, message: /entry 5/ })
      await expectRefused(db, gzLines(withBadLine(logLine('r1', 9, ['x']))), { line: 7, message: /entry 9/ })
    })
  })
})

describe('what a refused import leaves', () => {
  it('the database readable and importable as before', async () => {
    await expectRefused(db, gzLines(withBadLine('{')), { line: 7 })
    const summary = await importDump(db, gzLines(good()))
    expect(summary.runs).toEqual({ added: 1, updated: 1, unchanged: 0, rejected: 0 })
    const r1 = await db.lookupRun('s', 1)
    expect([r1.status, r1.metrics.length, r1.state]).toEqual(['newer', 3, RunState.Success])
  })
})
