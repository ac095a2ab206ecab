/**
 * Syncing a journal directory with a bucket from the command line: once, or
 * every few seconds until stopped, telling the person what moved.
 */
import type { JournalDatabase } from '../db/journal/database.js'
import { JournalMarks, JournalPush } from '../db/journal/sync-state.js'
import { syncBucket, syncProblem, type SyncResult } from '../db/sync/bucket-sync.js'
import type { S3Bucket } from '../db/sync/s3.js'

function kb(n: number): string {
  return n < 1e6 ? `${Math.max(1, Math.round(n / 1e3))} KB` : `${(n / 1e6).toFixed(1)} MB`
}

/** One line saying what a sync moved, or undefined when it moved nothing. */
export function describeSync(bucket: S3Bucket, r: SyncResult): string | undefined {
  const parts: string[] = []
  if (r.pushed.objects) parts.push(`pushed ${r.pushed.runs} run${r.pushed.runs === 1 ? '' : 's'} (${kb(r.pushed.bytes)})`)
  if (r.pulled.segments) parts.push(`pulled ${r.pulled.segments} object${r.pulled.segments === 1 ? '' : 's'} (${r.pulled.studies} studies and ${r.pulled.runs} runs added or updated, ${kb(r.pulled.bytes)})`)
  return parts.length ? `${parts.join('; ')} ${r.pushed.objects ? 'to' : 'from'} ${bucket.name}` : undefined
}

/** The problems of a sync that did not stop it: objects that could not be merged, foreign objects. */
export function syncWarnings(r: SyncResult): string[] {
  return [
    ...r.pulled.failed.map((f) => `could not merge ${f.key}: ${f.error.message}; it is tried again at the next sync`),
    ...r.foreign.map((k) => `${k} is not a sync object (not <origin>/<counter>.jsonl.gz); left alone`),
  ]
}

/** Syncs once: push what this directory recorded, pull what others did. */
export function syncOnce(db: JournalDatabase, bucket: S3Bucket, signal?: AbortSignal): Promise<SyncResult> {
  return syncBucket(db, bucket, new JournalPush(db), new JournalMarks(db), signal)
}

/**
 * Syncs every `everyMs` until `signal` aborts (then once more, so the last
 * records leave), reporting each sync that moved something and each failure
 * (a failure does not stop the loop: the next sync repairs it).
 */
export async function syncLoop(db: JournalDatabase, bucket: S3Bucket, everyMs: number, signal: AbortSignal, say: (line: string) => void): Promise<void> {
  let lastProblem = ''
  const once = async () => {
    try {
      const r = await syncOnce(db, bucket)
      const line = describeSync(bucket, r)
      if (line) say(line)
      for (const w of syncWarnings(r)) if (w !== lastProblem) { say(`warning: ${w}`); lastProblem = w }
    } catch (e) {
      const problem = `sync with ${bucket.name} failed: ${syncProblem(e)}; trying again in ${Math.round(everyMs / 1000)}s`
      if (problem !== lastProblem) say(`warning: ${problem}`)
      lastProblem = problem
    }
  }
  while (!signal.aborted) {
    await once()
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, everyMs)
      signal.addEventListener('abort', () => { clearTimeout(t); resolve() }, { once: true })
    })
  }
  await once()
}
