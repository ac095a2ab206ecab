/**
 * The example dump the page ships (public/examples/mnist.diviner.gz), and
 * what it holds, worked out in Node with the project's own storage code on
 * fake-indexeddb, so tests compare the page with the file, not with itself.
 */
import 'fake-indexeddb/auto'
import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { gunzipSync, gzipSync } from 'node:zlib'
import { openDatabase } from '../../../src/db/store/dexie-database.js'
import { importDump } from '../../../src/db/merge/import.js'
import { RunState } from '../../../src/db/model/run.js'
import { objectiveBetter } from '../../../src/db/model/study.js'

/** The example dump in the source tree (the build copies it to `examples/`). */
export const EXAMPLE_FILE = fileURLToPath(new URL('../../../public/examples/mnist.diviner.gz', import.meta.url))

/** A study of the dump, counted as the page counts it. */
export interface ExpectedStudy {
  readonly name: string
  readonly runs: number
  readonly pending: number
  readonly success: number
  readonly failure: number
  /** The best objective value over successful runs' last reports. */
  readonly best: number | undefined
}

let seq = 0

/** The studies in the example dump, by name, as they read after importing it now. */
export async function exampleStudies(): Promise<ExpectedStudy[]> {
  const db = await openDatabase(`example-expectation-${process.pid}-${++seq}`)
  try {
    await importDump(db, new Uint8Array(await readFile(EXAMPLE_FILE)))
    const out: ExpectedStudy[] = []
    for (const study of await db.listStudies('')) {
      const runs = await db.listRuns(study.name, RunState.Any)
      const count = (state: number) => runs.filter((r) => r.state === state).length
      let best: number | undefined
      for (const r of runs) {
        const v = r.state === RunState.Success ? r.metrics.at(-1)?.[study.objective.metric] : undefined
        if (v !== undefined && !Number.isNaN(v) && (best === undefined || objectiveBetter(study.objective, v, best))) best = v
      }
      out.push({ name: study.name, runs: runs.length, pending: count(RunState.Pending), success: count(RunState.Success), failure: count(RunState.Failure), best })
    }
    return out
  } finally {
    db.close()
  }
}

/**
 * A large dump made from the example: `copies` copies of its runs, each copy
 * under new run ids (so each is a different run), as one gzip file.
 */
export async function largeDump(copies: number): Promise<Buffer> {
  const [header, ...records] = gunzipSync(await readFile(EXAMPLE_FILE)).toString('utf8').trimEnd().split('\n')
  const ids = [...new Set(records.flatMap((line) => [.../"(?:id|run)":"([^"]+)"/.exec(line)?.slice(1) ?? []]))]
  const out: string[] = [header ?? '']
  for (let k = 0; k < copies; k++) {
    for (const line of records) {
      if (k > 0 && line.startsWith('{"t":"study"')) continue
      out.push(ids.reduce((l, id) => (l.includes(id) ? l.replaceAll(`"${id}"`, `"${id}-copy${k}"`) : l), line))
    }
  }
  return gzipSync(out.join('\n') + '\n')
}
