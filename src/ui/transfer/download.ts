/**
 * Saving a Blob the page made (a dump, a table) as a file in the person's
 * downloads.
 */

/** How long an object URL outlives the click that starts its download. */
const REVOKE_AFTER_MS = 10_000

/**
 * Offers `blob` as a download named `filename`: a temporary `<a download>`
 * pointing at an object URL, clicked, then removed; the URL is revoked once
 * the browser has had time to start reading it.
 */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = filename
  a.rel = 'noopener'
  a.hidden = true
  document.body.append(a)
  try {
    a.click()
  } finally {
    a.remove()
    setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS)
  }
}
