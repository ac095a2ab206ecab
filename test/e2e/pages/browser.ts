/**
 * Headless Debian Chromium with a profile directory of its own, as a first-time
 * visitor (or, reopened on the same directory, a returning one).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

/** A fresh, empty profile directory; remove it with `removeProfile`. */
export function newProfile(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'diviner-e2e-'))
}

export function removeProfile(dir: string): Promise<void> {
  return rm(dir, { recursive: true, force: true })
}

/** Starts Chromium on `profileDir` and opens one page that records its problems. */
export async function launch(profileDir: string): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    args: chromiumArgs,
    headless: true,
    viewport: { width: 1100, height: 700 },
  })
  const page = context.pages()[0] ?? (await context.newPage())
  const problems: string[] = []
  recordProblems(page, problems)
  return { context, page, profileDir, problems, close: () => context.close() }
}

/** Appends what goes wrong on `page` to `problems`: console errors, uncaught errors, failed requests. */
export function recordProblems(page: Page, problems: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console${msg.worker() ? ' (worker)' : ''}: ${msg.text()} ${msg.location().url}`.trimEnd())
  })
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`))
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`))
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`)
  })
}

/** Opens another tab in `browser`'s profile, recording its problems with the first tab's. */
export async function openTab(browser: Browser): Promise<Page> {
  const page = await browser.context.newPage()
  recordProblems(page, browser.problems)
  return page
}
