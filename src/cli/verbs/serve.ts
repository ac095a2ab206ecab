/**
 * `diviner-local serve`: placeholder until the page follows a journal.
 */
import { DB_FLAG, type Usage } from '../args.js'
import type { Verb } from '../verb.js'

const usage: Usage = { verb: 'serve', args: '', summary: 'Serves the page and the journal directory.', flags: { ...DB_FLAG } }

export const serveVerb: Verb = {
  usage,
  async run() {
    return 1
  },
}
