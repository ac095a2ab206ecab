/**
 * Loading a study config: a JavaScript or TypeScript module whose exports
 * (default and named; a study or a list of them) are studies made by
 * `study(…)`. A config that fails to load is reported naming its file and line.
 */
import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { DivinerError, isDivinerError, notExist } from '../../db/model/errors.js'
import type { ConfigStudy } from './builtins.js'

/** The studies a config defines, and the folder its commands run in by default. */
export interface LoadedConfig {
  readonly path: string
  readonly dir: string
  readonly studies: readonly ConfigStudy[]
}

function isConfigStudy(x: unknown): x is ConfigStudy {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'study' && 'study' in x && 'run' in x
}

/** Where in the config a load error happened (`file:line`), from its stack. */
function where(e: unknown, path: string): string {
  const stack = e instanceof Error ? e.stack ?? '' : ''
  const url = pathToFileURL(path).href
  for (const line of stack.split('\n')) {
    const m = new RegExp(`(?:${escape(url)}|${escape(path)}):(\\d+)`).exec(line)
    if (m) return `${path}:${m[1]}`
  }
  return path
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Loads the config at `file` (relative to the working directory). */
export async function loadConfig(file: string): Promise<LoadedConfig> {
  const path = resolve(file)
  if (!existsSync(path)) throw notExist(`no config file ${file}`)
  let module: Record<string, unknown>
  try {
    module = await import(pathToFileURL(path).href) as Record<string, unknown>
  } catch (e) {
    if (isDivinerError(e)) throw e
    const why = e instanceof Error ? e.message.split('\n')[0] : String(e)
    throw new DivinerError('invalid', `${where(e, path)}: the config could not be loaded: ${why}`)
  }
  const studies: ConfigStudy[] = []
  for (const value of Object.values(module)) {
    for (const item of Array.isArray(value) ? value : [value]) if (isConfigStudy(item) && !studies.includes(item)) studies.push(item)
  }
  if (studies.length === 0) throw new DivinerError('invalid', `${path}: the config exports no study; export the result of study({ … }) (or a list of them)`)
  const seen = new Map<string, string>()
  for (const s of studies) {
    const first = seen.get(s.study.name)
    if (first !== undefined) throw new DivinerError('invalid', `${s.site || path}: study "${s.study.name}" is defined twice (also at ${first})`)
    seen.set(s.study.name, s.site || path)
  }
  return { path, dir: dirname(path), studies }
}

/** The config's studies whose names match the anchored regular expressions (all when none are given). */
export function matchStudies(config: LoadedConfig, patterns: readonly string[]): ConfigStudy[] {
  if (patterns.length === 0) return [...config.studies]
  const out: ConfigStudy[] = []
  for (const p of patterns) {
    let re: RegExp
    try {
      re = new RegExp(`^(?:${p})$`)
    } catch (e) {
      throw new DivinerError('invalid', `"${p}" is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`, { usage: true })
    }
    const matched = config.studies.filter((s) => re.test(s.study.name))
    if (matched.length === 0) throw notExist(`no study of ${config.path} matches ${p}; it defines ${config.studies.map((s) => s.study.name).join(', ')}`)
    for (const s of matched) if (!out.includes(s)) out.push(s)
  }
  return out
}
