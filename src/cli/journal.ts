/**
 * Opening the journal directory the command works on: `--db DIR`, else
 * `$DIVINER_DB`, else `./diviner-data`.
 */
import { resolve } from 'node:path'
import { JournalDatabase } from '../db/journal/database.js'

/** The journal directory named by the flags and environment. */
export function journalDir(values: Record<string, unknown>): string {
  const flag = values['db']
  return resolve(typeof flag === 'string' && flag !== '' ? flag : process.env['DIVINER_DB'] || 'diviner-data')
}

/** Opens (creating if needed) the journal directory named by the flags and environment. */
export async function openJournal(values: Record<string, unknown>): Promise<JournalDatabase> {
  const db = new JournalDatabase(journalDir(values))
  await db.createTable()
  return db
}
