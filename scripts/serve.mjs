#!/usr/bin/env node
/**
 * Serves the built page (./dist, or the directory given) with the
 * Content-Security-Policy the page is meant to run under.
 *
 *     node scripts/serve.mjs                    # ./dist on 127.0.0.1:4173, or a free port if 4173 is taken
 *     node scripts/serve.mjs --port 8080        # that port, or exit 1 if it is taken (also PORT=8080)
 *     node scripts/serve.mjs --port 0           # any free port (also PORT=0)
 *     node scripts/serve.mjs --host 0.0.0.0     # every interface (also HOST=0.0.0.0)
 *     node scripts/serve.mjs some/dir           # another build directory
 *
 * `npm start -- --port 8080` passes its flags here. Prints
 * `Diviner Local: http://<host>:<port>/` once listening (tests read that
 * line). Only GET and HEAD; only files under the served directory. A wrong
 * argument exits 2 with one line saying so.
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { isIP } from 'node:net'
import { extname, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'

/**
 * The policy the page must work under: nothing from elsewhere, no inline
 * scripts, no eval ('wasm-unsafe-eval' lets the page compile its own
 * WebAssembly, the SQLite reader for Optuna files; it allows no JavaScript
 * eval). index.html carries the same policy in a meta tag (for static hosts
 * that send no header), except frame-ancestors, which only a header can set;
 * test/e2e/markup.test.ts checks the two agree.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "frame-ancestors 'none'",
].join('; ')

const MIME_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
}

/** The port served on when none is asked for; if it is taken, any free port is used instead. */
export const DEFAULT_PORT = 4173

/** The host served on when none is asked for: this machine only. */
export const DEFAULT_HOST = '127.0.0.1'

const USAGE = `Usage: node scripts/serve.mjs [options] [directory]
       npm start -- [options]

Serves the built page in directory (default: dist) and prints the URL to open.

Options:
  --port N   port to listen on (default: $PORT, else ${DEFAULT_PORT}, or a free port if ${DEFAULT_PORT} is taken);
             0 means any free port
  --host H   address to listen on (default: $HOST, else ${DEFAULT_HOST}; 0.0.0.0 for every interface)
  --help     show this help`

/**
 * The file under `root` that `urlPath` names, or undefined when it names
 * nothing there (including any attempt to leave `root`, by `..`, an encoded
 * separator, a NUL, or a symbolic link pointing out).
 */
async function resolveFile(root, urlPath) {
  let path
  try {
    path = decodeURIComponent(urlPath)
  } catch {
    return undefined
  }
  if (path.includes('\0') || path.includes('\\') || !path.startsWith('/')) return undefined
  if (path.endsWith('/')) path += 'index.html'
  const candidate = resolve(root, `.${path}`)
  if (!candidate.startsWith(root + sep)) return undefined
  try {
    const real = await realpath(candidate)
    if (!real.startsWith(root + sep)) return undefined
    const info = await stat(real)
    return info.isFile() ? { path: real, size: info.size } : undefined
  } catch {
    return undefined
  }
}

function send(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

/** A request handler serving the files under `root` (an absolute, real path). */
export function handler(root) {
  return async (req, res) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY)
    res.setHeader('X-Content-Type-Options', 'nosniff')
    res.setHeader('Referrer-Policy', 'no-referrer')
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD')
      return send(res, 405, 'Method not allowed\n')
    }
    const url = new URL(req.url ?? '/', 'http://localhost')
    const file = await resolveFile(root, url.pathname)
    if (!file) return send(res, 404, 'Not found\n')
    const hashed = url.pathname.startsWith('/assets/')
    res.writeHead(200, {
      'Content-Type': MIME_TYPES[extname(file.path).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': file.size,
      // Built assets carry a content hash in their names; the page itself must always be fresh.
      'Cache-Control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
    })
    if (req.method === 'HEAD') return res.end()
    createReadStream(file.path).on('error', () => res.destroy()).pipe(res)
  }
}

/** A mistake in the command line: its message is one line saying what to do. */
export class UsageError extends Error {}

/** `text` as a port number (0 to 65535), or a UsageError naming `what`. */
function portNumber(text, what) {
  const port = /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`${what} must be a port number from 0 to 65535, got '${text}'`)
  return port
}

/**
 * What the command line and environment ask for: `{ help }`, or the directory
 * to serve (as given), the host, the port and whether that port was asked for
 * (`explicit`; the default port may give way to a free one, an asked-for one
 * may not). Throws a UsageError for an unknown flag, a missing or bad value, or
 * more than one directory.
 */
