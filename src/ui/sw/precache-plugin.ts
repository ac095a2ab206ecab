/**
 * A Vite plugin writing the service worker (`sw.js` beside index.html) from
 * the template `src/ui/sw/sw.js`, filled in with every file of the build
 * (bundle output and public files; no source maps) and a version that changes
 * whenever any of their contents does.
 */
import { createHash } from 'node:crypto'
import { readFile, readdir, writeFile } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { Plugin, ResolvedConfig } from 'vite'

/** The file the service worker is written to, relative to the build directory. */
export const SERVICE_WORKER = 'sw.js'

/** Every file under `dir`, as paths relative to it with `/` separators. */
async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join('/'))
}

/** The service worker source: `template` with its precache list and version filled in. */
export function fillTemplate(template: string, files: readonly string[], version: string): string {
  // The list goes in as a JSON string literal (JSON.parse at run time), so no file name can break the script.
  const list = JSON.stringify(JSON.stringify(files)).slice(1, -1).replaceAll("'", "\\'")
  return template.replace("'__VERSION__'", JSON.stringify(version)).replace("'__PRECACHE__'", `'${list}'`)
}

/** Writes `sw.js` into the build directory once the bundle is written. */
export function precache(template: string): Plugin {
  let config: ResolvedConfig
  return {
    name: 'diviner-precache',
    apply: 'build',
    configResolved(resolved) {
      config = resolved
    },
    async writeBundle(output, bundle) {
      if (config.build.ssr) return
      const contents = new Map<string, string | Uint8Array>()
      for (const [file, item] of Object.entries(bundle)) {
        contents.set(file, item.type === 'chunk' ? item.code : item.source)
      }
      if (config.publicDir) {
        for (const file of await walk(config.publicDir)) contents.set(file, await readFile(join(config.publicDir, file)))
      }
      const files = [...contents.keys()].filter((f) => !f.endsWith('.map') && f !== SERVICE_WORKER).sort()
      const hash = createHash('sha256')
      for (const f of files) hash.update(`${f}\0`).update(contents.get(f) ?? '').update('\0')
      const source = fillTemplate(await readFile(template, 'utf8'), files, hash.digest('hex').slice(0, 16))
      await writeFile(join(output.dir ?? config.build.outDir, SERVICE_WORKER), source)
    },
  }
}
