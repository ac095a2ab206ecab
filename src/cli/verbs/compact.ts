/**
 * `diviner-local compact`: rewrites a journal directory into one file with
 * the same state.
 */
import { compactJournal } from '../../db/journal/compact.js'
import { DB_FLAG, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { print } from '../output.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'compact',
  args: '',
  summary: `Rewrites the journal directory's files into one with the same studies, runs, metrics and logs. Files that
running writers still append to, and files with lines that could not be read, are left as they are.`,
  flags: { ...DB_FLAG },
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(n < 1e6 ? 2 : 1)} MB`
}

export const compactVerb: Verb = {
  usage,
  async run({ values }) {
    const db = await openJournal(values)
    try {
      const c = await compactJournal(db)
      const lines = [c.file
        ? `compacted ${c.removed.length} file${c.removed.length === 1 ? '' : 's'} (${mb(c.bytesBefore)}) into ${c.file} (${mb(c.bytesAfter)} in all)`
        : 'nothing to compact']
      if (c.live.length) lines.push(`kept ${c.live.length} file${c.live.length === 1 ? '' : 's'} of writers still running`)
      if (c.damaged.length) lines.push(`kept ${c.damaged.join(', ')}: lines in ${c.damaged.length === 1 ? 'it' : 'them'} could not be read (see the warnings)`)
      await print(lines.join('\n') + '\n')
      return EXIT.ok
    } finally {
      db.close()
    }
  },
}
