/**
 * The built page served from a sub-path of a host (`/tools/diviner/`), as on
 * a shared static server: scripts, the worker, the example dump and the
 * service worker are all found relative to the page, and offline use works
 * there too.
 */
import { once } from 'node:events'
import { createServer, request, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, inject, test } from 'vitest'
import { useApp } from './fixture.js'
import { StudiesPage } from './pages/studies-page.js'

const PREFIX = '/tools/diviner'
const upstream = new URL(inject('baseUrl'))
let server: Server
let pageUrl: string

/** A server that answers under PREFIX with what the test server answers at the root, and 404 elsewhere. */
async function subPathServer(): Promise<Server> {
  const s = createServer((req, res) => {
    const path = req.url ?? '/'
    if (!path.startsWith(`${PREFIX}/`)) {
      res.writeHead(404).end('not under the prefix\n')
      return
    }
    const forward = request({ host: upstream.hostname, port: upstream.port, path: path.slice(PREFIX.length), method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers)
      up.pipe(res)
    })
    forward.on('error', () => res.writeHead(502).end())
    req.pipe(forward)
  })
  s.listen(0, '127.0.0.1')
  await once(s, 'listening')
  return s
}

beforeAll(async () => {
  server = await subPathServer()
  pageUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${PREFIX}/`
})

afterAll(() => {
  server?.closeAllConnections()
  server?.close()
})

// After the server's hooks: the browser starts after the server and closes before it.
const app = useApp()

describe('served from a sub-path', () => {
  test('the page starts, loads the example, and keeps its service worker in its own directory', async () => {
    const studies = new StudiesPage(app.page, pageUrl)
    await studies.open()
    await studies.loadExample()
    expect(await studies.names()).toEqual(['mnist'])
    await app.page.waitForFunction(() => navigator.serviceWorker.controller !== null)
    const scope = await app.page.evaluate(async () => (await navigator.serviceWorker.ready).scope)
    expect(scope).toBe(pageUrl)
  })

  test('and works offline there', async () => {
    await app.context.setOffline(true)
    const studies = new StudiesPage(app.page, pageUrl)
    await studies.reload()
    expect(await studies.names()).toEqual(['mnist'])
  })

  test('nothing went wrong on the way', () => {
    expect(app.problems).toEqual([])
  })
})
