/**
 * A sweep, as Diviner's `run` does it: for each study, rounds in which the
 * oracle proposes value sets given the study's history (so a grid interrupted
 * midway runs only what is missing), and runs executed at most `parallelism`
 * at once across studies, datasets made once before the runs that need them.
 */
import { studiesEquivalent } from '../../db/model/study.js'
import { DivinerError } from '../../db/model/errors.js'
import { random } from '../../db/model/oracle.js'
import { GridPlanner, type PlannedRun } from '../../db/model/grid-plan.js'
import { RunState, type Run } from '../../db/model/run.js'
import type { JournalDatabase } from '../../db/journal/database.js'
import { valuesKey } from '../../db/model/values.js'
import { execute, type Outcome } from './execute.js'
import { runTry } from './blackbox.js'
import type { DatasetTask, Planned, RunnableStudy } from './launch.js'
import type { Progress } from './progress.js'
import { Slots } from './slots.js'

/** How a sweep runs. */
export interface SweepOptions {
  /** Rounds per study. */
  readonly rounds: number
  /** Value sets per round; 0: all a grid has left (for a random oracle: one per parallel slot). */
  readonly trials: number
  /** Runs at once, across studies. */
  readonly parallelism: number
  /** How often a failing try is retried as the same run. */
  readonly retries: number
  /** Start a new run as soon as one ends, instead of waiting for the round to end. */
  readonly stream: boolean
  readonly signal: AbortSignal
  readonly progress: Progress
}

/** What a sweep did. */
export interface SweepResult { readonly runs: number; readonly failed: number; readonly interrupted: boolean }

/** Runs the studies' sweeps at once; resolves when all have ended (or were interrupted). */
export async function sweep(db: JournalDatabase, studies: readonly RunnableStudy[], options: SweepOptions): Promise<SweepResult> {
  for (const s of studies) await prepareStudy(db, s)
  return inSession(db, options, (session) => studies.map((s) => session.runStudy(s)))
}

/** Re-runs runs: each a new run of the same value set and replicate. */
export async function rerun(db: JournalDatabase, runs: readonly { study: RunnableStudy; run: Run }[], options: SweepOptions): Promise<SweepResult> {
  return inSession(db, options, (session) => runs.map(({ study, run }) => session.start(study, { values: run.values, replicate: run.replicate })))
}

/**
 * Runs the work of a session. When any of it fails (a config's run function
 * throws, the disk fills), the rest is stopped and recorded before the error
 * is reported: nothing is left running or unrecorded.
 */
async function inSession(db: JournalDatabase, options: SweepOptions, work: (session: Session) => Promise<void>[]): Promise<SweepResult> {
  const stop = new AbortController()
  const signal = AbortSignal.any([options.signal, stop.signal])
  const session = new Session(db, { ...options, signal }, (e) => { session.fatal ??= e; stop.abort() })
  const all = work(session)
  try {
    await Promise.all(all)
  } catch (e) {
    stop.abort()
    await Promise.allSettled(all)
    await session.settled()
    throw e
  }
  await session.settled()
  if (session.fatal !== undefined) throw session.fatal
  return { runs: session.runs, failed: session.failed, interrupted: options.signal.aborted }
}

/** Creates the study in the journal, or checks that the one there means the same. */
async function prepareStudy(db: JournalDatabase, s: RunnableStudy): Promise<void> {
  if (await db.createStudyIfNotExist(s.study)) return
  const there = await db.lookupStudy(s.study.name)
  if (!studiesEquivalent(there, s.study)) {
    throw new DivinerError('conflict', `study ${s.study.name} in ${db.dir} has a different objective or params than the config's; rename the study in the config, or use another --db`)
  }
}

class Session {
  runs = 0
  failed = 0
  /** The failure that stopped the session (a full disk), if any. */
  fatal: unknown
  private readonly slots: Slots
  private readonly systemSlots = new Map<string, Slots>()
  private readonly datasets = new Map<string, Promise<void>>()
  private readonly executing = new Set<Promise<unknown>>()

