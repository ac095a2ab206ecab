/**
 * One way to start a browser test. `useApp()` gives the file (or the
 * `describe` block it is called in) a headless Chromium on a fresh profile,
 * the page objects of the app, what went wrong on its pages, and `seed`, which
 * puts studies and runs into the page's database through its console API, or
 * imports a dump. A whole test:
 *
 *     import { expect, test } from 'vitest'
 *     import { useApp } from './fixture.js'
 *
 *     const app = useApp({
 *       seed: [{ name: 'demo', objective: '-loss', params: { lr: [0.1, 0.01] }, runs: [{ values: { lr: 0.1 }, metrics: [{ loss: 0.5 }] }] }],
 *     })
 *
 *     test('the runs tab lists the run', async () => {
 *       await app.study.open('demo')
 *       await app.study.waitForCount(1, 1)
 *       expect(await app.study.runIds()).toEqual(['demo:1'])
 *       expect(app.problems).toEqual([])
 *     })
 *
 * Without `seed` the tab stays blank until the test opens the page: the test
 * sees a true first visit, and can prepare the browser before it (routes, init
 * scripts, a storage quota, listeners). `openApp()` starts one by hand, for a
 * browser of a single test (close it yourself). Screenshots go to
 * test-results/, which starting an app makes.
 */
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, inject } from 'vitest'
import type { ImportSummary } from '../../src/worker/api.js'
import { launch, recordProblems, type Browser } from './pages/browser.js'
import { DivinerConsole } from './pages/console-api.js'
import { DbState } from './pages/db-state.js'
import { DumpConsole } from './pages/dump-console.js'
import { NewStudyPage } from './pages/new-study-page.js'
import { RunScreen } from './pages/run-page.js'
import { StudiesPage } from './pages/studies-page.js'
import { seedStudy, StudyScreen, type SeedStudy } from './pages/study-page.js'
import { Transfer } from './pages/transfer.js'

export type { SeedRun, SeedStudy } from './pages/study-page.js'

/** What `seed` puts in the database: a study with its runs, or a dump (or Optuna file) by path or as bytes. */
export type Seed = SeedStudy | string | Uint8Array

export interface AppOptions {
  /** Put in the database, in order, before the tests; the page is opened first. */
  readonly seed?: readonly Seed[]
  /** The window size (default 1100×700). */
  readonly viewport?: { readonly width: number; readonly height: number }
  /** More Chromium flags, given the app's scratch directory (`dir`). */
  readonly args?: (dir: string) => readonly string[]
  /** A fresh browser and profile for every test (beforeEach/afterEach) instead of one for them all. */
  readonly perTest?: boolean
  /** Where the page is served when not by global-setup.ts (a diviner-local server of the test's own), asked for once the tests run. */
  readonly baseUrl?: () => string
}

/** The app in a browser of its own: its page, the page objects over it, and what went wrong so far. */
export class App {
  private readonly options: AppOptions
  private browser: Browser | undefined
  private scratch: string | undefined

  constructor(options: AppOptions = {}) {
    this.options = options
  }

  /** Starts the browser on a fresh profile, and seeds what the options say. */
  async start(): Promise<this> {
    if (this.browser) throw new Error('the app is already started')
    await mkdir('test-results', { recursive: true })
    this.scratch = await mkdtemp(join(tmpdir(), 'diviner-e2e-'))
    this.browser = await launch(this.profileDir, { viewport: this.options.viewport, args: this.options.args?.(this.scratch) })
    for (const s of this.options.seed ?? []) await this.seed(s)
    return this
  }

  /** Where the built page is served (global-setup.ts, unless the options say), ending in `/`. */
  get baseUrl(): string {
    return this.options.baseUrl?.() ?? inject('baseUrl')
  }

  private get started(): Browser {
    if (!this.browser) throw new Error('the app is not running: call useApp() in the file (its page exists once the tests run), or await openApp()')
    return this.browser
  }

  /** A scratch directory for the test's own files (dumps to import, downloads, logs); removed on close. */
  get dir(): string {
    if (this.scratch === undefined) throw new Error('the app is not running: call useApp() in the file, or await openApp()')
    return this.scratch
  }

