/**
 * The run filter language, as MLflow users know it
 * (`metrics.acc > 0.98 and params.optimizer = 'adam'`), read into a tree:
 *
 *     query      := or
 *     or         := and ('or' and)*
 *     and        := not (['and'] not)*          -- words side by side are anded
 *     not        := 'not' not | '(' or ')' | comparison | text
 *     comparison := field op value | field ['not'] 'in' '(' value (',' value)* ')'
 *                 | field ['not'] ('like' | 'ilike') value
 *     field      := name ('.' name)*  -- metrics.acc, params.lr, tags.x, attributes.state, or a bare name
 *     value      := number | 'text' | "text" | word | true | false
 *     text       := 'text' | "text" | word      -- free text: found in a run's name, status, values, tags or note
 *
 * `op` is one of `=`, `==`, `!=`, `<>`, `<`, `<=`, `>`, `>=`; keywords are
 * case-insensitive; a name with spaces or dots is quoted in backticks
 * (metrics.`val loss`). A query that breaks the grammar is refused with a
 * DivinerError `invalid` (field `filter`) saying where and what was expected.
 */
import { DivinerError } from '../model/errors.js'

/** A comparison operator. */
export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'like' | 'ilike' | 'in'

/** A literal of the language: a number or a text (a bare word is text, unless it reads as a number). */
export type FilterValue = { readonly kind: 'number'; readonly value: number; readonly text: string } | { readonly kind: 'text'; readonly value: string }

/** A parsed query. */
export type FilterNode =
  | { readonly type: 'and' | 'or'; readonly left: FilterNode; readonly right: FilterNode }
  | { readonly type: 'not'; readonly node: FilterNode }
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'compare'; readonly field: readonly string[]; readonly op: FilterOp; readonly values: readonly FilterValue[]; readonly at: number }

interface Token {
  readonly kind: 'word' | 'string' | 'name' | 'op' | '(' | ')' | ','
  readonly text: string
  /** For a backquoted name, its parts: [name] or [prefix, name] (`metrics.\`val loss\``). */
  readonly field?: readonly string[]
  /** 0-based offset in the query. */
  readonly at: number
}

const OPS = ['<=', '>=', '!=', '<>', '==', '=', '<', '>']

