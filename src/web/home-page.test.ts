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

  it('V13.4.6 names each listed centre with a link to its policy, and nothing about the installation, escaping names', () => {
    const page = homePage({
      centres: [
        { name: 'Demo <script>alert(1)</script>', slug: 'demo', isDemo: true },
        { name: 'Ashbury', slug: 'ashbury', isDemo: false },
      ],
    }).value
    assert.ok(!page.includes('<script>alert'))
    assert.ok(page.includes('Demo &lt;script&gt;'))
    assert.match(
      page,
      /<a class="govuk-link" href="\/centres\/ashbury\/policy">confidentiality policy/,
    )
    assert.match(page, /demo centre/)
    assert.doesNotMatch(page, /SQLite|PostgreSQL|Families|Sessions|\/healthz/)
    assert.match(page, /<html lang="en-GB" class="govuk-template">/)
  })

  it('says nothing about an installation with no listed centre', () => {
    const page = homePage({ centres: [] }).value
    assert.doesNotMatch(page, /haven centre create|demo centre|<h2[^>]*>Centres/)
    assert.match(page, /href="\/sign-in"/)
  })
})
