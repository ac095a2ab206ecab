/**
 * The studies list's filters, kept in the page's query so a reload (or a link)
 * shows the same list: `q` (name prefix, or a regular expression when it starts
 * with `/` or `re=1`) and `active` (hour, day or week).
 */
import type { Router } from '../router.svelte.js'
import { activeSince, isActivity, type Activity } from './activity.js'

export { ACTIVITIES, type Activity } from './activity.js'

/** How the name box is read: a prefix, or a pattern (with its compile error, if any). */
export type NameMatch =
  | { readonly kind: 'prefix'; readonly prefix: string }
  | { readonly kind: 'regex'; readonly regex: RegExp }
  | { readonly kind: 'invalid'; readonly error: string }

/** Reads the name box: `/pattern/flags` or regex mode compiles it; otherwise a prefix. */
export function parseNameFilter(text: string, regexMode: boolean): NameMatch {
  if (!regexMode && !text.startsWith('/')) return { kind: 'prefix', prefix: text }
  const slashed = /^\/(.*?)(?:\/([dgimsuvy]*))?$/s.exec(text)
  const [source, flags] = !regexMode && slashed ? [slashed[1] ?? '', slashed[2] ?? ''] : [text, '']
  try {
    return { kind: 'regex', regex: new RegExp(source, flags) }
  } catch (e) {
    // Chromium says "Invalid regular expression: /x/: why"; the box already says it is one.
    return { kind: 'invalid', error: (e instanceof Error ? e.message : String(e)).replace(/^Invalid regular expression: /, '') }
  }
}

/** The filters of the studies list, read from and written to the router's query. */
export class StudyFilter {
  private readonly router: Router

  constructor(router: Router) {
    this.router = router
  }

  /** The text in the name box. */
  get text(): string {
    return this.router.param('q')
  }

  set text(value: string) {
    this.router.setQuery({ q: value })
  }

  /** True when the box always holds a regular expression. */
  get regexMode(): boolean {
    return this.router.param('re') === '1'
  }

  set regexMode(on: boolean) {
    this.router.setQuery({ re: on ? '1' : undefined })
  }

  get activity(): Activity {
    const a = this.router.param('active', 'any')
    return isActivity(a) ? a : 'any'
  }

  set activity(value: Activity) {
    this.router.setQuery({ active: value === 'any' ? undefined : value })
  }

  /** How the name box is read now. */
  readonly name: NameMatch = $derived(parseNameFilter(this.text, this.regexMode))

  /** True when any filter narrows the list. */
  get active(): boolean {
    return this.text !== '' || this.activity !== 'any'
  }

  /** The earliest last activity listed, relative to `now`; undefined for any time. */
  since(now = Date.now()): Date | undefined {
    return activeSince(this.activity, now)
  }

  /** Clears every filter. */
  clear(): void {
    this.router.setQuery({ q: undefined, re: undefined, active: undefined })
  }
}
