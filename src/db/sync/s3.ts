/**
 * An S3-compatible bucket (AWS S3, MinIO, Cloudflare R2, Ceph) as sync needs
 * it: list, get (with a byte range), put. Requests are signed with SigV4 by
 * aws4fetch; answers are read with fast-xml-parser. Failures are
 * DivinerErrors in plain words naming the cause and the key, never a secret.
 */
import { AwsClient } from 'aws4fetch'
import { XMLParser } from 'fast-xml-parser'
import { DivinerError } from '../model/errors.js'

/** Where a remote is: the bucket on its server, and the prefix its objects live under. */
export interface S3Location {
  /** The server, as a URL (`https://s3.eu-west-1.amazonaws.com`, `http://127.0.0.1:9000`). */
  readonly endpoint: string
  readonly bucket: string
  /** Objects live under `prefix/` (no leading or trailing slash; may be empty). */
  readonly prefix: string
  readonly region: string
  /** Path-style URLs (`endpoint/bucket/key`, MinIO and most local servers) or virtual-hosted (`bucket.endpoint/key`, AWS). */
  readonly pathStyle: boolean
}

/** The keys a bucket is reached with. They stay in memory and in the requests' signatures only. */
export interface S3Credentials {
  readonly accessKeyId: string
  readonly secretAccessKey: string
  readonly sessionToken?: string
}

/** One object of a listing. */
export interface S3Object { readonly key: string; readonly size: number }

const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, isArray: (name) => name === 'Contents' || name === 'CommonPrefixes' })

function remoteError(message: string, details: Record<string, unknown> = {}): DivinerError {
  return new DivinerError('internal', message, { ...details, remote: true })
}

/** The parts of a listing or error answer this code reads. */
interface ListAnswer {
  ListBucketResult?: {
    Contents?: { Key?: string; Size?: string }[]
    CommonPrefixes?: { Prefix?: string }[]
    IsTruncated?: string
    NextContinuationToken?: string
  }
}
interface ErrorAnswer { Error?: { Code?: string; Message?: string } }

/** A bucket reached with credentials. */
export class S3Bucket {
  private readonly client: AwsClient

  constructor(readonly location: S3Location, credentials: S3Credentials, private readonly fetcher: typeof fetch = (...a) => fetch(...a)) {
    this.client = new AwsClient({ ...credentials, service: 's3', region: location.region || 'us-east-1' })
  }

  /** A name for the bucket in messages and marks (no secrets): `s3://bucket/prefix at endpoint`. */
  get name(): string {
    return `s3://${this.location.bucket}/${this.location.prefix}`
  }

  /** The URL of `key` (or of the bucket, for an empty key). */
  url(key = ''): string {
    const base = new URL(this.location.endpoint)
    const path = key.split('/').map(encodeURIComponent).join('/')
    if (this.location.pathStyle) return `${base.origin}/${encodeURIComponent(this.location.bucket)}/${path}`
    return `${base.protocol}//${this.location.bucket}.${base.host}/${path}`
  }

  private async request(url: string, init: RequestInit, key: string): Promise<Response> {
    let res: Response
    try {
      const signed = await this.client.sign(url, init)
      res = await this.fetcher(signed)
    } catch (e) {
      throw remoteError(`cannot reach ${this.location.endpoint} (${e instanceof Error ? e.message : String(e)}): check the endpoint URL and that the server is up`, { key })
    }
    if (!res.ok && res.status !== 206) throw await this.failure(res, key)
    return res
  }

