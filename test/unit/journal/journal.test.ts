/**
 * What the journal directory guarantees beyond the Database contract: every
 * writer's records reach every reader, a torn last line or a foreign or
 * damaged file is skipped and reported once (nothing else is lost), imports
 * are all or nothing, compaction keeps the state, and the directory's files
 * concatenated are a dump the page imports.
 */
import { appendFileSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'fflate'
import { afterEach, describe, expect, it } from 'vitest'
import { exportDump } from '../../../src/db/dump/export.js'
import { compactJournal } from '../../../src/db/journal/compact.js'
import { JournalDatabase } from '../../../src/db/journal/database.js'
import type { JournalProblem } from '../../../src/db/journal/state.js'
import { importDump } from '../../../src/db/merge/import.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { minimize, type Study } from '../../../src/db/model/study.js'
import { int } from '../../../src/db/model/values.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { tempDir } from '../cli/cli.js'

const STUDY: Study = { name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2), int(3)) } }

let cleanup: (() => void)[] = []
afterEach(() => { for (const c of cleanup.reverse()) c(); cleanup = [] })

function dir(): string {
  const t = tempDir('diviner-journal-')
  cleanup.push(t.remove)
  return t.dir
}

async function open(path: string, problems: JournalProblem[] = []): Promise<JournalDatabase> {
  const db = new JournalDatabase(path, { onProblem: (p) => problems.push(p), followPollMs: 20, loggerFlushMs: 10 })
  await db.createTable()
  cleanup.push(() => db.close())
  return db
}

async function fill(db: JournalDatabase, runs: number): Promise<void> {
  await db.createStudyIfNotExist(STUDY)
  for (let i = 0; i < runs; i++) {
    const run = await db.insertRun({ study: 's', values: { x: int(1 + (i % 3)) } })
    for (let k = 0; k < 3; k++) await db.appendRunMetrics('s', run.seq, { loss: i + k / 10 })
    const w = db.logger('s', run.seq).getWriter()
    await w.write(`run ${i}\n`)
    await w.close()
    await db.updateRun('s', run.seq, RunState.Success, 'done', 100 * i, 0)
  }
}

/** Everything a reader sees of the study: runs with histories and logs. */
async function state(db: JournalDatabase | DexieDatabase): Promise<unknown> {
  const runs = await db.listRuns('s', RunState.Any)
  const out = []
  for (const r of runs) {
    let log = ''
    const reader = db.log('s', r.seq).getReader()
    for (let c = await reader.read(); !c.done; c = await reader.read()) log += c.value
    out.push({ id: r.id, seq: r.seq, state: r.state, status: r.status, runtime: r.runtime, metrics: r.metrics, values: r.values, log })
  }
  return out
}