  constructor(private readonly db: JournalDatabase, private readonly options: SweepOptions, private readonly onFatal: (e: unknown) => void) {
    this.slots = new Slots(options.parallelism)
  }

  async runStudy(s: RunnableStudy): Promise<void> {
    const { rounds, stream, signal } = this.options
    const perRound = this.perRound(s)
    // Streaming spends every round's trials without waiting for a round to end.
    const batches = stream ? [perRound === undefined ? undefined : perRound * rounds] : Array.from({ length: rounds }, () => perRound)
    for (const budget of batches) {
      if (signal.aborted) break
      const running = new Set<Promise<void>>()
      const round = new Round(s)
      let trials = 0
      while (!signal.aborted && (budget === undefined || trials < budget)) {
        // One value set at a time, planned given the journal's runs (another runner's too, so two
        // runners split a grid) and those this round planned, which cover runs still being inserted.
        const release = await this.slots.take()
        const next = signal.aborted ? [] : await this.plan(s, 1, round)
        if (next.length === 0) {
          release()
          if (running.size === 0) break
          await Promise.race(running)
          continue
        }
        trials++
        round.planned(next)
        let first = true
        for (const p of next) {
          const slot = first ? release : await this.slots.take()
          first = false
          const begun = this.begin(s, p, slot)
          const tracked: Promise<void> = begun.finally(() => running.delete(tracked))
          running.add(tracked)
        }
      }
      await Promise.all(running)
    }
    if ((s.study.oracle?.name ?? 'grid') === 'grid' && !signal.aborted && (await this.plan(s, 1)).length === 0) {
      this.options.progress.studyDone(s.study.name)
    }
  }

  /** Value sets per round: the -trials flag, else a grid's whole remainder, else one per slot. */
  private perRound(s: RunnableStudy): number | undefined {
    if (this.options.trials > 0) return this.options.trials
    return (s.study.oracle?.name ?? 'grid') === 'grid' ? undefined : this.options.parallelism
  }

  /**
   * The next runs the oracle proposes given the study's history (pending and
   * successful runs cover their value sets) and what this `round` planned.
   */
  private async plan(s: RunnableStudy, n: number | undefined, round = new Round(s)): Promise<PlannedRun[]> {
    const runs = await this.db.listRuns(s.study.name, RunState.Any)
    const oracle = s.study.oracle ?? { name: 'grid' }
    if (round.grid) return round.grid.see(runs).next(n)
    if (oracle.name === 'random') {
      const seed = typeof oracle.seed === 'number' ? oracle.seed : 0
      const seen = round.seen(runs)
      const replicates = s.study.replicates ?? 0
      return random(s.study, seed, n ?? this.options.parallelism, seen).flatMap((values) =>
        Array.from({ length: replicates + 1 }, (_, replicate) => ({ values, replicate })))
    }
    throw new DivinerError('invalid', `study ${s.study.name}: its oracle "${oracle.name}" cannot propose runs here; use gridSearch or randomSearch`)
  }

  /** Inserts the run (holding the slot `release` frees), then executes it. */
  private begin(s: RunnableStudy, p: PlannedRun, release: () => void): Promise<void> {
    const work = this.runOne(s, p).finally(release)
    const tracked: Promise<unknown> = work.catch(() => undefined).finally(() => this.executing.delete(tracked))
    this.executing.add(tracked)
    return work
  }

  /** Re-runs a value set and replicate: a new run, once a slot is free. */
  async start(s: RunnableStudy, p: PlannedRun): Promise<void> {
    await this.begin(s, p, await this.slots.take())
  }

