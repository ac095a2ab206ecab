/**
 * The runner under Diviner's black-box protocol, as a user meets it: metrics
 * and logs recorded as they come, exit codes, time limits, keepalives and
 * retries, malformed lines, progress bars, and interruptions (Ctrl-C, kill -9).
 */
import { execFileSync, spawn } from 'node:child_process'
import { readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { JournalDatabase } from '../../../src/db/journal/database.js'
import { RunState } from '../../../src/db/model/run.js'
import { exportDump } from '../../../src/db/dump/export.js'
import { discrete } from '../../../src/db/model/params.js'
import { random } from '../../../src/db/model/oracle.js'
import { minimize } from '../../../src/db/model/study.js'
import { float, str } from '../../../src/db/model/values.js'
import { DexieDatabase } from '../../../src/db/store/dexie-database.js'
import { BIN, cli, gridConfig, start, tempDir, until, writeFiles } from './cli.js'

let cleanup: (() => void)[] = []
afterEach(() => { for (const c of cleanup) c(); cleanup = [] })

function sandbox(): { dir: string; db: string } {
  const t = tempDir()
  cleanup.push(t.remove)
  return { dir: t.dir, db: join(t.dir, 'data') }
}

/** How many processes run `sleep <nap>`. */
function running(nap: string): number {
  try {
    return execFileSync('pgrep', ['-f', `sleep ${nap}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).length
  } catch {
    return 0
  }
}

async function open(db: string, offsetMs = 0): Promise<JournalDatabase> {
  const j = new JournalDatabase(db, { now: () => Date.now() + offsetMs, onProblem: () => undefined })
  await j.createTable()
  cleanup.push(() => j.close())
  return j
}

describe('the black box', () => {
  it('records each METRICS line as a history entry, logs stdout and stderr, and not progress lines', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('p', 1, `printf 'step 1\\rstep 2\\r'; echo "METRICS: loss=3"; echo err >&2; sleep 0.2; echo "METRICS: loss=2,acc=0.5"; echo bye`) })
    const out = await cli(['run', '--db', db, join(dir, 'c.config.ts')])
    expect(out.code, out.stderr).toBe(0)
    const j = await open(db)
    const run = await j.lookupRun('p', 1)
    expect(run.metrics).toEqual([{ loss: 3 }, { loss: 2, acc: 0.5 }])
    expect(run).toMatchObject({ state: RunState.Success, status: 'bye', retries: 0 })
    const log = (await cli(['logs', '--db', db, 'p:1'])).stdout
    expect(log).toContain('METRICS: loss=3\n')
    expect(log).toContain('err\n')
    expect(log).not.toContain('step 1')
  })

  it('a malformed METRICS line is reported and logged, never fatal', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('m', 1, 'echo "METRICS: loss=oops"; echo "METRICS: loss=1"') })
    const out = await cli(['run', '--db', db, join(dir, 'c.config.ts')])
    expect(out.code).toBe(0)
    expect(out.stderr).toContain('warning: m:1: malformed METRICS line (the value of loss ("oops") is not a number): METRICS: loss=oops')
    expect((await (await open(db)).lookupRun('m', 1)).metrics).toEqual([{ loss: 1 }])
    expect((await cli(['logs', '--db', db, 'm:1'])).stdout).toContain('diviner-local: malformed METRICS line')
  })

  it('a non-zero exit is a failure with its status; -retries tries it again as the same run', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('f', 1, 'echo "METRICS: loss=1"; echo boom; exit 3') })
    const out = await cli(['run', '--db', db, '-retries', '2', join(dir, 'c.config.ts')])
    expect(out.code).toBe(1)
    const run = await (await open(db)).lookupRun('f', 1)
    expect(run).toMatchObject({ state: RunState.Failure, status: 'exit status 3: boom', retries: 2 })
    expect(run.metrics).toHaveLength(3)
    const log = (await cli(['logs', '--db', db, 'f:1'])).stdout
    expect(log.match(/started run \(try \d\)/g)).toEqual(['started run (try 1)', 'started run (try 2)', 'started run (try 3)'])
  })

  it('silence past a DIVINER keepalive kills the try, which is retried as the same run (up to 5 times)', async () => {
    const { dir, db } = sandbox()
    // The first two tries go silent; the third (DIVINER_TRY files count them) finishes.
    writeFiles(dir, { 'c.config.ts': gridConfig('k', 1, `n=$(ls tries 2>/dev/null | wc -l); mkdir -p tries; touch tries/$n
echo "DIVINER: keepalive=300ms"; echo "METRICS: loss=$n"
if [ "$n" -lt 2 ]; then sleep 30; fi; echo finished`) })
    const out = await cli(['run', '--db', db, join(dir, 'c.config.ts')], { cwd: dir })
    expect(out.code, out.stderr).toBe(0)
    const run = await (await open(db)).lookupRun('k', 1)
    expect(run).toMatchObject({ state: RunState.Success, status: 'finished', retries: 2 })
    const log = (await cli(['logs', '--db', db, 'k:1'])).stdout
    expect(log).toMatch(/no output for 3\d\dms \(its keepalive\): killed; trying again \(1 of 5\)/)
  })

  it('a per-run timeout stops the whole process group and fails the run', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('t', 1, '(sleep 60; echo orphan) & echo started; sleep 60', "timeout: '500ms'") })
    const t0 = Date.now()
    const out = await cli(['run', '--db', db, join(dir, 'c.config.ts')])
    expect(Date.now() - t0).toBeLessThan(20_000)
    expect(out.code).toBe(1)
    expect((await (await open(db)).lookupRun('t', 1)).status).toMatch(/^timed out after 500ms \(its timeout\): killed$/)
  })

  it('a config that throws names its file and line, records nothing, and exits 4', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'bad.config.ts': `import { study, range, minimize } from 'diviner-local/config'\n\nexport default study({\n  name: 'b', params: { x: range(0, 0.5), y: range(1, 'two' as never) }, objective: minimize('l'), run: () => 'true',\n})\n` })
    const out = await cli(['run', '--db', db, join(dir, 'bad.config.ts')])
    expect(out.code).toBe(4)
    expect(out.stderr).toMatch(new RegExp(`^diviner-local: ${join(dir, 'bad.config.ts').replace(/[/.]/g, '\\$&')}:4: range\\(1, two\\): both ends must be ints or both floats\\n$`))
    const thrower = await cli(['run', '--db', db, join(dir, 'throws.config.ts')])
    expect(thrower).toMatchObject({ code: 3, stderr: `diviner-local: no config file ${join(dir, 'throws.config.ts')}\n` })
    writeFiles(dir, { 'throws.config.ts': `const x = 1\nthrow new Error('no GPU here')\nexport default x\n` })
    const threw = await cli(['run', '--db', db, join(dir, 'throws.config.ts')])
    expect(threw.code).toBe(4)
    expect(threw.stderr).toBe(`diviner-local: ${join(dir, 'throws.config.ts')}:2: the config could not be loaded: no GPU here\n`)
  })

  it('a run function that returns nothing runnable, or an unknown study, is a clear error', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('u', 2, 'true') })
    const unknown = await cli(['run', '--db', db, join(dir, 'c.config.ts'), 'nope'])
    expect(unknown.code).toBe(3)
    expect(unknown.stderr).toContain('no study of')
    expect(unknown.stderr).toContain('matches nope; it defines u')
    const noTemplate = await cli(['run', '--db', db, '--study', 'u'])
    expect(noTemplate.code).toBe(3)
  })
})

describe('a study designed in the page', () => {
  it('runs by its command template once its definition is imported: values substituted and shell-quoted', async () => {
    const { dir, db } = sandbox()
    const page = new DexieDatabase(`template-${Date.now()}`)
    await page.createTable()
    cleanup.push(() => page.close())
    await page.createStudyIfNotExist({
      name: 'web', objective: minimize('loss'), params: { lr: discrete(float(0.1), float(0.5)), tag: discrete(str("it's")) },
      command: `printf 'tag=%s\\n' {tag}; echo "METRICS: loss={lr}"`,
    })
    const dump = join(dir, 'web.diviner.gz')
    writeFileSync(dump, new Uint8Array(await new Response(exportDump(page, { studies: ['web'], definitionsOnly: true })).arrayBuffer()))
    expect((await cli(['import', '--db', db, dump])).code).toBe(0)
    expect((await cli(['info', '--db', db, 'web'])).stdout).toMatch(/command:\s+printf 'tag=%s\\n' \{tag\}; echo "METRICS: loss=\{lr\}"\n/)
    const out = await cli(['run', '--db', db, '--study', 'web'])
    expect(out.code, out.stderr).toBe(0)
    const runs = await (await open(db)).listRuns('web', RunState.Any)
    expect(runs.map((r) => r.metrics)).toEqual([[{ loss: 0.1 }], [{ loss: 0.5 }]])
    expect(runs[0]?.config.script).toBe(`printf 'tag=%s\\n' 'it'\\''s'; echo "METRICS: loss=0.1"`)
    expect((await cli(['logs', '--db', db, 'web:1'])).stdout).toContain("tag=it's\n")
  })
})

describe('interruptions', () => {
  it('Ctrl-C stops the children, marks their runs failed as interrupted, and exits 130', async () => {
    const { dir, db } = sandbox()
    // A sleep of a duration no other process has, to find the children by.
    const nap = `59.${String(Date.now() % 1000).padStart(3, '0')}7`
    writeFiles(dir, { 'c.config.ts': gridConfig('i', 4, `echo "METRICS: loss=1"; (sleep ${nap}) & sleep ${nap}`) })
    const r = start(['run', '--db', db, '-parallelism', '2', join(dir, 'c.config.ts')])
    await until(() => (r.stderr().match(/started/g) ?? []).length >= 2)
    await until(() => running(nap) >= 4)
    r.child.kill('SIGINT')
    const out = await r.done
    expect(out.code).toBe(130)
    expect(out.stderr).toContain('interrupted; runs in progress were stopped and recorded as failed')
    const runs = await (await open(db)).listRuns('i', RunState.Any)
    expect(runs.map((x) => [x.seq, x.state, x.status])).toEqual([
      [1, RunState.Failure, 'interrupted (the runner was stopped)'],
      [2, RunState.Failure, 'interrupted (the runner was stopped)'],
    ])
    // Every child is gone, the backgrounded ones in their process groups included.
    expect(running(nap)).toBe(0)
  })

  it('kill -9 of a runner mid-sweep: the store stays readable, its runs turn failed by the keepalive rule, the next run completes the grid', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('k9', 3, 'echo "METRICS: loss=$X"; if [ "$X" = 1 ]; then sleep 60; fi') })
    const r = start(['run', '--db', db, '-parallelism', '1', join(dir, 'c.config.ts')])
    await until(() => /k9:2 started/.test(r.stderr()))
    const watcher = await open(db)
    await until(async () => (await watcher.lookupRun('k9', 2)).metrics.length === 1)
    r.child.kill('SIGKILL')
    await r.done
    // The orphaned `sleep` of the killed runner is not ours to clean up; the store must not care.
    const later = await open(db, 61_000)
    const runs = await later.listRuns('k9', RunState.Any)
    expect(runs.map((x) => [x.seq, x.state])).toEqual([[1, RunState.Success], [2, RunState.Failure]])
    expect(runs[1]?.metrics).toEqual([{ loss: 1 }])
    writeFiles(dir, { 'c.config.ts': gridConfig('k9', 3, 'echo "METRICS: loss=$X"') })
    // A minute on, the killed run's keepalive has gone stale, so the grid plans its value set again.
    await new Promise((resolve) => setTimeout(resolve, 61_000))
    const again = await cli(['run', '--db', db, join(dir, 'c.config.ts')])
    expect(again.code, again.stderr).toBe(0)
    const done = await (await open(db, 61_000)).listRuns('k9', RunState.Success)
    expect(done.map((x) => x.values['x']?.value).sort()).toEqual([0n, 1n, 2n])
  }, 120_000)
})

