/**
 * `diviner-local metrics`: a run's whole metric history as TSV, as Diviner's
 * `metrics` writes it: one column per metric name, `NA` where an entry lacks it;
 * an entry's step (model/run.ts, STEP_KEY) is no metric but the first column.
 */
import { DB_FLAG, stringFlag, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { entrySteps, isMetricName, STEP_KEY } from '../../db/model/run.js'
import { matchAndSort, parseRunName } from '../names.js'
import { formatDecimal, print, printJson } from '../output.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'metrics',
  args: 'RUN',
  summary: 'Writes every metrics entry the run (study:seq) reported, in order, as TSV: one column per metric name (sorted), NA where an entry lacks it; when entries carry a step, it comes first.',
  flags: {
    metrics: { type: 'string', arg: 'RE', help: 'comma-separated anchored regular expressions of the metrics to write', default: '.*' },
    json: { type: 'boolean', help: 'print one JSON object (for scripts)' },
    ...DB_FLAG,
  },
}

export const metricsVerb: Verb = {
  usage,
  async run({ values, positionals }) {
    if (positionals.length !== 1) throw usageError('metrics: name one run (study:seq)')
    const { study, seq } = parseRunName(positionals[0] as string)
    const db = await openJournal(values)
    try {
      const run = await db.lookupRun(study, seq)
      const names = matchAndSort(new Set(run.metrics.flatMap((m) => Object.keys(m)).filter(isMetricName)), stringFlag(values, 'metrics') ?? '.*')
      const { steps, stepped } = entrySteps(run.metrics)
      if (values['json'] === true) {
        await printJson({
          run: `${study}:${seq}`, metrics: names, ...(stepped ? { steps } : {}),
          entries: run.metrics.map((m) => names.map((n) => (Object.hasOwn(m, n) ? m[n] : null))),
        })
        return EXIT.ok
      }
      const head = stepped ? [STEP_KEY, ...names] : names
      const rows = [head.join('\t'), ...run.metrics.map((m, i) => [
        ...(stepped ? [formatDecimal(steps[i] as number)] : []),
        ...names.map((n) => (Object.hasOwn(m, n) ? formatDecimal(m[n] as number) : 'NA')),
      ].join('\t'))]
      await print(rows.join('\n') + '\n')
      return EXIT.ok
    } finally {
      db.close()
    }
  },
}
