/**
 * s3rver in a process of its own (for benchmarks: serving must not share the
 * measured process's event loop). Prints its endpoint on the first line;
 * stops on SIGTERM.
 */
import { startS3 } from '../test/unit/sync/s3-server.js'

const server = await startS3(process.argv.slice(2))
process.stdout.write(`${server.endpoint}\n`)
process.on('SIGTERM', () => { void server.stop().then(() => process.exit(0)) })