  private async runOne(s: RunnableStudy, p: PlannedRun): Promise<void> {
    const { signal, progress } = this.options
    if (signal.aborted) return
    const seq = await this.db.nextSeq(s.study.name)
    const planned = s.plan(p.values, { replicate: p.replicate, seq })
    const run = await this.db.insertRun({ study: s.study.name, values: p.values, replicate: p.replicate, seq, config: planned.config })
    this.runs++
    progress.started(run)
    const outcome = await this.withSystem(planned, () => execute({
      db: this.db, run, launch: planned.launch, retries: this.options.retries, signal,
      datasets: this.datasetsOf(planned.datasets),
      onMetrics: (m) => progress.metrics(run, m),
      onProblem: (m) => progress.problem(m),
      onFatal: this.onFatal,
    }))
    if (outcome.state !== RunState.Success) this.failed++
    progress.ended(run, outcome)
  }

  /** Resolves when every run begun has ended. */
  async settled(): Promise<void> {
    while (this.executing.size) await Promise.allSettled([...this.executing])
  }

  private async withSystem(planned: Planned, work: () => Promise<Outcome>): Promise<Outcome> {
    if (!planned.system) return work()
    let slots = this.systemSlots.get(planned.system.name)
    if (!slots) this.systemSlots.set(planned.system.name, slots = new Slots(planned.system.parallelism))
    const release = await slots.take()
    try { return await work() } finally { release() }
  }

  /** Resolves when every dataset is made (each once per session); rejects naming the first that failed. */
  private datasetsOf(tasks: readonly DatasetTask[]): Promise<void> {
    return Promise.all(tasks.map((t) => {
      let made = this.datasets.get(t.name)
      if (!made) {
        made = this.makeDataset(t)
        made.catch(() => undefined)
        this.datasets.set(t.name, made)
      }
      return made
    })).then(() => undefined)
  }

  private async makeDataset(t: DatasetTask): Promise<void> {
    const { progress, signal } = this.options
    progress.problem(`dataset ${t.name}: making it`)
    const tail: string[] = []
    const end = await runTry(t.launch, {
      onLog: (line) => { tail.push(line); if (tail.length > 5) tail.shift() },
      onStatus: () => undefined, onMetrics: () => undefined, onProblem: () => undefined,
    }, signal)
    if (end.kind !== 'exit' || end.code !== 0) {
      const how = end.kind === 'exit' ? `exit status ${end.code}` : end.kind
      throw new Error(`${t.name}: ${how}${tail.length ? `: ${tail.at(-1)}` : ''}`)
    }
    progress.problem(`dataset ${t.name}: ready`)
  }
}

/**
 * What one round of a study has planned so far: the runs it began (some not
 * yet in the journal), which cover their value sets for the rest of the
 * round, so nothing is planned twice. A value set that fails is planned again
 * only in a later round. What planning learns of the study's runs (a grid's
 * coverage, a random oracle's value sets seen) is kept for the round, so the
 * next plan costs what changed, not the whole history.
 */
class Round {
  readonly grid: GridPlanner | undefined
  /** The distinct value sets of the runs seen and planned (where a random oracle's sequence goes on), and the runs seen. */
  private readonly keys = new Set<string>()
  private readonly counted = new Set<string>()

  constructor(private readonly s: RunnableStudy) {
    this.grid = (s.study.oracle?.name ?? 'grid') === 'grid' ? new GridPlanner(s.study) : undefined
  }

  /** Notes runs begun this round. */
  planned(runs: readonly PlannedRun[]): void {
    for (const p of runs) this.keys.add(valuesKey(p.values))
    this.grid?.see(runs.map((p) => ({ study: this.s.study.name, values: p.values, replicate: p.replicate, state: RunState.Pending })))
  }

  /** How many distinct value sets the study's `runs` and this round's planned runs hold (each run's counted once a round). */
  seen(runs: readonly Run[]): number {
    for (const r of runs) {
      if (this.counted.has(r.id)) continue
      this.counted.add(r.id)
      this.keys.add(valuesKey(r.values))
    }
    return this.keys.size
  }
}
