/**
 * `diviner-local info`: everything about studies and runs, as Diviner's
 * `info` prints it (`-v`: every metrics entry, the script and the log too).
 */
import { entrySteps, lastStep, stateName, type Run } from '../../db/model/run.js'
import { formatObjective, type Study } from '../../db/model/study.js'
import { formatParam } from '../../db/model/params.js'
import { formatValue } from '../../db/model/values.js'
import { runTrial } from '../../db/model/trial.js'
import type { StudyInfo } from '../../db/model/database.js'
import { DB_FLAG, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { isRunName, jsonRun, jsonValues, metricsOnly, parseRunName } from '../names.js'
import { alignColumns, formatDecimal, formatDuration, print, printJson } from '../output.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'info',
  args: 'NAME...',
  summary: 'Shows what is known of each named study (mnist) or run (mnist:12): a run\'s state, status, times, values and last metrics; -v adds every metrics entry and the script.',
  flags: {
    v: { type: 'boolean', help: 'show every metrics entry and the script' },
    json: { type: 'boolean', help: 'print one JSON object (for scripts)' },
    ...DB_FLAG,
  },
}

function studyText(s: StudyInfo): string {
  const lines = [`study ${s.name}:`, `\tobjective:\t${formatObjective(s.objective)}`]
  for (const name of Object.keys(s.params).sort()) lines.push(`\t${name}:\t${formatParam(s.params[name] as never)}`)
  lines.push(`\toracle:\t${s.oracle?.name ?? 'grid'}${s.oracle?.name === 'random' ? ` (seed ${String((s.oracle as { seed: number }).seed)})` : ''}`)
  lines.push(`\treplicates:\t${s.replicates ?? 0}`)
  if (s.description) lines.push(`\tdescription:\t${s.description}`)
  if (s.command) lines.push(`\tcommand:\t${s.command}`)
  lines.push(`\tcreated:\t${s.created.toString()}`)
  return lines.join('\n')
}

function metricsLines(entry: Readonly<Record<string, number>>, indent: string): string[] {
  const m = metricsOnly(entry)
  return Object.keys(m).sort().map((k) => `${indent}${k}:\t${formatDecimal(m[k] as number)}`)
}

function runText(run: Run, verbose: boolean): string {
  const lines = [`run ${run.study}:${run.seq}:`, `\tstate:\t${stateName(run.state)}`]
  if (run.status) lines.push(`\tstatus:\t${run.status}`)
  lines.push(`\tcreated:\t${run.created.toString()}`, `\tupdated:\t${run.updated.toString()}`, `\truntime:\t${formatDuration(run.runtime)}`,
    `\trestarts:\t${run.retries}`, `\treplicate:\t${run.replicate}`, `\tid:\t${run.id}`)
  if (run.origin) lines.push(`\torigin:\t${run.origin.db}:${run.origin.seq}`)
  lines.push('\tvalues:')
  for (const k of Object.keys(run.values).sort()) lines.push(`\t\t${k}:\t${formatValue(run.values[k] as never)}`)
  // A step is where an entry lies on the x-axis, not a metric: said beside the entry.
  if (verbose) {
    const { steps, stepped } = entrySteps(run.metrics)
    run.metrics.forEach((m, i) => { lines.push(`\tmetrics[${i}]${stepped ? ` (step ${steps[i] as number})` : ''}:`, ...metricsLines(m, '\t\t')) })
    lines.push('\tscript:', ...(run.config.script ?? '').split('\n').map((l) => `\t\t${l}`))
  } else {
    const step = lastStep(run.metrics)
    lines.push(`\tmetrics${step !== undefined ? ` (step ${step})` : ''}:`, ...metricsLines(runTrial(run).metrics, '\t\t'))
  }
  return lines.join('\n')
}

function studyJson(s: StudyInfo): Record<string, unknown> {
  const study: Study = s
  return {
    study: study.name, objective: formatObjective(study.objective),
    params: Object.fromEntries(Object.keys(study.params).sort().map((k) => [k, formatParam(study.params[k] as never)])),
    oracle: study.oracle ?? { name: 'grid' }, replicates: study.replicates ?? 0, description: study.description ?? '',
    ...(study.command ? { command: study.command } : {}), created: s.created.toISOString(), activity: s.activity.toISOString(),
  }
}

export const infoVerb: Verb = {
  usage,
  async run({ values, positionals }) {
    if (positionals.length === 0) throw usageError('info: name a study or a run (study:seq)')
    const db = await openJournal(values)
    try {
      const items = await Promise.all(positionals.map(async (name) => {
        if (!isRunName(name)) return { study: await db.lookupStudy(name) }
        const { study, seq } = parseRunName(name)
        return { run: await db.lookupRun(study, seq) }
      }))
      if (values['json'] === true) {
        await printJson(items.map((i) => (i.study ? studyJson(i.study) : { ...jsonRun(i.run as Run, values['v'] === true), values: jsonValues((i.run as Run).values) })))
        return EXIT.ok
      }
      const text = items.map((i) => (i.study ? studyText(i.study) : runText(i.run as Run, values['v'] === true))).join('\n')
      await print(alignColumns(text) + '\n')
      return EXIT.ok
    } finally {
      db.close()
    }
  },
}
