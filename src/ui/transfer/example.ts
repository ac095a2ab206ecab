/**
 * The example study shipped with the page (written by `npm run example`).
 */

/** Where the example dump is, relative to the page, so it works from any sub-path. */
export const EXAMPLE_PATH = 'examples/mnist.diviner.gz'

/** Fetches the example dump; rejects with a readable message when it cannot be had. */
export async function fetchExample(signal?: AbortSignal): Promise<Blob> {
  const url = new URL(EXAMPLE_PATH, document.baseURI)
  const response = await fetch(url, { signal })
  if (!response.ok) throw new Error(`the example dump could not be fetched from ${url.pathname}: HTTP ${response.status}`)
  return response.blob()
}
