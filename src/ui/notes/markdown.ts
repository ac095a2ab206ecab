/**
 * Markdown as text-only formatting: a note is read into blocks (paragraphs,
 * headings, lists, quotes, code) of inline spans (text, emphasis, strong,
 * code). Nothing of the note becomes markup: a renderer draws each span as
 * text inside an element of its kind, so links, images and HTML in a note
 * show as the text they are.
 */

/** A run of inline text: plain, emphasised, strong, or code. */
export type Span = { readonly kind: 'text' | 'em' | 'strong' | 'code'; readonly text: string }

/** A block of a note. */
export type Block =
  | { readonly kind: 'p'; readonly spans: Span[] }
  | { readonly kind: 'h'; readonly level: 1 | 2 | 3; readonly spans: Span[] }
  | { readonly kind: 'ul' | 'ol'; readonly items: Span[][] }
  | { readonly kind: 'quote'; readonly spans: Span[] }
  | { readonly kind: 'code'; readonly text: string }

/** The blocks of `text`: blank lines separate paragraphs; `#` headings; `-`, `*` or `1.` list items; `>` quotes; ``` fences code. */
export function parseMarkdown(text: string): Block[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  const out: Block[] = []
  let para: string[] = []
  const flush = () => { if (para.length) { out.push({ kind: 'p', spans: inline(para.join(' ')) }); para = [] } }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string
    if (/^\s*```/.test(line)) {
      flush()
      const code: string[] = []
      for (i++; i < lines.length && !/^\s*```/.test(lines[i] as string); i++) code.push(lines[i] as string)
      out.push({ kind: 'code', text: code.join('\n') })
      continue
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line)
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line)
    const quote = /^\s*>\s?(.*)$/.exec(line)
    if (line.trim() === '') { flush(); continue }
    if (heading) { flush(); out.push({ kind: 'h', level: Math.min(3, (heading[1] as string).length) as 1 | 2 | 3, spans: inline(heading[2] as string) }); continue }
    if (bullet || numbered) {
      flush()
      const kind = bullet ? 'ul' : 'ol'
      const last = out.at(-1)
      const item = inline(((bullet ?? numbered) as RegExpExecArray)[1] as string)
      if (last && last.kind === kind) last.items.push(item)
      else out.push({ kind, items: [item] })
      continue
    }
    if (quote) {
      flush()
      const last = out.at(-1)
      if (last && last.kind === 'quote') last.spans.push({ kind: 'text', text: ' ' }, ...inline(quote[1] as string))
      else out.push({ kind: 'quote', spans: inline(quote[1] as string) })
      continue
    }
    para.push(line.trim())
  }
  flush()
  return out
}

/** The spans of one line: `code`, **strong**, *em* or _em_; a link `[text](url)` is its text. */
export function inline(text: string): Span[] {
  const out: Span[] = []
  const push = (kind: Span['kind'], t: string) => {
    if (t === '') return
    const last = out.at(-1)
    if (kind === 'text' && last?.kind === 'text') out[out.length - 1] = { kind, text: last.text + t }
    else out.push({ kind, text: t })
  }
  const re = /`([^`]+)`|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|!?\[([^\]]*)\]\([^)]*\)/g
  let at = 0
  for (let m = re.exec(text); m; m = re.exec(text)) {
    push('text', text.slice(at, m.index))
    if (m[1] !== undefined) push('code', m[1])
    else if (m[2] !== undefined || m[3] !== undefined) push('strong', (m[2] ?? m[3]) as string)
    else if (m[4] !== undefined || m[5] !== undefined) push('em', (m[4] ?? m[5]) as string)
    else push('text', m[6] as string)
    at = m.index + m[0].length
  }
  push('text', text.slice(at))
  return out
}
