import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { describeDatabaseContract } from '../../contract/database.contract.js'

let n = 0

describeDatabaseContract('Dexie on fake-indexeddb', async () => {
  const name = `contract-direct-${++n}`
  let offset = 0
  const options = { now: () => Date.now() + offset, followPollMs: 20, loggerFlushMs: 20 }
  const db = new DexieDatabase(name, options)
  const others: DexieDatabase[] = []
  return {
    db,
    connect: async () => {
      const other = new DexieDatabase(name, options)
      await other.createTable()
      others.push(other)
      return other
    },
    advanceClock: (ms) => { offset += ms },
    close: async () => {
      for (const o of others) o.close()
      db.close()
      await db.dexie.delete()
    },
  }
})
