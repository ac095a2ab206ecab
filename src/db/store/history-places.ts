/**
 * Where each run's whole metric history sits in its study's summary: the
 * history segment (by its number) and the run's position in it, by seq. The
 * row cache keeps these beside a study's rows when it fills them from the
 * summary (row-cache.ts), so that listing the study's runs with their
 * histories (`listRuns`, behind `Trials`) reads only the history segments it
 * needs, not the rows again. A run written since is forgotten: its history is
 * read from its record. Pure.
 */

/** The histories' places of some runs of one study, by seq. */
export class HistoryPlaces {
  /** Segment number + 1 by seq (0: no place), for small integer seqs. */
  private readonly segment: Uint32Array
  private readonly position: Uint32Array
  /** Places of seqs too large (or not integers) for the arrays. */
  private readonly big = new Map<number, { segment: number; position: number }>()

  /** Places for seqs up to about `limit` in the arrays (others in a map). */
  constructor(limit: number) {
    const size = Math.min(Math.max(limit, 0), 1 << 24) + 1
    this.segment = new Uint32Array(size)
    this.position = new Uint32Array(size)
  }

  private small(seq: number): boolean {
    return Number.isInteger(seq) && seq >= 0 && seq < this.segment.length
  }

  /** Run `seq`'s history is at `position` in history segment `segment`. */
  set(seq: number, segment: number, position: number): void {
    if (this.small(seq)) {
      this.segment[seq] = segment + 1
      this.position[seq] = position
    } else this.big.set(seq, { segment, position })
  }

  /** Run `seq` has no known place (it was written since). */
  forget(seq: number): void {
    if (this.small(seq)) this.segment[seq] = 0
    else this.big.delete(seq)
  }

  /** The segment number of run `seq`'s history, or -1 when it has no place. */
  segmentOf(seq: number): number {
    if (this.small(seq)) return (this.segment[seq] as number) - 1
    return this.big.get(seq)?.segment ?? -1
  }

  /** Run `seq`'s position in its segment (meaningful only when `segmentOf(seq)` ≥ 0). */
  positionOf(seq: number): number {
    if (this.small(seq)) return this.position[seq] as number
    return this.big.get(seq)?.position ?? 0
  }
}
