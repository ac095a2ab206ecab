import type { Reporter, TestModule, Vitest } from 'vitest/node'

/**
 * What vite.config.ts tells the reporter about suites it could not set up (a
 * type, not an interface, so that it fits Vitest's reporter options).
 */
export type SummaryReporterOptions = {
  /**
   * Projects present in name only, with no tests, because they need a browser
   * and none was found. Empty or absent when every suite can run.
   */
  readonly notRun?: readonly string[]
  /** Why those suites cannot run: one line telling the user what to do. */
  readonly reason?: string
  /** When true (under CI), each of those suites counts as a failure and the run exits non-zero. */
  readonly required?: boolean
}

/** `n` and the noun, singular or plural. */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`
}

/**
 * Ends a test run with one line `N passed, N failed, N skipped` over every
 * project (unit, browser, e2e), which CI reads. A module that failed to load, or
 * an unhandled error, counts as a failure.
 *
 * Suites named in `notRun` that the run selected are announced once, at the
 * start, with the reason, and the line then goes on `, N suites not run (no
 * Chromium found)`; they never count as passed. With `required`, each also
 * counts as failed and the process exit code is 1.
 */
export default class SummaryReporter implements Reporter {
  private readonly options: SummaryReporterOptions
  /** The suites in `options.notRun` this run selected (a --project filter may leave them out). */
  private notRun: string[] = []

  constructor(options: SummaryReporterOptions = {}) {
    this.options = options
  }

  onInit(vitest: Vitest): void {
    const selected = new Set(vitest.projects.map((project) => project.name))
    this.notRun = (this.options.notRun ?? []).filter((name) => selected.has(name))
    if (this.notRun.length === 0) return
    const suites = `The ${this.notRun.join(' and ')} ${this.notRun.length === 1 ? 'suite' : 'suites'}`
    const consequence = this.options.required
      ? `${suites} cannot run, and CI is set, so this run fails.`
      : `${suites} will not run until then.`
    process.stdout.write(`\n${this.options.reason ?? 'No browser found.'} ${consequence}\n\n`)
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0
    let failed = unhandledErrors.length
    let skipped = 0
    for (const mod of testModules) {
      let tests = 0
      for (const test of mod.children.allTests()) {
        tests++
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (tests === 0 && mod.state() === 'failed') failed++
    }
    if (this.notRun.length > 0 && this.options.required) {
      failed += this.notRun.length
      process.exitCode = 1
    }
    const notRun = this.notRun.length > 0 ? `, ${count(this.notRun.length, 'suite')} not run (no Chromium found)` : ''
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped${notRun}\n`)
  }
}
