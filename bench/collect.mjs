// Gathers the figures every benchmark suite wrote to bench/.results/ (one file per suite, the last run of each)
// into bench/results.json, and prints them: a timed figure as its median [least–greatest] over the rounds.
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises'

const dir = new URL('.results/', import.meta.url)
await mkdir(dir, { recursive: true })
const results = {}
for (const file of (await readdir(dir)).sort()) {
  if (file.endsWith('.json')) Object.assign(results, JSON.parse(await readFile(new URL(file, dir), 'utf8')))
}
await writeFile(new URL('./results.json', import.meta.url), JSON.stringify(results, null, 2) + '\n')
const lines = []
for (const [k, v] of Object.entries(results)) {
  if (/_(min|max)$/.test(k) && results[k.replace(/_(min|max)$/, '')] !== undefined) continue
  const lo = results[`${k}_min`]
  const hi = results[`${k}_max`]
  lines.push(`  ${k.padEnd(48)} ${v}${lo !== undefined ? ` [${lo}–${hi}]` : ''}`)
}
console.log(`\nbench/results.json (median [min–max] over the rounds)\n${lines.join('\n')}`)
