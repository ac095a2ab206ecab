/**
 * Reading an Optuna JournalStorage log (JournalFileBackend: one JSON object a
 * line, each an operation with an `op_code`) as merge records, streaming: the
 * bytes are decoded and split chunk by chunk, each operation is replayed as
 * Optuna's JournalStorageReplayResult does, and a trial becomes a run as soon
 * as it finishes and every trial before it in its study has (a trial is found
 * by its id in an array: the file is read in time linear in its size). Memory
 * holds the trials not yet emitted, not the file.
 */
import type { RecordReader as ForeignReader, MergeItem } from '../dump/records.js'
import { badDump, type Line } from '../dump/lines.js'
import {
  BadOptunaField, newTrial, optunaStudy, ParamUnion, parseDistribution, parseTime, runItems, trialRun, TrialStateCode,
  type Distribution, type OptunaTrial,
} from './mapping.js'

/** Optuna's journal op codes (optuna.storages.journal JournalOperation). */
export const JournalOp = {
  CreateStudy: 0,
  DeleteStudy: 1,
  SetStudyUserAttr: 2,
  SetStudySystemAttr: 3,
  CreateTrial: 4,
  SetTrialParam: 5,
  SetTrialStateValues: 6,
  SetTrialIntermediateValue: 7,
  SetTrialUserAttr: 8,
  SetTrialSystemAttr: 9,
} as const

/** When this many finished trials wait behind an unfinished one, the unfinished ones are emitted as pending runs. */
const MAX_WAITING = 2000

/** A study of the journal and the trials it has not emitted yet. */
interface JournalStudy {
  readonly name: string
  readonly source: string
  readonly directions: ('minimize' | 'maximize')[]
  deleted: boolean
  /** Trials created so far: the next trial's number. */
  trials: number
  /** The number of the first trial not emitted yet in order (trials are emitted in number order so that seq = number + 1). */
  nextEmit: number
  /** Trials by number, created and not yet emitted in order (finished or not), with their trial ids. */
  readonly waiting: Map<number, { id: number; trial: OptunaTrial }>
  /** Finished trials among `waiting`. */
  finishedWaiting: number
  readonly union: ParamUnion
  /** Study record emitted (with the union as it was). */
  announced: boolean
  created: number | undefined
}

/** A live trial: its study, and its record; `null` once it has finished and been emitted (later operations on it are ignored, as Optuna does). */
type TrialSlot = { study: JournalStudy; trial: OptunaTrial; emittedEarly: boolean } | null

type Json = Record<string, unknown>

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x)
}

/** A float as Python's json writes it: a number, or NaN/Infinity/-Infinity (which the line reader turns into strings). */
function float(x: unknown, what: string): number {
  if (typeof x === 'number') return x
  if (x === 'NaN') return Number.NaN
  if (x === 'Infinity') return Infinity
  if (x === '-Infinity') return -Infinity
  throw new BadOptunaField(`${what} must be a number`)
}

function integer(x: unknown, what: string): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < 0) throw new BadOptunaField(`${what} must be a non-negative integer`)
  return x
}

const DIRECTIONS: Record<number, 'minimize' | 'maximize'> = { 0: 'minimize', 1: 'minimize', 2: 'maximize' }

/** Replays journal operations, producing merge records. */
export class JournalReplay {
  private readonly studies: JournalStudy[] = []
  private readonly liveNames = new Set<string>()
  private readonly trials: TrialSlot[] = []
  private readonly distributions = new Map<string, Distribution>()
  /** Records produced and not yet taken. */
  out: MergeItem[] = []

  /** Applies one line (already split off, not blank). Throws bad-dump naming the line. */
  line(line: Line): void {
    const t = line.text
    // The bulk of a journal: intermediate values, read without JSON.parse.
    if (t.startsWith('{"op_code":7,') && this.fastIntermediate(t)) return
    let o: unknown
    try {
      o = JSON.parse(t)
    } catch (e) {
      o = parsePython(t, line.no, e)
    }
    if (!isObject(o)) throw badDump(line.no, 'an Optuna journal line must be a JSON object')
    try {
      this.apply(o, line)
    } catch (e) {
      if (e instanceof BadOptunaField) throw badDump(line.no, `Optuna journal: ${e.message}`)
      throw e
    }
  }

