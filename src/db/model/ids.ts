/**
 * Identifiers for databases and runs.
 */

/**
 * A random RFC 4122 version-4 UUID. Unlike `crypto.randomUUID` it also works on
 * pages served over plain http from a non-local host (not a secure context).
 */
export function newId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16))
  b[6] = ((b[6] as number) & 0x0f) | 0x40
  b[8] = ((b[8] as number) & 0x3f) | 0x80
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`
}
