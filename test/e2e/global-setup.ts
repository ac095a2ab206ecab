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

/**
 * Builds as `npm start` does. Vitest sets NODE_ENV=test, which would make Vite
 * (and Svelte) build for development; the page under test must be the
 * production build, so NODE_ENV is production for the length of the build.
 */
async function buildPage(): Promise<void> {
  const nodeEnv = process.env.NODE_ENV
  process.env.NODE_ENV = 'production'
  try {
    await build({ root, mode: 'production', logLevel: 'warn', build: { outDir: distDir, emptyOutDir: true } })
  } finally {
    process.env.NODE_ENV = nodeEnv
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  await buildPage()
  const { server, url } = await startServer()
  project.provide('baseUrl', url)
  project.provide('distDir', distDir)
  return async () => {
    if (server.exitCode !== null) return
    server.kill('SIGTERM')
    await once(server, 'exit')
  }
}
