/**
 * Reaching a bucket with the settings users already have, as the AWS tools
 * read them: flags first, then the environment (AWS_ENDPOINT_URL,
 * AWS_S3_FORCE_PATH_STYLE, AWS_REGION, AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE), then the shared
 * files (~/.aws/credentials, ~/.aws/config). Keys are never printed, logged
 * or written anywhere.
 */
import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { parse } from 'ini'
import { DivinerError } from '../db/model/errors.js'
import { parseRemote, S3Bucket, type S3Credentials, type S3Location } from '../db/sync/s3.js'

type Env = Readonly<Record<string, string | undefined>>

function iniFile(path: string): Record<string, Record<string, string>> {
  try {
    return parse(readFileSync(path, 'utf8')) as Record<string, Record<string, string>>
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw new DivinerError('invalid', `${path} could not be read (${e instanceof Error ? e.message : String(e)})`)
  }
}

/** The named profile's settings from the shared credentials and config files. */
function profile(env: Env): { credentials: Record<string, string>; config: Record<string, string>; name: string } {
  const name = env['AWS_PROFILE'] || env['AWS_DEFAULT_PROFILE'] || 'default'
  const home = env['HOME'] || homedir()
  const credentials = iniFile(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'))[name] ?? {}
  const configs = iniFile(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config'))
  const config = (name === 'default' ? configs['default'] : configs[`profile ${name}`]) ?? {}
  return { credentials, config, name }
}

/** How the command line says where the bucket is. */
export interface BucketFlags {
  readonly endpoint?: string
  readonly pathStyle?: boolean
  readonly region?: string
}

/** The bucket of `remote` (`s3://BUCKET/PREFIX`), reached with the flags, environment and shared files. */
export function bucketOf(remote: string, flags: BucketFlags, env: Env = process.env): S3Bucket {
  const { bucket, prefix } = parseRemote(remote)
  const p = profile(env)
  const region = flags.region || env['AWS_REGION'] || env['AWS_DEFAULT_REGION'] || p.config['region'] || 'us-east-1'
  const endpoint = flags.endpoint || env['AWS_ENDPOINT_URL_S3'] || env['AWS_ENDPOINT_URL'] || p.config['endpoint_url'] || `https://s3.${region}.amazonaws.com`
  try { new URL(endpoint) } catch { throw new DivinerError('invalid', `the endpoint "${endpoint}" is not a URL: write it as https://host[:port]`, { usage: true }) }
  const pathStyle = flags.pathStyle === true || /^(1|true)$/i.test(env['AWS_S3_FORCE_PATH_STYLE'] ?? '') || /^(path)$/i.test(p.config['s3.addressing_style'] ?? '')
  const accessKeyId = env['AWS_ACCESS_KEY_ID'] || p.credentials['aws_access_key_id'] || p.config['aws_access_key_id']
  const secretAccessKey = env['AWS_SECRET_ACCESS_KEY'] || p.credentials['aws_secret_access_key'] || p.config['aws_secret_access_key']
  const sessionToken = env['AWS_SESSION_TOKEN'] || p.credentials['aws_session_token'] || undefined
  if (!accessKeyId || !secretAccessKey) {
    throw new DivinerError('invalid', `no credentials for ${remote}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give them to profile "${p.name}" in ~/.aws/credentials (AWS_PROFILE chooses the profile)`, { remote: true })
  }
  const credentials: S3Credentials = { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) }
  const location: S3Location = { endpoint, bucket, prefix, region, pathStyle }
  return new S3Bucket(location, credentials)
}
