#!/usr/bin/env node
/**
 * Writes an Optuna JournalStorage log (the JSON Lines file of
 * `optuna.storages.JournalStorage` on a `JournalFileBackend`) for one study,
 * as Optuna writes it for `study.optimize()`, without Python:
 *
 *     node scripts/optuna-journal.mjs N OUT [STEPS=100]
 *
 * The study, `bench-journal-N`, minimizes one objective; each of its N trials
 * suggests three params and reports STEPS intermediate values, then completes:
 *
 *     x          FloatDistribution(-10, 10)
 *     lr         FloatDistribution(1e-5, 1, log=True)
 *     optimizer  CategoricalDistribution(["adam", "sgd", "rmsprop"])
 *
 * The records, in Optuna's order (op codes of Optuna's `JournalOperation`):
 * CREATE_STUDY (0) once, then per trial CREATE_TRIAL (4), SET_TRIAL_PARAM (5)
 * ×3, SET_TRIAL_INTERMEDIATE_VALUE (7) ×STEPS, SET_TRIAL_STATE_VALUES (6,
 * state COMPLETE). Optuna writes nothing else for such a run with its
 * default sampler and pruner (no study or trial attributes). Each line is
 * Python's `json.dumps(log, separators=(",", ":"))` of Optuna's record, so:
 *
 * - keys in the order Optuna builds the record (`op_code`, `worker_id`, then
 *   the operation's fields);
 * - floats as Python's `repr` prints them (`10.0`, `1e-05`, `1.5e+16`);
 * - `distribution` a string holding `distribution_to_json`'s text, which uses
 *   Python's default separators (`", "`, `": "`);
 * - times as naive `datetime.isoformat(timespec="microseconds")`.
 *
 * Compact separators are what Optuna 4.0 and later write; Optuna 3.1–3.6 wrote
 * the same records with `", "` and `": "` between items
 * (test/fixtures/optuna/optuna-3.1-journal.log is such a file, and
 * test/unit/optuna/generator.test.ts compares the two).
 *
 * Deterministic: the same N and STEPS give the same bytes (a fixed seed, a
 * fixed worker id, a fixed start time, 2025-01-01T00:00:00), the bytes the
 * former tools/gen_optuna_journal.mjs wrote. Written as a stream: memory stays
 * bounded whatever N (10,000 trials × 100 steps make 158 MB in about 3 s and
 * 125 MB of memory).
 */
