/**
 * Running the diviner-local command as a user would, in a child process, for
 * the command-line tests: its output, exit code, and a temporary directory.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The repository's root. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url))
/** The command's entry point. */
export const BIN = join(ROOT, 'bin/diviner-local.mjs')

/** What a finished command printed and how it exited. */
export interface Finished { readonly code: number | null; readonly signal: string | null; readonly stdout: string; readonly stderr: string }

/** A running command: its process and a promise of its end. */
export interface Running { readonly child: ChildProcess; readonly done: Promise<Finished>; stdout(): string; stderr(): string }

/** Starts `diviner-local args…` in `cwd`. */
export function start(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Running {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout?.setEncoding('utf8').on('data', (c: string) => { stdout += c })
  child.stderr?.setEncoding('utf8').on('data', (c: string) => { stderr += c })
  const done = new Promise<Finished>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })))
  return { child, done, stdout: () => stdout, stderr: () => stderr }
}

/** Runs `diviner-local args…` to its end. */
export function cli(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Finished> {
  return start(args, options).done
}

/** A fresh temporary directory (removed by the returned function). */
export function tempDir(prefix = 'diviner-cli-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** Writes files (name → text) into `dir`. */
export function writeFiles(dir: string, files: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
}

/** Resolves once `check` returns true (polling every 50 ms), or rejects after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/**
 * A study config (TypeScript) for tests: a grid over `x` (ints 0..n-1) whose
 * runs execute `script` (bash; `$X` is the value of x); `runOptions` are more
 * fields of its runConfig (such as `timeout: '1s'`).
 */
export function gridConfig(name: string, n: number, script: string, runOptions = ''): string {
  return `import { discrete, gridSearch, minimize, range, runConfig, study } from 'diviner-local/config'
export default study({
  name: ${JSON.stringify(name)},
  params: { x: range(0, ${n}), mode: discrete('a') },
  objective: minimize('loss'),
  oracle: gridSearch,
  run: (values) => runConfig({ script: ${JSON.stringify(script)}, env: { X: String(values.x) }, ${runOptions} }),
})
`
}
