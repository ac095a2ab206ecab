/**
 * `diviner-local`: runs sweeps as Diviner's `run` does and reads what they
 * recorded, on a journal directory (docs/cli.md). The verb table below is the
 * command's index; each verb lives in its own file under verbs/.
 */
import { helpText, parseVerb, usageError } from './args.js'
import { errorLine, EXIT, exitCodeOf } from './exit.js'
import type { Verb } from './verb.js'
import { compactVerb } from './verbs/compact.js'
import { exportVerb } from './verbs/export.js'
import { importVerb } from './verbs/import.js'
import { infoVerb } from './verbs/info.js'
import { leaderboardVerb } from './verbs/leaderboard.js'
import { listVerb } from './verbs/list.js'
import { logsVerb } from './verbs/logs.js'
import { metricsVerb } from './verbs/metrics.js'
import { rerunVerb } from './verbs/rerun.js'
import { runVerb } from './verbs/run.js'
import { serveVerb } from './verbs/serve.js'
import { syncVerb } from './verbs/sync.js'

/** Every verb, by name. */
export const VERBS: Readonly<Record<string, Verb>> = {
  run: runVerb,
  rerun: rerunVerb,
  list: listVerb,
  info: infoVerb,
  metrics: metricsVerb,
  leaderboard: leaderboardVerb,
  logs: logsVerb,
  export: exportVerb,
  import: importVerb,
  compact: compactVerb,
  serve: serveVerb,
  sync: syncVerb,
}

function overview(): string {
  const width = Math.max(...Object.keys(VERBS).map((v) => v.length))
  const verbs = Object.entries(VERBS).map(([name, v]) => `  ${name.padEnd(width)}  ${v.usage.summary.trim().split('\n')[0]}`)
  return [
    'usage: diviner-local <verb> [flags] [arguments]',
    '',
    'Runs hyperparameter sweeps as Diviner does and records them in a journal',
    'directory (--db DIR, $DIVINER_DB, else ./diviner-data) that the page follows.',
    '',
    'Verbs:',
    ...verbs,
    '',
    'Run "diviner-local <verb> --help" for a verb\'s flags.',
    '',
    'Exit codes: 0 done; 1 some work failed (failed runs); 2 bad command line;',
    '3 not found; 4 bad input (config, dump, conflict); 5 storage or network;',
    '130 interrupted.',
  ].join('\n') + '\n'
}

/** Runs the command line `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h' || name === '-help') {
    process.stdout.write(overview())
    return name === undefined ? EXIT.usage : EXIT.ok
  }
  const verb = Object.hasOwn(VERBS, name) ? VERBS[name] : undefined
  const controller = new AbortController()
  const interrupt = () => controller.abort()
  process.once('SIGINT', interrupt)
  process.once('SIGTERM', interrupt)
  try {
    if (!verb) throw usageError(`unknown verb "${name}"; run diviner-local --help for the verbs`)
    const { values, positionals, help } = parseVerb(verb.usage, rest)
    if (help) {
      process.stdout.write(helpText(verb.usage))
      return EXIT.ok
    }
    return await verb.run({ values, positionals, signal: controller.signal })
  } catch (e) {
    process.stderr.write(`${errorLine(e)}\n`)
    return exitCodeOf(e)
  } finally {
    process.off('SIGINT', interrupt)
    process.off('SIGTERM', interrupt)
  }
}
