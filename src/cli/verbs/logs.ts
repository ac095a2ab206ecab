/**
 * `diviner-local logs`: a run's log, as Diviner's `logs` writes it; `-f`
 * follows it as it grows (until Ctrl-C).
 */
import { DB_FLAG, stringFlag, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { parseRunName } from '../names.js'
import { print } from '../output.js'
import type { Verb } from '../verb.js'
import { parseSince } from './list.js'

const usage: Usage = {
  verb: 'logs',
  args: 'RUN',
  summary: 'Writes the run\'s (study:seq) log to standard output; -f keeps following it as it is appended, until interrupted.',
  flags: {
    f: { type: 'boolean', help: 'follow the log: print what is appended as it arrives' },
    since: { type: 'string', arg: 'D', help: 'only what was logged since a duration ago (10m) or a date (2006-01-02)' },
    ...DB_FLAG,
  },
}

export const logsVerb: Verb = {
  usage,
  async run({ values, positionals, signal }) {
    if (positionals.length !== 1) throw usageError('logs: name one run (study:seq)')
    const { study, seq } = parseRunName(positionals[0] as string)
    const since = parseSince(stringFlag(values, 'since'), Date.now())
    const db = await openJournal(values)
    try {
      await db.lookupRun(study, seq)
      const reader = db.log(study, seq, { follow: values['f'] === true, signal, ...(since ? { since } : {}) }).getReader()
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        await print(value)
      }
      return signal.aborted && values['f'] !== true ? EXIT.interrupted : EXIT.ok
    } finally {
      db.close()
    }
  },
}