  /**
   * `{"op_code":7,"worker_id":"…","trial_id":N,"step":S,"intermediate_value":V}`,
   * read without JSON.parse; false when the line is not exactly that (it is
   * then parsed as JSON).
   */
  private fastIntermediate(t: string): boolean {
    const a = t.indexOf(',"trial_id":')
    const b = t.indexOf(',"step":', a)
    const c = t.indexOf(',"intermediate_value":', b)
    if (a < 0 || b < 0 || c < 0 || t.charCodeAt(t.length - 1) !== 0x7d /* } */) return false
    const id = digits(t, a + 12, b)
    const step = digits(t, b + 8, c)
    if (id < 0 || step < 0) return false
    const v = numberText(t.slice(c + 22, -1))
    if (v === undefined) return false
    const slot = this.trials[id]
    if (slot) slot.trial.intermediate.set(step, v)
    return true
  }

  /**
   * The same intermediate-value line as bytes `b[s, e)` of ASCII text, read
   * without making a string of it (the bulk of a journal: no decoding, no line
   * strings); false when the line is not exactly that form (it is then decoded
   * and read as text).
   */
  intermediateBytes(b: Uint8Array, s: number, e: number): boolean {
    const head = OP7_HEAD
    if (e - s < head.length + 40 || b[e - 1] !== 0x7d /* } */) return false
    for (let i = 0; i < head.length; i++) if (b[s + i] !== head[i]) return false
    // The worker id's closing quote (an escaped quote inside it makes the line go the slow way).
    const q = b.indexOf(0x22, s + head.length)
    if (q < 0 || q >= e || b[q - 1] === 0x5c || !bytesAt(b, q, TRIAL_KEY)) return false
    let p = q + TRIAL_KEY.length
    let id = 0
    const idFrom = p
    for (let d = (b[p] as number) - 48; d >= 0 && d <= 9 && p - idFrom < 15; d = (b[++p] as number) - 48) id = id * 10 + d
    if (p === idFrom || !bytesAt(b, p, STEP_KEY)) return false
    p += STEP_KEY.length
    let step = 0
    const stepFrom = p
    for (let d = (b[p] as number) - 48; d >= 0 && d <= 9 && p - stepFrom < 15; d = (b[++p] as number) - 48) step = step * 10 + d
    if (p === stepFrom || !bytesAt(b, p, VALUE_KEY)) return false
    p += VALUE_KEY.length
    if (e - 1 - p > 32) return false
    const v = numberText(String.fromCharCode.apply(null, b.subarray(p, e - 1) as unknown as number[]))
    if (v === undefined) return false
    const slot = this.trials[id]
    if (slot) slot.trial.intermediate.set(step, v)
    return true
  }

  private apply(o: Json, line: Line): void {
    const op = o.op_code
    switch (op) {
      case JournalOp.CreateStudy: {
        const name = o.study_name
        if (typeof name !== 'string' || name === '') throw new BadOptunaField('study_name must be a non-empty string')
        if (!Array.isArray(o.directions) || o.directions.length === 0) throw new BadOptunaField('directions must be a non-empty list')
        const directions = o.directions.map((d) => {
          const dir = typeof d === 'number' ? DIRECTIONS[d] : undefined
          if (!dir) throw new BadOptunaField('a direction must be 0, 1 or 2')
          return dir
        })
        if (this.liveNames.has(name)) return // Optuna ignores a second study of a live name
        this.liveNames.add(name)
        const worker = typeof o.worker_id === 'string' ? o.worker_id : ''
        this.studies.push({
          name, source: `optuna:${name}@journal:${worker}:${this.studies.length}`, directions, deleted: false, trials: 0, nextEmit: 0,
          waiting: new Map(), finishedWaiting: 0, union: new ParamUnion(), announced: false, created: undefined,
        })
        return
      }
      case JournalOp.DeleteStudy: {
        const s = this.studies[integer(o.study_id, 'study_id')]
        if (s && !s.deleted) { s.deleted = true; this.liveNames.delete(s.name) }
        return
      }
      case JournalOp.SetStudyUserAttr:
      case JournalOp.SetStudySystemAttr:
        integer(o.study_id, 'study_id')
        return
      case JournalOp.CreateTrial: return this.createTrial(o, line)
      case JournalOp.SetTrialParam: {
        const slot = this.slot(o)
        const name = o.param_name
        if (typeof name !== 'string' || name === '') throw new BadOptunaField('param_name must be a non-empty string')
        if (typeof o.distribution !== 'string') throw new BadOptunaField('distribution must be a JSON string')
        const dist = this.distribution(o.distribution)
        const internal = float(o.param_value_internal, 'param_value_internal')
        if (slot) slot.trial.params.set(name, { dist, internal })
        return
      }
      case JournalOp.SetTrialStateValues: {
        const slot = this.slot(o)
        const state = integer(o.state, 'state')
        if (state > 4) throw new BadOptunaField(`unknown trial state ${state}`)
        const values = o.values == null ? undefined : floats(o.values, 'values')
        const start = parseTime(o.datetime_start)
        const complete = parseTime(o.datetime_complete)
        if (!slot) return
        const trial = slot.trial
        if (state === TrialStateCode.Running && trial.state === TrialStateCode.Running) return
        if (state === TrialStateCode.Running) trial.start = start ?? trial.start
        trial.state = state
        if (state !== TrialStateCode.Running && state !== TrialStateCode.Waiting) trial.complete = complete ?? trial.complete
        if (values) trial.values = values
        if (isFinished(state)) this.finish(integer(o.trial_id, 'trial_id'), line)
        return
      }
      case JournalOp.SetTrialIntermediateValue: {
        const slot = this.slot(o)
        const step = o.step
        if (typeof step !== 'number' || !Number.isSafeInteger(step)) throw new BadOptunaField('step must be an integer')
        const v = float(o.intermediate_value, 'intermediate_value')
        if (slot) slot.trial.intermediate.set(step, v)
        return
      }
      case JournalOp.SetTrialUserAttr: {
        const slot = this.slot(o)
        if (!isObject(o.user_attr)) throw new BadOptunaField('user_attr must be an object')
        if (slot) slot.trial.userAttrs = { ...slot.trial.userAttrs, ...o.user_attr }
        return
      }
      case JournalOp.SetTrialSystemAttr:
        this.slot(o)
        if (!isObject(o.system_attr)) throw new BadOptunaField('system_attr must be an object')
        return
      default:
        throw new BadOptunaField(`unknown op code ${JSON.stringify(op ?? null)?.slice(0, 40)} (this page reads Optuna's op codes 0–9)`)
    }
  }