describe('a full disk', () => {
  it('stops the sweep with one clear line and exit 5; what was recorded stays readable', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('full', 50, 'for i in $(seq 1 200); do echo "METRICS: loss=$X,i=$i"; echo "output line $i, long enough to fill a small disk soon"; done') })
    // A file size limit the kernel enforces stands in for a disk that fills up (writes past it fail with EFBIG).
    const child = spawn('bash', ['-c', `ulimit -f 64; trap '' XFSZ; exec "${process.execPath}" "${BIN}" run --db "${db}" -parallelism 1 "${join(dir, 'c.config.ts')}"`], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c })
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve))
    expect(code).toBe(5)
    expect(stderr.trimEnd().split('\n').at(-1)).toMatch(/^diviner-local: could not record to the journal: the disk holding .+\.jsonl is full; free some space and run again \(nothing recorded so far is lost\)$/)
    const problems: string[] = []
    const reader = new JournalDatabase(db, { onProblem: (p) => problems.push(p.reason) })
    await reader.createTable()
    cleanup.push(() => reader.close())
    const runs = await reader.listRuns('full', RunState.Any)
    expect(runs.length).toBeGreaterThan(0)
    expect(runs.length).toBeLessThan(50)
    expect(runs[0]).toMatchObject({ state: RunState.Success })
    expect(runs[0]?.metrics).toHaveLength(200)
    expect(problems).toEqual([])
  })
})

