/**
 * scripts/serve.mjs: the headers the page relies on, nothing outside the
 * build directory, and the command line `npm start -- ...` passes it. Raw
 * HTTP, so paths reach the server exactly as written.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { describe, expect, inject, test } from 'vitest'
import { mainThreadChunks } from './build-output.js'

const base = new URL(inject('baseUrl'))
const root = fileURLToPath(new URL('../..', import.meta.url))

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

/** `method` `path` on the server at `at` (the one global-setup started, unless told). */
function get(path: string, method = 'GET', at: URL = base): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: at.hostname.replace(/^\[(.*)\]$/, '$1'), port: at.port, path, method }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => { body += c }).on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', reject).end()
  })
}

/** What serve.mjs printed and how it ended. */
interface Outcome { code: number | null; stdout: string; stderr: string }

/** A serve.mjs started with `args`, in the repository root, with PORT and HOST unset unless `env` sets them. */
function spawnServe(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['scripts/serve.mjs', ...args], {
    cwd: root,
    env: { ...process.env, PORT: undefined, HOST: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const outcome: Outcome = { code: null, stdout: '', stderr: '' }
  child.stdout.setEncoding('utf8').on('data', (c: string) => { outcome.stdout += c })
  child.stderr.setEncoding('utf8').on('data', (c: string) => { outcome.stderr += c })
  const exited = once(child, 'close').then(([code]) => {
    outcome.code = code as number | null
    return outcome
  })
  return { child, outcome, exited }
}

/** Runs serve.mjs with `args` and resolves once it has exited (it must not start serving). */
async function serveFails(args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  const { child, exited } = spawnServe(args, env)
  const timer = setTimeout(() => child.kill('SIGTERM'), 10_000)
  try {
    return await exited
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs serve.mjs with `args` until it prints the URL to open, calls `use`
 * with that URL and all it printed, then stops it.
 */
async function whileServing(args: string[], env: Record<string, string>, use: (url: URL, stdout: string) => Promise<void>): Promise<void> {
  const { child, outcome, exited } = spawnServe(args, env)
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const look = (): void => {
        const match = /^Diviner Local: (http:\/\/\S+\/)$/m.exec(outcome.stdout)
        if (match?.[1] !== undefined) resolve(match[1])
      }
      child.stdout.on('data', look)
      void exited.then((o) => reject(new Error(`serve.mjs exited (${o.code}) before listening: ${o.stdout}${o.stderr}`)))
    })
    await use(new URL(url), outcome.stdout)
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      await exited
    }
  }
}

/** A port nothing listens on just now. */
async function freePort(): Promise<number> {
  const probe = createServer()
  probe.listen(0, '127.0.0.1')
  await once(probe, 'listening')
  const { port } = probe.address() as AddressInfo
  probe.close()
  await once(probe, 'close')
  return port
}

/** A server holding a port on 127.0.0.1 (`port`, else any); close it when done. */
async function occupy(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer()
  server.listen(port, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as AddressInfo).port }
}

describe('serve.mjs', () => {
  test('serves the page with its Content-Security-Policy', async () => {
    const page = await get('/')
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-security-policy']).toContain("script-src 'self'")
    expect(page.headers['content-security-policy']).toContain("worker-src 'self' blob:")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    expect(page.body).toContain('<div id="app">')
  })

  test('serves scripts, styles and icons with their MIME types', async () => {
    const [entry] = await mainThreadChunks(inject('distDir'))
    expect((await get(`/${entry?.file}`)).headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect((await get('/favicon.svg')).headers['content-type']).toBe('image/svg+xml')
    const css = /href="\.\/(assets\/[^"]+\.css)"/.exec((await get('/')).body)?.[1]
    expect((await get(`/${css}`)).headers['content-type']).toBe('text/css; charset=utf-8')
  })

  test('nothing outside the build directory is reachable', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/..%5cpackage.json', '/%00', '/assets']) {
      expect((await get(path)).status, path).toBe(404)
    }
  })

  test('only GET and HEAD', async () => {
    expect((await get('/', 'HEAD')).status).toBe(200)
    expect((await get('/', 'POST')).status).toBe(405)
  })
})

