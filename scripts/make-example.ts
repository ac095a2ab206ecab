/**
 * The example study the page offers to load ("Load example study"): a grid
 * sweep of a small MNIST convnet in the spirit of Diviner's own example, made
 * with the project's own storage code on fake-indexeddb and exported as a dump.
 *
 * Everything is drawn from a seeded generator and a simulated clock, so the
 * studies, values, metric histories, states and log text (with their times) are
 * the same on every run; only the random run and database ids differ.
 * `scripts/make-example.mjs` builds this file for Node and writes the dump.
 */
import 'fake-indexeddb/auto'
import { openDatabase, type DexieDatabase } from '../src/db/store/dexie-database.js'
import { exportDump } from '../src/db/dump/export.js'
import { discrete } from '../src/db/model/params.js'
import { RunState } from '../src/db/model/run.js'
import { maximize, type Study } from '../src/db/model/study.js'
import { float, int, str, type Values } from '../src/db/model/values.js'
import { seededUniform } from '../src/db/model/prng.js'

/** The sweep: 4 × 4 × 4 value sets, each run twice. */
export const MNIST: Study = {
  name: 'mnist',
  description: 'Small convnet on MNIST: learning rate, batch size and optimizer, a full grid, two seeds each.',
  objective: maximize('acc'),
  replicates: 1,
  oracle: { name: 'grid' },
  params: {
    learning_rate: discrete(float(0.0003), float(0.001), float(0.003), float(0.01)),
    batch_size: discrete(int(32), int(64), int(128), int(256)),
    optimizer: discrete(str('sgd'), str('momentum'), str('adam'), str('rmsprop')),
  },
}

/** When the sweep started (simulated). */
const START = Date.UTC(2024, 2, 4, 9, 0, 0)
/** GPUs running runs side by side. */
const SLOTS = 8
/** Runs still going when the dump was taken: the last few launched. */
const STILL_RUNNING = 4


/** One planned run: its values and what its training will do. */
interface Plan {
  readonly values: Values
  readonly replicate: number
  readonly lr: number
  readonly batch: number
  readonly optimizer: string
}

function plans(): Plan[] {
  const out: Plan[] = []
  for (const batch of [32, 64, 128, 256]) {
    for (const lr of [0.0003, 0.001, 0.003, 0.01]) {
      for (const optimizer of ['sgd', 'momentum', 'adam', 'rmsprop']) {
        const values = { batch_size: int(batch), learning_rate: float(lr), optimizer: str(optimizer) }
        for (let replicate = 0; replicate <= 1; replicate++) out.push({ values, replicate, lr, batch, optimizer })
      }
    }
  }
  return out
}

/** How a run ends: trained to the end, diverged, ran out of memory, or still going. */
type Outcome = 'success' | 'diverged' | 'oom' | 'running'

/** The accuracy a setting levels off at, before noise. */
function plateau(p: Plan): number {
  const sweet: Record<string, number> = { sgd: 0.01, momentum: 0.003, adam: 0.001, rmsprop: 0.001 }
  const ideal = sweet[p.optimizer] ?? 0.001
  const miss = Math.abs(Math.log10(p.lr / ideal))
  const base = p.optimizer === 'sgd' ? 0.975 : 0.991
  return base - 0.012 * miss * miss - 0.0015 * Math.log2(p.batch / 32)
}

/** One epoch's report. */
interface Epoch { readonly loss: number; readonly acc: number; readonly seconds: number }

/** The metric history of a run of `epochs` epochs (cut short by its outcome). */
function train(p: Plan, outcome: Outcome, epochs: number, rand: () => number): Epoch[] {
  const top = plateau(p) + (rand() - 0.5) * 0.004
  const speed = 0.15 + 2 * p.lr * (p.optimizer === 'sgd' ? 8 : 40) * (32 / p.batch) ** 0.5
  const perEpoch = 12 + 36 * (32 / p.batch) + rand() * 4
  const stop = outcome === 'diverged' ? 2 + Math.floor(rand() * 5) : outcome === 'running' ? 3 + Math.floor(rand() * 6) : epochs
  const out: Epoch[] = []
  for (let e = 1; e <= stop; e++) {
    const progress = 1 - Math.exp(-speed * e)
    const acc = Math.min(0.9995, 0.1 + (top - 0.1) * progress + (rand() - 0.5) * 0.003)
    const loss = Math.max(0.003, -Math.log(acc) * (1.1 + rand() * 0.2))
    out.push({ loss, acc, seconds: perEpoch * (0.95 + rand() * 0.1) })
  }
  if (outcome === 'diverged') out.push({ loss: NaN, acc: 0.0981, seconds: perEpoch })
  return out
}

/** Decides each run's fate: a few diverge at high rates, two run out of memory, the last few are still going. */
function outcomeOf(index: number, total: number, p: Plan, rand: () => number): Outcome {
  if (index >= total - STILL_RUNNING) return 'running'
  if (p.lr === 0.01 && (p.optimizer === 'adam' || p.optimizer === 'rmsprop') && rand() < 0.5) return 'diverged'
  if (p.batch === 256 && p.optimizer === 'momentum' && p.replicate === 1 && p.lr >= 0.003) return 'oom'
  return 'success'
}

