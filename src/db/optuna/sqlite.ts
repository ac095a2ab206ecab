/**
 * Reading an Optuna RDB storage written to SQLite (`sqlite:///study.db`) as
 * merge records: every study, its trials in number order with params, values,
 * intermediate values and user attributes. SQLite runs as WebAssembly (sql.js),
 * loaded only here. The schema read is the one Optuna 3.x writes (alembic
 * revisions v3.0.0.d and v3.2.0.a; Optuna 4.x still writes v3.2.0.a).
 */
import type { Database, SqlValue } from 'sql.js'
import type { MergeItem } from '../dump/records.js'
import { DivinerError } from '../model/errors.js'
import { parseDistribution, type Distribution } from './distributions.js'
import { BadOptunaField, parseTime, TRIAL_STATE_NAMES } from './fields.js'
import { runItems, trialRun } from './runs.js'
import { optunaStudy, ParamUnion } from './study.js'
import { newTrial, type OptunaTrial } from './trials.js'
import { loadSqlite } from './sql-wasm.js'

/** The alembic revisions of Optuna's RDB schema this page reads. */
export const SUPPORTED_SCHEMAS: readonly string[] = ['v3.0.0.d', 'v3.2.0.a']

/** A bad-dump error for an SQLite file that is damaged or not an Optuna storage. */
function badSqlite(reason: string): DivinerError {
  return new DivinerError('bad-dump', `bad Optuna SQLite file: ${reason}`, { reason })
}

/**
 * Checks SQLite's header against the file's length: a file cut short (a partial
 * download or copy) holds fewer pages than its header counts.
 */
export function checkSqliteHeader(bytes: Uint8Array): void {
  if (bytes.length < 100) throw badSqlite('the file is shorter than an SQLite header; it is truncated')
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const raw = view.getUint16(16)
  const pageSize = raw === 1 ? 65536 : raw
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) throw badSqlite('the header names an invalid page size; the file is damaged')
  const pages = view.getUint32(28)
  if (bytes.length % pageSize !== 0 || (pages > 0 && bytes.length < pages * pageSize)) {
    throw badSqlite(`the file is ${bytes.length} bytes but its header counts ${pages} pages of ${pageSize} bytes; it is truncated or damaged`)
  }
}

function rows(db: Database, sql: string): SqlValue[][] {
  return db.exec(sql)[0]?.values ?? []
}

function text(v: SqlValue | undefined): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v)
}

function number(v: SqlValue | undefined, what: string): number {
  if (typeof v !== 'number') throw badSqlite(`${what} is not a number`)
  return v
}

/** A stored float with its type column: FINITE, INF_POS, INF_NEG or NAN. */
function storedFloat(v: SqlValue | undefined, type: SqlValue | undefined): number {
  switch (type) {
    case 'INF_POS': return Infinity
    case 'INF_NEG': return -Infinity
    case 'NAN': return Number.NaN
    default: return number(v, 'a value')
  }
}