export function parseServeArgs(argv, env = process.env) {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { port: { type: 'string' }, host: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    })
  } catch (e) {
    // Node names the option in quotes: '--bogus', '--port <value>', '-h, --help'.
    const quoted = /'(-[^']*)'/.exec(e.message)?.[1] ?? ''
    const option = quoted.split(/[ ,]+/).filter((word) => word.startsWith('-')).at(-1) ?? 'an option'
    if (e.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${option}; the options are --port N, --host H and --help`)
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && /does not take an argument/.test(e.message)) throw new UsageError(`${option} takes no value`)
    if (e.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${option} needs a value, as in --port 8080 or --host 0.0.0.0`)
    throw new UsageError(e.message.split('\n')[0])
  }
  const { values, positionals } = parsed
  if (values.help) return { help: true }
  if (positionals.length > 1) throw new UsageError(`one directory to serve, not ${positionals.length}: ${positionals.join(' ')}`)
  const dir = positionals[0] ?? 'dist'
  let port = DEFAULT_PORT
  let explicit = false
  if (values.port !== undefined) {
    port = portNumber(values.port, '--port')
    explicit = true
  } else if (env.PORT !== undefined && env.PORT !== '') {
    port = portNumber(env.PORT, 'PORT')
    explicit = true
  }
  // An IPv6 address may come in the brackets of a URL: [::1].
  const host = (values.host ?? (env.HOST !== undefined && env.HOST !== '' ? env.HOST : DEFAULT_HOST)).replace(/^\[(.*)\]$/, '$1')
  if (host === '') throw new UsageError('--host needs an address, as in --host 127.0.0.1 or --host 0.0.0.0')
  return { help: false, dir, host, port, explicit }
}

/** The addresses that mean every interface; a browser on this machine reaches them at 127.0.0.1. */
const EVERY_INTERFACE = new Set(['0.0.0.0', '::'])

/**
 * The URL to open for a server on `host` and `port`, as a browser takes it (an
 * IPv6 address in brackets; 127.0.0.1 for a server on every interface).
 */
function urlOf(host, port) {
  if (EVERY_INTERFACE.has(host)) return `http://127.0.0.1:${port}/`
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}/`
}

/**
 * Listens on `host` (default 127.0.0.1) at `port`. When that port is taken:
 * with `explicit` false, listens on any free port instead; with `explicit`
 * true, rejects with the EADDRINUSE error. `listener` answers the requests
 * (default: the files under `root`). Resolves to the server and its URL.
 */
export async function serve(root, port, { host = DEFAULT_HOST, explicit = false, listener = handler(root) } = {}) {
  const server = createServer(listener)
  const listen = (p) => new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(p, host, () => {
      server.off('error', fail)
      ok()
    })
  })
  try {
    await listen(port)
  } catch (e) {
    if (e.code !== 'EADDRINUSE' || explicit) throw e
    await listen(0)
  }
  return { server, url: urlOf(host, server.address().port) }
}

/** Prints `message` as one line on stderr and exits with `code`. */
function fail(message, code) {
  console.error(`serve: ${message}`)
  process.exit(code)
}

async function main() {
  let args
  try {
    args = parseServeArgs(process.argv.slice(2))
  } catch (e) {
    if (!(e instanceof UsageError)) throw e
    fail(`${e.message} (see --help)`, 2)
  }
  if (args.help) {
    console.log(USAGE)
    return
  }
  const root = await realpath(resolve(args.dir)).catch(() => undefined)
  if (!root || !(await stat(resolve(root, 'index.html')).catch(() => undefined))) {
    fail(`no built page in ${args.dir}; run \`npx vite build\` first (or \`npm start\`, which builds then serves)`, 1)
  }
  let served
  try {
    served = await serve(root, args.port, { host: args.host, explicit: args.explicit })
  } catch (e) {
    if (e.code === 'EADDRINUSE') fail(`port ${args.port} is in use: stop the other server or choose another with --port`, 1)
    if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') fail(`cannot listen on host ${args.host}: it is not an address of this machine; try --host 127.0.0.1`, 1)
    if (e.code === 'EACCES') fail(`not allowed to listen on port ${args.port}: choose a port above 1023 with --port`, 1)
    throw e
  }
  const { server, url } = served
  if (!args.explicit && server.address().port !== args.port) console.log(`(port ${args.port} is in use, so a free one was taken; choose one with --port)`)
  console.log(`Diviner Local: ${url}`)
  if (EVERY_INTERFACE.has(args.host)) console.log(`(listening on every interface, ${args.host}: other machines reach it at this machine's address, port ${server.address().port})`)
  const stop = () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
