/**
 * Hostile dumps derived from valid ones, for the import fuzz: every case is a
 * valid dump (hand-written, or exported from a database fast-check built) with
 * one kind of damage done to it. The kinds are what an untrusted file may hold:
 * bit flips (in the gzip bytes and in the text under it), truncations, shuffled,
 * duplicated and dropped lines, fields of any record replaced by values of the
 * wrong type, nesting 100,000 deep, huge strings and numbers, keys that name
 * prototypes at any level, junk bytes, foreign versions, damaged appended members.
 */
import { Gunzip } from 'fflate'
import { concat, gz, headerLine, jsonl, logLine, metricsLine, runLine, studyLine } from './helpers.js'

/** One mutated dump: what was done to it, and its bytes. */
export interface FuzzCase {
  readonly kind: MutationKind
  readonly bytes: Uint8Array
}

/** Every kind of damage, each as likely as the others. */
export const MUTATION_KINDS = [
  'gzip-flip', 'text-flip', 'gzip-truncate', 'text-truncate', 'shuffle', 'duplicate', 'drop',
  'wrong-type', 'deep-nesting', 'huge-number', 'huge-string', 'proto-key', 'junk-bytes', 'version', 'append',
] as const

/** A kind of damage done to a valid dump. */
export type MutationKind = typeof MUTATION_KINDS[number]

type Line = Record<string, unknown>

/** A uniform random number generator in [0, 1). */
export type Random = () => number

function pick<T>(xs: readonly T[], rnd: Random): T {
  return xs[Math.floor(rnd() * xs.length)] as T
}

function below(n: number, rnd: Random): number {
  return Math.floor(rnd() * n)
}

/** The hand-written dump: two studies, runs of every state and value kind, histories and logs. */
export function handWrittenDump(): Line[] {
  const lines: Line[] = [
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

/** What the database holds before each case: an older version of half of the hand-written runs (so the dump's lines write). */
export function olderDump(): Line[] {
  return handWrittenDump().filter((l) => l['t'] !== 'metrics' && l['t'] !== 'log' && !(typeof l['id'] === 'string' && Number((l['id'] as string).slice(3)) >= 4))
    .map((l) => (l['t'] === 'run' ? { ...l, state: 'pending', updated: '2024-01-01T00:00:30.000Z' } : l))
}

/** Every line of gzip (any number of members) or plain dump bytes, as text. */
export function dumpText(bytes: Uint8Array): string {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return new TextDecoder().decode(bytes)
  const parts: Uint8Array[] = []
  const g = new Gunzip((chunk) => { parts.push(chunk) })
  g.push(bytes, true)
  return new TextDecoder().decode(concat(...parts))
}

/** Parsed lines of a valid exported dump. */
export function linesOf(bytes: Uint8Array): Line[] {
  return dumpText(bytes).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line)
}

const deepArrays = (n: number) => `${'['.repeat(n)}0${']'.repeat(n)}`
const deepObjects = (n: number) => `${'{"a":'.repeat(n)}0${'}'.repeat(n)}`
const deepLists = (n: number) => `${'{"list":['.repeat(n)}{"int":"1"}${']}'.repeat(n)}`

/** Values of the wrong type for some field, as JSON text. */
const WRONG = [
  '"text"', '""', '-1', '0', '1.5', '-0', 'null', 'true', 'false', '[]', '{}', '[[0.5]]', '[1,2,3]', '{"a":1}',
  '"NaN"', '"Infinity"', '"2024-13-45T99:00:00Z"', '"9999-99-99T00:00:00.000Z"', '{"int":"1","float":1}', '{"int":1}',
  '{"float":"1"}', '{"bool":"true"}', '{"list":{}}', '{"dict":[]}', '{"string":1}', '{"unknown":1}', '"toString"',
  '"hasOwnProperty"', '"valueOf"', '9007199254740993', '-9007199254740993',
]

/** Numbers beyond what a field can hold, as JSON text. */
const HUGE_NUMBERS = [
  '1e400', '-1e400', '1e-400', '12345678901234567890', '-12345678901234567890', '99999999999999999999999999999999999999',
  '1.7976931348623157e308', '5e-324', '{"int":"99999999999999999999"}', '{"int":"-9223372036854775809"}',
  '{"int":"9223372036854775808"}', '{"float":1e400}', '{"int":"00000000000000000001"}', '"1e400"',
]

const PROTO_KEYS = ['__proto__', 'constructor', 'prototype']

/** Values to hang under a prototype key: ones that would pollute if assigned, and harmless-looking ones. */
const PROTO_VALUES = [
  '{"polluted":1}', '{"prototype":{"polluted":1}}', '{"int":"1"}', '{"float":0.5}', '1', '"x"', 'null', '[]',
  '{"toString":1,"polluted":1}', '{"__proto__":{"polluted":1}}',
]

/** Each object and array in `root`, with the key or index that reaches it from its holder. */
function nodes(root: unknown): { holder: Record<string, unknown> | unknown[] }[] {
  const out: { holder: Record<string, unknown> | unknown[] }[] = []
  const walk = (x: unknown) => {
    if (typeof x !== 'object' || x === null) return
    out.push({ holder: x as Record<string, unknown> | unknown[] })
    for (const v of Object.values(x)) walk(v)
  }
  walk(root)
  return out
}

const HOLE = '\u0000hole\u0000'

/** Sets an own property, even one named `__proto__` (plain assignment would set the prototype). */
function setOwn(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true })
}

