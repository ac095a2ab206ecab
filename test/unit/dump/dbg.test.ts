import { it } from 'vitest'
import { minimize } from '../../../src/db/study.js'
import { freshDb } from './helpers.js'
it('dbg', async () => {
  for (const n of [10, 50, 100, 300]) {
    const db = await freshDb('t')
    await db.createStudyIfNotExist({ name: 's', objective: minimize('loss'), params: {} })
    for (let i = 0; i < n; i++) await db.insertRun({ study: 's', values: {} })
    try { const runs = await db.listRuns('s', 7); console.log(n, 'ok', runs.length) } catch (e) { console.log(n, String(e)) }
  }
})
