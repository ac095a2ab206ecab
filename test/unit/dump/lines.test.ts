import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { gzipSync } from 'fflate'
import { readLines } from '../../../src/db/dump/lines.js'

/** The bytes as a stream cut at the given offsets. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): ReadableStream<Uint8Array> {
  const at = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const pieces: Uint8Array[] = []
  let from = 0
  for (const c of [...at, bytes.length]) { pieces.push(bytes.subarray(from, c)); from = c }
  return new ReadableStream({ start(c) { for (const p of pieces) if (p.length) c.enqueue(p); c.close() } })
}

async function lines(stream: ReadableStream<Uint8Array>, gzip: boolean): Promise<string[]> {
  const out: string[] = []
  for await (const batch of readLines(stream, gzip, () => undefined)) for (const l of batch) out.push(l.text)
  return out
}

describe('readLines', () => {
  it('gives back every line whole wherever the bytes are cut, multi-byte characters included', async () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 20 }).map((s) => s.replace(/[\r\n]/g, ''))
    await fc.assert(fc.asyncProperty(fc.array(text, { minLength: 1, maxLength: 12 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), async (texts, cuts, gzip) => {
      const raw = new TextEncoder().encode(texts.join('\n') + '\n')
      const bytes = gzip ? gzipSync(raw) : raw
      expect(await lines(chunked(bytes, cuts), gzip)).toEqual(texts)
    }), { numRuns: 300 })
  })

  it('blames invalid UTF-8 on the line that holds it, also when its bytes are cut', async () => {
    const good = new TextEncoder().encode('first ü\nsecond é\n')
    const bad = new Uint8Array([...good, 0x74, 0xc3, 0x0a, ...new TextEncoder().encode('fourth\n')])
    for (const cut of [0, 7, 8, 19, 20, 21]) {
      await expect(lines(chunked(bad, [cut]), false)).rejects.toMatchObject({ code: 'bad-dump', details: { line: 3 } })
    }
  })
})
