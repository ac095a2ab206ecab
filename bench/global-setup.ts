import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises'

const dir = new URL('./.results/', import.meta.url)
const out = new URL('./results.json', import.meta.url)

/** Clears figures of an earlier run; after the run, gathers every bench's figures into bench/results.json. */
export async function setup({ provide: _ }: { provide: unknown }): Promise<() => Promise<void>> {
  await rm(dir, { recursive: true, force: true })
  await mkdir(dir, { recursive: true })
  return async () => {
    const results: Record<string, number> = {}
    for (const file of (await readdir(dir)).sort()) {
      if (file.endsWith('.json')) Object.assign(results, JSON.parse(await readFile(new URL(file, dir), 'utf8')) as Record<string, number>)
    }
    await writeFile(out, JSON.stringify(results, null, 2) + '\n')
    process.stdout.write(`\nbench/results.json\n${Object.entries(results).map(([k, v]) => `  ${k.padEnd(44)} ${v}`).join('\n')}\n`)
  }
}