/** A deep copy that keeps keys such as `__proto__` as own properties. */
function clone(line: Line): Line {
  return JSON.parse(JSON.stringify(line)) as Line
}
const KEY = '\u0000key\u0000'

/** Replaces a field somewhere in `line` (any depth; an array element, or the whole line sometimes) by raw JSON text. */
function replaceSomewhere(line: Line, raw: string, rnd: Random): string {
  const copy = clone(line)
  const candidates = nodes(copy).filter(({ holder }) => Object.keys(holder).length > 0)
  if (candidates.length === 0 || rnd() < 0.03) return raw
  // Top-level fields half of the time: they are what most decoding checks.
  const { holder } = rnd() < 0.5 ? { holder: copy } : pick(candidates, rnd)
  const keys = Object.keys(holder)
  const key = pick(keys, rnd)
  setOwn(holder, key, HOLE)
  return JSON.stringify(copy).replace(JSON.stringify(HOLE), raw)
}

/** Adds a prototype key (with some value) to an object somewhere in `line`, or renames a key to one. */
function addProtoKey(line: Line, rnd: Random): string {
  const copy = clone(line)
  const objects = nodes(copy).filter(({ holder }) => !Array.isArray(holder)).map(({ holder }) => holder as Record<string, unknown>)
  // A dict value's payload is the one place such a key is data: aim there a third of the time.
  const dicts = objects.flatMap((o) => (Object.keys(o).length === 1 && typeof o['dict'] === 'object' && o['dict'] !== null && !Array.isArray(o['dict']) ? [o['dict'] as Record<string, unknown>] : []))
  const target = dicts.length && rnd() < 0.35 ? pick(dicts, rnd) : pick(objects, rnd)
  const key = pick(PROTO_KEYS, rnd)
  const escaped = rnd() < 0.2 ? JSON.stringify(key).replace('_', '\\u005f').replace('c', '\\u0063').replace('p', '\\u0070') : JSON.stringify(key)
  const keys = Object.keys(target)
  if (keys.length > 0 && rnd() < 0.4) {
    // Rename an existing key: its value stays (a dict's entry, a param, a value set entry…).
    const old = pick(keys, rnd)
    const entries = Object.entries(target)
    for (const k of keys) Reflect.deleteProperty(target, k)
    for (const [k, v] of entries) setOwn(target, k === old ? KEY : k, v)
    return JSON.stringify(copy).replace(JSON.stringify(KEY), escaped)
  }
  setOwn(target, KEY, HOLE)
  return JSON.stringify(copy).replace(`${JSON.stringify(KEY)}:${JSON.stringify(HOLE)}`, `${escaped}:${pick(PROTO_VALUES, rnd)}`)
}

function shuffle<T>(xs: T[], rnd: Random): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = below(i + 1, rnd)
    ;[xs[i], xs[j]] = [xs[j] as T, xs[i] as T]
  }
  return xs
}

function flipBits(bytes: Uint8Array, rnd: Random): Uint8Array {
  const out = bytes.slice()
  const flips = 1 + below(4, rnd)
  for (let i = 0; i < flips; i++) {
    const at = below(out.length, rnd)
    out[at] = (out[at] as number) ^ (1 << below(8, rnd))
  }
  return out
}

/** Most cases are gzipped, as exports are; some are plain JSON Lines, which import also reads. */
function encode(text: string, rnd: Random): Uint8Array {
  return rnd() < 0.8 ? gz(text) : new TextEncoder().encode(text)
}