describe('serve.mjs command line', () => {
  const dist = inject('distDir')

  test('--port N serves on that port', async () => {
    const port = await freePort()
    await whileServing([dist, '--port', String(port)], {}, async (url) => {
      expect(url.href).toBe(`http://127.0.0.1:${port}/`)
      expect((await get('/', 'GET', url)).status).toBe(200)
    })
  })

  test('--port=N, with the directory after the flags', async () => {
    const port = await freePort()
    await whileServing([`--port=${port}`, dist], {}, async (url) => {
      expect(url.href).toBe(`http://127.0.0.1:${port}/`)
    })
  })

  test('PORT serves on that port; --port wins over it', async () => {
    const port = await freePort()
    await whileServing([dist], { PORT: String(port) }, async (url) => {
      expect(url.href).toBe(`http://127.0.0.1:${port}/`)
    })
    const other = await freePort()
    await whileServing([dist, '--port', String(other)], { PORT: String(port) }, async (url) => {
      expect(url.port).toBe(String(other))
    })
  })

  test('--port 0 takes any free port', async () => {
    await whileServing([dist, '--port', '0'], {}, async (url) => {
      expect(url.hostname).toBe('127.0.0.1')
      expect(Number(url.port)).toBeGreaterThan(0)
      expect((await get('/', 'GET', url)).status).toBe(200)
    })
  })

  test('--host serves there and prints that host', async () => {
    await whileServing([dist, '--host', 'localhost', '--port', '0'], {}, async (url) => {
      expect(url.hostname).toBe('localhost')
      expect((await get('/', 'GET', url)).body).toContain('<div id="app">')
    })
    await whileServing([dist, '--port', '0'], { HOST: 'localhost' }, async (url) => {
      expect(url.hostname).toBe('localhost')
    })
  })

  test('serves ./dist when no directory is given', async () => {
    await whileServing(['--port', '0'], {}, async (url) => {
      expect((await get('/', 'GET', url)).status).toBe(200)
    })
  })

  test('a port asked for that is in use: one line saying so, exit 1', async () => {
    const { server, port } = await occupy()
    try {
      const expected = `serve: port ${port} is in use: stop the other server or choose another with --port\n`
      for (const [args, env] of [[[dist, '--port', String(port)], {}], [[dist], { PORT: String(port) }]] as const) {
        const outcome = await serveFails([...args], { ...env })
        expect(outcome).toEqual({ code: 1, stdout: '', stderr: expected })
      }
    } finally {
      server.close()
    }
  })

  test('the default port in use: serves on a free one instead', async () => {
    // Holds 4173 unless something else already does; either way it is taken.
    const held = await occupy(4173).catch(() => undefined)
    try {
      await whileServing([dist], {}, async (url, stdout) => {
        expect(url.port).not.toBe('4173')
        expect(stdout).toContain('port 4173 is in use')
        expect((await get('/', 'GET', url)).status).toBe(200)
      })
    } finally {
      held?.server.close()
    }
  })

  test('an unknown flag: one line naming it, exit 2', async () => {
    const outcome = await serveFails([dist, '--prot', '8080'])
    expect(outcome.code).toBe(2)
    expect(outcome.stdout).toBe('')
    expect(outcome.stderr).toMatch(/^serve: unknown option --prot; [^\n]*\n$/)
  })

  test('a bad or missing port value: one line, exit 2', async () => {
    for (const args of [['--port', 'eighty'], ['--port', '65536'], ['--port']]) {
      const outcome = await serveFails([dist, ...args])
      expect(outcome.code, args.join(' ')).toBe(2)
      expect(outcome.stderr, args.join(' ')).toMatch(/^serve: --port [^\n]*\n$/)
    }
    expect((await serveFails([dist], { PORT: 'http' })).stderr).toMatch(/^serve: PORT must be a port number[^\n]*\n$/)
  })

  test('--help says how to use it and exits 0', async () => {
    const outcome = await serveFails(['--help'])
    expect(outcome.code).toBe(0)
    expect(outcome.stdout).toContain('--port')
    expect(outcome.stdout).toContain('--host')
  })

  test('a directory with no built page: one line, exit 1', async () => {
    const outcome = await serveFails([`${root}no-such-build`, '--port', '0'])
    expect(outcome.code).toBe(1)
    expect(outcome.stderr).toMatch(/^serve: no built page in [^\n]*\n$/)
  })
})