  private distribution(text: string): Distribution {
    let d = this.distributions.get(text)
    if (!d) {
      d = parseDistribution(text)
      if (this.distributions.size < 10_000) this.distributions.set(text, d)
    }
    return d
  }

  /** The live trial an operation names (undefined when it is unknown or finished: Optuna ignores those operations). */
  private slot(o: Json): { study: JournalStudy; trial: OptunaTrial; emittedEarly: boolean } | undefined {
    const id = integer(o.trial_id, 'trial_id')
    return this.trials[id] ?? undefined
  }

  private createTrial(o: Json, line: Line): void {
    const study = this.studies[integer(o.study_id, 'study_id')]
    const start = parseTime(o.datetime_start)
    if (!study || study.deleted) return // Optuna creates no trial (and uses no id) for a missing study
    const id = this.trials.length
    const trial = newTrial(study.trials++, start)
    study.created ??= start
    // A trial copied from a template (enqueue_trial, add_trial) comes with its state, params and values.
    if (o.state !== undefined) {
      const state = integer(o.state, 'state')
      if (state > 4) throw new BadOptunaField(`unknown trial state ${state}`)
      trial.state = state
    }
    if (isObject(o.distributions) && isObject(o.params)) {
      for (const [k, d] of Object.entries(o.distributions)) {
        if (typeof d !== 'string') throw new BadOptunaField('distributions must map names to JSON strings')
        if (Object.hasOwn(o.params, k)) trial.params.set(k, { dist: this.distribution(d), internal: float(o.params[k], `params.${k}`) })
      }
    }
    if (Array.isArray(o.values)) trial.values = floats(o.values, 'values')
    else if (o.value != null) trial.values = [float(o.value, 'value')]
    trial.complete = parseTime(o.datetime_complete)
    if (isObject(o.user_attrs)) trial.userAttrs = { ...o.user_attrs }
    if (isObject(o.intermediate_values)) {
      for (const [k, v] of Object.entries(o.intermediate_values)) trial.intermediate.set(Number(k), float(v, 'intermediate value'))
    }
    this.trials.push({ study, trial, emittedEarly: false })
    study.waiting.set(trial.number, { id, trial })
    if (isFinished(trial.state)) this.finish(id, line)
  }

  /** A trial finished: emit it (and the finished trials after it) once every earlier trial of its study has been. */
  private finish(id: number, line: Line): void {
    const slot = this.trials[id]
    if (!slot) return
    this.trials[id] = null
    const { study, trial } = slot
    if (slot.emittedEarly) { this.emit(study, id, trial, line); return }
    study.finishedWaiting++
    this.drain(study, line, false)
    if (study.finishedWaiting > MAX_WAITING) this.drain(study, line, true)
  }

