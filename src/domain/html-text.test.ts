import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { escapeText } from './html-text.ts'

/** The plain definition: each of the five characters replaced, everything else kept. */
function reference(text: string): string {
  let out = ''
  for (const c of text)
    out +=
      c === '&'
        ? '&amp;'
        : c === '<'
          ? '&lt;'
          : c === '>'
            ? '&gt;'
            : c === '"'
              ? '&quot;'
              : c === "'"
                ? '&#39;'
                : c
  return out
}

describe('escapeText', () => {
  it('escapes the five characters wherever they are, and nothing else', () => {
    for (const text of [
      '',
      'F-0042',
      '<script>alert("x")</script>',
      "O'Brien & Sons",
      '&amp; stays escaped once more',
      '>>><<<',
      '"\'&<>',
      'Zoë Ångström 李 🙂 <b>',
      'a\u0000b<\n>',
    ])
      assert.equal(escapeText(text), reference(text), JSON.stringify(text))
  })

  it('agrees with the plain definition on random strings of the characters that matter', () => {
    const alphabet = ['&', '<', '>', '"', "'", 'a', ' ', 'é', '🙂', ';', '#']
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648)
    for (let i = 0; i < 2000; i += 1) {
      const length = next() % 12
      let text = ''
      for (let j = 0; j < length; j += 1) text += alphabet[next() % alphabet.length] ?? ''
      assert.equal(escapeText(text), reference(text), JSON.stringify(text))
    }
  })

  it('gives back the same string when there is nothing to escape', () => {
    const text = 'Saturday 14 March, Room 3, F-0042'
    assert.equal(escapeText(text), text)
  })
})