describe('a journal directory', () => {
  it('shows each writer what every other writer recorded', async () => {
    const path = dir()
    const a = await open(path)
    const b = await open(path)
    await fill(a, 3)
    expect(await state(b)).toEqual(await state(a))
    const run = await b.insertRun({ study: 's', values: { x: int(2) } })
    await b.appendRunMetrics('s', run.seq, { loss: 9 })
    expect(run.seq).toBe(4)
    expect((await a.lookupRun('s', 4)).metrics).toEqual([{ loss: 9 }])
    expect(readdirSync(path).filter((f) => f.endsWith('.jsonl'))).toHaveLength(2)
  })

  it('ignores a torn last line of a writer that died, reporting it once; the rest stays', async () => {
    const path = dir()
    const a = await open(path)
    await fill(a, 2)
    a.close()
    const [file] = readdirSync(path).filter((f) => f.endsWith('.jsonl'))
    // The file of a writer that is gone (a pid no process has), ending mid-line.
    const dead = (file as string).replace(/-(\d+)-([0-9a-f]+)\.jsonl$/, '-999999999-$2.jsonl')
    const text = readFileSync(join(path, file as string), 'utf8')
    writeFileSync(join(path, dead), text)
    appendFileSync(join(path, dead), '{"t":"metrics","run":"x","from":0,"entr')
    const torn = text.split('\n').length
    const problems: JournalProblem[] = []
    const b = await open(path, problems)
    expect((await b.listRuns('s', RunState.Any)).map((r) => r.metrics.length)).toEqual([3, 3])
    await b.listRuns('s', RunState.Any)
    expect(problems).toEqual([{ file: dead, line: torn, reason: 'ends in an incomplete line (its writer stopped mid-line); that line is ignored' }])
  })

  it('skips a foreign file and a damaged line, naming the file and line, and keeps everything else', async () => {
    const path = dir()
    const a = await open(path)
    await fill(a, 2)
    writeFileSync(join(path, 'notes.jsonl'), '{"hello":"world"}\n')
    const [file] = readdirSync(path).filter((f) => f.endsWith('.jsonl') && f !== 'notes.jsonl')
    const lines = readFileSync(join(path, file as string), 'utf8').split('\n')
    lines[3] = '{"t":"metrics","run":'
    writeFileSync(join(path, file as string), lines.join('\n'))
    const problems: JournalProblem[] = []
    const b = await open(path, problems)
    const runs = await b.listRuns('s', RunState.Any)
    expect(runs).toHaveLength(2)
    expect(problems.map((p) => `${p.file}:${p.line}`)).toEqual(expect.arrayContaining(['notes.jsonl:1', `${file}:4`]))
    expect(problems.find((p) => p.file === 'notes.jsonl')?.reason).toContain('not a Diviner Local journal')
    expect(problems.find((p) => p.line === 4)?.reason).toMatch(/not valid JSON.*; line skipped/)
  })

  it('imports a dump all or nothing: renumbers a taken seq, keeps its origin, and a second import changes nothing', async () => {
    const source = await open(dir())
    await fill(source, 3)
    const dump = new Uint8Array(await new Response(exportDump(source)).arrayBuffer())
    const path = dir()
    const target = await open(path)
    await target.createStudyIfNotExist(STUDY)
    await target.insertRun({ study: 's', values: { x: int(3) } })
    const first = await importDump(target, dump)
    expect(first.runs).toEqual({ added: 3, updated: 0, unchanged: 0, rejected: 0 })
    const runs = await target.listRuns('s', RunState.Any)
    expect(runs.map((r) => [r.seq, r.origin?.seq])).toEqual([[1, undefined], [2, 1], [3, 2], [4, 3]])
    const again = await importDump(target, dump)
    expect(again.runs).toEqual({ added: 0, updated: 0, unchanged: 3, rejected: 0 })
    // Another process sees the import, from the file it became.
    expect(await state(await open(path))).toEqual(await state(target))
    // A dump whose last line is bad changes nothing, here or on disk.
    const files = readdirSync(path)
    const bad = gzipSync(new TextEncoder().encode(new TextDecoder().decode(await new Response(exportDump(source)).arrayBuffer().then((b) => new Uint8Array(b)).then((b) => import('fflate').then((f) => f.gunzipSync(b)))) + '{"t":"run"}\n'))
    await expect(importDump(target, bad)).rejects.toMatchObject({ code: 'bad-dump' })
    expect(readdirSync(path)).toEqual(files)
    expect(await target.listRuns('s', RunState.Any)).toHaveLength(4)
  })

  it('compacts into one file with the same state, keeping files with lines that could not be read', async () => {
    const path = dir()
    for (let i = 0; i < 3; i++) {
      const w = await open(path)
      await fill(w, 2)
      w.close()
    }
    // Writers that are gone: their pids replaced by one no process has.
    for (const f of readdirSync(path).filter((n) => n.endsWith('.jsonl'))) {
      writeFileSync(join(path, f.replace(/-(\d+)-([0-9a-f]+)\.jsonl$/, '-999999999-$2.jsonl')), readFileSync(join(path, f)))
      writeFileSync(join(path, f), '')
    }
    for (const f of readdirSync(path).filter((n) => n.endsWith('.jsonl') && !n.includes('999999999'))) appendFileSync(join(path, f), '')
    const before = await state(await open(path))
    writeFileSync(join(path, 'zz-foreign.jsonl'), 'not json\n')
    const c = await compactJournal(new JournalDatabase(path, { onProblem: () => undefined }))
    expect(c.removed.length).toBeGreaterThanOrEqual(3)
    expect(c.damaged).toEqual(['zz-foreign.jsonl'])
    expect(await state(await open(path))).toEqual(before)
  })

  it('concatenated, its files are a dump the page imports, with the same runs, metrics and logs', async () => {
    const path = dir()
    const a = await open(path)
    const b = await open(path)
    await fill(a, 2)
    await fill(b, 2)
    const text = readdirSync(path).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(path, f), 'utf8')).join('')
    const page = new DexieDatabase(`journal-concat-${Date.now()}`)
    await page.createTable()
    cleanup.push(() => { page.close() })
    await importDump(page, new TextEncoder().encode(text))
    // Seqs are each database's own names (the page keeps a seq only when it is free): compare by identity.
    const byId = (runs: unknown) => (runs as { id: string; seq?: number }[]).map(({ seq: _seq, ...rest }) => rest).sort((x, y) => (x.id < y.id ? -1 : 1))
    expect(byId(await state(page))).toEqual(byId(await state(a)))
  })
})
