/**
 * Builds the page once and serves it the way `npm start` does; the tests get
 * the URL and the build directory through `inject`.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'
import type { TestProject } from 'vitest/node'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the built page is served, ending in `/`. */
    baseUrl: string
    /** The build output directory. */
    distDir: string
  }
}

const root = fileURLToPath(new URL('../..', import.meta.url))
const distDir = `${root}dist`

/** Starts `scripts/serve.mjs` on a free port and resolves once it prints its URL. */
async function startServer(): Promise<{ server: ChildProcess; url: string }> {
  const server = spawn(process.execPath, ['scripts/serve.mjs', distDir], {
    cwd: root,
    env: { ...process.env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    server.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk
      const match = /http:\/\/127\.0\.0\.1:\d+\//.exec(output)
      if (match) resolve(match[0])
    })
    server.once('exit', (code) => reject(new Error(`serve.mjs exited (${code}) before listening: ${output}`)))
    server.once('error', reject)
  })
  return { server, url }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await build({ root, logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } })
  const { server, url } = await startServer()
  project.provide('baseUrl', url)
  project.provide('distDir', distDir)
  return async () => {
    if (server.exitCode !== null) return
    server.kill('SIGTERM')
    await once(server, 'exit')
  }
}
