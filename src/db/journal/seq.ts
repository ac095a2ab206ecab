/**
 * Handing out seqs that stay unique across every process writing a journal
 * directory: each study has a counter file under `.seq/`, read and advanced
 * only under a lock (proper-lockfile: a lock directory whose holder refreshes
 * its time; a holder that died is taken over once its lock is 10 s stale).
 */
import { closeSync, constants, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import lockfile from 'proper-lockfile'
import { DivinerError } from '../model/errors.js'
import { fileError, SEQ_DIR } from './files.js'

/** How long a lock may go without its holder refreshing it before another process takes it over, ms. */
export const LOCK_STALE_MS = 10_000

const LOCK_OPTIONS = {
  realpath: false,
  stale: LOCK_STALE_MS,
  update: LOCK_STALE_MS / 2,
  // Waits about 20 s in all (400 waits, each at most 50 ms), past LOCK_STALE_MS, when a dead holder's lock is
  // taken over. No more retries than that: the retry library computes every wait up front, on each lock.
  retries: { retries: 400, minTimeout: 1, maxTimeout: 50, factor: 1.3, randomize: true },
}

/** A counter file's width: longer than any seq written before (`${n}\n`), so writing in place covers it. */
const COUNTER_WIDTH = 20

/** The counter file of a study (its name hex-encoded: any study name is a safe file name). */
export function counterPath(dir: string, study: string): string {
  return join(dir, SEQ_DIR, `${Buffer.from(study, 'utf8').toString('hex')}.counter`)
}

function readCounter(path: string): number {
  try {
    const n = Number(readFileSync(path, 'utf8').trim())
    return Number.isSafeInteger(n) && n >= 0 ? n : 0
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0
    throw fileError(e, path, 'could not read a seq counter')
  }
}

/**
 * Writes the counter in place, padded to a fixed width: one write of a few
 * bytes at the file's start replaces the whole value (no temporary file and
 * rename for each seq, which cost more than the rest of a run's bookkeeping).
 */
function writeCounter(path: string, n: number): void {
  let fd: number | undefined
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT, 0o644)
    writeSync(fd, `${String(n).padStart(COUNTER_WIDTH, ' ')}\n`, 0)
  } catch (e) {
    throw fileError(e, path, 'could not write a seq counter')
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Serialises this process's own calls per counter, so they do not contend for the lock among themselves. */
const queues = new Map<string, Promise<unknown>>()

/**
 * Runs `work` holding the lock of the study's counter, with the counter's
 * value (the last seq handed out); stores what `work` returns as the new value.
 */
export function withCounter(dir: string, study: string, work: (counter: number) => number | Promise<number>): Promise<number> {
  const path = counterPath(dir, study)
  const prev = queues.get(path) ?? Promise.resolve()
  const next = prev.catch(() => undefined).then(async () => {
    let release: () => Promise<void>
    try {
      release = await lockfile.lock(path, LOCK_OPTIONS)
    } catch (e) {
      throw new DivinerError('internal', `could not lock the seq counter of study ${study} (${path}): ${e instanceof Error ? e.message : String(e)}; if no other diviner-local process is running, remove ${path}.lock`)
    }
    try {
      const value = await work(readCounter(path))
      writeCounter(path, value)
      return value
    } finally {
      await release().catch(() => undefined)
    }
  })
  queues.set(path, next)
  void next.finally(() => { if (queues.get(path) === next) queues.delete(path) }).catch(() => undefined)
  return next
}

/**
 * The seqs one process hands out in a directory, above every seq any process
 * handed out or recorded (`last(study)`: what this process knows of the
 * study). A seq `next` handed out is past the counter already, so inserting
 * the run that takes it needs no lock.
 */
export class Seqs {
  /** Seqs `next` handed this process and no run holds yet, by study. */
  private readonly reserved = new Map<string, Set<number>>()

  constructor(private readonly dir: string, private readonly last: (study: string) => number, private readonly raise: (study: string, seq: number) => void) {}

  /** A new seq of the study, reserved for a run this process inserts later. */
  async next(study: string): Promise<number> {
    const seq = await this.advance(study, (counter) => counter + 1)
    let mine = this.reserved.get(study)
    if (!mine) this.reserved.set(study, mine = new Set())
    mine.add(seq)
    return seq
  }

  /** The seq a run inserted now takes: `requested` (past the counter afterwards), or, when 0, a new one. */
  async claim(study: string, requested: number): Promise<number> {
    if (requested <= 0) return this.advance(study, (counter) => counter + 1)
    if (!this.reserved.get(study)?.delete(requested)) await this.advance(study, (counter) => Math.max(counter, requested))
    return requested
  }

  /** Advances the study's counter under its lock: `to` gets the last seq handed out anywhere and returns the new last one. */
  private advance(study: string, to: (counter: number) => number): Promise<number> {
    return withCounter(this.dir, study, (counter) => {
      const value = to(Math.max(counter, this.last(study)))
      this.raise(study, value)
      return value
    })
  }
}
