/**
 * Every verb of diviner-local against a temporary journal directory, run as a
 * user runs it: a child process, its output and its exit code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { VERBS } from '../../../src/cli/main.js'
import { cli, gridConfig, tempDir, writeFiles } from './cli.js'

const SCRIPT = `echo "training x=$X"
for e in 1 2 3; do echo "METRICS: epoch=$e,loss=$(( (X + 1) * 10 - e ))"; done
if [ "$X" = 3 ]; then echo "x=3 diverged" >&2; exit 7; fi
echo done`

describe('diviner-local verbs', () => {
  const tmp = tempDir()
  const db = join(tmp.dir, 'data')
  const config = join(tmp.dir, 'grid.config.ts')
  let first: Awaited<ReturnType<typeof cli>>

  beforeAll(async () => {
    writeFiles(tmp.dir, { 'grid.config.ts': gridConfig('grid', 5, SCRIPT) })
    first = await cli(['run', '--db', db, config, '-parallelism', '2'])
  }, 60_000)
  afterAll(() => tmp.remove())

  it('run: records every value set of the grid, exits 1 when a run failed, and sums up on stdout', () => {
    expect(first.code, first.stderr).toBe(1)
    expect(first.stdout).toMatch(/^4 done, 0 running, 1 failed; best loss=7 \(grid:1\)\n$/)
    expect(first.stderr).toContain('grid:4 failure')
    expect(first.stderr).toContain('exit status 7: x=3 diverged')
    expect(readdirSync(db).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1)
  })

  it('run again: a grid that is complete runs only what is missing (the failed value set)', async () => {
    const again = await cli(['run', '--db', db, config])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('grid:6 started')
    expect(again.stderr).not.toContain('grid:7 started')
  })

  it('list: studies with run counts; -runs lists runs with -s status and -values; --json for scripts', async () => {
    const studies = await cli(['list', '--db', db])
    expect(studies.code).toBe(0)
    expect(studies.stdout).toMatch(/^grid\s+minimize\(loss\)\s+6 runs\s+0 pending\s+4 success\s+2 failure/)
    const runs = await cli(['list', '--db', db, '-runs', '-s', '-values', 'x', 'gr.*'])
    expect(runs.stdout.split('\n')[0]).toMatch(/^grid:1\s+\S+\s+\d+s\s+success\s+done\s+x:0$/)
    expect(runs.stdout).toMatch(/grid:4\s+\S+\s+\d+s\s+failure\s+exit status 7: x=3 diverged\s+x:3/)
    const failed = await cli(['list', '--db', db, '-runs', '-state', 'failure', '--json'])
    expect(JSON.parse(failed.stdout).runs.map((r: { run: string }) => r.run)).toEqual(['grid:4', 'grid:6'])
  })

  it('info: a study and a run as Diviner shows them; -v adds every metrics entry and the script', async () => {
    const out = await cli(['info', '--db', db, 'grid', 'grid:2'])
    expect(out.code).toBe(0)
    expect(out.stdout).toMatch(/study grid:\n\s+objective:\s+minimize\(loss\)/)
    expect(out.stdout).toMatch(/run grid:2:\n\s+state:\s+success/)
    expect(out.stdout).toMatch(/metrics:\n\s+epoch:\s+3\n\s+loss:\s+17/)
    const verbose = await cli(['info', '-v', '--db', db, 'grid:2'])
    expect(verbose.stdout).toMatch(/metrics\[0\]:\n\s+epoch:\s+1\n\s+loss:\s+19/)
    expect(verbose.stdout).toContain('METRICS: epoch=$e')
  })

  it('metrics: the whole history as TSV, NA where an entry lacks a metric', async () => {
    const out = await cli(['metrics', '--db', db, 'grid:1'])
    expect(out.stdout).toBe('epoch\tloss\n1\t9\n2\t8\n3\t7\n')
    const only = await cli(['metrics', '--db', db, '-metrics', 'loss', 'grid:1'])
    expect(only.stdout).toBe('loss\n9\n8\n7\n')
  })

  it('metrics and leaderboard: an entry\'s step is the first column of metrics and never a metric column', async () => {
    const stepped = join(tmp.dir, 'stepped')
    writeFiles(tmp.dir, { 'stepped.config.ts': gridConfig('stepped', 1, 'echo "METRICS: step=10,loss=3"; echo "METRICS: step=20,loss=2"') })
    expect((await cli(['run', '--db', stepped, join(tmp.dir, 'stepped.config.ts')])).code).toBe(0)
    expect((await cli(['metrics', '--db', stepped, 'stepped:1'])).stdout).toBe('step\tloss\n10\t3\n20\t2\n')
    expect(JSON.parse((await cli(['metrics', '--db', stepped, '--json', 'stepped:1'])).stdout)).toEqual({ run: 'stepped:1', metrics: ['loss'], steps: [10, 20], entries: [[3], [2]] })
    expect((await cli(['leaderboard', '--db', stepped, '-metrics', '.*', 'stepped'])).stdout.split('\n')[0]).toMatch(/^study\s+loss\s+mode\s+x$/)
    // info says where the last entry lies instead of listing the step among the metrics.
    expect((await cli(['info', '--db', stepped, 'stepped:1'])).stdout).toMatch(/\n\s+metrics \(step 20\):\n\s+loss:\s+2\n(?!\s+step)/)
    expect((await cli(['info', '-v', '--db', stepped, 'stepped:1'])).stdout).toMatch(/metrics\[0\] \(step 10\):\n\s+loss:\s+3\n\s+metrics\[1\] \(step 20\):\n\s+loss:\s+2\n/)
    expect(JSON.parse((await cli(['list', '--db', stepped, '-runs', '--json'])).stdout).runs[0]).toMatchObject({ metrics: { loss: 2 }, step: 20 })
  })

  it('leaderboard: successful trials ranked by the objective, -n, -values, -objective, -expand', async () => {
    const out = await cli(['leaderboard', '--db', db, 'grid', '-n', '2'])
    expect(out.code).toBe(0)
    expect(out.stdout).toBe('study  loss mode x\ngrid:1 7    "a"  0\ngrid:2 17   "a"  1\n')
    const max = await cli(['leaderboard', '--db', db, 'grid', '-objective', '+loss', '-n', '1', '-values', '^x$', '-expand'])
    expect(max.stdout).toBe('study    loss x\ngrid:5   47   4\n  grid:5 47   replicate 0 success\n')
  })

  it('logs: the run\'s output with the line saying which try started when; -since', async () => {
    const out = await cli(['logs', '--db', db, 'grid:4'])
    expect(out.stdout).toMatch(/^diviner-local: started run \(try 1\) at .+\ntraining x=3\nMETRICS: epoch=1,loss=39\n/)
    expect(out.stdout).toContain('x=3 diverged\n')
    const none = await cli(['logs', '--db', db, '-since', '0s', 'grid:4'])
    expect(none.stdout).toBe('')
  })

  it('export, import into another directory, and compact keep every run and metric', async () => {
    const dump = join(tmp.dir, 'grid.diviner.gz')
    const exported = await cli(['export', '--db', db, '-o', dump, 'grid'])
    expect(exported.code, exported.stderr).toBe(0)
    expect(exported.stderr).toContain('exported 6 runs')
    const other = join(tmp.dir, 'other')
    const imported = await cli(['import', '--db', other, dump])
    expect(imported.stdout).toContain('studies 1 added, 0 updated, 0 unchanged, 0 in conflict; runs 6 added')
    const again = await cli(['import', '--db', other, dump])
    expect(again.stdout).toContain('runs 0 added, 0 updated, 6 unchanged, 0 rejected')
    expect(readdirSync(other).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1)
    expect((await cli(['compact', '--db', other])).stdout).toBe('nothing to compact\n')
    // A run of this directory's own adds a second file.
    expect((await cli(['rerun', '--db', other, config, 'grid:2'])).code).toBe(0)
    const before = (await cli(['list', '--db', other, '-runs', '--json'])).stdout
    const history = (await cli(['metrics', '--db', other, 'grid:7'])).stdout
    const compacted = await cli(['compact', '--db', other])
    expect(compacted.stdout).toMatch(/^compacted 2 files \([\d.]+ MB\) into \S+-compact-\S+\.jsonl/)
    expect(readdirSync(other).filter((f) => f.endsWith('.jsonl'))).toHaveLength(1)
    expect((await cli(['list', '--db', other, '-runs', '--json'])).stdout).toBe(before)
    expect((await cli(['metrics', '--db', other, 'grid:7'])).stdout).toBe(history)
    expect(JSON.parse(before).runs).toHaveLength(7)
  })

  it('rerun: runs a value set again as a new run', async () => {
    const out = await cli(['rerun', '--db', db, config, 'grid:2'])
    expect(out.code).toBe(0)
    const info = JSON.parse((await cli(['info', '--db', db, '--json', 'grid:7'])).stdout)
    expect(info[0]).toMatchObject({ run: 'grid:7', state: 'success', values: { x: 1, mode: 'a' } })
  })

  it('every verb answers --help with its flags, exit 0', async () => {
    for (const verb of Object.keys(VERBS)) {
      const out = await cli([verb, '--help'])
      expect(out.code, verb).toBe(0)
      expect(out.stdout, verb).toMatch(new RegExp(`^usage: diviner-local ${verb} `))
    }
    const top = await cli(['--help'])
    expect(top.stdout).toContain('Exit codes:')
  }, 60_000)

  it('bad command lines exit 2 with one line saying what to do; a missing study or run exits 3', async () => {
    const unknownVerb = await cli(['frobnicate'])
    expect(unknownVerb).toMatchObject({ code: 2, stdout: '' })
    expect(unknownVerb.stderr).toBe('diviner-local: unknown verb "frobnicate"; run diviner-local --help for the verbs\n')
    const badFlag = await cli(['list', '--db', db, '--bogus'])
    expect(badFlag.code).toBe(2)
    expect(badFlag.stderr).toMatch(/^diviner-local: list: unknown option '--bogus'; see diviner-local list --help\n$/)
    const badRun = await cli(['metrics', '--db', db, 'grid'])
    expect(badRun.code).toBe(2)
    expect(badRun.stderr).toContain('write study:seq')
    const noRun = await cli(['info', '--db', db, 'grid:99'])
    expect(noRun).toMatchObject({ code: 3, stderr: 'diviner-local: no run grid:99\n' })
    const noStudy = await cli(['leaderboard', '--db', db, 'nope'])
    expect(noStudy.code).toBe(3)
  })

  it('DIVINER_DB names the directory when --db does not', async () => {
    const out = await cli(['list'], { env: { DIVINER_DB: db } })
    expect(out.stdout).toMatch(/^grid\s/)
    expect(existsSync(join(db, 'origin'))).toBe(true)
    expect(readFileSync(join(db, 'origin'), 'utf8')).toMatch(/^[0-9a-f-]{36}\n$/)
  })
})
