/**
 * Reads the build output: which JavaScript files the page itself loads, and
 * which only a worker does.
 */
import { readFile, readdir } from 'node:fs/promises'
import { join, posix } from 'node:path'

/** A built JavaScript file, by its path relative to the build directory. */
export interface Chunk { readonly file: string; readonly code: string }

/** The module scripts index.html loads, as paths relative to the build directory. */
async function entries(distDir: string): Promise<string[]> {
  const html = await readFile(join(distDir, 'index.html'), 'utf8')
  const srcs = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1] as string)
  if (srcs.length === 0) throw new Error('index.html loads no module script')
  return srcs.map((src) => posix.normalize(src))
}

/** Relative modules `code` imports, statically or dynamically (a worker is started from a URL, not imported). */
function imports(code: string): string[] {
  const found = [
    ...code.matchAll(/\bimport\s*\(\s*["'`](\.{1,2}\/[^"'`]+)["'`]\s*\)/g),
    ...code.matchAll(/\bfrom\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g),
    ...code.matchAll(/\bimport\s*["'`](\.{1,2}\/[^"'`]+)["'`]/g),
  ]
  return found.map((m) => m[1] as string)
}

/** Every JavaScript file the page's main thread loads: the entries and what they import, transitively. */
export async function mainThreadChunks(distDir: string): Promise<Chunk[]> {
  const seen = new Map<string, Chunk>()
  const queue = await entries(distDir)
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (seen.has(file)) continue
    const code = await readFile(join(distDir, file), 'utf8')
    seen.set(file, { file, code })
    for (const spec of imports(code)) queue.push(posix.join(posix.dirname(file), spec))
  }
  return [...seen.values()]
}

/** Every built JavaScript file the main thread does not load (the worker's). */
export async function workerChunks(distDir: string): Promise<Chunk[]> {
  const main = new Set((await mainThreadChunks(distDir)).map((c) => c.file))
  const files = (await readdir(join(distDir, 'assets'))).filter((f) => f.endsWith('.js')).map((f) => `assets/${f}`)
  const out: Chunk[] = []
  for (const file of files.filter((f) => !main.has(f))) out.push({ file, code: await readFile(join(distDir, file), 'utf8') })
  return out
}
