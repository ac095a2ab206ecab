/**
 * The scale benchmarks' data: a study of N runs over 5 params (20,000 value
 * sets, so 100,000 runs are 20,000 trials of 5 replicates and 10,000 runs are
 * 10,000 single-run trials), each run with 10 metric entries (100,000 runs =
 * 1,000,000 entries) and a short log, as stored records. `runRecord` uses no
 * imports, so a page can run it from its source text (`seedScript`).
 */
import type { RunRecord, StudyRecord } from '../src/db/store/schema.js'

/** The study's name. */
export const SCALE_STUDY = 'scale'
/** Metric entries per run. */
export const ENTRIES = 10

/** The study record (minimize loss over the five params). */
export function studyRecord(runs: number): StudyRecord {
  const fl = (xs: number[]) => ({ type: 'discrete' as const, values: xs.map((value) => ({ kind: 'float' as const, value })) })
  const it = (xs: number[]) => ({ type: 'discrete' as const, values: xs.map((n) => ({ kind: 'int' as const, value: BigInt(n) })) })
  return {
    name: SCALE_STUDY, objective: { direction: 'minimize', metric: 'loss' },
    params: {
      lr: fl([0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001]),
      layers: it([1, 2, 3, 4, 5]),
      opt: { type: 'discrete', values: ['adam', 'sgd', 'rmsprop', 'adagrad'].map((value) => ({ kind: 'string' as const, value })) },
      dropout: fl([0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]),
      batch: it([16, 24, 32, 48, 64, 96, 128, 192, 256, 512]),
    },
    replicates: 4, description: `${runs} runs, 5 params, ${ENTRIES} metric entries each`, oracle: { name: 'grid' },
    created: Date.UTC(2026, 0, 1), counter: runs, rev: 1,
  } as unknown as StudyRecord
}

/** Run `i` (0-based) of the study, as stored: seq i + 1, rev i + 2. */
export function runRecord(i: number, origin: string): RunRecord {
  const LR = [0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005, 0.0002, 0.0001]
  const OPT = ['adam', 'sgd', 'rmsprop', 'adagrad']
  const BATCH = [16, 24, 32, 48, 64, 96, 128, 192, 256, 512]
  const DROPOUT = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45]
  const set = i % 20_000
  const replicate = Math.floor(i / 20_000) % 64
  const lr = LR[set % 10] as number
  const layers = Math.floor(set / 10) % 5 + 1
  const opt = OPT[Math.floor(set / 50) % 4] as string
  // From the study's own values: i * 0.05 would give 0.15000000000000002, a value the study does not list.
  const dropout = DROPOUT[Math.floor(set / 200) % 10] as number
  const batch = BATCH[Math.floor(set / 2000) % 10] as number
  const t0 = Date.UTC(2026, 0, 1) + i * 1000
  // A fixed scramble, so that ranks and sorts have work to do.
  const base = ((set * 7919) % 20_011) / 20_011
  const metrics = []
  for (let k = 0; k < 10; k++) metrics.push({ loss: base + 1 / (k + 1) + replicate * 0.001, acc: 1 - base / (k + 1), step: k })
  const failed = i % 13 === 0
  return {
    id: `scale-${i + 1}`, study: 'scale', seq: i + 1, origin: { db: origin, seq: i + 1 },
    values: {
      lr: { kind: 'float', value: lr }, layers: { kind: 'int', value: BigInt(layers) }, opt: { kind: 'string', value: opt },
      dropout: { kind: 'float', value: dropout }, batch: { kind: 'int', value: BigInt(batch) },
    },
    replicate, state: failed ? 4 : 2, status: failed ? 'diverged' : `finished ${i + 1}`, config: { script: 'python train.py' },
    created: t0, updated: t0 + 60_000, runtime: 60_000 + (i % 3600) * 1000, retries: 0,
    mCount: 10, mSealed: 0, mTail: metrics, lCount: 1, lSealed: 0, lTail: [{ t: t0 + 30_000, text: `run ${i + 1}: epoch 10 loss ${base.toFixed(4)}\n` }],
    touched: t0, rev: i + 2,
  } as unknown as RunRecord
}