describe('two runners on one study', () => {
  it('hand out unique seqs and lose nothing', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, { 'c.config.ts': gridConfig('two', 12, 'for i in 1 2 3; do echo "METRICS: loss=$X,i=$i"; done') })
    const a = start(['run', '--db', db, '-parallelism', '2', join(dir, 'c.config.ts')])
    const b = start(['run', '--db', db, '-parallelism', '2', join(dir, 'c.config.ts')])
    const [ra, rb] = await Promise.all([a.done, b.done])
    expect([ra.code, rb.code]).toEqual([0, 0])
    expect(readdirSync(db).filter((f) => f.endsWith('.jsonl'))).toHaveLength(2)
    const runs = await (await open(db)).listRuns('two', RunState.Any)
    const seqs = runs.map((r) => r.seq)
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(runs.every((r) => r.state === RunState.Success && r.metrics.length === 3)).toBe(true)
    // Every value set ran (some perhaps twice, when both planned it at the same moment).
    expect(new Set(runs.map((r) => String(r.values['x']?.value))).size).toBe(12)
  })
})

describe('a random oracle', () => {
  it('proposes its seeded sequence; a later run continues it after the value sets already tried', async () => {
    const { dir, db } = sandbox()
    writeFiles(dir, {
      'r.config.ts': `import { float, minimize, randomSearch, range, runConfig, study } from 'diviner-local/config'
export default study({
  name: 'rand',
  params: { x: range(float(0), float(1)) },
  objective: minimize('loss'),
  oracle: randomSearch(7),
  run: (values) => runConfig({ script: 'echo "METRICS: loss=$X"', env: { X: String(values.x) } }),
})
`,
    })
    expect((await cli(['run', '--db', db, '-trials', '5', '-parallelism', '2', join(dir, 'r.config.ts')])).code).toBe(0)
    expect((await cli(['run', '--db', db, '-trials', '3', join(dir, 'r.config.ts')])).code).toBe(0)
    const runs = await (await open(db)).listRuns('rand', RunState.Any)
    const study = await (await open(db)).lookupStudy('rand')
    const xs = (vs: readonly { x?: unknown }[]) => vs.map((v) => (v.x as { value: number }).value).sort((a, b) => a - b)
    expect(runs.every((r) => r.state === RunState.Success)).toBe(true)
    expect(xs(runs.map((r) => r.values))).toEqual(xs(random(study, 7, 8)))
  })
})
