/**
 * scripts/serve.mjs: the headers the page relies on, and nothing outside the
 * build directory. Raw HTTP, so paths reach the server exactly as written.
 */
import { request } from 'node:http'
import { describe, expect, inject, test } from 'vitest'
import { mainThreadChunks } from './build-output.js'

const base = new URL(inject('baseUrl'))

interface Reply { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function get(path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: base.hostname, port: base.port, path, method }, (res) => {
      let body = ''
      res.setEncoding('utf8').on('data', (c: string) => { body += c }).on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', reject).end()
  })
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