  /** Emits the trials at the head of the study's queue that have finished (or, with `force`, every trial waiting). */
  private drain(study: JournalStudy, line: Line, force: boolean): void {
    for (;;) {
      const w = study.waiting.get(study.nextEmit)
      if (!w) {
        if (study.nextEmit >= study.trials) return
        study.nextEmit++
        continue
      }
      const slot = this.trials[w.id]
      if (slot && !force) return
      study.waiting.delete(study.nextEmit)
      study.nextEmit++
      if (slot) slot.emittedEarly = true
      else study.finishedWaiting--
      this.emit(study, w.id, w.trial, line)
    }
  }

  private emit(study: JournalStudy, id: number, trial: OptunaTrial, line: Line): void {
    if (study.deleted) return
    if (study.union.add(trial) || !study.announced) this.announce(study, line)
    const { head, metrics } = trialRun(study.name, study.source, 'journal', id, trial, study.directions)
    runItems(this.out, head, metrics, line)
  }

  private announce(study: JournalStudy, line: Line): void {
    study.announced = true
    this.out.push({
      line,
      record: { type: 'foreign-study', study: optunaStudy(study.name, study.source, 'journal', study.directions, study.union.params, study.union.notes), created: study.created ?? 0 },
    })
  }

  /** At the end of the file: every trial not emitted yet (running or waiting) becomes a pending run; every study is announced. */
  end(line: Line): void {
    // Trials emitted early and still unfinished: once more, with what they reported since.
    this.trials.forEach((slot, id) => { if (slot?.emittedEarly) this.emit(slot.study, id, slot.trial, line) })
    for (const study of this.studies) {
      this.drain(study, line, true)
      if (!study.announced && !study.deleted) this.announce(study, line)
    }
  }
}

const asciiBytes = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0))
const OP7_HEAD = asciiBytes('{"op_code":7,"worker_id":"')
const TRIAL_KEY = asciiBytes('","trial_id":')
const STEP_KEY = asciiBytes(',"step":')
const VALUE_KEY = asciiBytes(',"intermediate_value":')

/** True when `b` holds `key` at `at`. */
function bytesAt(b: Uint8Array, at: number, key: Uint8Array): boolean {
  if (at + key.length > b.length) return false
  for (let i = 0; i < key.length; i++) if (b[at + i] !== key[i]) return false
  return true
}

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/

/** The float a JSON number (or Python's NaN, Infinity, -Infinity) writes, or undefined for any other text. */
function numberText(t: string): number | undefined {
  if (JSON_NUMBER.test(t)) return Number(t)
  if (t === 'NaN') return Number.NaN
  if (t === 'Infinity') return Infinity
  if (t === '-Infinity') return -Infinity
  return undefined
}

/** The non-negative integer written in t[from, to) (at most 15 digits), or -1. */
function digits(t: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1
  let x = 0
  for (let i = from; i < to; i++) {
    const d = t.charCodeAt(i) - 48
    if (d < 0 || d > 9) return -1
    x = x * 10 + d
  }
  return x
}

function isFinished(state: number): boolean {
  return state === TrialStateCode.Complete || state === TrialStateCode.Pruned || state === TrialStateCode.Fail
}

function floats(x: unknown, what: string): number[] {
  if (!Array.isArray(x)) throw new BadOptunaField(`${what} must be a list of numbers`)
  return x.map((v, i) => float(v, `${what}[${i}]`))
}

/**
 * Parses a line that JSON.parse refused: Python's json writes NaN, Infinity and
 * -Infinity as bare words, which become the strings "NaN", "Infinity",
 * "-Infinity" here. Anything else is a malformed line.
 */
