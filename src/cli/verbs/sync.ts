/**
 * `diviner-local sync`: shares the journal directory's runs through an
 * S3-compatible bucket (docs/sync.md): pushes what it recorded, pulls what
 * other machines and pages did. `--watch` keeps at it.
 */
import { DB_FLAG, stringFlag, usageError, type Flag, type Usage } from '../args.js'
import { bucketOf } from '../aws.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { parseGoDuration } from '../runner/protocol.js'
import { describeSync, syncLoop, syncOnce, syncWarnings } from '../sync-loop.js'
import type { Verb } from '../verb.js'

/** The flags that say where a bucket is (the keys come from the environment or ~/.aws, never from flags). */
export const BUCKET_FLAGS: Readonly<Record<string, Flag>> = {
  endpoint: { type: 'string', arg: 'URL', help: 'the S3 server (default $AWS_ENDPOINT_URL, else AWS in the region)' },
  'path-style': { type: 'boolean', help: 'path-style URLs (MinIO and most local servers; also AWS_S3_FORCE_PATH_STYLE=true)' },
  region: { type: 'string', arg: 'R', help: 'the region (default $AWS_REGION, the profile\'s, else us-east-1)' },
}

const usage: Usage = {
  verb: 'sync',
  args: 'REMOTE',
  summary: `Syncs the journal directory with an S3-compatible bucket, REMOTE being s3://BUCKET/PREFIX: pushes the runs it
recorded as new objects under PREFIX/<origin>/, and pulls every other origin's objects, merging them without loss.
Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or the profile (AWS_PROFILE) in ~/.aws.`,
  flags: {
    watch: { type: 'boolean', help: 'keep syncing (every -every) until interrupted' },
    every: { type: 'string', arg: 'D', help: 'with -watch: how often (a duration)', default: '10s' },
    ...BUCKET_FLAGS,
    ...DB_FLAG,
  },
}

export const syncVerb: Verb = {
  usage,
  async run({ values, positionals, signal }) {
    if (positionals.length !== 1) throw usageError('sync: name one remote, s3://BUCKET/PREFIX')
    const remote = positionals[0] as string
    const bucket = bucketOf(remote, { endpoint: stringFlag(values, 'endpoint'), pathStyle: values['path-style'] === true, region: stringFlag(values, 'region') })
    const db = await openJournal(values)
    try {
      if (values['watch'] === true) {
        const every = parseGoDuration(stringFlag(values, 'every') ?? '10s')
        if (every === undefined || every < 100) throw usageError('sync: -every takes a duration of at least 100ms, such as 10s')
        await bucket.check()
        process.stderr.write(`diviner-local: syncing ${db.dir} with ${bucket.name} every ${stringFlag(values, 'every') ?? '10s'} (Ctrl-C to stop)\n`)
        await syncLoop(db, bucket, every, signal, (line) => process.stdout.write(`${line}\n`))
        return EXIT.ok
      }
      const r = await syncOnce(db, bucket, signal)
      process.stdout.write(`${describeSync(bucket, r) ?? `nothing new to push or pull with ${bucket.name}`}\n`)
      const warnings = syncWarnings(r)
      for (const w of warnings) process.stderr.write(`diviner-local: warning: ${w}\n`)
      return r.pulled.failed.length ? EXIT.failed : EXIT.ok
    } finally {
      db.close()
    }
  },
}
