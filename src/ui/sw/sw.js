/**
 * The service worker of Diviner Local: keeps the built page (index.html, its
 * scripts and styles, the database worker, the example dump) in a cache when
 * installed, so the page loads and works with no network at all.
 *
 * This is a template: the build (src/ui/sw/precache-plugin.ts) writes it to
 * `sw.js` beside index.html, with PRECACHE set to the build's files and
 * VERSION to a hash of their contents, so every new build installs afresh.
 *
 * - The page itself (navigations): the network first, so an online reload gets
 *   the newest page; the cached copy when the network is gone.
 * - Everything else of this origin: the cache first (built assets carry content
 *   hashes in their names), else the network.
 * - The page's Content-Security-Policy allows connections to this origin only;
 *   once a sync remote is set (docs/sync.md), the policy of the page and of its
 *   database worker also allows that remote's origin, and no other.
 */
const VERSION = '__VERSION__'
/** @type {string[]} Paths relative to this script. */
const PRECACHE = JSON.parse('__PRECACHE__')
const PREFIX = 'diviner-local-'
const CACHE = `${PREFIX}${VERSION}`
const scope = new URL('./', self.location.href)
const INDEX = new URL('index.html', scope).href

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE)
    // Bypass the HTTP cache: the copies kept must be the ones this build made.
    await cache.addAll(PRECACHE.map((path) => new Request(new URL(path, scope), { cache: 'reload' })))
    await self.skipWaiting()
  })())
})

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) {
      if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key)
    }
    await self.clients.claim()
  })())
})

self.addEventListener('fetch', (event) => {
  const request = event.request
  if (request.method !== 'GET' || new URL(request.url).origin !== self.location.origin) return
  if (request.mode === 'navigate') event.respondWith(page(request).then(allowRemote))
  else if (request.destination === 'worker') event.respondWith(asset(request).then(allowRemote))
  else event.respondWith(asset(request))
})

/** The origin requests to the sync remote go to (as the worker saved it), or undefined. */
async function remoteOrigin() {
  try {
    const db = await new Promise((resolve, reject) => {
      const open = indexedDB.open('diviner')
      // No database yet: do not create one (the page's worker makes it, with its schema).
      open.onupgradeneeded = () => open.transaction?.abort()
      open.onsuccess = () => resolve(open.result)
      open.onerror = () => reject(open.error)
    })
    try {
      if (!db.objectStoreNames.contains('remotes')) return undefined
      const remote = await new Promise((resolve, reject) => {
        const get = db.transaction('remotes').objectStore('remotes').get('remote')
        get.onsuccess = () => resolve(get.result)
        get.onerror = () => reject(get.error)
      })
      if (!remote) return undefined
      const url = new URL(remote.endpoint)
      return remote.pathStyle ? url.origin : `${url.protocol}//${remote.bucket}.${url.host}`
    } finally {
      db.close()
    }
  } catch {
    return undefined
  }
}

/** `policy` with `origin` added to its connect-src. */
function widen(policy, origin) {
  return policy.replace(/connect-src ([^;"]*)/, (_, list) => `connect-src ${list.trim()} ${origin}`)
}

/** The response with its security policy (header, and the page's meta tag) allowing the sync remote's origin. */
async function allowRemote(response) {
  const origin = await remoteOrigin()
  if (!origin || !/^https?:\/\/[A-Za-z0-9.:[\]-]+$/.test(origin)) return response
  const headers = new Headers(response.headers)
  const policy = headers.get('Content-Security-Policy')
  if (policy) headers.set('Content-Security-Policy', widen(policy, origin))
  const type = headers.get('Content-Type') ?? ''
  if (!type.includes('text/html')) return new Response(response.body, { status: response.status, statusText: response.statusText, headers })
  const html = (await response.text()).replace(/(<meta http-equiv="Content-Security-Policy" content=")([^"]*)"/, (_, head, p) => `${head}${widen(p, origin)}"`)
  headers.delete('Content-Length')
  return new Response(html, { status: response.status, statusText: response.statusText, headers })
}

/** The page from the network, or the cached one when offline. */
async function page(request) {
  try {
    return await fetch(request)
  } catch (e) {
    const cached = await caches.match(INDEX, { cacheName: CACHE })
    if (cached) return cached
    throw e
  }
}

/** A file from the cache, else from the network. */
async function asset(request) {
  const cached = await caches.match(request, { cacheName: CACHE })
  return cached ?? fetch(request)
}
