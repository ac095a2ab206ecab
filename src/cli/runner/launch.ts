/**
 * What a study runs for a value set: from a config's `run` function or from
 * the study's command template, as the command to launch and the datasets it
 * needs first.
 */
import { isAbsolute, resolve } from 'node:path'
import { renderCommand } from '../../db/model/command.js'
import { DivinerError, isDivinerError } from '../../db/model/errors.js'
import type { RunConfig as StoredRunConfig } from '../../db/model/run.js'
import type { Study } from '../../db/model/study.js'
import type { Value, Values } from '../../db/model/values.js'
import type { Command, ConfigStudy, Dataset, PlainValue, PlainValues, RunConfig } from '../config/builtins.js'
import type { Launch } from './blackbox.js'
import { parseGoDuration } from './protocol.js'

/** A dataset a run needs: made once per session, before the runs that need it. */
export interface DatasetTask { readonly name: string; readonly launch: Launch }

/** How to run one value set. */
export interface Planned {
  readonly launch: Launch
  readonly datasets: readonly DatasetTask[]
  /** What the run record shows of how it was launched. */
  readonly config: StoredRunConfig
  /** The system it runs on, when its config names one with a limit of its own. */
  readonly system?: { readonly name: string; readonly parallelism: number }
}

/** A study the runner can run: its definition, and the command of each run. */
export interface RunnableStudy {
  readonly study: Study
  plan(values: Values, context: { replicate: number; seq: number }): Planned
}

/** A value as a config's `run` function gets it. */
export function plainValue(v: Value): PlainValue {
  switch (v.kind) {
    case 'int': return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value
    case 'float': case 'string': case 'bool': return v.value
    case 'list': return v.value.map(plainValue)
    case 'dict': return Object.fromEntries(Object.entries(v.value).map(([k, x]) => [k, plainValue(x)]))
  }
}

function plainValues(values: Values): PlainValues {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, plainValue(v)]))
}

/** A command's launch: its cwd resolved against `dir`, its timeout in ms. */
function toLaunch(c: Command, dir: string, env: Readonly<Record<string, string>>, where: string): Launch {
  let timeoutMs: number | undefined
  if (typeof c.timeout === 'number') timeoutMs = c.timeout
  else if (typeof c.timeout === 'string') {
    timeoutMs = parseGoDuration(c.timeout)
    if (timeoutMs === undefined || timeoutMs <= 0) throw new DivinerError('invalid', `${where}: timeout "${c.timeout}" is not a duration such as 90s or 2h`)
  }
  return {
    ...(c.script !== undefined ? { script: c.script } : { argv: c.argv ?? [] }),
    env: { ...env, ...c.env },
    cwd: c.cwd === undefined ? dir : isAbsolute(c.cwd) ? c.cwd : resolve(dir, c.cwd),
    ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  }
}

/** The environment every run gets: which run it is. */
function runEnv(study: string, context: { replicate: number; seq: number }): Record<string, string> {
  return { DIVINER_STUDY: study, DIVINER_SEQ: String(context.seq), DIVINER_RUN: `${study}:${context.seq}`, DIVINER_REPLICATE: String(context.replicate) }
}

/** A study from a config: its `run` function says what to execute (relative paths from the config's folder). */
export function configRunnable(s: ConfigStudy, dir: string): RunnableStudy {
  return {
    study: s.study,
    plan(values, context) {
      let rc: RunConfig | string
      try {
        rc = s.run(plainValues(values), { ...context, study: s.study.name })
      } catch (e) {
        const why = isDivinerError(e) ? e.message : e instanceof Error ? e.message : String(e)
        throw new DivinerError('invalid', `${s.site}: the run function of study ${s.study.name} failed: ${why}`)
      }
      const config: RunConfig = typeof rc === 'string' ? { kind: 'run-config', script: rc } : rc
      if (typeof config !== 'object' || config === null || (config.script === undefined && config.argv === undefined)) {
        throw new DivinerError('invalid', `${s.site}: the run function of study ${s.study.name} must return runConfig({ script | argv, … }) or a script`)
      }
      const env = runEnv(s.study.name, context)
      const datasets = (config.datasets ?? []).map((d: Dataset) => ({ name: d.name, launch: toLaunch(d, dir, env, `${s.site}: dataset ${d.name}`) }))
      return {
        launch: toLaunch(config, dir, env, s.site),
        datasets,
        config: {
          script: config.script ?? (config.argv ?? []).join(' '),
          ...(config.localFiles ? { localFiles: [...config.localFiles] } : {}),
          ...(datasets.length ? { datasets: datasets.map((d) => d.name) } : {}),
        },
        ...(config.system && config.system.parallelism > 0 ? { system: { name: config.system.name, parallelism: config.system.parallelism } } : {}),
      }
    },
  }
}

/** A study from the journal with a command template: each run executes the template with its values, in `dir`. */
export function templateRunnable(study: Study, dir: string): RunnableStudy {
  const template = study.command
  if (!template) throw new DivinerError('invalid', `study ${study.name} has no command template: give a config (diviner-local run CONFIG ${study.name}) or add a command to the study in the page`)
  return {
    study,
    plan(values, context) {
      const script = renderCommand(template, values)
      return { launch: { script, env: runEnv(study.name, context), cwd: dir }, datasets: [], config: { script } }
    },
  }
}
