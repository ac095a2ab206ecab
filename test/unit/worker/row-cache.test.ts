/**
 * The row cache (src/db/row-cache.ts) and the runs-table queries over it
 * (src/db/run-window.ts): whatever writes the database (this connection,
 * another one, an import, an import's rollback), the rows a connection serves
 * are the rows a fresh read gives; and a window of a query is the slice of a
 * naive sort and filter of all rows.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { type RunRow } from '../../../src/db/model/run.js'
import { importDump } from '../../../src/db/merge/import.js'
import { discrete } from '../../../src/db/model/params.js'
import { RunState } from '../../../src/db/model/run.js'
import { columnsOf, columnNames, metricOf, valueOf, type Column } from '../../../src/db/analysis/run-columns.js'
import { formatSort } from '../../../src/db/analysis/run-sort.js'
import { RowTable, type RunQuery } from '../../../src/db/analysis/run-window.js'
import { minimize } from '../../../src/db/model/study.js'
import { compareValues, float, formatValue, int, str, type Value } from '../../../src/db/model/values.js'
import { Clock, freshDb, gzLines, headerLine, runLine, studyLine } from '../dump/helpers.js'

const STUDY = { name: 's', objective: minimize('loss'), params: { x: discrete(int(1), int(2), int(3)) } }

/** What a fresh connection to the same database reads: the truth. */
async function truth(db: DexieDatabase, study = 's'): Promise<RunRow[]> {
  const fresh = new DexieDatabase(db.dexie.name)
  try {
    await fresh.createTable()
    return await fresh.listRunRows(study)
  } finally {
    fresh.close()
  }
}

const seqs = (rows: readonly RunRow[]) => rows.map((r) => r.seq)

