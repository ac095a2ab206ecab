/**
 * `diviner-local import`: merges dumps (from the page or another machine),
 * Optuna journals or Optuna SQLite files into the journal directory, under
 * the dump merge rules: nothing duplicated, nothing lost, all or nothing.
 */
import { existsSync, openAsBlob } from 'node:fs'
import { importDump } from '../../db/merge/import.js'
import { notExist } from '../../db/model/errors.js'
import { DB_FLAG, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { printJson } from '../output.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'import',
  args: 'FILE...',
  summary: 'Merges each file (a Diviner Local dump, an Optuna journal or an Optuna SQLite storage) into the journal directory and says what it added, updated and rejected.',
  flags: {
    json: { type: 'boolean', help: 'print each summary as one JSON object (for scripts)' },
    ...DB_FLAG,
  },
}

export const importVerb: Verb = {
  usage,
  async run({ values, positionals, signal }) {
    if (positionals.length === 0) throw usageError('import: name a file to import')
    for (const f of positionals) if (!existsSync(f)) throw notExist(`no file ${f}`)
    const db = await openJournal(values)
    let rejected = 0
    try {
      for (const file of positionals) {
        const summary = await importDump(db, await openAsBlob(file), { signal })
        rejected += summary.runs.rejected + summary.studies.conflicts
        if (values['json'] === true) { await printJson({ file, ...summary }); continue }
        const { studies: s, runs: r } = summary
        process.stdout.write(`${file}: studies ${s.added} added, ${s.updated} updated, ${s.unchanged} unchanged, ${s.conflicts} in conflict; runs ${r.added} added, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected} rejected\n`)
        for (const c of summary.conflicts) process.stdout.write(`  conflict: ${c.reason}\n`)
        for (const x of summary.rejections.slice(0, 20)) process.stdout.write(`  rejected ${x.run}: ${x.reason}\n`)
        if (summary.rejections.length > 20) process.stdout.write(`  … and ${summary.runs.rejected - 20} more rejected\n`)
      }
      return rejected ? EXIT.failed : EXIT.ok
    } finally {
      db.close()
    }
  },
}
