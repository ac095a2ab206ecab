/**
 * Loads SQLite (sql.js, WebAssembly). Imported dynamically, only when an
 * Optuna SQLite file is imported, so the page's first load never fetches it.
 * In a browser the .wasm file is a Vite asset served from the page's own origin
 * (and precached by the service worker); under Node sql.js reads its own.
 */
import initSqlJs, { type SqlJsStatic } from 'sql.js'
import wasmUrl from 'sql.js/dist/sql-wasm-browser.wasm?url'

let loading: Promise<SqlJsStatic> | undefined

/** The sql.js module, loaded on first use. */
export function loadSqlite(): Promise<SqlJsStatic> {
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node
  loading ??= initSqlJs(node ? undefined : { locateFile: () => new URL(wasmUrl, import.meta.url).href })
  return loading
}
