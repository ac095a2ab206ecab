/**
 * Replaying an Optuna journal's operations as Optuna's
 * JournalStorageReplayResult does, producing merge records: studies created
 * and deleted, trials created, their params, state, values, intermediate
 * values and user attributes set. A trial becomes a run as soon as it finishes
 * and every trial before it in its study has (a trial is found by its id in an
 * array: a journal replays in time linear in its size); memory holds the
 * trials not yet emitted.
 */
import type { MergeItem } from '../dump/records.js'
import { badDump, type Line } from '../dump/lines.js'
import { parseDistribution, type Distribution } from './distributions.js'
import { BadOptunaField, parseTime, TrialStateCode } from './fields.js'
import { readIntermediateBytes, readIntermediateText, type IntermediateOp } from './intermediate-lines.js'
import { float, floats, integer, isObject, parsePython, type Json } from './journal-json.js'
import { runItems, trialRun } from './runs.js'
import { optunaStudy, ParamUnion } from './study.js'
import { newTrial, type OptunaTrial } from './trials.js'

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

const DIRECTIONS: Record<number, 'minimize' | 'maximize'> = { 0: 'minimize', 1: 'minimize', 2: 'maximize' }

/**
 * Replays journal operations, producing merge records: each line goes to
 * `line` (or, as bytes, to `intermediateBytes` first), the records produced
 * collect in `out`, and `end` flushes what the file left unfinished.
 */
export class JournalReplay {
  private readonly studies: JournalStudy[] = []
  private readonly liveNames = new Set<string>()
  private readonly trials: TrialSlot[] = []
  private readonly distributions = new Map<string, Distribution>()
  /** Where the intermediate-value fast paths read a line to. */
  private readonly op7: IntermediateOp = { id: 0, step: 0, value: 0 }
  /** Records produced and not yet taken. */
  out: MergeItem[] = []

  /** Applies one line (already split off, not blank). Throws bad-dump naming the line. */
  line(line: Line): void {
    const t = line.text
    // The bulk of a journal: intermediate values, read without JSON.parse.
    if (readIntermediateText(t, this.op7)) { this.setIntermediate(); return }
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
   * Applies an intermediate-value line given as bytes `b[s, e)` of ASCII text
   * (the line without its line break), read without making a string of it (the
   * bulk of a journal: no decoding, no line strings); false when the line is
   * not exactly that form (the caller then decodes it and passes it to `line`).
   */
  intermediateBytes(b: Uint8Array, s: number, e: number): boolean {
    if (!readIntermediateBytes(b, s, e, this.op7)) return false
    this.setIntermediate()
    return true
  }

  /** Sets the intermediate value the fast path read (ignored for a trial unknown or finished, as Optuna does). */
  private setIntermediate(): void {
    const { id, step, value } = this.op7
    const slot = this.trials[id]
    if (slot) slot.trial.intermediate.set(step, value)
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

function isFinished(state: number): boolean {
  return state === TrialStateCode.Complete || state === TrialStateCode.Pruned || state === TrialStateCode.Fail
}
