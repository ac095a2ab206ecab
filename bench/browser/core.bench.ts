import { it } from 'vitest'
import { commands } from 'vitest/browser'
import { openDatabase } from '../../src/db/store/dexie-database.js'
import { coreFigures } from '../workloads.js'

it('core: 1,000 insertRun and 10,000 appendRunMetrics on real IndexedDB', async () => {
  const figures = await coreFigures((name) => openDatabase(name), indexedDB, 'chromium')
  console.log(figures)
  await commands.writeFile('bench/.results/core-browser.json', JSON.stringify(figures))
})
