/**
 * Hostile dumps the fuzz found or the hardening issue names, kept as plain
 * regression tests, and a full disk: a QuotaExceededError injected at the
 * storage layer (IndexedDB's object store refuses a write, as a browser does
 * when the origin's quota is used up) in the middle of an import.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { importDump } from '../../../src/db/merge/import.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { DivinerError } from '../../../src/db/model/errors.js'
import { handWrittenDump, olderDump } from './fuzz-cases.js'
import { expectRefused, freshDb, gz, gzLines, headerLine, jsonl, logLine, metricsLine, rawSnapshot, runLine, studyLine } from './helpers.js'

const HOLE = '\u0000'

describe('hostile dumps', () => {
  it('refuses a run config whose script, local files or datasets have the wrong type', async () => {
    const db = await freshDb('hostile')
    for (const config of [{ localFiles: { length: 1e9 } }, { datasets: 'abc' }, { script: 5 }, { localFiles: [1] }, { script: { toString: 'x' } }]) {
      await expectRefused(db, gzLines([headerLine(), studyLine('s'), runLine('r1', 's', 1, { config })]), { line: 3, message: /run\.config\.(script|localFiles|datasets)/ })
    }
    await importDump(db, gzLines([headerLine(), studyLine('s'), runLine('r1', 's', 1, { config: { script: 'a', localFiles: [], datasets: ['d'], other: { localFiles: 5 } } })]))
  })

  it('refuses nesting 100,000 deep anywhere in a line, on the line', async () => {
    const db = await freshDb('hostile')
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const deepObject = `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`
    for (const raw of [deep, deepObject]) {
      for (const field of ['config', 'values', 'status', 'oracle']) {
        const line = field === 'oracle'
          ? JSON.stringify(studyLine('s', { oracle: HOLE })).replace(JSON.stringify(HOLE), raw)
          : JSON.stringify(runLine('r', 's', 1, { [field]: HOLE })).replace(JSON.stringify(HOLE), raw)
        const lines = field === 'oracle' ? [headerLine(), line] : [headerLine(), studyLine('s'), line]
        await expectRefused(db, gz(jsonl(lines)), { line: lines.length })
      }
      // A deep line with a prototype key in it takes the reviver path of JSON.parse.
      await expectRefused(db, gz(jsonl([headerLine(), `{"__proto__":${raw}}`])), { line: 2 })
    }
  })

  it('takes a run rejected for a study that came later, when its line comes again: with its history, not counted as rejected', async () => {
    // Found by the fuzz (duplicated lines): the run was stored by its second line, but
    // its history after that was skipped as if rejected, and a second import added it.
    const db = await freshDb('hostile')
    const dump = gzLines([
      headerLine(), runLine('r', 's', 1, { metrics: 2, log: 1 }), logLine('r', 0, ['early\n']), studyLine('s'),
      runLine('r', 's', 1, { metrics: 2, log: 1 }), metricsLine('r', 0, [{ loss: 1 }, { loss: 0.5 }]), logLine('r', 0, ['early\n']),
    ])
    const summary = await importDump(db, dump)
    expect(summary.runs).toEqual({ added: 1, updated: 0, unchanged: 0, rejected: 0 })
    expect(summary.rejections).toEqual([])
    const [run] = await db.listRuns('s', 7)
    expect(run?.metrics).toEqual([{ loss: 1 }, { loss: 0.5 }])
    const before = await rawSnapshot(db)
    expect((await importDump(db, dump)).runs).toEqual({ added: 0, updated: 0, unchanged: 1, rejected: 0 })
    expect(await rawSnapshot(db)).toEqual(before)
  })

  it('keeps a run taken by an earlier line when a later line of it is refused', async () => {
    const db = await freshDb('hostile')
    await importDump(db, gzLines([
      headerLine(), studyLine('s'), studyLine('t'), runLine('r', 's', 1, { metrics: 1 }), runLine('r', 't', 1, { metrics: 1 }), metricsLine('r', 0, [{ loss: 2 }]),
    ]))
    const [run] = await db.listRuns('s', 7)
    expect(run?.metrics).toEqual([{ loss: 2 }])
    expect(await db.listRuns('t', 7)).toEqual([])
  })

  it('keeps a dict key named __proto__ as data, and pollutes nothing', async () => {
    const db = await freshDb('hostile')
    const values = JSON.parse('{"d":{"dict":{"__proto__":{"dict":{"polluted":{"int":"1"}}},"constructor":{"string":"x"}}}}') as Record<string, unknown>
    await importDump(db, gz(jsonl([headerLine(), studyLine('s', { params: { d: { type: 'discrete', values: [values['d']] } } }), runLine('r', 's', 1, { values })])))
    expect(Reflect.get(Object.prototype, 'polluted')).toBeUndefined()
    const [run] = await db.listRuns('s', 7)
    const d = run?.values['d']
    expect(d?.kind).toBe('dict')
    expect(Object.keys(d?.value as object)).toEqual(['__proto__', 'constructor'])
  })
})

describe('a full disk', () => {
  const store = (globalThis as unknown as { IDBObjectStore: { prototype: Record<'put' | 'add', (...args: unknown[]) => unknown> } }).IDBObjectStore.prototype
  const original = { put: store.put, add: store.add }
  const roomAgain = () => {
    store.put = original.put
    store.add = original.add
  }
  afterEach(roomAgain)

  /**
   * From now on, the `allowed`-th write and every later one fail as a browser's do
   * when the quota is used up; with `untilFirstFailure`, only until one has failed
   * (the failed transaction is aborted, which leaves room for the undo's few writes).
   */
  function fillDiskAfter(allowed: number, untilFirstFailure: boolean): void {
    let writes = 0
    for (const method of ['put', 'add'] as const) {
      const real = original[method]
      store[method] = function (this: unknown, ...args: unknown[]) {
        if (++writes > allowed) {
          if (untilFirstFailure) roomAgain()
          throw new DOMException('The quota has been exceeded.', 'QuotaExceededError')
        }
        return real.apply(this, args)
      }
    }
  }

  /** A dump of `runs` more runs with logs besides the hand-written ones: four batches. */
  function largeDump(runs: number): Uint8Array {
    const lines: unknown[] = [...handWrittenDump()]
    for (let i = 0; i < runs; i++) {
      lines.push(runLine(`big-${i}`, 's', 100 + i, { log: 1 }))
      lines.push(logLine(`big-${i}`, 0, [`line ${i}\n`]))
    }
    return gzLines(lines)
  }

  async function expectQuota(p: Promise<unknown>): Promise<void> {
    const err = await p.then(() => undefined, (e: unknown) => e)
    expect(err).toBeInstanceOf(DivinerError)
    expect((err as DivinerError).code).toBe('quota')
    expect((err as DivinerError).message).toMatch(/storage quota exceeded.*free disk space/)
  }

  for (const allowed of [0, 5, 700, 1300]) {
    it(`an import refused storage after ${allowed} writes fails with code quota and leaves the database as it was`, async () => {
      const db = await freshDb('quota')
      await importDump(db, gzLines(olderDump()))
      const before = await rawSnapshot(db)
      fillDiskAfter(allowed, true)
      await expectQuota(importDump(db, largeDump(1600)))
      roomAgain()
      expect(await rawSnapshot(db)).toEqual(before)
      // With room again, the same dump imports.
      expect((await importDump(db, largeDump(1600))).runs.added).toBe(1604)
    })
  }

  it('when the disk stays full during the undo too, the import still fails with quota, and the next opening finishes the undo', async () => {
    const db = await freshDb('quota')
    await importDump(db, gzLines(olderDump()))
    const before = await rawSnapshot(db)
    fillDiskAfter(1300, false)
    const err = await importDump(db, largeDump(1600)).then(() => undefined, (e: unknown) => e)
    await expectQuota(Promise.reject(err))
    expect((err as DivinerError).details?.['undoPending']).toBe(true)
    expect((err as DivinerError).message).toMatch(/undone when the page next opens or imports/)
    expect(await db.dexie.imports.count()).toBe(1)
    roomAgain()
    db.close()
    const reopened = new DexieDatabase(db.dexie.name)
    await reopened.createTable()
    expect(await rawSnapshot(reopened)).toEqual(before)
    reopened.close()
  })
})