  /** The browser's profile (in `dir`). */
  get profileDir(): string {
    return join(this.dir, 'profile')
  }

  /** The first tab. */
  get page(): Page { return this.started.page }
  get context(): BrowserContext { return this.started.context }
  /** Console errors, uncaught page errors, failed requests and HTTP errors on the app's tabs, in order. */
  get problems(): string[] { return this.started.problems }

  // ---- the page objects, on the first tab ----

  /** The studies list (`#/`). */
  get studies(): StudiesPage { return new StudiesPage(this.page, this.baseUrl) }
  /** A study's screen (`#/study/…`). */
  get study(): StudyScreen { return new StudyScreen(this.page, this.baseUrl) }
  /** A run's screen (`#/run/…`). */
  get run(): RunScreen { return new RunScreen(this.page, this.baseUrl) }
  /** The new-study form (`#/new`). */
  get newStudy(): NewStudyPage { return new NewStudyPage(this.page) }
  /** Import and export as a person does them. */
  get transfer(): Transfer { return new Transfer(this.page) }
  /** The console API, as a power user drives it. */
  get console(): DivinerConsole { return new DivinerConsole(this.page) }
  /** Dumps and live changes through the console API. */
  get dumps(): DumpConsole { return new DumpConsole(this.page) }
  /** What the database holds, and imports to interrupt. */
  get db(): DbState { return new DbState(this.page) }

  /**
   * Puts a study with its runs into the database through the console API
   * (resolving to the runs' seqs), or imports a dump through the worker
   * (resolving to its summary). Opens the studies page first if the tab is blank.
   */
  seed(what: SeedStudy): Promise<number[]>
  seed(what: string | Uint8Array): Promise<ImportSummary>
  seed(what: Seed): Promise<number[] | ImportSummary>
  async seed(what: Seed): Promise<number[] | ImportSummary> {
    if (this.page.url() === 'about:blank') await this.studies.open()
    if (typeof what === 'string') return this.importBytes(await readFile(what), basename(what))
    if (what instanceof Uint8Array) return this.importBytes(what, 'seed.diviner.gz')
    return seedStudy(this.page, what)
  }

  private async importBytes(bytes: Uint8Array, name: string): Promise<ImportSummary> {
    await this.page.waitForFunction(() => globalThis.diviner?.api !== undefined)
    return this.page.evaluate(async ([base64, name]) => {
      const api = globalThis.diviner?.api
      if (!api) throw new Error('globalThis.diviner.api is not set')
      return api.importDump(new File([Uint8Array.from(atob(base64), (c) => c.charCodeAt(0))], name))
    }, [Buffer.from(bytes).toString('base64'), name] as const)
  }

  /** Opens another tab on the same profile, recording its problems with the first tab's. */
  async openTab(): Promise<Page> {
    const page = await this.context.newPage()
    recordProblems(page, this.problems)
    return page
  }

  /** Closes the browser and starts it again on the same profile (a returning visitor), keeping the problems so far. */
  async restart(): Promise<void> {
    const { problems } = this.started
    await this.started.close()
    this.browser = undefined
    this.browser = await launch(this.profileDir, { viewport: this.options.viewport, args: this.options.args?.(this.dir), problems })
  }

  /** Closes the browser (back online first) and removes the profile and scratch directory. */
  async close(): Promise<void> {
    const browser = this.browser
    const scratch = this.scratch
    this.browser = undefined
    this.scratch = undefined
    if (browser) {
      await browser.context.setOffline(false).catch(() => undefined)
      await browser.close()
    }
    if (scratch !== undefined) await rm(scratch, { recursive: true, force: true })
  }
}

/**
 * An app for the tests of this file (or of the `describe` block it is called
 * in): started before them, closed after them (or around each test, with
 * `perTest`). Use it inside the tests and hooks; it runs once they do.
 */
export function useApp(options: AppOptions = {}): App {
  const app = new App(options)
  if (options.perTest) {
    beforeEach(async () => { await app.start() })
    afterEach(async () => { await app.close() })
  } else {
    beforeAll(async () => { await app.start() })
    afterAll(async () => { await app.close() })
  }
  return app
}

/** Starts an app now; the caller closes it. */
export function openApp(options: AppOptions = {}): Promise<App> {
  return new App(options).start()
}
