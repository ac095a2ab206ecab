// Gathers the figures every benchmark wrote to bench/.results/ into bench/results.json and prints them.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'

const dir = new URL('.results', import.meta.url)
await mkdir(dir, { recursive: true })
const results = {}
for (const file of (await readdir(dir)).sort()) {
  if (file.endsWith('.json')) Object.assign(results, JSON.parse(await readFile(new URL(file, dir), 'utf8')))
}
await writeFile(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n')
console.log(`\nbench/results.json\n${Object.entries(results).map(([k, v]) => `  ${k.padEnd(44)} ${v}`).join('\n')}`)
