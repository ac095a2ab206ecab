/**
 * `diviner-local list`: the journal's studies, or their runs (`-runs`), as
 * Diviner's `list` prints them.
 */
import { parseStates, RunState, stateName } from '../../db/model/run.js'
import { formatObjective } from '../../db/model/study.js'
import { formatValue } from '../../db/model/values.js'
import { DB_FLAG, stringFlag, usageError, type Usage } from '../args.js'
import { EXIT } from '../exit.js'
import { openJournal } from '../journal.js'
import { jsonRun, matchAndSort, matchingStudies } from '../names.js'
import { alignColumns, formatDuration, formatWhen, print, printJson } from '../output.js'
import { parseGoDuration } from '../runner/protocol.js'
import type { Verb } from '../verb.js'

const usage: Usage = {
  verb: 'list',
  args: '[REGEXP...]',
  summary: `Lists the studies whose names match the anchored regular expressions (all when none are given), or their runs (-runs):
run, created, runtime, state, status (-s) and the values matching -values.`,
  flags: {
    runs: { type: 'boolean', help: 'list the studies\' runs instead of the studies' },
    state: { type: 'string', arg: 'S', help: 'with -runs: the run states to list, comma-separated (pending, success, failure)', default: 'pending,success,failure' },
    s: { type: 'boolean', help: 'with -runs: show each run\'s status' },
    since: { type: 'string', arg: 'D', help: 'only what was active since a duration ago (90m, 24h) or a date (2006-01-02)' },
    values: { type: 'string', arg: 'RE', help: 'with -runs: comma-separated anchored regular expressions of the values to show', default: '^$' },
    json: { type: 'boolean', help: 'print one JSON object (for scripts)' },
    ...DB_FLAG,
  },
}

/** A `-since` flag: a Go duration before now, or a date. */
export function parseSince(text: string | undefined, now: number): Date | undefined {
  if (text === undefined) return undefined
  const ms = parseGoDuration(text)
  if (ms !== undefined) return new Date(now - ms)
  if (/^\d{4}-\d\d-\d\d$/.test(text) && !Number.isNaN(Date.parse(text))) return new Date(`${text}T00:00:00`)
  throw usageError(`-since ${text} is neither a duration (90m, 24h) nor a date (2006-01-02)`)
}

export const listVerb: Verb = {
  usage,
  async run({ values, positionals }) {
    const db = await openJournal(values)
    try {
      const since = parseSince(stringFlag(values, 'since'), Date.now())
      const studies = await matchingStudies(db, positionals, since)
      if (values['runs'] !== true) {
        const rows = await Promise.all(studies.map(async (s) => ({ study: s, runs: await db.listRunRows(s.name) })))
        if (values['json'] === true) {
          await printJson({
            studies: rows.map(({ study: s, runs }) => ({
              name: s.name, objective: formatObjective(s.objective), runs: runs.length,
              pending: runs.filter((r) => r.state === RunState.Pending).length,
              success: runs.filter((r) => r.state === RunState.Success).length,
              failure: runs.filter((r) => r.state === RunState.Failure).length,
              created: s.created.toISOString(), activity: s.activity.toISOString(),
            })),
          })
          return EXIT.ok
        }
        const now = Date.now()
        const lines = rows.map(({ study: s, runs }) => {
          const n = (state: number) => runs.filter((r) => r.state === state).length
          return `${s.name}\t${formatObjective(s.objective)}\t${runs.length} runs\t${n(RunState.Pending)} pending\t${n(RunState.Success)} success\t${n(RunState.Failure)} failure\t${formatWhen(s.activity, now)}`
        })
        await print(lines.length ? alignColumns(lines.join('\n')) + '\n' : '')
        return EXIT.ok
      }
      const states = parseStates(stringFlag(values, 'state') ?? 'any')
      if (states === 0) throw usageError('list: -state names no state')
      const runs = (await Promise.all(studies.map((s) => db.listRuns(s.name, states, since)))).flat()
      if (values['json'] === true) {
        await printJson({ runs: runs.map((r) => jsonRun(r)) })
        return EXIT.ok
      }
      const shown = matchAndSort(new Set(runs.flatMap((r) => Object.keys(r.values))), stringFlag(values, 'values') ?? '^$')
      const now = Date.now()
      const lines = runs.map((r) => {
        const vals = shown.filter((k) => r.values[k] !== undefined).map((k) => `${k}:${formatValue(r.values[k] as never)}`).join(' ')
        const runtime = formatDuration(r.runtime - (r.runtime % 1000))
        return `${r.study}:${r.seq}\t${formatWhen(r.created, now)}\t${runtime}\t${stateName(r.state)}\t${values['s'] === true ? r.status : ''}${vals ? `\t${vals}` : ''}`
      })
      await print(lines.length ? alignColumns(lines.join('\n')) + '\n' : '')
      return EXIT.ok
    } finally {
      db.close()
    }
  },
}
