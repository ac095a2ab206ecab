/**
 * The page's entry: starts the workers, then loads the app (app.ts). The
 * entry is kept this small so that the database worker is created as soon as
 * the page's first script arrives: it fetches its code, opens IndexedDB and
 * reads a study named by the address while the app's code is still being
 * fetched and evaluated, not after.
 */
import './workers.js'

void import('./app.js')
