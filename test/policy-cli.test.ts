import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { preset } from '../src/domain/policy/presets.ts'
import { runHaven } from './support/processes.ts'

const dir = mkdtempSync(path.join(tmpdir(), 'haven-policy-'))
after(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('haven policy', () => {
  it('lists, shows and renders the presets', async () => {
    const presets = await runHaven(['policy', 'presets'], {})
    assert.equal(presets.stdout.trim().split('\n').length, 5)
    const shown = await runHaven(['policy', 'show', 'birmingham'], {})
    assert.equal(
      (JSON.parse(shown.stdout) as { parameters: { retention: { years: number } } }).parameters
        .retention.years,
      5,
    )
    const md = await runHaven(['policy', 'render', 'preston'], {})
    assert.match(md.stdout, /^# Preston Child Contact Centre: Confidentiality Policy/)
    const html = await runHaven(['policy', 'render', 'chichester', '--format', 'html'], {})
    assert.match(html.stdout, /^<h1>Chichester Child Contact Centre: Confidentiality Policy<\/h1>/)
    const badFormat = await runHaven(['policy', 'render', 'preston', '--format', 'pdf'], {})
    assert.equal(badFormat.code, 2)
  })

  it('checks a file, naming the path of every problem', async () => {
    const good = path.join(dir, 'good.json')
    const own = {
      ...preset('cordomus'),
      id: 'ashbury',
      centreName: 'Ashbury Child Contact Centre',
      version: 2,
    }
    writeFileSync(good, JSON.stringify(own))
    const ok = await runHaven(['policy', 'check', good], {})
    assert.equal(ok.code, 0)
    assert.match(ok.stdout, /valid policy \(ashbury, version 2\)/)
    const bad = path.join(dir, 'bad.json')
    own.parameters.retention.years = 0
    writeFileSync(bad, JSON.stringify({ ...own, version: 'two', colour: 'blue' }))
    const refused = await runHaven(['policy', 'check', bad], {})
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /: version: /)
    assert.match(refused.stderr, /: parameters\.retention\.years: /)
    assert.match(refused.stderr, /colour is not a setting Haven knows/)
    const rendered = await runHaven(['policy', 'render', good], {})
    assert.match(rendered.stdout, /Ashbury Child Contact Centre/)
    const notJson = path.join(dir, 'not.json')
    writeFileSync(notJson, 'retention: 3 years')
    const broken = await runHaven(['policy', 'show', notJson], {})
    assert.equal(broken.code, 1)
    assert.match(broken.stderr, /is not JSON/)
    const missing = await runHaven(['policy', 'show', path.join(dir, 'nowhere.json')], {})
    assert.match(missing.stderr, /cannot read .*ENOENT/)
  })

  it('answers bad requests with a JSON error line and exit 1, and refuses extra arguments', async () => {
    const extra = await runHaven(['policy', 'presets', 'extra'], {})
    assert.equal(extra.code, 2)
    assert.match(extra.stderr, /Unexpected argument 'extra'/)
    const noSource = await runHaven(['policy', 'show'], {})
    assert.equal(noSource.code, 2)
  })
})
