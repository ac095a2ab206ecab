/**
 * `diviner-local leaderboard`: the best trials of studies, as Diviner's
 * `leaderboard` prints them: replicated trials of successful runs, ranked by
 * the studies' shared objective (or -objective).
 */
import { leaderboard, parseObjective, type LeaderboardTrial } from '../../db/analysis/leaderboard.js'
import { invalid } from '../../db/model/errors.js'
import { isMetricName, RunState, stateName } from '../../db/model/run.js'
import { formatObjective, type Objective } from '../../db/model/study.js'
import { formatValue, type Value } from '../../db/model/values.js'
import { DB_FLAG, intFlag, stringFlag, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { jsonValues, matchAndSort, matchingStudies } from '../names.js'
import { alignColumns, formatG, print, printJson } from '../output.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'leaderboard',
  args: 'STUDY...',
  summary: `Shows the top trials of the studies matching the anchored regular expressions: one row per value set, its
successful runs' replicates averaged, ranked by the studies' shared objective (override it with -objective: +metric
maximizes, -metric minimizes). -values and -metrics choose the value and metric columns; -expand lists each run.`,
  flags: {
    objective: { type: 'string', arg: 'OBJ', help: 'rank by this objective instead: +metric, -metric (or metric, to maximize)' },
    n: { type: 'string', arg: 'N', help: 'how many trials to show (0: all)', default: '10' },
    values: { type: 'string', arg: 'RE', help: 'comma-separated anchored regular expressions of the values to show', default: '.' },
    metrics: { type: 'string', arg: 'RE', help: 'comma-separated anchored regular expressions of further metrics to show', default: '^$' },
    expand: { type: 'boolean', help: 'list each trial\'s runs under it' },
    pending: { type: 'boolean', help: 'include trials still running (marked *)' },
    json: { type: 'boolean', help: 'print one JSON object (for scripts)' },
    ...DB_FLAG,
  },
}

interface Row { readonly study: string; readonly trial: LeaderboardTrial }

function valueCell(v: Value | undefined): string {
  if (v === undefined) return 'NA'
  if (v.kind === 'float') return formatG(v.value, 3)
  if (v.kind === 'string') return JSON.stringify(v.value)
  return formatValue(v)
}

export const leaderboardVerb: Verb = {
  usage,
  async run({ values, positionals }) {
    if (positionals.length === 0) throw usageError('leaderboard: name a study (or a regular expression matching several)')
    const db = await openJournal(values)
    try {
      const studies = await matchingStudies(db, positionals)
      const spec = stringFlag(values, 'objective')
      let objective: Objective
      if (spec !== undefined) objective = parseObjective(/^[+-]/.test(spec) ? spec : `+${spec}`, (studies[0] as { objective: Objective }).objective)
      else {
        objective = (studies[0] as { objective: Objective }).objective
        const other = studies.find((s) => formatObjective(s.objective) !== formatObjective(objective))
        if (other) throw invalid(`studies ${studies[0]?.name} and ${other.name} do not share an objective: choose one with -objective`)
      }
      const states = values['pending'] === true ? RunState.Success | RunState.Pending : RunState.Success
      const rows: Row[] = []
      for (const s of studies) {
        for (const trial of leaderboard(objective, await db.listRunRows(s.name, states)).trials) rows.push({ study: s.name, trial })
      }
      const ranked = rank(rows, objective)
      const lacking = ranked.filter((r) => !Object.hasOwn(r.trial.metrics, objective.metric)).length
      const n = intFlag(values, 'n', 10, 0)
      const shown = ranked.filter((r) => Object.hasOwn(r.trial.metrics, objective.metric)).slice(0, n || undefined)
      const metricNames = matchAndSort(new Set(shown.flatMap((r) => Object.keys(r.trial.metrics)).filter((m) => m !== objective.metric && isMetricName(m))), stringFlag(values, 'metrics') ?? '^$')
      const valueNames = matchAndSort(new Set(shown.flatMap((r) => Object.keys(r.trial.values))), stringFlag(values, 'values') ?? '.')
      if (values['json'] === true) {
        await printJson({
          objective: formatObjective(objective), lacking,
          trials: shown.map((r) => ({
            study: r.study, runs: r.trial.runs.map((x) => `${r.study}:${x.seq}`), pending: r.trial.pending,
            metrics: r.trial.metrics, values: jsonValues(r.trial.values), replicates: r.trial.replicates, spread: r.trial.spread,
          })),
        })
        return EXIT.ok
      }
      const lines = [['study', objective.metric, ...metricNames, ...valueNames].join('\t')]
      for (const { study, trial } of shown) {
        const seqs = trial.runs.map((r) => r.seq).sort((a, b) => a - b).join(',')
        const metrics = metricNames.map((m) => (Object.hasOwn(trial.metrics, m) ? formatG(trial.metrics[m] as number, 3) : 'NA'))
        lines.push([`${study}:${seqs}${trial.pending ? '*' : ''}`, formatG(trial.metrics[objective.metric] as number, 4), ...metrics, ...valueNames.map((v) => valueCell(trial.values[v]))].join('\t'))
        if (values['expand'] === true) {
          for (const r of trial.runs) {
            lines.push([`  ${study}:${r.seq}`, Object.hasOwn(r.metrics, objective.metric) ? formatG(r.metrics[objective.metric] as number, 4) : 'NA', ...metricNames.map((m) => (Object.hasOwn(r.metrics, m) ? formatG(r.metrics[m] as number, 3) : 'NA')), `replicate ${r.replicate} ${stateName(r.state)}`].join('\t'))
          }
        }
      }
      await print(alignColumns(lines.join('\n')) + '\n')
      if (lacking) process.stderr.write(`diviner-local: skipped ${lacking} trial${lacking === 1 ? '' : 's'} without ${objective.metric}\n`)
      return EXIT.ok
    } finally {
      db.close()
    }
  },
}

/** Rows of several studies ranked together, as one leaderboard ranks its trials (a stable sort: ties keep each study's order). */
function rank(rows: readonly Row[], objective: Objective): Row[] {
  const sign = objective.direction === 'minimize' ? 1 : -1
  const key = (r: Row) => {
    const v = r.trial.metrics[objective.metric]
    return v === undefined ? [2, 0] : Number.isNaN(v) ? [1, 0] : [0, sign * v]
  }
  return [...rows].sort((a, b) => {
    const [ca, va] = key(a)
    const [cb, vb] = key(b)
    return (ca as number) - (cb as number) || (va as number) - (vb as number)
  })
}
