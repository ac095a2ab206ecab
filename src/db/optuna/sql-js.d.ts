/**
 * The part of sql.js (SQLite compiled to WebAssembly) the Optuna SQLite reader
 * uses, and Vite's `?url` imports of a .wasm file.
 */
declare module 'sql.js' {
  /** A value of an SQLite column as sql.js returns it. */
  export type SqlValue = number | string | Uint8Array | null
  /** The rows of one statement's result. */
  export interface QueryExecResult { columns: string[]; values: SqlValue[][] }
  /** A prepared statement. */
  export interface Statement {
    bind(values?: SqlValue[]): boolean
    step(): boolean
    get(): SqlValue[]
    free(): boolean
  }
  /** An open database. */
  export interface Database {
    exec(sql: string): QueryExecResult[]
    prepare(sql: string): Statement
    close(): void
  }
  /** The loaded module. */
  export interface SqlJsStatic { Database: new (data?: Uint8Array) => Database }
  /** How to load the module: where its .wasm file is. */
  export interface SqlJsConfig { locateFile?: (file: string) => string }
  /** Loads the module (once; later calls share it). */
  export default function initSqlJs(config?: SqlJsConfig): Promise<SqlJsStatic>
}

declare module '*.wasm?url' {
  /** The URL the bundler serves the file at. */
  const url: string
  export default url
}
