/**
 * Browser commands for the benchmarks (run in Node, beside Playwright): the peak
 * JS heap of a dedicated worker, read over the Chrome DevTools Protocol, which
 * a worker cannot read of itself.
 */
import type { BrowserCommand } from 'vitest/node'
import '@vitest/browser-playwright'

let sampler: { stop(): Promise<number> } | undefined

/** Starts sampling the used JS heap of the worker whose URL contains `urlPart`, every 25 ms. */
export const startWorkerHeapSampler: BrowserCommand<[urlPart: string]> = async (ctx, urlPart) => {
  const browser = ctx.context.browser()
  if (!browser) throw new Error('no browser to attach to')
  const cdp = await browser.newBrowserCDPSession()
  const { targetInfos } = await cdp.send('Target.getTargets')
  const target = targetInfos.find((t) => t.type === 'worker' && t.url.includes(urlPart))
  if (!target) throw new Error(`no worker with ${urlPart} in its URL (${targetInfos.map((t) => `${t.type} ${t.url}`).join(', ')})`)
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })
  let id = 0
  const waiting = new Map<number, (r: { usedSize: number }) => void>()
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    if (e.sessionId !== sessionId) return
    const msg = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } }
    if (msg.id !== undefined && msg.result) waiting.get(msg.id)?.(msg.result)
  })
  const heap = () => new Promise<{ usedSize: number }>((resolve) => {
    const n = ++id
    waiting.set(n, resolve)
    void cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method: 'Runtime.getHeapUsage' }) })
  })
  let peak = (await heap()).usedSize
  let running = true
  const loop = (async () => {
    while (running) {
      peak = Math.max(peak, (await heap()).usedSize)
      await new Promise((r) => setTimeout(r, 25))
    }
  })()
  sampler = {
    async stop() {
      running = false
      await loop
      await cdp.detach()
      return peak
    },
  }
}

/** Stops the sampler; resolves to the peak used JS heap in bytes. */
export const stopWorkerHeapSampler: BrowserCommand<[]> = async () => {
  const s = sampler
  sampler = undefined
  if (!s) throw new Error('the heap sampler is not running')
  return s.stop()
}

declare module 'vitest/browser' {
  interface BrowserCommands {
    startWorkerHeapSampler: (urlPart: string) => Promise<void>
    stopWorkerHeapSampler: () => Promise<number>
  }
}