/** The size of the huge strings: 10 MB fits in a line; the longer ones exceed the line limit (16 Mi characters). */
const HUGE_STRING_SIZES = [10 * 1024 * 1024, 10 * 1024 * 1024, 17 * 1024 * 1024]

/**
 * One mutated dump of `base` (a valid dump's lines, header first).
 * `kind` forces the kind of damage; by default it is drawn.
 */
export function mutate(base: readonly Line[], rnd: Random, kind: MutationKind = pick(MUTATION_KINDS, rnd)): FuzzCase {
  const texts = base.map((l) => JSON.stringify(l))
  const at = below(base.length, rnd)
  const atBody = base.length > 1 ? 1 + below(base.length - 1, rnd) : 0
  const withLine = (i: number, text: string) => jsonl(texts.map((t, j) => (j === i ? text : t)))
  switch (kind) {
    case 'gzip-flip': return { kind, bytes: flipBits(gz(jsonl(texts)), rnd) }
    case 'text-flip': return { kind, bytes: encode(new TextDecoder().decode(flipBits(new TextEncoder().encode(jsonl(texts)), rnd)), rnd) }
    case 'gzip-truncate': {
      const bytes = gz(jsonl(texts))
      return { kind, bytes: bytes.subarray(0, below(bytes.length, rnd)) }
    }
    case 'text-truncate': {
      const text = jsonl(texts)
      return { kind, bytes: encode(text.slice(0, below(text.length, rnd)), rnd) }
    }
    case 'shuffle': {
      // The header first half of the time (a dump must start with it), anywhere the other half.
      const all = rnd() < 0.5 ? [texts[0] as string, ...shuffle(texts.slice(1), rnd)] : shuffle([...texts], rnd)
      return { kind, bytes: encode(jsonl(all), rnd) }
    }
    case 'duplicate': {
      const out = [...texts]
      const n = 1 + below(6, rnd)
      for (let i = 0; i < n; i++) out.splice(below(out.length + 1, rnd), 0, pick(texts, rnd))
      return { kind, bytes: encode(jsonl(out), rnd) }
    }
    case 'drop': return { kind, bytes: encode(jsonl(texts.filter(() => rnd() > 0.2)), rnd) }
    case 'wrong-type': return { kind, bytes: encode(withLine(at, replaceSomewhere(base[at] as Line, pick(WRONG, rnd), rnd)), rnd) }
    case 'deep-nesting': {
      const depth = pick([33, 100, 10_000, 100_000], rnd)
      const raw = pick([deepArrays, deepObjects, deepLists], rnd)(depth)
      return { kind, bytes: encode(withLine(at, replaceSomewhere(base[at] as Line, raw, rnd)), rnd) }
    }
    case 'huge-number': return { kind, bytes: encode(withLine(at, replaceSomewhere(base[at] as Line, pick(HUGE_NUMBERS, rnd), rnd)), rnd) }
    case 'huge-string': {
      const size = pick(HUGE_STRING_SIZES, rnd)
      const raw = `"${(rnd() < 0.5 ? 'x' : 'é<\\"').repeat(Math.ceil(size / 4)).slice(0, size)}"`
      return { kind, bytes: gz(withLine(atBody, replaceSomewhere(base[atBody] as Line, raw, rnd))) }
    }
    case 'proto-key': return { kind, bytes: encode(withLine(at, addProtoKey(base[at] as Line, rnd)), rnd) }
    case 'junk-bytes': {
      const text = new TextEncoder().encode(jsonl(texts))
      const cut = below(text.length, rnd)
      const junk = Uint8Array.from({ length: 1 + below(8, rnd) }, () => below(256, rnd))
      const bytes = concat(text.subarray(0, cut), junk, text.subarray(cut + below(16, rnd)))
      return { kind, bytes: rnd() < 0.5 ? bytes : gz(bytes) }
    }
    case 'version': {
      const version = pick(['2', '0', '-1', '1.5', '"1"', 'null', '999999999999', '1e400', '[1]', '{"v":1}'], rnd)
      const header = JSON.stringify({ ...base[0], version: HOLE }).replace(JSON.stringify(HOLE), version)
      return { kind, bytes: encode(withLine(0, header), rnd) }
    }
    case 'append': {
      // A second member, itself damaged at one field: a delta appended to a dump.
      const second = withLine(atBody, replaceSomewhere(base[atBody] as Line, pick([...WRONG, ...HUGE_NUMBERS], rnd), rnd))
      return { kind, bytes: concat(gz(jsonl(texts)), gz(second)) }
    }
  }
}
