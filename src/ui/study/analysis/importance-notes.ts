/** What the importance picture says of parameters whose score means little. */
import { FEW_PER_GROUP, type ParamImportance } from '../../../db/analysis/importance.js'
import { formatCount } from '../../shell/numbers.js'

/**
 * A sentence for each parameter whose ω² says little (in the picture's order):
 * one that no trial sets, that every trial sets alike, or that too few trials
 * set to group; and one with fewer than `FEW_PER_GROUP` trials per value on
 * average, whose effect cannot be told from noise (so it scores 0 unless the
 * effect is strong).
 */
export function importanceCaveats(importance: readonly ParamImportance[]): string[] {
  const out: string[] = []
  for (const p of importance) {
    if (p.trials === 0) out.push(`${p.label}: no trial with a result sets it, so there is nothing to compare.`)
    else if (p.distinct < 2) out.push(`${p.label}: every trial that sets it has the same value, so there is nothing to compare.`)
    else if (p.groups < 2) out.push(`${p.label}: only ${formatCount(p.trials)} trials set it, too few to cut its range into groups to compare.`)
    else if (p.trials < FEW_PER_GROUP * p.groups) out.push(`${p.label}: ${formatCount(p.trials)} trials over ${formatCount(p.groups)} values, fewer than ${FEW_PER_GROUP} a value: too few to tell its effect from noise (it scores 0 unless the effect is strong).`)
  }
  return out
}
