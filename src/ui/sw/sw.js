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
  event.respondWith(request.mode === 'navigate' ? page(request) : asset(request))
})

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