describe('the row cache', () => {
  it('serves inserts, updates and appended metrics from this connection, reading only what changed', async () => {
    const db = await freshDb('cache')
    await db.createStudyIfNotExist(STUDY)
    for (let i = 0; i < 5; i++) await db.insertRun({ study: 's', values: { x: int(1 + (i % 3)) } })
    expect(seqs(await db.listRunRows('s'))).toEqual([1, 2, 3, 4, 5])
    const before = db.rowCache.deltaReads
    await db.appendRunMetrics('s', 3, { loss: 0.5 })
    await db.updateRun('s', 3, RunState.Success, 'done', 1000, 0)
    await db.insertRun({ study: 's', values: { x: int(2) } })
    const rows = await db.listRunRows('s')
    expect(rows).toEqual(await truth(db))
    expect(rows.find((r) => r.seq === 3)).toMatchObject({ state: RunState.Success, status: 'done', last: { loss: 0.5 }, metricCount: 1 })
    expect(db.rowCache.deltaReads - before).toBe(2)
    expect(db.rowCache).toMatchObject({ summaryReads: 1, fills: 0 })
    db.close()
  })

  it('sees writes made by another connection (another tab)', async () => {
    const db = await freshDb('cache')
    await db.createStudyIfNotExist(STUDY)
    await db.insertRun({ study: 's', values: { x: int(1) } })
    expect(seqs(await db.listRunRows('s'))).toEqual([1])
    const other = new DexieDatabase(db.dexie.name)
    await other.createTable()
    await other.insertRun({ study: 's', values: { x: int(2) }, seq: 7 })
    await other.insertRun({ study: 's', values: { x: int(3) }, seq: 4 })
    await other.appendRunMetrics('s', 1, { loss: 2 })
    const rows = await db.listRunRows('s')
    expect(seqs(rows)).toEqual([1, 4, 7])
    expect(rows).toEqual(await truth(db))
    other.close()
    db.close()
  })

  it('follows an import, and an import rolled back puts the rows back as they were', async () => {
    const db = await freshDb('cache')
    await db.createStudyIfNotExist(STUDY)
    await db.insertRun({ study: 's', values: { x: int(1) } })
    await db.insertRun({ study: 's', values: { x: int(1) } })
    const rowsBefore = await db.listRunRows('s')

    // An import that merges into run 1 (newer head) and adds 600 runs (two batches), then fails on its last line.
    const run1 = rowsBefore[0] as RunRow
    const lines: unknown[] = [headerLine(), studyLine('s')]
    lines.push(runLine(run1.id, 's', 1, { origin: { db: (await db.id()), seq: 1 }, status: 'imported', updated: '2030-01-01T00:00:00.000Z' }))
    for (let i = 0; i < 600; i++) lines.push(runLine(`imp-${i}`, 's', 100 + i))
    const good = gzLines(lines)
    // A dump fed by hand: the cache absorbs the first applied batch while the import runs, then the import fails.
    let feed!: ReadableStreamDefaultController<Uint8Array>
    const source = new ReadableStream<Uint8Array>({ start: (c) => { feed = c } })
    const encode = (records: unknown[]) => new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n') + '\n')
    const failing = importDump(db, source)
    failing.catch(() => undefined)
    feed.enqueue(encode(lines))
    await expect.poll(async () => (await db.listRunRows('s')).length, { timeout: 10_000 }).toBeGreaterThan(2)
    expect((await db.listRunRows('s'))[0]?.status).toBe('imported')
    feed.enqueue(encode([{ t: 'run', broken: true }]))
    feed.close()
    await expect(failing).rejects.toMatchObject({ code: 'bad-dump' })
    expect(await db.listRunRows('s')).toEqual(rowsBefore)
    expect(await db.listRunRows('s')).toEqual(await truth(db))

    await importDump(db, new Blob([good as Uint8Array<ArrayBuffer>]))
    const after = await db.listRunRows('s')
    expect(after).toHaveLength(602)
    expect(after[0]?.status).toBe('imported')
    expect(after).toEqual(await truth(db))
    db.close()
  })

  it('fills a study from its summary, which an import writes and a rollback drops (the next full read builds it again)', async () => {
    const db = await freshDb('cache')
    const lines: unknown[] = [headerLine(), studyLine('s')]
    for (let i = 0; i < 2100; i++) lines.push(runLine(`big-${i}`, 's', i + 1, { status: `run ${i}` }))
    await importDump(db, new Blob([gzLines(lines) as Uint8Array<ArrayBuffer>]))
    expect(await db.listRunRows('s')).toHaveLength(2100)
    // The import handed its rows to this connection's cache: nothing was read back.
    expect(db.rowCache).toMatchObject({ fills: 0, adopted: 2100 })
    await db.rowCache.saved()
    await db.appendRunMetrics('s', 5, { loss: 1 })
    await db.insertRun({ study: 's', values: { x: int(2) } })

    const next = new DexieDatabase(db.dexie.name)
    await next.createTable()
    const rows = await next.listRunRows('s')
    expect(next.rowCache).toMatchObject({ summaryReads: 1, fills: 0 })
    expect(rows).toEqual(await truth(db))
    expect(rows.find((r) => r.seq === 5)?.last).toEqual({ loss: 1 })
    next.close()

    // A rolled-back import drops the summary of the study it touched: the next connection reads every record, and stores the summary again.
    await expect(importDump(db, new Blob([gzLines([...lines.slice(0, 2), ...Array.from({ length: 600 }, (_, i) => runLine(`new-${i}`, 's', 5000 + i)), { t: 'run' }]) as Uint8Array<ArrayBuffer>]))).rejects.toMatchObject({ code: 'bad-dump' })
    const after = new DexieDatabase(db.dexie.name)
    await after.createTable()
    expect(await after.listRunRows('s')).toEqual(rows)
    expect(after.rowCache).toMatchObject({ summaryReads: 0, fills: 1 })
    await after.rowCache.saved()
    expect(after.summaries.builds).toBe(1)
    after.close()
    const again = new DexieDatabase(db.dexie.name)
    await again.createTable()
    expect(await again.listRunRows('s')).toEqual(rows)
    expect(again.rowCache).toMatchObject({ summaryReads: 1, fills: 0 })
    again.close()
    db.close()
  })

  it('reports a pending run whose keepalive went stale as failed, without a write', async () => {
    const clock = new Clock()
    const db = await freshDb('cache', clock)
    await db.createStudyIfNotExist(STUDY)
    await db.insertRun({ study: 's', values: { x: int(1) } })
    expect((await db.listRunRows('s'))[0]?.state).toBe(RunState.Pending)
    clock.tick(61_000)
    expect((await db.listRunRows('s'))[0]?.state).toBe(RunState.Failure)
    expect(await db.listRunRows('s', RunState.Pending)).toEqual([])
    expect(await db.withRowTable('s', ['x'], (t) => t.window({ sort: '', search: '', states: RunState.Failure }, 0, 10).total)).toBe(1)
    db.close()
  })

  it('keeps rows current under any sequence of writes from two connections', async () => {
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({
        who: fc.constantFrom(0, 1),
        op: fc.constantFrom('insert', 'metric', 'update', 'read'),
        target: fc.nat(20),
        seq: fc.option(fc.integer({ min: 1, max: 30 }), { nil: undefined }),
      }), { maxLength: 25 }),
      async (ops) => {
        const a = await freshDb('prop')
        await a.createStudyIfNotExist(STUDY)
        const b = new DexieDatabase(a.dexie.name)
        await b.createTable()
        const dbs = [a, b]
        let n = 0
        for (const o of ops) {
          const db = dbs[o.who] as DexieDatabase
          const existing = await truth(a)
          const target = existing[o.target % Math.max(1, existing.length)]
          if (o.op === 'insert') {
            if (o.seq !== undefined && existing.some((r) => r.seq === o.seq)) continue
            await db.insertRun({ study: 's', values: { x: int(1 + (n++ % 3)) }, ...(o.seq !== undefined ? { seq: o.seq } : {}) })
          } else if (o.op === 'metric' && target) {
            await db.appendRunMetrics('s', target.seq, { loss: n++ })
          } else if (o.op === 'update' && target) {
            await db.updateRun('s', target.seq, RunState.Success, `u${n++}`, n, 0)
          } else {
            await db.listRunRows('s')
          }
        }
        expect(await a.listRunRows('s')).toEqual(await truth(a))
        expect(await b.listRunRows('s')).toEqual(await truth(a))
        a.close()
        b.close()
      },
    ), { numRuns: 15 })
  })
})

