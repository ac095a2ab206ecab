/**
 * `diviner-local run`: runs the sweeps of a config's studies (or of studies
 * in the journal that have a command template), as Diviner's `run` does.
 */
import { availableParallelism } from 'node:os'
import { DB_FLAG, intFlag, stringFlag, usageError, type Usage } from '../args.js'
import { bucketOf } from '../aws.js'
import { syncLoop } from '../sync-loop.js'
import { BUCKET_FLAGS } from './sync.js'
import { loadConfig, matchStudies } from '../config/load.js'
import { EXIT } from '../exit.js'
import { journalDir, openJournal } from '../journal.js'
import { print } from '../output.js'
import { configRunnable, templateRunnable, type RunnableStudy } from '../runner/launch.js'
import { StreamProgress } from '../runner/progress.js'
import { sweep } from '../runner/sweep.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'run',
  args: 'CONFIG [STUDY...]  |  --study NAME...',
  summary: `Runs trials of the studies a config defines (all, or those whose names match the anchored regular expressions STUDY).
Each round asks the study's oracle for value sets given the runs recorded so far, so running a grid study again
after an interruption runs only what is missing. Runs are recorded in the journal directory as they go: their
log, metrics and state. With --study, runs studies of the journal (made in the page, say) by their command template.`,
  flags: {
    rounds: { type: 'string', arg: 'M', help: 'rounds to run per study', default: '1' },
    trials: { type: 'string', arg: 'N', help: 'value sets per round (default: all a grid has left; for a random oracle, one per parallel slot)' },
    parallelism: { type: 'string', arg: 'P', help: 'runs at once across studies (default: one per CPU core)' },
    retries: { type: 'string', arg: 'R', help: 'times a failing try (non-zero exit) is tried again as the same run', default: '0' },
    stream: { type: 'boolean', help: 'start a new trial as soon as one ends instead of waiting for each round to end' },
    study: { type: 'string', arg: 'NAME', multiple: true, help: 'run this study of the journal by its command template (repeatable)' },
    sync: { type: 'string', arg: 'REMOTE', help: 'sync with the bucket s3://BUCKET/PREFIX every 5s while running (see diviner-local sync --help)' },
    ...BUCKET_FLAGS,
    ...DB_FLAG,
  },
}

async function studiesToRun(values: Record<string, unknown>, positionals: readonly string[]): Promise<RunnableStudy[]> {
  const named = (values['study'] as string[] | undefined) ?? []
  if (named.length) {
    if (positionals.length) throw usageError('run: give either CONFIG [STUDY...] or --study NAME, not both')
    const db = await openJournal(values)
    try {
      return await Promise.all(named.map(async (n) => templateRunnable(await db.lookupStudy(n), process.cwd())))
    } finally {
      db.close()
    }
  }
  const [file, ...patterns] = positionals
  if (file === undefined) throw usageError('run: name a config file (diviner-local run CONFIG [STUDY...]) or a study of the journal (--study NAME)')
  const config = await loadConfig(file)
  return matchStudies(config, patterns).map((s) => configRunnable(s, config.dir))
}

export const runVerb: Verb = {
  usage,
  async run({ values, positionals, signal }) {
    const studies = await studiesToRun(values, positionals)
    const options = {
      rounds: intFlag(values, 'rounds', 1, 1),
      trials: intFlag(values, 'trials', 0, 0),
      parallelism: intFlag(values, 'parallelism', availableParallelism(), 1),
      retries: intFlag(values, 'retries', 0, 0),
      stream: values['stream'] === true,
    }
    const db = await openJournal(values)
    const progress = new StreamProgress(process.stderr, new Map(studies.map((s) => [s.study.name, s.study.objective])))
    process.stderr.write(`diviner-local: running ${studies.map((s) => s.study.name).join(', ')} into ${journalDir(values)}\n`)
    const remote = stringFlag(values, 'sync')
    const bucket = remote === undefined ? undefined : bucketOf(remote, { endpoint: stringFlag(values, 'endpoint'), pathStyle: values['path-style'] === true, region: stringFlag(values, 'region') })
    const stopSync = new AbortController()
    const syncing = bucket ? syncLoop(db, bucket, 5000, stopSync.signal, (line) => progress.problem(line.replace(/^warning: /, ''))) : undefined
    try {
      const result = await sweep(db, studies, { ...options, signal, progress }).finally(async () => {
        stopSync.abort()
        await syncing
      })
      progress.close()
      await print(`${progress.summary()}\n`)
      if (result.interrupted) {
        process.stderr.write('diviner-local: interrupted; runs in progress were stopped and recorded as failed (interrupted)\n')
        return EXIT.interrupted
      }
      return result.failed > 0 ? EXIT.failed : EXIT.ok
    } finally {
      progress.close()
      db.close()
    }
  },
}
