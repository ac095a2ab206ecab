import { writeFile } from 'node:fs/promises'
import { it } from 'vitest'
import { openDatabase } from '../../src/db/store/dexie-database.js'
import { coreFigures } from '../workloads.js'

it('core: 1,000 insertRun and 10,000 appendRunMetrics on fake-indexeddb', async () => {
  const figures = await coreFigures((name) => openDatabase(name), indexedDB, 'fake_idb')
  console.log(figures)
  await writeFile(new URL('../.results/core-node.json', import.meta.url), JSON.stringify(figures))
})