function userAttr(json: string): unknown {
  try {
    return JSON.parse(json.replace(/([:[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"$2"'))
  } catch {
    return json
  }
}

/** The records of every study in an Optuna SQLite storage. Throws bad-dump or unsupported-version (with a clear reason). */
export async function sqliteRecords(bytes: Uint8Array): Promise<MergeItem[]> {
  checkSqliteHeader(bytes)
  const SQL = await loadSqlite()
  let db: Database
  try {
    db = new SQL.Database(bytes)
  } catch (e) {
    throw badSqlite(e instanceof Error ? e.message : String(e))
  }
  try {
    return readDatabase(db)
  } catch (e) {
    if (e instanceof DivinerError) throw e
    if (e instanceof BadOptunaField) throw badSqlite(e.message)
    throw badSqlite(e instanceof Error ? e.message : String(e))
  } finally {
    db.close()
  }
}

function readDatabase(db: Database): MergeItem[] {
  const check = text(rows(db, 'PRAGMA quick_check')[0]?.[0])
  if (check !== 'ok') throw badSqlite(`SQLite finds it damaged (${check.slice(0, 200)})`)
  const tables = new Set(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => text(r[0])))
  for (const t of ['alembic_version', 'studies', 'study_directions', 'trials', 'trial_params', 'trial_values', 'trial_intermediate_values', 'trial_user_attributes']) {
    if (!tables.has(t)) throw badSqlite(`it is an SQLite database but not an Optuna storage (it has no table ${t})`)
  }
  const version = text(rows(db, 'SELECT version_num FROM alembic_version')[0]?.[0])
  if (!SUPPORTED_SCHEMAS.includes(version)) {
    throw new DivinerError('unsupported-version',
      `Optuna storage schema ${JSON.stringify(version)} is not supported (this page reads ${SUPPORTED_SCHEMAS.join(' and ')}, written by Optuna 3.x and 4.x); upgrade it with \`optuna storage upgrade\` or export it to a journal`,
      { version })
  }

  const line = { no: 0, text: '' }
  const out: MergeItem[] = []
  const dists = new Map<string, Distribution>()
  const dist = (json: string) => {
    let d = dists.get(json)
    if (!d) { d = parseDistribution(json); dists.set(json, d) }
    return d
  }
  const directions = new Map<number, ('minimize' | 'maximize')[]>()
  for (const [sid, dir, objective] of rows(db, 'SELECT study_id, direction, objective FROM study_directions ORDER BY study_id, objective')) {
    const list = directions.get(number(sid, 'study_id')) ?? []
    list[number(objective, 'objective')] = dir === 'MAXIMIZE' ? 'maximize' : 'minimize'
    directions.set(number(sid, 'study_id'), list)
  }
  for (const [sidRaw, nameRaw] of rows(db, 'SELECT study_id, study_name FROM studies ORDER BY study_id')) {
    const sid = number(sidRaw, 'study_id')
    const name = text(nameRaw)
    if (name === '') throw badSqlite(`study ${sid} has no name`)
    const dirs = [...(directions.get(sid) ?? ['minimize'])].map((d) => d ?? 'minimize')
    // Trials by id, in number order.
    const trials = new Map<number, OptunaTrial>()
    const order: number[] = []
    for (const [tid, num, state, start, complete] of rows(db, `SELECT trial_id, number, state, datetime_start, datetime_complete FROM trials WHERE study_id = ${sid} ORDER BY number, trial_id`)) {
      const t = newTrial(number(num, 'trial number'), parseTime(start ?? null))
      const code = TRIAL_STATE_NAMES.indexOf(text(state) as (typeof TRIAL_STATE_NAMES)[number])
      if (code < 0) throw badSqlite(`trial ${String(tid)} has an unknown state ${JSON.stringify(text(state)).slice(0, 40)}`)
      t.state = code
      t.complete = parseTime(complete ?? null)
      trials.set(number(tid, 'trial_id'), t)
      order.push(number(tid, 'trial_id'))
    }
    const inStudy = `trial_id IN (SELECT trial_id FROM trials WHERE study_id = ${sid})`
    for (const [tid, pname, pvalue, djson] of rows(db, `SELECT trial_id, param_name, param_value, distribution_json FROM trial_params WHERE ${inStudy} ORDER BY param_id`)) {
      trials.get(number(tid, 'trial_id'))?.params.set(text(pname), { dist: dist(text(djson)), internal: number(pvalue, 'param_value') })
    }
    const values = new Map<number, number[]>()
    for (const [tid, objective, v, type] of rows(db, `SELECT trial_id, objective, value, value_type FROM trial_values WHERE ${inStudy} ORDER BY trial_id, objective`)) {
      const id = number(tid, 'trial_id')
      const list = values.get(id) ?? []
      list[number(objective, 'objective')] = storedFloat(v, type)
      values.set(id, list)
    }
    for (const [id, list] of values) { const t = trials.get(id); if (t) t.values = list }
    for (const [tid, step, v, type] of rows(db, `SELECT trial_id, step, intermediate_value, intermediate_value_type FROM trial_intermediate_values WHERE ${inStudy}`)) {
      trials.get(number(tid, 'trial_id'))?.intermediate.set(number(step, 'step'), storedFloat(v, type))
    }
    for (const [tid, key, json] of rows(db, `SELECT trial_id, key, value_json FROM trial_user_attributes WHERE ${inStudy} ORDER BY trial_user_attribute_id`)) {
      const t = trials.get(number(tid, 'trial_id'))
      if (t) t.userAttrs[text(key)] = userAttr(text(json))
    }
    const first = order.length ? trials.get(order[0] as number) : undefined
    const source = `optuna:${name}@sqlite:${sid}:${first?.start !== undefined ? new Date(first.start).toISOString() : ''}`
    const union = new ParamUnion()
    for (const id of order) union.add(trials.get(id) as OptunaTrial)
    out.push({ line, record: { type: 'foreign-study', study: optunaStudy(name, source, 'sqlite', dirs, union.params, union.notes), created: first?.start ?? 0 } })
    for (const id of order) {
      const { head, metrics } = trialRun(name, source, 'sqlite', id, trials.get(id) as OptunaTrial, dirs)
      runItems(out, head, metrics, line)
    }
  }
  return out
}
