/**
 * A study's command template (`python train.py --lr={lr} --layers={layers}`):
 * how a run of a study designed in the page is executed. Each `{name}` is
 * replaced by the run's value of that param, shell-quoted; `{{` and `}}` are
 * literal braces.
 */
import { invalid } from './errors.js'
import type { Value, Values } from './values.js'

const PLACEHOLDER = /\{\{|\}\}|\{([^{}]*)\}/g

/** The param names a template uses, in order of first use. Throws `invalid` for an unclosed or empty placeholder. */
export function commandParams(template: string): string[] {
  const names: string[] = []
  let rest = template
  for (const m of template.matchAll(PLACEHOLDER)) {
    if (m[1] === undefined) continue
    const name = m[1].trim()
    if (name === '') throw invalid(`command template: "{}" names no param; write {param} or {{ for a brace`, 'command')
    if (!names.includes(name)) names.push(name)
  }
  rest = template.replace(PLACEHOLDER, '')
  if (/[{}]/.test(rest)) throw invalid('command template: a lone { or } (write {{ or }} for a literal brace)', 'command')
  return names
}

/** A value as it goes into a command line: ints and floats in decimal, strings as they are, lists and dicts as JSON. */
export function commandText(v: Value): string {
  switch (v.kind) {
    case 'int': return v.value.toString()
    case 'float': return String(v.value)
    case 'string': return v.value
    case 'bool': return String(v.value)
    default: return JSON.stringify(plain(v))
  }
}

function plain(v: Value): unknown {
  switch (v.kind) {
    case 'int': return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value.toString()
    case 'list': return v.value.map(plain)
    case 'dict': return Object.fromEntries(Object.entries(v.value).map(([k, x]) => [k, plain(x)]))
    default: return v.value
  }
}

/** `text` quoted for a POSIX shell: as it is when it is safe, else in single quotes. */
export function shellQuote(text: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`
}

/** The command line for `values`: each `{name}` replaced by the shell-quoted value. Throws `invalid` for a param the values lack. */
export function renderCommand(template: string, values: Values): string {
  return template.replace(PLACEHOLDER, (all, name: string | undefined) => {
    if (name === undefined) return all === '{{' ? '{' : '}'
    const v = values[name.trim()]
    if (v === undefined) throw invalid(`command template: {${name}} names no value of this run`, 'command')
    return shellQuote(commandText(v))
  })
}
