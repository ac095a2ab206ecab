/**
 * `diviner-local export`: the journal's studies and runs as a dump (gzip
 * JSON Lines) the page imports, to a file or standard output.
 */
import { createWriteStream } from 'node:fs'
import { Writable } from 'node:stream'
import { exportDump } from '../../db/dump/export.js'
import { DB_FLAG, stringFlag, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { matchingStudies } from '../names.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'export',
  args: '[STUDY...]',
  summary: 'Writes the studies matching the anchored regular expressions (all when none are given) and their runs, with every metric and log line, as a dump the page imports.',
  flags: {
    o: { type: 'string', arg: 'FILE', help: 'write to FILE (default: standard output, when it is not a terminal)' },
    runs: { type: 'string', arg: 'RUNS', help: 'only these runs, comma-separated (mnist:1,mnist:2)' },
    ...DB_FLAG,
  },
}

export const exportVerb: Verb = {
  usage,
  async run({ values, positionals }) {
    const file = stringFlag(values, 'o')
    if (file === undefined && process.stdout.isTTY) throw usageError('export: a dump is binary; write it to a file with -o FILE, or redirect standard output')
    const db = await openJournal(values)
    try {
      const runs = stringFlag(values, 'runs')?.split(',').filter(Boolean)
      const studies = runs ? undefined : positionals.length ? (await matchingStudies(db, positionals)).map((s) => s.name) : undefined
      let total = 0
      const stream = exportDump(db, { ...(studies ? { studies } : {}), ...(runs ? { runs } : {}), onProgress: (p) => { total = p.runs } })
      const out = file === undefined ? process.stdout : createWriteStream(file)
      await stream.pipeTo(Writable.toWeb(out) as WritableStream<Uint8Array>)
      process.stderr.write(`diviner-local: exported ${total} run${total === 1 ? '' : 's'}${file ? ` to ${file}` : ''}\n`)
      return EXIT.ok
    } finally {
      db.close()
    }
  },
}
