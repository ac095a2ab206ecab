/**
 * The Chromium (or Chrome) the browser tests drive: one already on this
 * machine, never a browser downloaded by a test tool.
 */
import { accessSync, constants, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { delimiter, join, resolve } from 'node:path'

/** The command names tried on PATH, in this order, after CHROMIUM_PATH. */
export const chromiumCommands: readonly string[] = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable']

/** The executables tried under each Applications folder (macOS), in this order, after PATH. */
export const macAppExecutables: readonly string[] = [
  'Chromium.app/Contents/MacOS/Chromium',
  'Google Chrome.app/Contents/MacOS/Google Chrome',
]

/** The Applications folders macOS keeps browsers in: the system's, then the user's. */
export const macApplicationDirs: readonly string[] = ['/Applications', join(homedir(), 'Applications')]

/** How to get a browser, for messages. */
const HOW_TO_INSTALL =
  'install one (Debian/Ubuntu: sudo apt-get install chromium; macOS: install Google Chrome or Chromium) or set CHROMIUM_PATH to its executable'

/**
 * What looking for a browser found: either the absolute path of an executable
 * file, or (`path` undefined) one line saying why there is none and what to do.
 */
export type ChromiumSearch =
  | { readonly path: string; readonly problem?: undefined }
  | { readonly path?: undefined; readonly problem: string }

/** Where `findChromium` looks; each defaults to this process's own. */
export interface ChromiumPlaces {
  /** Environment variables: CHROMIUM_PATH and PATH are read. */
  readonly env?: Readonly<Record<string, string | undefined>>
  /** Applications folders to look in after PATH (see `macApplicationDirs`). */
  readonly applicationDirs?: readonly string[]
}

/** True when `path` is a regular file (after following links) this process may execute. */
function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Finds a Chromium or Chrome: CHROMIUM_PATH when it is set (and then only it:
 * a CHROMIUM_PATH naming no executable file is reported, naming the path, not
 * passed over); else the first of `chromiumCommands` found on PATH (each name
 * is looked for in every PATH directory before the next name); else the first
 * of `macAppExecutables` under the Applications folders. Any executable file
 * qualifies, Debian's wrapper script /usr/bin/chromium included. Never throws.
 */
export function findChromium(places: ChromiumPlaces = {}): ChromiumSearch {
  const env = places.env ?? process.env
  const configured = env.CHROMIUM_PATH
  if (configured !== undefined && configured !== '') {
    const path = resolve(configured)
    if (isExecutableFile(path)) return { path }
    return {
      problem: `CHROMIUM_PATH is ${configured}, which is not an executable file: point it at a Chromium or Chrome executable, or unset it to look on PATH.`,
    }
  }
  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir !== '')
  for (const name of chromiumCommands) {
    for (const dir of dirs) {
      const path = resolve(dir, name)
      if (isExecutableFile(path)) return { path }
    }
  }
  const appDirs = places.applicationDirs ?? macApplicationDirs
  for (const app of macAppExecutables) {
    for (const dir of appDirs) {
      const path = resolve(dir, app)
      if (isExecutableFile(path)) return { path }
    }
  }
  return {
    problem: `No Chromium or Chrome found (looked for CHROMIUM_PATH, then ${chromiumCommands.join(', ')} on PATH, then Chromium.app and Google Chrome.app in /Applications and ~/Applications): ${HOW_TO_INSTALL}.`,
  }
}

/** What `findChromium` found for this process, once, when this module loaded. */
export const chromium: ChromiumSearch = findChromium()

/**
 * The browser executable the tests drive, or undefined when none was found
 * (`chromium.problem` then says why). vite.config.ts leaves the browser suites
 * out when it is undefined.
 */
export const chromiumPath: string | undefined = chromium.path

/** The browser executable; throws an Error whose message says how to get one when there is none. */
export function requireChromium(): string {
  if (chromium.path === undefined) throw new Error(chromium.problem)
  return chromium.path
}

/** Flags Chromium needs to run headless as root on a machine with no network. */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]
