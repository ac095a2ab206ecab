import { chromium } from 'playwright-core'
const args = ['--headless','--no-sandbox','--disable-gpu','--disable-dev-shm-usage','--no-first-run']
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args })
const ctx = await browser.newContext({ viewport: { width: 1600, height: 1000 } })
const page = await ctx.newPage()
await page.goto('http://127.0.0.1:4399/')
await page.getByRole('heading', { name: 'Studies' }).waitFor()
await page.evaluate(() => { const i = document.createElement('input'); i.type = 'file'; i.id = 'mine'; document.body.append(i) })
await page.locator('#mine').setInputFiles(process.argv[2])
const cdp = await browser.newBrowserCDPSession()
const { targetInfos } = await cdp.send('Target.getTargets')
const target = targetInfos.find((t) => t.type === 'worker')
const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: target.targetId, flatten: false })
let id = 0; const waiting = new Map()
cdp.on('Target.receivedMessageFromTarget', (e) => { const m = JSON.parse(e.message); if (m.id && waiting.has(m.id)) waiting.get(m.id)(m.result) })
const send = (method, params = {}) => new Promise((res) => { const n = ++id; waiting.set(n, res); cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: n, method, params }) }) })
await send('Profiler.enable'); await send('Profiler.setSamplingInterval', { interval: 500 }); await send('Profiler.start')
const r = await page.evaluate(async () => {
  const f = document.querySelector('#mine').files[0]
  const t = performance.now()
  const s = await globalThis.diviner.api.importDump(f)
  return [performance.now() - t, s.runs]
})
console.log('api import', JSON.stringify(r))
const { profile } = await send('Profiler.stop')
const self = new Map(); const byId = new Map(profile.nodes.map(n => [n.id, n]))
profile.samples.forEach((sid, i) => { const n = byId.get(sid); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`; self.set(k, (self.get(k) || 0) + (profile.timeDeltas[i] || 0) / 1000) })
console.log([...self].sort((a, b) => b[1] - a[1]).slice(0, 16).map(([k, v]) => `${v.toFixed(0).padStart(7)} ms ${k}`).join('\n'))
await browser.close()
