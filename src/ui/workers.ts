/**
 * The page's workers, started by the first module the page evaluates: the
 * database worker then fetches its code, opens IndexedDB and reads a study
 * named by the address while the rest of the page's code is still being
 * evaluated, instead of after it.
 */

// Loads ICU's locale data off the main thread before the charts' code wants it (see the file).
new Worker(new URL('./shell/intl-warm.ts', import.meta.url), { type: 'module', name: 'intl-warm' })

/** The database worker (src/worker/index.ts), which owns the page's IndexedDB database. */
export const databaseWorker = new Worker(new URL('../worker/index.ts', import.meta.url), { type: 'module', name: 'diviner-db' })
