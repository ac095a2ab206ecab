/**
 * What both Optuna readers (journal and SQLite) read alike from an Optuna
 * file: the error for a field they cannot read, Optuna's trial state numbers
 * and names, and Python's datetime texts.
 */

/** Optuna's TrialState numbers (optuna.trial.TrialState). */
export const TrialStateCode = { Running: 0, Complete: 1, Pruned: 2, Fail: 3, Waiting: 4 } as const

/** Optuna's trial state names, by number, as the RDB storage writes them. */
export const TRIAL_STATE_NAMES = ['RUNNING', 'COMPLETE', 'PRUNED', 'FAIL', 'WAITING'] as const

/** A field of an Optuna file (a distribution, a time, a number) that this page cannot read; the message says why. */
export class BadOptunaField extends Error {
  constructor(reason: string) {
    super(reason)
    this.name = 'BadOptunaField'
  }
}

/** Milliseconds since the epoch of a Python datetime's isoformat (naive times are taken as UTC); undefined for null. */
export function parseTime(x: unknown): number | undefined {
  if (x === null || x === undefined) return undefined
  if (typeof x !== 'string') throw new BadOptunaField('a time must be a string')
  const m = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:?\d\d)?$/.exec(x)
  const ms = m ? Date.parse(`${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(3, '0').slice(0, 3)}${m[4] ?? 'Z'}`) : Number.NaN
  if (Number.isNaN(ms)) throw new BadOptunaField(`${JSON.stringify(x.slice(0, 40))} is not a time`)
  return ms
}
