/**
 * The helper process that starts a runner's black boxes (spawner.ts), with
 * real processes: what a started process reports and in which order, a
 * program that cannot start, and the helper dying under running processes.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { Spawner, type ChildEvents } from '../../../src/cli/runner/spawner.js'

interface Heard { pid?: number; out: string[]; errors: string[]; end: Promise<{ code: number | null; signal: string | null }> }

function listen(): { events: ChildEvents; heard: Heard } {
  let ended: (v: { code: number | null; signal: string | null }) => void = () => undefined
  const heard: Heard = { out: [], errors: [], end: new Promise((r) => { ended = r }) }
  const events: ChildEvents = {
    onSpawn: (pid) => { heard.pid = pid },
    onOutput: (stream, text) => heard.out.push(`${stream}:${text}`),
    onError: (message) => heard.errors.push(message),
    onClose: (code, signal) => ended({ code, signal }),
  }
  return { events, heard }
}

/** The pids of this process's helpers. */
function helpers(): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(process.pid), '-f', 'spawner-process.mjs'], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number)
  } catch {
    return []
  }
}

/** True while the process runs (a zombie, dead and not yet reaped by whoever adopted it, is not running). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0] !== 'Z'
  } catch {
    return false
  }
}

describe('the spawner', () => {
  it('reports the pid, each stream\'s output and the exit status of a process started in a group of its own, with the variables given', async () => {
    const spawner = new Spawner()
    const { events, heard } = listen()
    // The fifth field of /proc/<pid>/stat is the process group (bash's name holds no space).
    spawner.start({ file: 'bash', args: ['-c', 'echo "$GREETING"; echo "group $(cut -d" " -f5 /proc/$$/stat)"; echo oops >&2; exit 3'], cwd: '/', env: { GREETING: 'hello' } }, events)
    expect(await heard.end).toEqual({ code: 3, signal: null })
    expect(heard.pid).toBeGreaterThan(0)
    // Each stream's text, whatever chunks it came in (a pipe may hand over both stdout lines at once).
    const text = (stream: number) => heard.out.filter((s) => s.startsWith(`${stream}:`)).map((s) => s.slice(2)).join('')
    expect(text(1)).toBe(`hello\ngroup ${heard.pid}\n`)
    expect(text(2)).toBe('oops\n')
    expect(heard.errors).toEqual([])
  })

  it('a program that cannot start reports why, then its end', async () => {
    const { events, heard } = listen()
    new Spawner().start({ file: 'no-such-program-here', args: [], cwd: '/', env: {} }, events)
    expect(await heard.end).toEqual({ code: -2, signal: null })
    expect(heard.errors).toEqual(['spawn no-such-program-here ENOENT'])
    expect(heard.pid).toBeUndefined()
  })

  it('when the helper dies, what it started is killed and ends with why; the next start gets a new helper', async () => {
    const before = new Set(helpers())
    const spawner = new Spawner()
    const { events, heard } = listen()
    spawner.start({ file: 'sleep', args: ['30'], cwd: '/', env: {} }, events)
    while (heard.pid === undefined) await new Promise((r) => setTimeout(r, 10))
    const pid = heard.pid
    const helper = helpers().filter((p) => !before.has(p))
    expect(helper).toHaveLength(1)
    process.kill(helper[0] as number, 'SIGKILL')
    expect(await heard.end).toEqual({ code: null, signal: null })
    expect(heard.errors).toEqual(['the process starting black boxes ended (SIGKILL)'])
    for (let i = 0; i < 250 && running(pid); i++) await new Promise((r) => setTimeout(r, 20))
    expect(running(pid)).toBe(false)
    const again = listen()
    spawner.start({ file: 'true', args: [], cwd: '/', env: {} }, again.events)
    expect(await again.heard.end).toEqual({ code: 0, signal: null })
  })
})
