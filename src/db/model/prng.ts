/**
 * A small seeded pseudo-random generator (mulberry32), for the random oracle and
 * for deterministic data in tools and tests. Not for anything secret.
 */

/** A generator whose calls give the next uint32 of the sequence started by `state`. */
export function mulberry32(state: number): () => number {
  return () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return (t ^ (t >>> 14)) >>> 0
  }
}

/** A generator of numbers uniform in [0, 1); the same seed gives the same sequence. */
export function seededUniform(seed: number): () => number {
  const next = mulberry32(seed)
  return () => next() / 4294967296
}