function script(p: Plan): string {
  return [
    '#!/bin/bash',
    'set -euo pipefail',
    'python train.py \\',
    '  --dataset=mnist \\',
    `  --learning_rate=${p.lr} \\`,
    `  --batch_size=${p.batch} \\`,
    `  --optimizer=${p.optimizer} \\`,
    `  --seed=${p.replicate}`,
    '',
  ].join('\n')
}

/** The simulated clock the database reads. */
class Clock {
  t = START
  readonly now = () => this.t
}

/** Runs one planned run through the database as a runner would: insert, report each epoch with keepalives and log lines, finish. */
async function simulate(db: DexieDatabase, clock: Clock, p: Plan, outcome: Outcome, rand: () => number): Promise<number> {
  const run = await db.insertRun({
    study: MNIST.name, values: p.values, replicate: p.replicate,
    config: { script: script(p), localFiles: ['train.py', 'model.py'], datasets: ['mnist'] },
  })
  const log = db.logger(MNIST.name, run.seq).getWriter()
  const gpu = run.seq % SLOTS
  await log.write(`starting ${MNIST.name}:${run.seq} on gpu-${gpu}: lr=${p.lr} batch=${p.batch} optimizer=${p.optimizer} seed=${p.replicate}\n`)
  clock.t += 4000 + Math.floor(rand() * 3000)
  await log.write('loaded mnist: 60000 train, 10000 test images\n')
  const epochs = 10 + Math.floor(rand() * 21)
  const history = train(p, outcome, epochs, rand)
  let runtime = 0
  for (const [i, e] of history.entries()) {
    clock.t += Math.round(e.seconds * 1000)
    runtime += Math.round(e.seconds * 1000)
    await db.appendRunMetrics(MNIST.name, run.seq, { loss: e.loss, acc: e.acc })
    await log.write(`epoch ${i + 1}/${epochs} loss=${e.loss.toFixed(4)} acc=${e.acc.toFixed(4)} (${e.seconds.toFixed(1)}s)\n`)
    await db.updateRun(MNIST.name, run.seq, RunState.Pending, `epoch ${i + 1}/${epochs} acc=${e.acc.toFixed(4)}`, runtime, 0)
  }
  await finish(db, clock, log, run.seq, outcome, history, runtime)
  await log.close()
  return clock.t
}

async function finish(db: DexieDatabase, clock: Clock, log: WritableStreamDefaultWriter<string>, seq: number, outcome: Outcome, history: readonly Epoch[], runtime: number): Promise<void> {
  clock.t += 1500
  if (outcome === 'success') {
    const best = Math.max(...history.map((e) => e.acc))
    await log.write(`done after ${history.length} epochs: best acc ${best.toFixed(4)}\n`)
    await db.updateRun(MNIST.name, seq, RunState.Success, `finished ${history.length} epochs, acc=${history.at(-1)?.acc.toFixed(4)}`, runtime, 0)
  } else if (outcome === 'diverged') {
    await log.write('error: loss is NaN; stopping\n')
    await db.updateRun(MNIST.name, seq, RunState.Failure, `diverged at epoch ${history.length}: loss is NaN`, runtime, 0)
  } else if (outcome === 'oom') {
    await log.write('RuntimeError: CUDA out of memory. Tried to allocate 1.50 GiB\n')
    await db.updateRun(MNIST.name, seq, RunState.Failure, 'CUDA out of memory (retried once)', runtime, 1)
  }
}

/** Reads a whole stream into one array. */
async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of stream) parts.push(part)
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/** Builds the example database and resolves to its dump (gzip bytes) and what it holds. */
export async function makeExample(): Promise<{ dump: Uint8Array; runs: number; states: Record<string, number> }> {
  const clock = new Clock()
  // Logs flush when each run's logger closes, never on a timer, so the dump comes out the same every time.
  const db = await openDatabase(`example-${Date.now()}`, { now: clock.now, loggerFlushMs: 3_600_000 })
  await db.createStudyIfNotExist(MNIST)
  const rand = seededUniform(20240304)
  const all = plans()
  const free = Array.from({ length: SLOTS }, (_, i) => START + 60_000 + i * 20_000)
  const states: Record<string, number> = { success: 0, failure: 0, running: 0 }
  for (const [i, p] of all.entries()) {
    const slot = free.indexOf(Math.min(...free))
    clock.t = free[slot] as number
    const outcome = outcomeOf(i, all.length, p, rand)
    free[slot] = (await simulate(db, clock, p, outcome, rand)) + 30_000
    states[outcome === 'success' ? 'success' : outcome === 'running' ? 'running' : 'failure']! += 1
  }
  const dump = await collect(exportDump(db, { level: 9 }))
  db.close()
  return { dump, runs: all.length, states }
}
