/**
 * A real S3-compatible server for the sync tests: s3rver, in this process, on
 * a free loopback port, with a bucket whose CORS rules let the page in.
 * (What s3rver does not check: SigV4 signatures with a known key id, and
 * conditional writes; see ../shared notes copied in docs/sync.md.)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import S3rver from 's3rver'

/** The key s3rver knows (it refuses any other access key id). */
export const S3_KEY = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' }

const CORS = `<CORSConfiguration>
  <CORSRule>
    <AllowedOrigin>*</AllowedOrigin>
    <AllowedMethod>GET</AllowedMethod>
    <AllowedMethod>PUT</AllowedMethod>
    <AllowedMethod>HEAD</AllowedMethod>
    <AllowedHeader>*</AllowedHeader>
    <ExposeHeader>ETag</ExposeHeader>
    <MaxAgeSeconds>3000</MaxAgeSeconds>
  </CORSRule>
</CORSConfiguration>`

/** A running server: its endpoint URL and files; `close` stops it keeping its files, `stop` removes them too. */
export interface S3Server { readonly endpoint: string; readonly directory: string; close(): Promise<void>; stop(): Promise<void> }

/** Starts s3rver with the buckets named (on `port`, default any free one). */
export async function startS3(buckets: readonly string[], options: { port?: number; directory?: string } = {}): Promise<S3Server> {
  const directory = options.directory ?? mkdtempSync(join(tmpdir(), 'diviner-s3-'))
  const server = new S3rver({
    port: options.port ?? 0, address: '127.0.0.1', silent: true, directory,
    configureBuckets: buckets.map((name) => ({ name, configs: [CORS] })),
  })
  const address = await server.run() as { port: number }
  let closed = false
  const close = async () => {
    if (!closed) await server.close()
    closed = true
  }
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    directory,
    close,
    stop: async () => {
      await close()
      if (options.directory === undefined) rmSync(directory, { recursive: true, force: true })
    },
  }
}