// ---- window queries against a naive implementation ----

const STATES = [RunState.Pending, RunState.Success, RunState.Failure]

function naiveKey(row: RunRow, col: Column): number | string | Value | undefined {
  switch (col.kind) {
    case 'value': return valueOf(row, col.name ?? '')
    case 'metric': { const m = metricOf(row, col.name ?? ''); return m === undefined || Number.isNaN(m) ? undefined : m }
    case 'status': return row.status
    case 'state': return ([RunState.Pending, RunState.Success, RunState.Failure] as number[]).indexOf(row.state)
    case 'created': return row.created.getTime()
    case 'runtime': return row.runtime
    case 'retries': return row.retries
    case 'replicate': return row.replicate
    default: return row.seq
  }
}

/** Sorts and filters the plain way: a comparator over the rows themselves. */
function naive(rows: readonly RunRow[], paramNames: string[], q: RunQuery): number[] {
  const cols = columnsOf(columnNames(rows, paramNames))
  const desc = q.sort.startsWith('-')
  const key = desc ? q.sort.slice(1) : q.sort
  const col = cols.find((c) => c.key === key) ?? (cols[0] as Column)
  // A search is a filter (filter-lang.ts); these are free text, quoted where they hold an operator.
  const needle = q.search.trim().replace(/^"(.*)"$/, '$1').toLowerCase()
  const text = (r: RunRow) => [`${r.study}:${r.seq}`, r.status, ...Object.entries(r.values).map(([k, v]) => `${k}=${formatValue(v)}`)].join('\t').toLowerCase()
  const cmp = (a: unknown, b: unknown): number => {
    if (col.kind === 'value') return compareValues(a as Value, b as Value)
    if (typeof a === 'string') return a < (b as string) ? -1 : a > (b as string) ? 1 : 0
    return (a as number) - (b as number)
  }
  return rows
    .map((r, i) => ({ r, i, k: naiveKey(r, col) }))
    .filter(({ r }) => (r.state & q.states) !== 0 && (needle === '' || text(r).includes(needle)))
    .sort((x, y) => {
      if (x.k === undefined || y.k === undefined) return x.k === y.k ? x.i - y.i : x.k === undefined ? 1 : -1
      const c = cmp(x.k, y.k)
      return c === 0 ? x.i - y.i : desc ? -c : c
    })
    .map(({ r }) => r.seq)
}

const rowArb = fc.record({
  x: fc.option(fc.oneof(fc.integer({ min: -3, max: 3 }).map(int), fc.constantFrom(0.5, -1, 2).map(float), fc.constantFrom('a', 'B', 'b').map(str)), { nil: undefined }),
  loss: fc.option(fc.constantFrom(0, 0.5, 1, NaN, -2), { nil: undefined }),
  state: fc.constantFrom(...STATES),
  status: fc.constantFrom('', 'done', 'Diverged', 'epoch 3'),
  runtime: fc.nat(5),
  replicate: fc.nat(2),
})

describe('a window of the runs table', () => {
  it('is the slice of a naive sort and filter of all rows', () => {
    fc.assert(fc.property(
      fc.array(rowArb, { maxLength: 40 }),
      fc.constantFrom('', 'id', '-id', 'state', '-status', 'runtime', '-replicate', 'v.x', '-v.x', 'm.loss', '-m.loss', 'v.nope'),
      fc.constantFrom('', '"x="', 'DONE', ' s:1', 'b', 'zzz'),
      fc.integer({ min: 0, max: 7 }),
      fc.nat(45), fc.nat(45),
      (specs, sort, search, states, offset, count) => {
        const rows: RunRow[] = specs.map((s, i): RunRow => ({
          id: `r${i}`, study: 's', seq: i + 1, values: s.x === undefined ? {} : { x: s.x as Value }, replicate: s.replicate,
          state: s.state, status: s.status, config: {}, created: new Date(1000 * (i % 4)), updated: new Date(0),
          runtime: s.runtime, retries: 0, last: s.loss === undefined ? {} : { loss: s.loss as number }, metricCount: 0, logCount: 0,
        }))
        const q: RunQuery = { sort, search, states }
        const table = new RowTable(rows, ['x'], 1)
        const want = naive(rows, ['x'], q)
        const w = table.window(q, offset, count)
        expect(w.total).toBe(want.length)
        expect(w.all).toBe(rows.length)
        expect(seqs(w.rows)).toEqual(want.slice(offset, offset + count))
        // Asked again (memoized) it answers the same.
        expect(seqs(table.window(q, 0, rows.length).rows)).toEqual(want)
        for (const seq of want.slice(0, 3)) expect(table.position(q, seq)).toBe(want.indexOf(seq))
      },
    ), { numRuns: 300 })
  })

  it('names its columns from the params and what the rows report', () => {
    const table = new RowTable([], ['b', 'a'], 1)
    expect(table.window({ sort: formatSort({ key: 'id', desc: false }), search: '', states: RunState.Any }, 0, 10).columns).toEqual({ values: ['a', 'b'], metrics: [] })
  })
})
