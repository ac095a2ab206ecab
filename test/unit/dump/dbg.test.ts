import { it } from 'vitest'
import { importDump } from '../../../src/db/dump/import.js'
import { freshDb, gzLines, headerLine, studyLine, runLine, rawSnapshot } from './helpers.js'
it('dbg', async () => {
  for (const n of [1, 10, 100, 600]) {
    const db = await freshDb('t')
    const lines = [headerLine(), studyLine('big')]
    for (let i = 0; i < n; i++) lines.push(runLine('x' + i, 'big', i + 1))
    await importDump(db, gzLines(lines))
    try { await rawSnapshot(db); console.log(n, 'ok') } catch (e) { console.log(n, (e as Error).stack) }
  }
})
