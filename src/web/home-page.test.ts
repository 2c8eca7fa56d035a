import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { homePage } from './home-page.ts'
import { escapeHtml, html } from './html.ts'

describe('pages', () => {
  it('escapes every interpolated value', () => {
    assert.equal(
      escapeHtml(`<a href="x">'&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    )
    assert.equal(html`<p>${'<b>'}</p>`.value, '<p>&lt;b&gt;</p>')
    assert.equal(html`<p>${html`<b>`}</p>`.value, '<p><b></p>')
  })

  it('shows each centre with its counts and marks the demo, escaping names', () => {
    const page = homePage({
      centres: [
        {
          name: 'Demo <script>alert(1)</script>',
          slug: 'demo',
          isDemo: true,
          families: 24,
          sessions: 224,
        },
        { name: 'Ashbury', slug: 'ashbury', isDemo: false, families: 0, sessions: 0 },
      ],
      version: '9.9.9',
      dialect: 'sqlite',
    }).value
    assert.ok(!page.includes('<script>'))
    assert.ok(page.includes('Demo &lt;script&gt;'))
    assert.match(
      page,
      /<td class="govuk-table__cell">24<\/td>\s*<td class="govuk-table__cell">224<\/td>/,
    )
    assert.match(page, /<a href="\/centres\/ashbury\/policy">Confidentiality policy/)
    assert.match(page, /demo centre/)
    assert.match(page, /Haven 9\.9\.9 on SQLite/)
    assert.match(page, /<html lang="en-GB" class="govuk-template">/)
  })

  it('tells a new installation how to make its first centre', () => {
    const page = homePage({ centres: [], version: '1', dialect: 'postgres' }).value
    assert.match(page, /haven centre create/)
    assert.ok(!page.includes('demo centre'))
    assert.match(page, /on PostgreSQL/)
  })
})
