/**
 * test/chromium.ts: which browser the tests find, in which order, and what
 * they say when there is none. Every case looks only in its own temporary
 * directories, never at the machine's own browsers.
 */
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { findChromium } from '../../chromium.js'

let root: string

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'diviner-chromium-'))
})

afterEach(async () => {
  await rm(root, { recursive: true, force: true })
})

/** Writes a file at `path` under `root` (a shell script, like Debian's /usr/bin/chromium), executable unless told. */
async function file(path: string, executable = true): Promise<string> {
  const full = join(root, path)
  await mkdir(dirname(full), { recursive: true })
  await writeFile(full, '#!/bin/sh\nexit 0\n')
  await chmod(full, executable ? 0o755 : 0o644)
  return full
}

/** A PATH of these directories under `root`. */
function pathOf(...dirs: string[]): string {
  return dirs.map((dir) => join(root, dir)).join(delimiter)
}

/** Looks with `env` and no Applications folder but the ones given. */
function find(env: Record<string, string | undefined>, applicationDirs: string[] = []) {
  return findChromium({ env, applicationDirs })
}

describe('findChromium', () => {
  test('finds chromium-browser in a PATH directory', async () => {
    const browser = await file('bin/chromium-browser')
    expect(find({ PATH: pathOf('empty', 'bin') })).toEqual({ path: browser })
  })

  test('tries chromium, chromium-browser, google-chrome, google-chrome-stable in that order, each across all of PATH', async () => {
    await file('a/google-chrome-stable')
    await file('a/google-chrome')
    const chromium = await file('b/chromium')
    await file('a/chromium-browser')
    const env = { PATH: pathOf('a', 'b') }
    expect(find(env)).toEqual({ path: chromium })
    await rm(chromium)
    expect(find(env)).toEqual({ path: join(root, 'a/chromium-browser') })
    await rm(join(root, 'a/chromium-browser'))
    expect(find(env)).toEqual({ path: join(root, 'a/google-chrome') })
    await rm(join(root, 'a/google-chrome'))
    expect(find(env)).toEqual({ path: join(root, 'a/google-chrome-stable') })
  })

  test('passes over files it may not execute, and directories', async () => {
    await file('a/chromium', false)
    await mkdir(join(root, 'a/chromium-browser'))
    const chrome = await file('b/google-chrome')
    expect(find({ PATH: pathOf('a', 'b') })).toEqual({ path: chrome })
  })

  test('CHROMIUM_PATH comes first', async () => {
    await file('bin/chromium')
    const mine = await file('elsewhere/my-chrome')
    expect(find({ PATH: pathOf('bin'), CHROMIUM_PATH: mine })).toEqual({ path: mine })
  })

  test('an empty CHROMIUM_PATH counts as unset', async () => {
    const browser = await file('bin/chromium')
    expect(find({ PATH: pathOf('bin'), CHROMIUM_PATH: '' })).toEqual({ path: browser })
  })

  test('a CHROMIUM_PATH naming no executable is reported, by name, and never passed over', async () => {
    await file('bin/chromium')
    const missing = join(root, 'no/such/chromium')
    const search = find({ PATH: pathOf('bin'), CHROMIUM_PATH: missing })
    expect(search.path).toBeUndefined()
    expect(search.problem).toContain(missing)
    expect(search.problem).toContain('CHROMIUM_PATH')
    const notExecutable = await file('readme.txt', false)
    expect(find({ PATH: pathOf('bin'), CHROMIUM_PATH: notExecutable }).problem).toContain(notExecutable)
  })

  test('after PATH, the macOS applications: Chromium, then Google Chrome, the system folder before the user one', async () => {
    const apps = [join(root, 'Applications'), join(root, 'home/Applications')]
    const env = { PATH: pathOf('bin') }
    const userChrome = await file('home/Applications/Google Chrome.app/Contents/MacOS/Google Chrome')
    expect(find(env, apps)).toEqual({ path: userChrome })
    const systemChrome = await file('Applications/Google Chrome.app/Contents/MacOS/Google Chrome')
    expect(find(env, apps)).toEqual({ path: systemChrome })
    const userChromium = await file('home/Applications/Chromium.app/Contents/MacOS/Chromium')
    expect(find(env, apps)).toEqual({ path: userChromium })
    const onPath = await file('bin/google-chrome')
    expect(find(env, apps)).toEqual({ path: onPath })
  })

  test('with no browser anywhere, says how to install one, in one line', async () => {
    await file('bin/firefox')
    for (const env of [{}, { PATH: '' }, { PATH: pathOf('bin', 'missing') }]) {
      const search = find(env, [join(root, 'Applications')])
      expect(search.path).toBeUndefined()
      expect(search.problem).toContain('sudo apt-get install chromium')
      expect(search.problem).toContain('Google Chrome')
      expect(search.problem).toContain('CHROMIUM_PATH')
      expect(search.problem).not.toContain('\n')
    }
  })
})
