/**
 * The page's own thread must not carry the storage engine: Dexie (and later
 * fflate) belong to the worker. Fails if an import from the UI pulls them in.
 */
import { describe, expect, inject, test } from 'vitest'
import { mainThreadChunks, workerChunks } from './build-output.js'

/** Strings that survive minification, by library. */
const MARKERS: Record<string, RegExp> = {
  dexie: /Dexie|DatabaseClosedError|dbcore/,
  fflate: /invalid block type|invalid length\/literal|invalid zip data/,
  'fake-indexeddb': /FDBFactory|fake-indexeddb/,
}

describe('build output', () => {
  test('the main-thread JavaScript holds no Dexie, fflate or fake-indexeddb code', async () => {
    const chunks = await mainThreadChunks(inject('distDir'))
    expect(chunks.length).toBeGreaterThan(0)
    for (const { file, code } of chunks) {
      for (const [library, marker] of Object.entries(MARKERS)) {
        expect(marker.test(code), `${file} contains ${library}`).toBe(false)
      }
    }
  })

  test('it is a production build (no Svelte development code)', async () => {
    for (const { file, code } of await mainThreadChunks(inject('distDir'))) {
      expect(code.includes('__svelte_meta'), `${file} is a development build`).toBe(false)
    }
  })

  test("the chunk holding uPlot, and only it, starts with V8's compile hint (its functions compiled while it streams in)", async () => {
    const chunks = await mainThreadChunks(inject('distDir'))
    const hinted = chunks.filter(({ code }) => code.startsWith('//# allFunctionsCalledOnLoad\n')).map(({ file }) => file)
    const uplot = chunks.filter(({ code }) => /u-legend/.test(code) && /u-over/.test(code)).map(({ file }) => file)
    expect(uplot).toHaveLength(1)
    expect(hinted).toEqual(uplot)
  })

  test('the worker chunk does hold Dexie (so the check above can see it)', async () => {
    const chunks = await workerChunks(inject('distDir'))
    expect(chunks.some(({ code }) => MARKERS.dexie?.test(code))).toBe(true)
  })
})