import { closeSync, openSync, writeSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The op codes of Optuna's `JournalOperation` that this generator writes. */
export const OP = Object.freeze({
  CREATE_STUDY: 0,
  CREATE_TRIAL: 4,
  SET_TRIAL_PARAM: 5,
  SET_TRIAL_STATE_VALUES: 6,
  SET_TRIAL_INTERMEDIATE_VALUE: 7,
})

/** Optuna's `TrialState.COMPLETE`, the state every generated trial ends in. */
export const COMPLETE = 1

/** Optuna's `StudyDirection.MINIMIZE`, the study's one direction. */
export const MINIMIZE = 1

/**
 * The worker id of every record: Optuna's form, `<uuid4>-<thread id>`, fixed
 * so that the output is deterministic.
 */
export const WORKER_ID = '9b0c6f3e-2a41-4c7d-8e55-1f2d3c4b5a69-140213371337216'

/** The categorical choices of `optimizer`; a trial's `param_value_internal` is an index into them. */
export const OPTIMIZERS = Object.freeze(['adam', 'sgd', 'rmsprop'])

/**
 * Python's `repr` of a float (which `json.dumps` writes): the shortest digits
 * that read back as `x`, in exponent form (`1e-05`, `1.5e+16`, at least two
 * exponent digits) when the decimal exponent is below -4 or at least 16, else
 * in fixed form with at least one digit after the point (`10.0`); `NaN`,
 * `Infinity`, `-Infinity` as Python's json writes them.
 *
 * @param {number} x
 * @returns {string}
 */
export function pythonFloat(x) {
  if (Number.isNaN(x)) return 'NaN'
  if (x === Infinity) return 'Infinity'
  if (x === -Infinity) return '-Infinity'
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0'
  // JavaScript picks the same shortest round-trip digits as Python.
  const [mantissa, exp] = x.toExponential().split('e')
  const exponent = Number(exp)
  if (exponent < -4 || exponent >= 16) {
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  const fixed = String(x) // fixed notation throughout this range in JavaScript
  return fixed.includes('.') ? fixed : `${fixed}.0`
}

/**
 * Python's `datetime.isoformat(timespec="microseconds")` of a naive datetime,
 * `YYYY-MM-DDTHH:MM:SS.ffffff`, for a time given in microseconds since the
 * epoch (read as UTC, as the importer reads Optuna's naive times).
 *
 * @param {number} micros an integer
 * @returns {string}
 */
export function pythonIsoformat(micros) {
  const d = new Date(Math.floor(micros / 1000))
  const p = (/** @type {number} */ n, width = 2) => String(n).padStart(width, '0')
  const fraction = ((micros % 1_000_000) + 1_000_000) % 1_000_000
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(fraction, 6)}`
}

/**
 * `optuna.distributions.distribution_to_json` of `FloatDistribution(low, high, log=log)`.
 *
 * @param {number} low
 * @param {number} high
 * @param {boolean} log
 * @returns {string}
 */
function floatDistribution(low, high, log) {
  return `{"name": "FloatDistribution", "attributes": {"step": null, "low": ${pythonFloat(low)}, "high": ${pythonFloat(high)}, "log": ${log}}}`
}

/**
 * `optuna.distributions.distribution_to_json` of `CategoricalDistribution(choices)` (ASCII strings).
 *
 * @param {readonly string[]} choices
 * @returns {string}
 */
function categoricalDistribution(choices) {
  return `{"name": "CategoricalDistribution", "attributes": {"choices": [${choices.map((c) => JSON.stringify(c)).join(', ')}]}}`
}

/**
 * Each param's `distribution` text, as Optuna writes it in SET_TRIAL_PARAM records.
 *
 * @type {Readonly<Record<'x' | 'lr' | 'optimizer', string>>}
 */
export const DISTRIBUTIONS = Object.freeze({
  x: floatDistribution(-10, 10, false),
  lr: floatDistribution(1e-5, 1, true),
  optimizer: categoricalDistribution(OPTIMIZERS),
})

/** What follows `op_code` in every record. */
const HEAD = `"worker_id":${JSON.stringify(WORKER_ID)}`

/**
 * The records, one function per storage call of Optuna's JournalStorage
 * (`create_new_study`, `create_new_trial`, …), each the compact JSON line
 * Optuna writes for it, its fields in Optuna's order. A param's value comes
 * as its JSON text (a float in Python's form, a categorical index).
 */
const record = {
  /** @param {string} name @param {number} direction */
  createStudy: (name, direction) => `{"op_code":${OP.CREATE_STUDY},${HEAD},"study_name":${JSON.stringify(name)},"directions":[${direction}]}`,
  /** @param {number} studyId @param {string} start */
  createTrial: (studyId, start) => `{"op_code":${OP.CREATE_TRIAL},${HEAD},"study_id":${studyId},"datetime_start":"${start}"}`,
  /** @param {number} trialId @param {string} name @param {string} value @param {string} distribution */
  setTrialParam: (trialId, name, value, distribution) =>
    `{"op_code":${OP.SET_TRIAL_PARAM},${HEAD},"trial_id":${trialId},"param_name":${JSON.stringify(name)},"param_value_internal":${value},"distribution":${JSON.stringify(distribution)}}`,
  /** @param {number} trialId @param {number} step @param {number} value */
  setTrialIntermediateValue: (trialId, step, value) =>
    `{"op_code":${OP.SET_TRIAL_INTERMEDIATE_VALUE},${HEAD},"trial_id":${trialId},"step":${step},"intermediate_value":${pythonFloat(value)}}`,
  /** @param {number} trialId @param {number} state @param {number} value @param {string} complete */
  setTrialStateValues: (trialId, state, value, complete) =>
    `{"op_code":${OP.SET_TRIAL_STATE_VALUES},${HEAD},"trial_id":${trialId},"state":${state},"values":[${pythonFloat(value)}],"datetime_complete":"${complete}"}`,
}

/**
 * mulberry32: a small seeded generator of uniform numbers in [0, 1).
 *
 * @param {number} seed
 * @returns {() => number}
 */
function mulberry32(seed) {
  let s = seed | 0
  return () => {
    s = (s + 0x6d2b79f5) | 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Lines written to a new file through a buffer of about 1 MiB, so that the
 * memory used does not grow with the file.
 *
 * @param {string} file
 */
function lineWriter(file) {
  const fd = openSync(file, 'w')
  /** @type {string[]} */
  let pending = []
  let pendingLength = 0
  let bytes = 0
  let lines = 0
  const flush = () => {
    const chunk = Buffer.from(pending.join(''), 'utf8')
    for (let at = 0; at < chunk.length;) at += writeSync(fd, chunk, at)
    bytes += chunk.length
    pending = []
    pendingLength = 0
  }
  return {
    /** Appends `line` and a line end. @param {string} line */
    write(line) {
      pending.push(line, '\n')
      pendingLength += line.length + 1
      lines++
      if (pendingLength >= 1 << 20) flush()
    },
    /** Writes what is buffered (unless `discard`) and closes the file; returns what was written. */
    close(discard = false) {
      try {
        if (!discard) flush()
      } finally {
        closeSync(fd)
      }
      return { bytes, lines }
    },
  }
}

/** The first trial's start: 2025-01-01T00:00:00 (epoch milliseconds). */
const START_MS = Date.UTC(2025, 0, 1)

/**
 * The study's records, in order, passed to `write`. The order of the random
 * draws is part of the output: changing it changes every file.
 *
 * @param {(line: string) => void} write
 * @param {string} study
 * @param {number} trials
 * @param {number} steps
 */
function emitStudy(write, study, trials, steps) {
  const random = mulberry32(0x5eed1234 ^ trials)
  /** A time as Python prints it: `ms` and a random sub-millisecond part, as real clocks have. */
  const time = (/** @type {number} */ ms) => pythonIsoformat(ms * 1000 + Math.floor(random() * 1000))
  write(record.createStudy(study, MINIMIZE))
  let now = START_MS
  for (let id = 0; id < trials; id++) {
    write(record.createTrial(0, time(now)))
    const x = -10 + 20 * random()
    const lr = Math.exp(Math.log(1e-5) + random() * (Math.log(1) - Math.log(1e-5)))
    const optimizer = Math.floor(random() * OPTIMIZERS.length)
    write(record.setTrialParam(id, 'x', pythonFloat(x), DISTRIBUTIONS.x))
    write(record.setTrialParam(id, 'lr', pythonFloat(lr), DISTRIBUTIONS.lr))
    write(record.setTrialParam(id, 'optimizer', String(optimizer), DISTRIBUTIONS.optimizer))
    // The objective: smooth in the params, plus noise; the learning curve decays to it.
    const value = (x - 2) ** 2 / 10 + (Math.log10(lr) + 3) ** 2 / 4 + [0, 0.3, 0.1][optimizer] + 0.05 * random()
    const first = value + 2 + random()
    const tau = 10 + 20 * random()
    for (let step = 0; step < steps; step++) {
      write(record.setTrialIntermediateValue(id, step, value + (first - value) * Math.exp(-step / tau) + 0.01 * (random() - 0.5)))
    }
    now += 1000 + Math.floor(random() * 4000)
    write(record.setTrialStateValues(id, COMPLETE, value, time(now)))
    now += 5
  }
}

/**
 * @typedef {object} JournalSummary What {@link writeOptunaJournal} wrote.
 * @property {string} file the path written
 * @property {string} study the study's name, `bench-journal-<trials>`
 * @property {number} trials the number of trials (all COMPLETE)
 * @property {number} steps intermediate values per trial
 * @property {number} bytes the file's size
 * @property {number} lines its number of lines, `1 + trials × (5 + steps)`
 */

/**
 * Writes (replacing) `file`: the journal of one Optuna study, `bench-journal-<trials>`,
 * with `trials` COMPLETE trials of `steps` intermediate values each (steps 0
 * to steps − 1), in the lines Optuna writes (see the top of this file).
 * Deterministic: the same `trials` and `steps` give the same bytes. Trials
 * run one after the other, 1 to 5 s each, from 2025-01-01T00:00:00.
 * Synchronous, with memory bounded whatever the size.
 *
 * @param {string} file the path to write
 * @param {{ trials: number, steps?: number }} options `trials` a positive integer; `steps` (default 100) a non-negative integer
 * @returns {JournalSummary}
 * @throws {RangeError} when `trials` or `steps` is not such an integer (nothing is written)
 */
export function writeOptunaJournal(file, { trials, steps = 100 }) {
  if (!Number.isSafeInteger(trials) || trials <= 0) throw new RangeError(`trials must be a positive integer, got ${trials}`)
  if (!Number.isSafeInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`)
  const study = `bench-journal-${trials}`
  const out = lineWriter(file)
  try {
    emitStudy((line) => out.write(line), study, trials, steps)
  } catch (error) {
    out.close(true)
    throw error
  }
  return { file, study, trials, steps, ...out.close() }
}

/**
 * The command line: `node scripts/optuna-journal.mjs N OUT [STEPS=100]`;
 * prints the summary as one JSON line, or a usage line to stderr (exit 2).
 *
 * @param {readonly string[]} args
 */
function main(args) {
  const [n, out, steps = '100'] = args
  const integer = /^\d+$/
  if (args.length < 2 || args.length > 3 || !integer.test(n ?? '') || Number(n) === 0 || !out || !integer.test(steps)) {
    console.error('usage: node scripts/optuna-journal.mjs N OUT [STEPS=100]   (N trials > 0, STEPS intermediate values each)')
    process.exit(2)
  }
  console.log(JSON.stringify(writeOptunaJournal(out, { trials: Number(n), steps: Number(steps) })))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2))