/** The query cut into tokens. */
function tokens(query: string): Token[] {
  const out: Token[] = []
  let i = 0
  while (i < query.length) {
    const c = query[i] as string
    if (/\s/.test(c)) { i++; continue }
    if (c === '(' || c === ')' || c === ',') { out.push({ kind: c, text: c, at: i }); i++; continue }
    const op = OPS.find((o) => query.startsWith(o, i))
    if (op) { out.push({ kind: 'op', text: op === '==' ? '=' : op === '<>' ? '!=' : op, at: i }); i += op.length; continue }
    if (c === "'" || c === '"' || c === '`') {
      const { text, end } = quoted(query, i)
      out.push(c === '`' ? { kind: 'name', text, at: i, field: [text] } : { kind: 'string', text, at: i })
      i = end
      continue
    }
    let j = i
    while (j < query.length && !/[\s()=!<>,'"`]/.test(query[j] as string)) j++
    if (j === i) throw bad(query, i, `unexpected ${c}`)
    const word = query.slice(i, j)
    if (word.endsWith('.') && query[j] === '`') {
      // A prefix and a backquoted name: metrics.`val loss`.
      const { text, end } = quoted(query, j)
      out.push({ kind: 'name', text: word + text, at: i, field: [word.slice(0, -1), text] })
      i = end
      continue
    }
    out.push({ kind: 'word', text: word, at: i })
    i = j
  }
  return out
}

/** The text quoted from offset `i` (a doubled quote stands for itself), and the offset after its closing quote. */
function quoted(query: string, i: number): { text: string; end: number } {
  const q = query[i] as string
  let j = i + 1
  let text = ''
  while (j < query.length && !(query[j] === q && query[j + 1] !== q)) {
    text += query[j] as string
    j += query[j] === q ? 2 : 1
  }
  if (j >= query.length) throw bad(query, i, `the ${q === '`' ? 'name' : 'text'} opened here is not closed with ${q}`)
  return { text, end: j + 1 }
}

/** A DivinerError for a query broken at offset `at`. */
function bad(query: string, at: number, what: string): DivinerError {
  return new DivinerError('invalid', `filter: ${what} (at character ${at + 1} of "${query}")`, { field: 'filter', at })
}

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'like', 'ilike'])

function isKeyword(t: Token | undefined, word: string): boolean {
  return t?.kind === 'word' && t.text.toLowerCase() === word
}

/** Reads `query` into a tree; blank is undefined. Throws `invalid` (field `filter`) for a malformed query. */
export function parseFilter(query: string): FilterNode | undefined {
  if (query.trim() === '') return undefined
  const p = new Parser(query, tokens(query))
  const node = p.or()
  if (!p.done()) throw bad(query, p.at(), `unexpected ${p.peek()?.text}`)
  return node
}

class Parser {
  private i = 0
  constructor(private readonly query: string, private readonly toks: readonly Token[]) {}

  done(): boolean { return this.i >= this.toks.length }
  peek(k = 0): Token | undefined { return this.toks[this.i + k] }
  at(): number { return this.peek()?.at ?? this.query.length }

  or(): FilterNode {
    let node = this.and()
    while (isKeyword(this.peek(), 'or')) {
      this.i++
      node = { type: 'or', left: node, right: this.and() }
    }
    return node
  }

  and(): FilterNode {
    let node = this.not()
    for (;;) {
      const t = this.peek()
      if (t === undefined || t.kind === ')' || isKeyword(t, 'or')) return node
      if (isKeyword(t, 'and')) this.i++
      node = { type: 'and', left: node, right: this.not() }
    }
  }

  not(): FilterNode {
    const t = this.peek()
    if (t === undefined) throw bad(this.query, this.query.length, 'the query ends where a condition should follow')
    if (isKeyword(t, 'not')) { this.i++; return { type: 'not', node: this.not() } }
    if (t.kind === '(') {
      this.i++
      const node = this.or()
      if (this.peek()?.kind !== ')') throw bad(this.query, this.at(), 'expected ) to close the ( opened at character ' + (t.at + 1))
      this.i++
      return node
    }
    if (t.kind === 'word' && KEYWORDS.has(t.text.toLowerCase())) throw bad(this.query, t.at, `"${t.text}" needs a condition before it`)
    if (t.kind !== 'word' && t.kind !== 'string' && t.kind !== 'name') throw bad(this.query, t.at, `unexpected ${t.text}`)
    if (this.comparesNext()) return this.comparison()
    this.i++
    if (t.kind === 'name') throw bad(this.query, t.at, `the name \`${t.text}\` needs a comparison after it`)
    return { type: 'text', text: t.text }
  }

  /** True when the tokens ahead are `field op …`, `field [not] in|like|ilike …`. */
  private comparesNext(): boolean {
    const next = this.peek(1)
    if (next?.kind === 'op') return true
    if (isKeyword(next, 'in') || isKeyword(next, 'like') || isKeyword(next, 'ilike')) return true
    const after = this.peek(2)
    return isKeyword(next, 'not') && (isKeyword(after, 'in') || isKeyword(after, 'like') || isKeyword(after, 'ilike'))
  }

  private comparison(): FilterNode {
    const head = this.peek() as Token
    this.i++
    const field = head.field ?? splitName(head.text)
    let negate = false
    if (isKeyword(this.peek(), 'not')) { negate = true; this.i++ }
    const opTok = this.peek() as Token
    this.i++
    const op: FilterOp = opTok.kind === 'op' ? opTok.text as FilterOp : opTok.text.toLowerCase() as FilterOp
    const values = op === 'in' ? this.list() : [this.value(`a value after ${opTok.text}`)]
    const node: FilterNode = { type: 'compare', field, op, values, at: head.at }
    return negate ? { type: 'not', node } : node
  }

  private list(): FilterValue[] {
    if (this.peek()?.kind !== '(') throw bad(this.query, this.at(), 'expected ( and a list of values after in')
    this.i++
    const out = [this.value('a value in the list')]
    while (this.peek()?.kind === ',') { this.i++; out.push(this.value('a value after ,')) }
    if (this.peek()?.kind !== ')') throw bad(this.query, this.at(), 'expected , or ) in the list of values')
    this.i++
    return out
  }

  private value(what: string): FilterValue {
    const t = this.peek()
    if (t === undefined || (t.kind !== 'word' && t.kind !== 'string')) throw bad(this.query, this.at(), `expected ${what}`)
    this.i++
    if (t.kind === 'string') return { kind: 'text', value: t.text }
    const n = numberOf(t.text)
    return n === undefined ? { kind: 'text', value: t.text } : { kind: 'number', value: n, text: t.text }
  }
}

/** `metrics.acc` → ['metrics', 'acc']; a backquoted part keeps its dots (handled by the lexer). */
function splitName(text: string): string[] {
  const dot = text.indexOf('.')
  // Only the first dot separates a prefix: params.a.b names param `a.b`.
  return dot < 0 ? [text] : [text.slice(0, dot), text.slice(dot + 1)]
}

/** The number a word writes (`0.98`, `-1e-3`, `inf`, `nan`), or undefined. */
function numberOf(text: string): number | undefined {
  const t = text.toLowerCase()
  if (t === 'nan') return NaN
  if (t === 'inf' || t === '+inf' || t === 'infinity') return Infinity
  if (t === '-inf' || t === '-infinity') return -Infinity
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined
  return Number(t)
}
