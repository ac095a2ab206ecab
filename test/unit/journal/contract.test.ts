import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JournalDatabase } from '../../../src/db/journal/database.js'
import { describeDatabaseContract } from '../../contract/database.contract.js'

describeDatabaseContract('journal directory (Node)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'diviner-journal-contract-'))
  let offset = 0
  const problems: string[] = []
  const options = { now: () => Date.now() + offset, followPollMs: 20, loggerFlushMs: 20, onProblem: (p: { reason: string }) => { problems.push(p.reason) } }
  const db = new JournalDatabase(dir, options)
  const others: JournalDatabase[] = []
  return {
    db,
    connect: async () => {
      const other = new JournalDatabase(dir, options)
      await other.createTable()
      others.push(other)
      return other
    },
    advanceClock: (ms) => { offset += ms },
    close: async () => {
      for (const o of others) o.close()
      db.close()
      rmSync(dir, { recursive: true, force: true })
      if (problems.length) throw new Error(`the journal reported problems: ${problems.join('; ')}`)
    },
  }
})
