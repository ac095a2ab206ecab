/**
 * `diviner-local rerun`: runs again the value sets of given runs (new runs of
 * the same study, values and replicate), by a config's run function or the
 * study's command template.
 */
import { availableParallelism } from 'node:os'
import { existsSync } from 'node:fs'
import { notExist } from '../../db/model/errors.js'
import { DB_FLAG, intFlag, usageError, type Usage } from '../args.js'
import { loadConfig } from '../config/load.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { isRunName, parseRunName } from '../names.js'
import { print } from '../output.js'
import { configRunnable, templateRunnable, type RunnableStudy } from '../runner/launch.js'
import { StreamProgress } from '../runner/progress.js'
import { rerun } from '../runner/sweep.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'rerun',
  args: '[CONFIG] RUN...',
  summary: `Runs the value sets of the given runs (study:seq) again, as new runs: with the config's run function when a
config is given, else with each study's command template.`,
  flags: {
    parallelism: { type: 'string', arg: 'P', help: 'runs at once (default: one per CPU core)' },
    retries: { type: 'string', arg: 'R', help: 'times a failing try is tried again as the same run', default: '0' },
    ...DB_FLAG,
  },
}

export const rerunVerb: Verb = {
  usage,
  async run({ values, positionals, signal }) {
    const first = positionals[0]
    const configFile = first !== undefined && !isRunName(first) ? first : undefined
    const names = configFile ? positionals.slice(1) : positionals
    if (names.length === 0) throw usageError('rerun: name the runs to run again (study:seq)')
    if (configFile && !existsSync(configFile)) throw notExist(`no config file ${configFile}`)
    const config = configFile ? await loadConfig(configFile) : undefined
    const db = await openJournal(values)
    try {
      const targets: { study: RunnableStudy; run: Awaited<ReturnType<typeof db.lookupRun>> }[] = []
      for (const name of names) {
        const { study, seq } = parseRunName(name)
        const run = await db.lookupRun(study, seq)
        const fromConfig = config?.studies.find((s) => s.study.name === study)
        if (config && !fromConfig) throw notExist(`${config.path} defines no study ${study}`)
        targets.push({ run, study: fromConfig ? configRunnable(fromConfig, config?.dir ?? process.cwd()) : templateRunnable(await db.lookupStudy(study), process.cwd()) })
      }
      const progress = new StreamProgress(process.stderr, new Map(targets.map((t) => [t.study.study.name, t.study.study.objective])))
      const result = await rerun(db, targets, {
        rounds: 1, trials: 0, stream: false, signal, progress,
        parallelism: intFlag(values, 'parallelism', availableParallelism(), 1), retries: intFlag(values, 'retries', 0, 0),
      })
      progress.close()
      await print(`${progress.summary()}\n`)
      return result.interrupted ? EXIT.interrupted : result.failed ? EXIT.failed : EXIT.ok
    } finally {
      db.close()
    }
  },
}
