/** How the page writes times and failures. */

/** A time as `2024-05-01 14:03` in the reader's time zone. */
export function formatTime(t: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${pad(t.getHours())}:${pad(t.getMinutes())}`
}

/** The message of any thrown value, for showing to a person. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