  /** What a failed answer means, in plain words. */
  private async failure(res: Response, key: string): Promise<DivinerError> {
    const text = await res.text().catch(() => '')
    let code = ''
    let message = ''
    try {
      const answer = parser.parse(text) as ErrorAnswer
      code = answer.Error?.Code ?? ''
      message = answer.Error?.Message ?? ''
    } catch { /* not XML: the status says enough */ }
    const where = key ? ` (${key})` : ''
    const b = this.location.bucket
    switch (code) {
      case 'NoSuchBucket': return new DivinerError('not-exist', `there is no bucket ${b} at ${this.location.endpoint}: check the bucket name (and path-style or virtual-hosted addressing)`, { remote: true, key, status: res.status, code })
      case 'InvalidAccessKeyId': return remoteError(`the server does not know this access key id: check the credentials for ${b}`, { key, status: res.status, code })
      case 'SignatureDoesNotMatch': return remoteError(`the secret key does not match the access key id: check the credentials for ${b}`, { key, status: res.status, code })
      case 'AccessDenied': return remoteError(`access to ${b}${where} was denied: the credentials lack permission (list, get and put are needed)`, { key, status: res.status, code })
      case 'NoSuchKey': return new DivinerError('not-exist', `${b} has no object ${key}`, { remote: true, key, status: res.status, code })
      default: return remoteError(`${this.location.endpoint} answered ${res.status}${code ? ` ${code}` : ''}${where}${message ? `: ${message}` : ''}`, { key, status: res.status, code })
    }
  }

  /**
   * The objects under `prefix` (a full key prefix), after `startAfter` if
   * given, in key order, and with a `delimiter`, the common prefixes below it.
   */
  async list(prefix: string, options: { startAfter?: string; delimiter?: string } = {}): Promise<{ objects: S3Object[]; prefixes: string[] }> {
    const objects: S3Object[] = []
    const prefixes: string[] = []
    let token: string | undefined
    do {
      const q = new URLSearchParams({ 'list-type': '2', prefix })
      if (options.startAfter && !token) q.set('start-after', options.startAfter)
      if (options.delimiter) q.set('delimiter', options.delimiter)
      if (token) q.set('continuation-token', token)
      const res = await this.request(`${this.url()}?${q}`, { method: 'GET' }, prefix)
      const answer = parser.parse(await res.text()) as ListAnswer
      const result = answer.ListBucketResult
      if (!result) throw remoteError(`${this.location.endpoint} sent a listing of ${this.location.bucket} this code does not understand`, { key: prefix })
      for (const c of result.Contents ?? []) if (c.Key !== undefined) objects.push({ key: c.Key, size: Number(c.Size ?? 0) })
      for (const p of result.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix)
      token = result.IsTruncated === 'true' ? result.NextContinuationToken : undefined
    } while (token)
    return { objects, prefixes }
  }

  /** The object's bytes (`from` to `to`, exclusive, when given). */
  async get(key: string, from?: number, to?: number): Promise<Uint8Array> {
    const headers: Record<string, string> = {}
    if (from !== undefined && to !== undefined) headers['Range'] = `bytes=${from}-${to - 1}`
    const res = await this.request(this.url(key), { method: 'GET', headers }, key)
    return new Uint8Array(await res.arrayBuffer())
  }

  /** Stores an object. */
  async put(key: string, body: Uint8Array, contentType = 'application/gzip'): Promise<void> {
    const res = await this.request(this.url(key), { method: 'PUT', body: body as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': contentType } }, key)
    // Read to the end: a browser reports an answer left unread as a failed request once it lets go of it.
    await res.arrayBuffer()
  }

  /** Checks that the bucket can be listed with these credentials (the cheapest call that proves it). */
  async check(): Promise<void> {
    const q = new URLSearchParams({ 'list-type': '2', prefix: this.location.prefix ? `${this.location.prefix}/` : '', 'max-keys': '1' })
    const res = await this.request(`${this.url()}?${q}`, { method: 'GET' }, this.location.prefix)
    await res.arrayBuffer()
  }
}

/**
 * A remote written as `s3://BUCKET/PREFIX`: its bucket and prefix. Throws
 * `invalid` for anything else.
 */
export function parseRemote(text: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(text.trim())
  if (!m || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[1] as string)) {
    throw new DivinerError('invalid', `"${text}" is not a remote: write s3://BUCKET/PREFIX (a bucket name is 3 to 63 lower-case letters, digits, dots and dashes)`, { usage: true })
  }
  return { bucket: m[1] as string, prefix: (m[2] as string).replace(/^\/+|\/+$/g, '') }
}
