/**
 * Keeping a journal state current with a directory: every journal file is
 * read from where the last look stopped, its new complete lines decoded and
 * replayed. Lines that cannot be used (a foreign file, a damaged line, a torn
 * last line of a writer that died) are skipped and reported once each.
 */
import { join } from 'node:path'
import { isDivinerError } from '../model/errors.js'
import { decodeLine } from '../dump/reader.js'
import { listJournalFiles, writerGone } from './files.js'
import type { JournalProblem, JournalState } from './state.js'
import { JournalTail } from './tail.js'

/** Reads a directory's journal files into a state, a little more at each `refresh`. */
export class JournalReader {
  private readonly tails = new Map<string, JournalTail>()
  /** Files that are not journals of this format (their first line is no header), skipped. */
  private readonly foreign = new Set<string>()
  /** Files whose lines could not all be used (compaction keeps them). */
  readonly damaged = new Set<string>()

  /**
   * `skip` are files this process writes itself (their records are in the
   * state already); `report` hears of each problem once.
   */
  constructor(private readonly dir: string, private readonly state: JournalState, private readonly report: (p: JournalProblem) => void, private readonly skip: ReadonlySet<string>) {}

  /** Reads what every journal file gained since the last call; true when anything was applied. */
  refresh(): boolean {
    let changed = false
    for (const name of listJournalFiles(this.dir)) {
      if (this.skip.has(name) || this.foreign.has(name)) continue
      let tail = this.tails.get(name)
      if (!tail) this.tails.set(name, tail = new JournalTail(join(this.dir, name)))
      if (this.readFile(name, tail)) changed = true
    }
    return changed
  }

  /** Reads a whole file once, whether or not it is one to skip (this process's own, after a reload). */
  readOnce(name: string): void {
    this.readFile(name, new JournalTail(join(this.dir, name)))
  }

  /** Marks a file as read up to `bytes` (a file this process wrote and has applied). */
  markRead(name: string, bytes: number, lines: number): void {
    const tail = new JournalTail(join(this.dir, name))
    tail.offset = bytes
    tail.lineNo = lines
    this.tails.set(name, tail)
  }

  /** The files read, and how many bytes of each. */
  positions(): Map<string, number> {
    return new Map([...this.tails].map(([name, t]) => [name, t.offset]))
  }

  private readFile(name: string, tail: JournalTail): boolean {
    const first = tail.lineNo === 0
    const { lines, incomplete } = tail.read()
    let changed = false
    for (const line of lines) {
      if (line.text.trim() === '') continue
      let record
      try {
        record = decodeLine(line)
      } catch (e) {
        if (first && line.no === 1) {
          this.foreign.add(name)
          this.damaged.add(name)
          this.report({ file: name, line: 1, reason: 'not a Diviner Local journal (its first line is not a dump header); ignored' })
          return changed
        }
        this.damaged.add(name)
        this.report({ file: name, line: line.no, reason: `${isDivinerError(e) ? e.message.replace(/^bad dump: line \d+: /, '') : String(e)}; line skipped` })
        continue
      }
      if (line.no === 1 && record.type !== 'header') {
        this.foreign.add(name)
        this.damaged.add(name)
        this.report({ file: name, line: 1, reason: 'not a Diviner Local journal (its first line is not a dump header); ignored' })
        return changed
      }
      const skipped = this.state.apply(record)
      if (skipped) {
        this.damaged.add(name)
        this.report({ file: name, line: line.no, reason: `${skipped}; line skipped` })
      } else {
        changed = true
      }
    }
    if (incomplete && writerGone(name) && tail.reportTorn()) {
      this.damaged.add(name)
      this.report({ file: name, line: tail.lineNo + 1, reason: 'ends in an incomplete line (its writer stopped mid-line); that line is ignored' })
    }
    return changed
  }
}
