/**
 * A counting semaphore: at most `size` holders at once, served in order.
 */

/** At most `size` holders at once (0 or less: no limit). */
export class Slots {
  private used = 0
  private readonly waiting: (() => void)[] = []

  constructor(private readonly size: number) {}

  /** Resolves with the function that frees the slot taken. */
  async take(): Promise<() => void> {
    if (this.size > 0 && this.used >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve))
    else this.used++
    let freed = false
    return () => {
      if (freed) return
      freed = true
      const next = this.waiting.shift()
      if (next) next()
      else this.used--
    }
  }
}
