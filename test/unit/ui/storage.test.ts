/**
 * Data that stays: the page asks the browser to keep its data once there is
 * some, and says so when it is not kept and no copy was made for a week.
 */
import { describe, expect, it } from 'vitest'
import { COPY_EVERY_MS, StorageGuard, type KeyValue, type StorageLike } from '../../../src/ui/shell/storage.svelte.js'

/** A browser's storage that grants persistence when `grant`, counting the asks. */
function fakeStorage(grant: boolean) {
  const s = { kept: false, asks: 0, usage: 12_345, quota: 1e9 }
  const storage: StorageLike = {
    persisted: async () => s.kept,
    persist: async () => { s.asks++; s.kept = grant; return grant },
    estimate: async () => ({ usage: s.usage, quota: s.quota }),
  }
  return { s, storage }
}

function memory(): KeyValue {
  const m = new Map<string, string>()
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => { m.set(k, v) } }
}

describe('the storage guard', () => {
  it('asks the browser to keep the data at the first import or study, once', async () => {
    const { s, storage } = fakeStorage(true)
    const g = new StorageGuard('t', storage, memory(), () => 1000)
    await g.refresh()
    expect([g.persisted, g.usage, g.quota]).toEqual([false, 12_345, 1e9])
    await g.keep()
    await g.keep()
    expect(s.asks).toBe(1)
    expect(g.persisted).toBe(true)
    expect(g.stale).toBe(false)
  })

  it('says so when the data is not kept and no copy was made for a week; an export or a sync ends it', async () => {
    let now = 0
    const kv = memory()
    const { storage } = fakeStorage(false)
    const g = new StorageGuard('t', storage, kv, () => now)
    await g.keep()
    expect(g.stale).toBe(false)
    now = COPY_EVERY_MS + 1
    await g.refresh()
    expect(g.stale).toBe(true)
    expect(g.daysWithoutCopy).toBe(7)
    // Remembered across visits.
    const again = new StorageGuard('t', storage, kv, () => now)
    await again.refresh()
    expect(again.stale).toBe(true)
    again.copied(now)
    expect(again.stale).toBe(false)
    expect(new StorageGuard('t', storage, kv, () => now).lastCopy).toBe(now)
  })
})
