/**
 * Following the journal of a diviner-local server, when the page was opened
 * from one: `diviner-local serve` marks its index.html with
 * `<meta name="diviner-journal" content="journal/">`; the page then asks its
 * worker to pull that journal, and shows how it goes.
 */
import type { FollowStatus } from '../../worker/api.js'
import type { RemoteApi } from '../../worker/client.js'

/** The journal URL the page was served with, or undefined (a plain static page). */
export function servedJournal(doc: Document = document): string | undefined {
  const meta = doc.querySelector('meta[name="diviner-journal"]')
  const content = meta?.getAttribute('content')
  return content ? new URL(content, doc.baseURI).href : undefined
}

/** The follow's status, kept current while the page shows it. */
export class JournalFollow {
  status = $state<FollowStatus | undefined>(undefined)

  constructor(private readonly api: RemoteApi, private readonly url: string | undefined) {}

  /** Starts following (when the page was served with a journal) and keeps the status current; returns a stop function. */
  start(): () => void {
    if (!this.url) return () => undefined
    const url = this.url
    let timer: ReturnType<typeof setTimeout> | undefined
    let stopped = false
    const poll = async () => {
      try {
        this.status = await this.api.followJournal(url).then(() => this.api.followStatus())
      } catch {
        // The worker reports its own failures; the status stays as it was.
      }
      if (!stopped) timer = setTimeout(() => void poll(), 1000)
    }
    void poll()
    return () => { stopped = true; clearTimeout(timer) }
  }
}
