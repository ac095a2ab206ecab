/**
 * Errors in a study config that name the config's file and line: the place
 * is the first frame of the call stack outside the command's own code.
 */
import { fileURLToPath } from 'node:url'
import { DivinerError, isDivinerError } from '../../db/model/errors.js'

const OWN = fileURLToPath(new URL('../../', import.meta.url))

/** `file:line` of the config code that called into the builtins, or '' when none is on the stack. */
function site(): string {
  const stack = new Error().stack?.split('\n').slice(1) ?? []
  for (const frame of stack) {
    const m = /\(?((?:file:\/\/)?\/[^():]+):(\d+):\d+\)?$/.exec(frame.trim())
    if (!m) continue
    const file = (m[1] as string).startsWith('file://') ? fileURLToPath(m[1] as string) : (m[1] as string)
    if (file.startsWith(OWN) || file.includes('/node_modules/')) continue
    return `${file}:${m[2]}`
  }
  return ''
}

/** An `invalid` error about a config, prefixed with the config's file and line. */
export function configError(message: string): DivinerError {
  const where = site()
  return new DivinerError('invalid', where ? `${where}: ${message}` : message, where ? { site: where } : undefined)
}

/** Runs `work`; an `invalid` error it throws (a model rule broken) is re-thrown naming the config's file and line. */
configError.wrap = function wrap<T>(work: () => T): T {
  try {
    return work()
  } catch (e) {
    if (isDivinerError(e, 'invalid') && e.details?.['site'] === undefined) throw configError(e.message)
    throw e
  }
}

/** The config's `file:line` calling now. */
configError.site = site
