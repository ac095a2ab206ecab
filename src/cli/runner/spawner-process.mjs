// The process that starts a runner's black boxes (see spawner.ts): it takes
// start requests from its parent over the IPC channel and reports each
// child's pid, output and end back the same way. Plain JavaScript, loaded by
// Node as it is. It outlives no parent: it exits once the channel closes.
import { spawn } from 'node:child_process'

// Ctrl-C reaches every process of the terminal's group; the runner decides what happens to the black boxes.
process.on('SIGINT', () => undefined)
process.on('SIGTERM', () => undefined)
process.on('disconnect', () => process.exit(0))

// Reports made in one turn of the event loop go as one message: a write to the channel costs more than its contents.
let queued = []
const flush = () => {
  const batch = queued
  queued = []
  if (process.connected) process.send(batch)
}
const send = (m) => {
  if (queued.length === 0) setImmediate(flush)
  queued.push(m)
}

process.on('message', (batch) => { for (const start of batch) started(start) })

function started({ id, file, args, cwd, env }) {
  let child
  try {
    child = spawn(file, args, { cwd, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  } catch (e) {
    send({ id, kind: 'error', message: e instanceof Error ? e.message : String(e) })
    send({ id, kind: 'close', code: null, signal: null })
    return
  }
  if (child.pid !== undefined) send({ id, kind: 'spawn', pid: child.pid })
  for (const [stream, s] of [[1, child.stdout], [2, child.stderr]]) {
    s.setEncoding('utf8')
    s.on('data', (text) => send({ id, kind: 'out', stream, text }))
  }
  child.on('error', (e) => send({ id, kind: 'error', message: e.message }))
  child.on('close', (code, signal) => send({ id, kind: 'close', code, signal }))
}
