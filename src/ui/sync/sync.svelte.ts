/**
 * The Sync panel's state: the remote form (filled from what is saved, the
 * secret never shown), the status kept current while the panel is open, and
 * the actions (save, test, sync now, forget), each saying how it went.
 */
import type { RemoteSettings, SyncStatus } from '../../worker/api.js'
import type { RemoteApi } from '../../worker/client.js'

/** A failure's message, for the panel (the worker's errors are written for people). */
function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}

/** The origin requests to the remote go to (virtual-hosted: the bucket is part of the host). */
export function remoteOrigin(r: Pick<RemoteSettings, 'endpoint' | 'bucket' | 'pathStyle'>): string {
  const url = new URL(r.endpoint)
  return r.pathStyle ? url.origin : `${url.protocol}//${r.bucket}.${url.host}`
}

/** True when the page's security policy (as its service worker set it) lets it connect to `origin`. */
function policyAllows(origin: string): boolean {
  const policy = document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content') ?? ''
  const connect = /connect-src ([^;]*)/.exec(policy)?.[1]?.split(/\s+/) ?? []
  return connect.includes(origin)
}

/** The remote as the form edits it. */
type RemoteForm = { -readonly [K in keyof RemoteSettings]-?: RemoteSettings[K] }

/** The form and status of the Sync panel. */
export class SyncPanel {
  status = $state<SyncStatus | undefined>(undefined)
  form = $state<RemoteForm>({
    endpoint: '', bucket: '', prefix: '', region: 'us-east-1', pathStyle: false, accessKeyId: '', secretAccessKey: '', auto: false, everySeconds: 30,
  })
  /** What the last action said (success or failure), in words. */
  note = $state('')
  noteIsError = $state(false)
  /** How many actions have ended (each leaves a note). */
  actions = $state(0)
  busy = $state(false)

  constructor(private readonly api: RemoteApi) {}

  /** Loads the status and fills the form; keeps the status current until the returned function is called. */
  start(): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined
    let first = true
    const poll = async () => {
      try {
        const status = await this.api.syncStatus()
        this.status = status
        if (first && status.remote) this.form = { ...status.remote, secretAccessKey: '' }
        first = false
      } catch (e) {
        this.say(message(e), true)
      }
      timer = setTimeout(() => void poll(), 1000)
    }
    void poll()
    return () => clearTimeout(timer)
  }

  private say(text: string, error = false): void {
    this.note = text
    this.noteIsError = error
    this.actions++
  }

  private async act(work: () => Promise<string>): Promise<void> {
    this.busy = true
    try {
      this.say(await work())
    } catch (e) {
      this.say(message(e), true)
    } finally {
      this.busy = false
    }
  }

  /** Saves the form as the remote; reloads the page once when its security policy does not yet allow the remote. */
  save(): Promise<void> {
    return this.act(async () => {
      this.status = await this.api.saveRemote({ ...this.form, everySeconds: Number(this.form.everySeconds) })
      this.form.secretAccessKey = ''
      const origin = remoteOrigin(this.form)
      if (!policyAllows(origin)) {
        setTimeout(() => location.reload(), 600)
        return `Saved. The page reloads once so that it may connect to ${origin} (and only there).`
      }
      return 'Saved. The keys stay in this browser only.'
    })
  }

  /** Checks that the saved remote answers. */
  test(): Promise<void> {
    return this.act(async () => { await this.api.testRemote(); return `The bucket ${this.form.bucket} answers with these keys.` })
  }

  /** Syncs now. */
  syncNow(): Promise<void> {
    return this.act(async () => {
      this.status = await this.api.syncNow()
      const last = this.status.last
      return last ? `Synced: pushed ${last.pushedRuns} runs, pulled ${last.pulledRuns} runs of ${last.pulledStudies} studies.` : 'Synced.'
    })
  }

  /** Forgets the remote and its keys. */
  forget(): Promise<void> {
    return this.act(async () => {
      this.status = await this.api.forgetRemote()
      this.form = { ...this.form, accessKeyId: '', secretAccessKey: '', auto: false }
      return 'The remote and its keys are forgotten.'
    })
  }
}
