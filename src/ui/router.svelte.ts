/**
 * Hash routes, so the page works on any static host and a reload restores the
 * same view, filters included:
 *
 *   #/                              the studies list
 *   #/new                           the new-study form
 *   #/sync                          syncing through a bucket
 *   #/study/<name>?tab=runs|leaderboard|plan&…   one study (filters in the query)
 *   #/run/<study>/<seq>             one run (?sort,q,states: the runs table's order, for stepping)
 *   #/compare/<study>?runs=1,2,3    runs side by side (or ?trials=1.2,3.4: trials by their runs' seqs)
 *
 * Names are URI-encoded path segments. Screens keep their filters in the query
 * (`setQuery`), which replaces the history entry rather than adding one.
 */

/** A parsed route. */
export type Route =
  | { readonly name: 'studies' }
  | { readonly name: 'new' }
  | { readonly name: 'sync' }
  | { readonly name: 'study'; readonly study: string }
  | { readonly name: 'run'; readonly study: string; readonly seq: number }
  | { readonly name: 'compare'; readonly study: string }
  | { readonly name: 'missing'; readonly path: string }

/** Parses a location hash (`#/study/mnist?tab=plan`) into a route and its query. */
export function parseHash(hash: string): { route: Route; query: URLSearchParams } {
  const raw = hash.replace(/^#/, '')
  const q = raw.indexOf('?')
  const path = q < 0 ? raw : raw.slice(0, q)
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1))
  const parts = path.split('/').filter((p) => p !== '').map(safeDecode)
  const [head, a, b] = parts
  if (parts.length === 0) return { route: { name: 'studies' }, query }
  if (head === 'new' && parts.length === 1) return { route: { name: 'new' }, query }
  if (head === 'sync' && parts.length === 1) return { route: { name: 'sync' }, query }
  if (head === 'study' && a !== undefined && parts.length === 2) return { route: { name: 'study', study: a }, query }
  if (head === 'compare' && a !== undefined && parts.length === 2) return { route: { name: 'compare', study: a }, query }
  if (head === 'run' && a !== undefined && b !== undefined && parts.length === 3 && /^\d+$/.test(b)) {
    return { route: { name: 'run', study: a, seq: Number(b) }, query }
  }
  return { route: { name: 'missing', path }, query }
}

function safeDecode(s: string): string {
  try { return decodeURIComponent(s) } catch { return s }
}

/** The hash for a route and optional query. */
export function hrefOf(route: Route, query?: URLSearchParams | Record<string, string>): string {
  let path: string
  switch (route.name) {
    case 'studies': path = '/'; break
    case 'new': path = '/new'; break
    case 'sync': path = '/sync'; break
    case 'study': path = `/study/${encodeURIComponent(route.study)}`; break
    case 'run': path = `/run/${encodeURIComponent(route.study)}/${route.seq}`; break
    case 'compare': path = `/compare/${encodeURIComponent(route.study)}`; break
    case 'missing': path = route.path
  }
  const qs = new URLSearchParams(query).toString()
  return `#${path}${qs ? `?${qs}` : ''}`
}

/** The current route and query, following the location hash. */
export class Router {
  route = $state<Route>({ name: 'studies' })
  query = $state<URLSearchParams>(new URLSearchParams())

  constructor() {
    this.read()
    window.addEventListener('hashchange', () => this.read())
  }

  private read(): void {
    const { route, query } = parseHash(location.hash)
    this.route = route
    this.query = query
  }

  /** Goes to a route (a new history entry). */
  go(route: Route, query?: Record<string, string>): void {
    location.hash = hrefOf(route, query)
  }

  /** One query parameter, or `fallback`. */
  param(key: string, fallback = ''): string {
    return this.query.get(key) ?? fallback
  }

  /** Changes query parameters of the current view (empty string or undefined removes one) without a new history entry. */
  setQuery(patch: Record<string, string | undefined>): void {
    const next = new URLSearchParams(this.query)
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined || v === '') next.delete(k)
      else next.set(k, v)
    }
    history.replaceState(history.state, '', hrefOf(this.route, next))
    this.query = next
  }
}
