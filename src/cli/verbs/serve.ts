/**
 * `diviner-local serve`: serves the built page and the journal directory,
 * read-only, on 127.0.0.1. The page opened from it follows the journal:
 * runs, metrics and log lines appear as runners append them, and stay in the
 * page's own database after the server is gone.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { CONTENT_SECURITY_POLICY, DEFAULT_PORT, handler, serve } from '../../../scripts/serve.mjs'
import { DivinerError } from '../../db/model/errors.js'
import { DB_FLAG, intFlag, stringFlag, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { journalDir, openJournal } from '../journal.js'
import { JOURNAL_PATH, journalRoute } from '../serve/journal-routes.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'serve',
  args: '',
  summary: `Serves the page and the journal directory (read-only) on 127.0.0.1. Open the printed URL: the page follows
the journal, so runs appear, and their metrics and logs grow, within a second of a runner recording them; what it
has pulled stays in the page after the server stops.`,
  flags: {
    port: { type: 'string', arg: 'N', help: `the port (default ${DEFAULT_PORT}, or a free one when that is taken; 0: any free one)` },
    host: { type: 'string', arg: 'H', help: 'the address to listen on', default: '127.0.0.1' },
    ...DB_FLAG,
  },
}

/** The folder of the built page (built on first use). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
const DIST = join(ROOT, 'dist')

/** The page's sources: a build older than any of them is built again (a clone updated by `git pull`). */
const SOURCES = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json']

/** The latest modification time among `path` and the files below it, ms (0 when it is missing). */
function newest(path: string): number {
  let stat
  try { stat = statSync(path) } catch { return 0 }
  if (!stat.isDirectory()) return stat.mtimeMs
  return readdirSync(path).reduce((m, name) => Math.max(m, newest(join(path, name))), stat.mtimeMs)
}

async function builtPage(): Promise<string> {
  const index = join(DIST, 'index.html')
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...SOURCES.map((p) => newest(join(ROOT, p))))) return DIST
  process.stderr.write('diviner-local: building the page (when its sources change; this takes a minute)\n')
  const { build } = await import('vite')
  await build({ root: ROOT, mode: 'production', logLevel: 'warn', build: { outDir: DIST, emptyOutDir: true } })
  return DIST
}

/** index.html with a meta tag telling the page where the journal is. */
function indexWithJournal(dist: string): string {
  const html = readFileSync(join(dist, 'index.html'), 'utf8')
  return html.replace(/<head>/i, `<head>\n    <meta name="diviner-journal" content="${JOURNAL_PATH.slice(1)}">`)
}

export const serveVerb: Verb = {
  usage,
  async run({ values, signal }) {
    if (!/^\d+$/.test(stringFlag(values, 'port') ?? String(DEFAULT_PORT))) throw usageError('serve: -port takes a port number, 0 to 65535')
    const port = intFlag(values, 'port', DEFAULT_PORT, 0)
    if (port > 65535) throw usageError('serve: -port takes a port number, 0 to 65535')
    const db = await openJournal(values)
    db.close()
    const dir = journalDir(values)
    const dist = await builtPage()
    const files = handler(dist)
    const listener = (req: IncomingMessage, res: ServerResponse) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (req.method === 'GET' || req.method === 'HEAD') {
        if (journalRoute(dir, req, res, url.pathname)) return
        if (url.pathname === '/' || url.pathname === '/index.html') {
          const html = indexWithJournal(dist)
          res.writeHead(200, {
            'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(html), 'Cache-Control': 'no-cache',
            'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer',
          })
          res.end(req.method === 'HEAD' ? undefined : html)
          return
        }
      }
      void files(req, res)
    }
    const explicit = values['port'] !== undefined
    let served
    try {
      served = await serve(dist, port, { host: stringFlag(values, 'host') ?? '127.0.0.1', explicit, listener })
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'EADDRINUSE') throw new DivinerError('invalid', `port ${port} is in use: stop the other server or choose another with --port`, { usage: true })
      throw e
    }
    process.stdout.write(`Diviner Local: ${served.url}\nfollowing the journal ${dir} (Ctrl-C to stop)\n`)
    await new Promise<void>((resolve) => {
      if (signal.aborted) resolve()
      signal.addEventListener('abort', () => resolve(), { once: true })
    })
    await new Promise<void>((resolve) => { served.server.close(() => resolve()); served.server.closeAllConnections() })
    return EXIT.ok
  },
}
