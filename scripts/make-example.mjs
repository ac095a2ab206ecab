#!/usr/bin/env node
/**
 * Regenerates the example dump the page offers to load:
 *
 *     npm run example      # writes public/examples/mnist.diviner.gz
 *
 * Node 20 cannot run TypeScript, so this builds scripts/make-example.ts (with
 * the project's storage code and fake-indexeddb) into one ES module with Vite,
 * as the tests build their Node worker, then runs it.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { build } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))
const target = join(root, 'public', 'examples', 'mnist.diviner.gz')
/** The page fetches this file on a first visit; keep it small. */
const MAX_BYTES = 300 * 1024

const outDir = await mkdtemp(join(tmpdir(), 'diviner-example-'))
try {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: join(root, 'scripts', 'make-example.ts'),
      outDir,
      emptyOutDir: true,
      target: 'node20',
      minify: false,
      rolldownOptions: { output: { format: 'es', entryFileNames: 'make-example.mjs', codeSplitting: false } },
    },
    ssr: { noExternal: true, target: 'node' },
  })
  const { makeExample } = await import(pathToFileURL(join(outDir, 'make-example.mjs')).href)
  const { dump, runs, states } = await makeExample()
  if (dump.length > MAX_BYTES) throw new Error(`the example dump is ${dump.length} bytes, over the ${MAX_BYTES} allowed`)
  await mkdir(join(root, 'public', 'examples'), { recursive: true })
  await writeFile(target, dump)
  console.log(`wrote ${target}: ${runs} runs (${JSON.stringify(states)}), ${dump.length} bytes`)
} finally {
  await rm(outDir, { recursive: true, force: true })
}
