/// <reference types="vite/client" />
/**
 * Installs the service worker (`sw.js`, written by the build; see
 * precache-plugin.ts) that keeps the page working with no network. Its URL is
 * relative to the page, so the site works from any sub-path of a host.
 */

/** Registers the service worker in a built page; the dev server runs without one. */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return
  const url = new URL('sw.js', document.baseURI)
  navigator.serviceWorker.register(url, { type: 'classic' }).catch((e: unknown) => {
    // The page works without it, only not offline: worth a note, not an error banner.
    console.warn(`Offline use is unavailable: the service worker could not be installed (${e instanceof Error ? e.message : String(e)})`)
  })
}
