/**
 * Headless Debian Chromium with a profile directory of its own, as a first-time
 * visitor (or, reopened on the same directory, a returning one).
 */
import { chromium, type BrowserContext, type Page } from 'playwright-core'
import { chromiumArgs, chromiumPath } from '../../chromium.js'

/** A running browser on a profile, with what went wrong on its pages so far. */
export interface Browser {
  readonly context: BrowserContext
  readonly page: Page
  readonly profileDir: string
  /** Console errors, uncaught page errors and failed requests, in order. */
  readonly problems: string[]
  close(): Promise<void>
}

/** How to start the browser; everything has a default. */
export interface LaunchOptions {
  /** Where to record the pages' problems (default: a new list). */
  readonly problems?: string[]
  /** Flags added to `chromiumArgs`. */
  readonly args?: readonly string[]
  /** The window size (default 1100×700). */
  readonly viewport?: { readonly width: number; readonly height: number }
}

/**
 * Starts Chromium on `profileDir` (made if missing) and opens one blank page
 * that records its problems. Tests start it through `useApp` (../fixture.ts).
 */
export async function launch(profileDir: string, options: LaunchOptions = {}): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: [...chromiumArgs, ...(options.args ?? [])],
    headless: true,
    viewport: options.viewport ?? { width: 1100, height: 700 },
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const problems = options.problems ?? []
  recordProblems(page, problems)
  return { context, page, profileDir, problems, close: () => context.close() }
}

/** Appends what goes wrong on `page` to `problems`: console errors, uncaught errors, failed requests. */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console${msg.worker() ? ' (worker)' : ''}: ${msg.text()} ${msg.location().url}`.trimEnd())
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('requestfailed', (r) => {
    const why = r.failure()?.errorText ?? ''
    // A request the browser cancelled because the page went away (a reload or navigation ending the
    // worker that made it) is nobody's failure; a server that fails answers with another error or a status.
    if (why === 'net::ERR_ABORTED') return
    problems.push(`request failed: ${r.url()} ${why}`)
  })
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`)
  })
}
