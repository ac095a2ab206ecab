#!/usr/bin/env node
/**
 * Serves the built page (./dist, or the directory given as the first argument)
 * on 127.0.0.1, with the Content-Security-Policy the page is meant to run under.
 *
 *     node scripts/serve.mjs            # port $PORT, else 4173; a free port if that one is taken
 *     PORT=0 node scripts/serve.mjs     # any free port
 *
 * Prints `Diviner Local: http://127.0.0.1:<port>/` once listening (tests read
 * that line). Only GET and HEAD; only files under the served directory.
 */
import { createReadStream } from 'node:fs'
import { realpath, stat } from 'node:fs/promises'
import { createServer } from 'node:http'
import { extname, resolve, sep } from 'node:path'
import { pathToFileURL } from 'node:url'

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

const DEFAULT_PORT = 4173

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

/** Listens on `port` on 127.0.0.1; if it is taken, on any free port. Resolves to the URL. */
export async function serve(root, port) {
  const server = createServer(handler(root))
  const listen = (p) => new Promise((ok, fail) => {
    server.once('error', fail)
    server.listen(p, '127.0.0.1', () => {
      server.off('error', fail)
      ok()
    })
  })
  try {
    await listen(port)
  } catch (e) {
    if (e.code !== 'EADDRINUSE') throw e
    await listen(0)
  }
  const address = server.address()
  return { server, url: `http://127.0.0.1:${address.port}/` }
}

async function main() {
  const root = await realpath(resolve(process.argv[2] ?? 'dist')).catch(() => undefined)
  if (!root || !(await stat(resolve(root, 'index.html')).catch(() => undefined))) {
    console.error(`serve: no built page in ${process.argv[2] ?? 'dist'}; run \`npx vite build\` first`)
    process.exit(1)
  }
  const port = process.env.PORT === undefined || process.env.PORT === '' ? DEFAULT_PORT : Number(process.env.PORT)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be a port number, got ${process.env.PORT}`)
    process.exit(1)
  }
  const { server, url } = await serve(root, port)
  console.log(`Diviner Local: ${url}`)
  const stop = () => {
    server.close(() => process.exit(0))
    server.closeAllConnections()
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main()
