/** The activity filter of the studies list: how recent a study's last activity must be. */

/** A choice of the activity filter. */
export type Activity = 'any' | 'hour' | 'day' | 'week'

/** The activity choices, in the order offered, with their labels and spans. */
export const ACTIVITIES: readonly { readonly value: Activity; readonly label: string; readonly ms: number }[] = [
  { value: 'any', label: 'any time', ms: Infinity },
  { value: 'hour', label: 'last hour', ms: 3_600_000 },
  { value: 'day', label: 'last day', ms: 86_400_000 },
  { value: 'week', label: 'last week', ms: 7 * 86_400_000 },
]

/** True when `s` names an activity choice. */
export function isActivity(s: string): s is Activity {
  return ACTIVITIES.some((a) => a.value === s)
}

/** The earliest last activity `activity` admits, relative to `now`; undefined for any time. */
export function activeSince(activity: Activity, now: number): Date | undefined {
  const span = ACTIVITIES.find((a) => a.value === activity)?.ms ?? Infinity
  return Number.isFinite(span) ? new Date(now - span) : undefined
}
