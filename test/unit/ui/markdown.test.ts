/** Notes' Markdown as text-only formatting: blocks and spans, and nothing of a note ever becoming markup. */
import { describe, expect, it } from 'vitest'
import { inline, parseMarkdown } from '../../../src/ui/notes/markdown.js'

describe('a note\'s Markdown', () => {
  it('reads headings, paragraphs, lists, quotes and code', () => {
    expect(parseMarkdown('# Plan\n\nTry **smaller** rates\nfirst.\n\n- one\n- *two*\n1. a\n2. b\n> said\n```\nx = 1\n```')).toEqual([
      { kind: 'h', level: 1, spans: [{ kind: 'text', text: 'Plan' }] },
      { kind: 'p', spans: [{ kind: 'text', text: 'Try ' }, { kind: 'strong', text: 'smaller' }, { kind: 'text', text: ' rates first.' }] },
      { kind: 'ul', items: [[{ kind: 'text', text: 'one' }], [{ kind: 'em', text: 'two' }]] },
      { kind: 'ol', items: [[{ kind: 'text', text: 'a' }], [{ kind: 'text', text: 'b' }]] },
      { kind: 'quote', spans: [{ kind: 'text', text: 'said' }] },
      { kind: 'code', text: 'x = 1' },
    ])
  })

  it('keeps links, images and HTML as the text they are', () => {
    expect(inline('see [the run](javascript:alert) and ![x](y.png)')).toEqual([{ kind: 'text', text: 'see the run and x' }])
    expect(inline('<img src=x onerror=alert(1)> `<b>`')).toEqual([{ kind: 'text', text: '<img src=x onerror=alert(1)> ' }, { kind: 'code', text: '<b>' }])
  })
})
