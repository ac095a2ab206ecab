/**
 * How a sweep reports as it goes: on a terminal, one status line kept up to
 * date (trials done, running, failed; the best so far) with events printed
 * above it; when not a terminal, one plain line per event.
 */
import { objectiveBetter, type Objective } from '../../db/model/study.js'
import { RunState, stateName, type Metrics, type Run } from '../../db/model/run.js'
import { formatDuration, formatG } from '../output.js'
import type { Outcome } from './execute.js'

/** What a sweep tells the person who started it. */
export interface Progress {
  started(run: Run): void
  metrics(run: Run, metrics: Metrics): void
  ended(run: Run, outcome: Outcome): void
  /** A warning or note (a malformed METRICS line, a dataset being made). */
  problem(message: string): void
  /** A grid study has no value set left to run. */
  studyDone(study: string): void
  /** Stops updating the status line. */
  close(): void
}

interface Best { run: string; value: number }

/** Progress written to a stream (stderr): live on a terminal, plain lines otherwise. */
export class StreamProgress implements Progress {
  private done = 0
  private failed = 0
  private running = 0
  private readonly best = new Map<string, Best>()
  private shown = false
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(private readonly out: NodeJS.WriteStream, private readonly objectives: ReadonlyMap<string, Objective>) {
    if (out.isTTY) this.timer = setInterval(() => this.draw(), 500)
  }

  started(run: Run): void {
    this.running++
    this.event(`${run.study}:${run.seq} started`)
  }

  metrics(): void {}

  ended(run: Run, outcome: Outcome): void {
    this.running--
    if (outcome.state === RunState.Success) this.done++
    else this.failed++
    const objective = this.objectives.get(run.study)
    const v = objective ? outcome.metrics[objective.metric] : undefined
    if (objective && v !== undefined && outcome.state === RunState.Success) {
      const best = this.best.get(run.study)
      if (!best || objectiveBetter(objective, v, best.value)) this.best.set(run.study, { run: `${run.study}:${run.seq}`, value: v })
    }
    const shown = Object.entries(outcome.metrics).map(([k, x]) => `${k}=${formatG(x, 4)}`).join(' ')
    this.event(`${run.study}:${run.seq} ${stateName(outcome.state)} in ${formatDuration(Math.round(outcome.runtime / 100) * 100)}${outcome.retries ? ` (${outcome.retries} retries)` : ''}${shown ? ` ${shown}` : ''}${outcome.state === RunState.Success ? '' : `: ${outcome.status}`}`)
  }

  problem(message: string): void {
    this.event(`warning: ${message}`)
  }

  studyDone(study: string): void {
    this.event(`${study}: every value set of the grid has run`)
  }

  /** The one-line summary: runs done, running and failed, and the best so far per study. */
  summary(): string {
    const best = [...this.best.entries()].map(([study, b]) => `best ${this.objectives.get(study)?.metric}=${formatG(b.value, 4)} (${b.run})`)
    return [`${this.done} done, ${this.running} running, ${this.failed} failed`, ...best].join('; ')
  }

  private event(line: string): void {
    if (this.out.isTTY) {
      this.clear()
      this.out.write(`${line}\n`)
      this.draw()
    } else {
      this.out.write(`${line} [${this.summary()}]\n`)
    }
  }

  private draw(): void {
    if (!this.out.isTTY) return
    const width = this.out.columns || 100
    this.out.write(`\r\x1b[K${this.summary().slice(0, width - 1)}`)
    this.shown = true
  }

  private clear(): void {
    if (this.shown) this.out.write('\r\x1b[K')
    this.shown = false
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
    this.clear()
  }
}