function parsePython(t: string, no: number, first: unknown): unknown {
  if (/NaN|Infinity/.test(t)) {
    try {
      return JSON.parse(t.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"$2"'))
    } catch {
      // fall through: report the original error
    }
  }
  throw badDump(no, `not valid JSON (${first instanceof Error ? first.message : String(first)})`)
}

/**
 * Reads a journal from a byte stream: the records for the merge, in chunks (one
 * per chunk of bytes read). Throws bad-dump naming the line for invalid UTF-8,
 * a malformed line (also a truncated last line), an unknown op code.
 */
export function readJournal(stream: ReadableStream<Uint8Array>): ForeignReader {
  let bytes = 0
  async function* records(): AsyncGenerator<MergeItem[]> {
    const replay = new JournalReplay()
    // Decoding replaces invalid UTF-8 with U+FFFD (faster than a fatal decoder); a chunk holding one
    // is decoded again, fatally, to tell a real U+FFFD from invalid bytes. A chunk of ASCII alone
    // (the usual journal) is decoded as Latin-1, which gives the same text several times faster.
    const decoder = new TextDecoder('utf-8')
    const ascii = new TextDecoder('latin1')
    let pending = ''
    let no = 0
    const reader = stream.getReader()
    let ended = false
    const take = (text: string) => {
      let start = 0
      for (;;) {
        const nl = text.indexOf('\n', start)
        if (nl < 0) break
        let t = start === 0 && pending ? pending + text.slice(0, nl) : text.slice(start, nl)
        if (start === 0) pending = ''
        no++
        if (t.endsWith('\r')) t = t.slice(0, -1)
        if (no === 1 && t.charCodeAt(0) === 0xfeff) t = t.slice(1)
        if (t.length && t.trim() !== '') replay.line({ no, text: t })
        start = nl + 1
      }
      pending += text.slice(start)
      if (pending.length > 64 * 1024 * 1024) throw badDump(no + 1, 'line is longer than 64 Mi characters')
    }
    // A chunk of ASCII alone, line by line as bytes: intermediate values are read from the bytes, other lines decoded one by one.
    const takeAscii = (b: Uint8Array) => {
      let start = 0
      if (pending) {
        const nl = b.indexOf(0x0a)
        if (nl < 0) { take(ascii.decode(b)); return }
        take(ascii.decode(b.subarray(0, nl + 1)))
        start = nl + 1
      }
      for (;;) {
        const nl = b.indexOf(0x0a, start)
        if (nl < 0) break
        no++
        const end = nl > start && b[nl - 1] === 0x0d ? nl - 1 : nl
        if (!replay.intermediateBytes(b, start, end)) {
          const t = ascii.decode(b.subarray(start, end))
          if (t.length && t.trim() !== '') replay.line({ no, text: t })
        }
        start = nl + 1
      }
      if (start < b.length) take(ascii.decode(b.subarray(start)))
    }
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) { ended = true; break }
        bytes += value.length
        // (A character cut by the previous chunk's end leaves this chunk starting with a non-ASCII byte.)
        if (isAscii(value)) takeAscii(value)
        else {
          const text = decoder.decode(value, { stream: true })
          if (text.includes('\uFFFD')) checkUtf8(value, no + countNewlines(pending))
          take(text)
        }
        if (replay.out.length) { yield replay.out; replay.out = [] }
      }
      const rest = decoder.decode()
      if (rest.includes('\uFFFD')) throw badDump(no + 1 + countNewlines(pending), 'text is not valid UTF-8 (the file ends inside a character)')
      take(rest)
      if (pending.trim() !== '') { no++; replay.line({ no, text: pending }) }
      replay.end({ no, text: '' })
      if (replay.out.length) yield replay.out
    } finally {
      if (!ended) await reader.cancel().catch(() => undefined)
      reader.releaseLock()
    }
  }
  return { kind: 'optuna-journal', records: records(), bytesRead: () => bytes }
}

/**
 * Throws bad-dump naming the line when `bytes` (a chunk whose lines before it
 * number `before`) hold invalid UTF-8. A sequence cut at the chunk's end is
 * not an error here (the next chunk completes it).
 */
function checkUtf8(bytes: Uint8Array, before: number): void {
  const fatal = new TextDecoder('utf-8', { fatal: true })
  let line = before
  let start = 0
  for (;;) {
    const nl = bytes.indexOf(0x0a, start)
    const end = nl < 0 ? bytes.length : nl + 1
    try {
      fatal.decode(bytes.subarray(start, end), { stream: nl < 0 })
    } catch {
      // A line cut by the chunk's start may begin with the tail of a character: skip up to 3 continuation bytes.
      let s = start
      while (line === before && s < end && s - start < 3 && ((bytes[s] as number) & 0xc0) === 0x80) s++
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(s, end), { stream: nl < 0 })
      } catch {
        throw badDump(line + 1, 'text is not valid UTF-8')
      }
    }
    if (nl < 0) return
    line++
    start = end
  }
}

/** True when every byte is below 0x80 (read a 32-bit word at a time). */
function isAscii(bytes: Uint8Array): boolean {
  const n = bytes.length
  let i = 0
  while (i < n && (bytes.byteOffset + i) % 4 !== 0) if ((bytes[i++] as number) >= 0x80) return false
  const words = (n - i) >> 2
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words)
    let or = 0
    for (let k = 0; k < words; k++) or |= w[k] as number
    if (or & 0x80808080) return false
    i += words * 4
  }
  while (i < n) if ((bytes[i++] as number) >= 0x80) return false
  return true
}

function countNewlines(s: string): number {
  let n = 0
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++
  return n
}
