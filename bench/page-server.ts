/**
 * The built page for the page benchmarks: built as `npm start` builds it, into
 * a directory of the benchmark's own (the e2e tests' `dist/` may be rebuilt
 * meanwhile), and served by scripts/serve.mjs on a free port.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const root = fileURLToPath(new URL('..', import.meta.url))

/** A served build of the page: its URL (ending in `/`), and how to stop serving and remove it. */
export interface ServedPage { readonly url: string; close(): Promise<void> }

/** Builds the page (unminified when `minify` is false, for profiles that name functions) and serves it. */
export async function servePage(minify = true): Promise<ServedPage> {
  const dir = await mkdtemp(join(tmpdir(), 'diviner-bench-dist-'))
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ root, mode: 'production', logLevel: 'warn', build: { outDir: dir, emptyOutDir: true, minify } })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
  const server: ChildProcess = spawn(process.execPath, ['scripts/serve.mjs', dir], { cwd: root, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout?.setEncoding('utf8').on('data', (c: string) => {
      out += c
      const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out)
      if (m) resolve(m[0])
    })
    server.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}): ${out}`)))
  })
  return {
    url,
    async close() {
      if (server.exitCode === null) { server.kill('SIGTERM'); await once(server, 'exit') }
      await rm(dir, { recursive: true, force: true })
    },
  }
}
