import { SECOND_FACTOR_ROLES } from './second-factor.ts'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { CLAUSE_IDS } from './clauses.ts'
import { renderPolicyHtml, renderPolicyMarkdown } from './render.ts'
import { PRESET_NAMES, preset } from './presets.ts'
import { describeChanges, isReviewOverdue, nextReviewDue } from './review.ts'

const md = Object.fromEntries(
  PRESET_NAMES.map((name) => [name, renderPolicyMarkdown(preset(name))]),
)

describe('the policy as a document (AWARE)', () => {
  it('renders every preset with every clause the policy has', () => {
    for (const name of PRESET_NAMES) {
      const text = md[name] ?? ''
      assert.match(text, /^# .+: Confidentiality Policy\n/)
      assert.ok(text.includes(preset(name).centreName))
      for (const heading of [
        'Keeping family details private',
        'No reports for court',
        'Attendance',
        "A parent's address",
        'When confidentiality must be broken',
        'Assessments',
        'Checks on our workers',
        'Keeping information secure',
        'How long we keep information',
        'Everyone can read this policy',
        'Review',
      ]) {
        assert.ok(text.includes(heading), `${name}: ${heading}`)
      }
    }
  })

  const differences: [string, (text: string) => boolean, string[]][] = [
    ['five years', (t) => t.includes('not been used for five years'), ['birmingham']],
    [
      'three years',
      (t) => t.includes('not been used for three years'),
      ['cordomus', 'st-marys', 'chichester', 'preston'],
    ],
    [
      'the accident book kept',
      (t) => t.includes('the accident book'),
      ['cordomus', 'st-marys', 'chichester', 'birmingham'],
    ],
    ['enhanced checks', (t) => t.includes('at the enhanced level'), ['birmingham']],
    [
      'CAFCASS as a recipient',
      (t) => t.includes('CAFCASS or other agencies for children'),
      ['birmingham'],
    ],
    ['"required by law"', (t) => t.includes('unless the law requires it'), ['chichester']],
    // Consent in Haven is always recorded, naming recipient and purpose: explicit everywhere.
    ['explicit permission', (t) => t.includes("parent's explicit permission"), ['chichester']],
    [
      'the Management Team approves assessments in contact rooms',
      (t) => t.includes('in our contact rooms unless a member of the Management Team'),
      ['birmingham'],
    ],
    ['the criminal records check', (t) => t.includes('Criminal Records Bureau'), ['preston']],
    [
      'volunteers and staff alike bound',
      (t) => t.includes('Our volunteers and staff do not discuss'),
      [...PRESET_NAMES],
    ],
    ['workers sign', (t) => t.includes('Each worker signs each new version'), ['st-marys']],
    [
      'no reports for any family proceedings',
      (t) => t.includes('any family proceedings'),
      [...PRESET_NAMES],
    ],
    [
      'shadowing until the check is clear',
      (t) => t.includes('only shadows a checked worker'),
      ['birmingham'],
    ],
    ['the violent-crime exemption', (t) => t.includes('prevent violent crime'), ['preston']],
    ['children may ask up to 25', (t) => t.includes('up to the age of 25'), ['birmingham']],
    ['a version history', (t) => t.includes('history of every version'), [...PRESET_NAMES]],
  ]
  for (const [what, test, centres] of differences) {
    it(`says ${what} for ${centres.join(', ')} only`, () => {
      for (const name of PRESET_NAMES)
        assert.equal(test(md[name] ?? ''), centres.includes(name), name)
    })
  }

  it('gives an adoption date only where the seed has one (Cordomus: April 2014)', () => {
    for (const name of PRESET_NAMES)
      assert.equal(/adopted \d{4}-\d\d-\d\d/.test(md[name] ?? ''), name === 'cordomus', name)
    assert.match(md.cordomus ?? '', /Version 1, adopted 2014-04-01\./)
    assert.match(md.preston ?? '', /^Version 1\.$/m)
  })

  it("opens St Mary's policy with its own statements", () => {
    for (const name of PRESET_NAMES) {
      const text = md[name] ?? ''
      assert.equal(text.includes('committed to giving a confidential service'), name === 'st-marys')
      assert.equal(text.includes('We have a duty of care'), name === 'st-marys')
    }
  })

  it("states Preston's eight data protection principles in full", () => {
    const text = md.preston ?? ''
    for (const principle of [
      'obtained and processed fairly and lawfully',
      'held for lawful purposes',
      'adequate, relevant and not excessive',
      'accurate and kept up to date',
      'not be kept longer than is necessary',
      'rights of the people it is about',
      'kept secure',
      'outside the European Economic Area unless exemptions are met',
    ])
      assert.ok(text.includes(principle), principle)
    assert.match(text, /\(8\) Data must not be transferred/)
    for (const name of PRESET_NAMES.filter((n) => n !== 'preston'))
      assert.ok(!(md[name] ?? '').includes('obtained and processed fairly'), name)
  })

  it('makes each verb agree with one role or several', () => {
    assert.ok((md['st-marys'] ?? '').includes('Only the coordinator sees the results.'))
    assert.ok((md.cordomus ?? '').includes('Only the coordinator and the Chair see the results.'))
    const policy = preset('cordomus')
    policy.parameters.assessments.approvedBy = ['staff']
    policy.parameters.security.secondFactorRoles = [...SECOND_FACTOR_ROLES, 'volunteer']
    const one = renderPolicyMarkdown(policy)
    assert.ok(one.includes('unless staff have agreed to it beforehand'), one)
    assert.ok(one.includes('and so do volunteers'), one)
    policy.parameters.assessments.approvedBy = ['coordinator', 'management']
    policy.parameters.security.secondFactorRoles = [...SECOND_FACTOR_ROLES, 'parent']
    const other = renderPolicyMarkdown(policy)
    assert.ok(other.includes('and so do parents'), other)
    assert.ok(
      other.includes('unless the coordinator or a member of the Management Team has agreed'),
      other,
    )
    for (const name of PRESET_NAMES)
      assert.doesNotMatch(md[name] ?? '', /Only the coordinator see\b/, name)
  })

  it('names no Chair where the seed names none (St Mary’s, Chichester, Birmingham)', () => {
    for (const name of ['st-marys', 'chichester', 'birmingham'] as const)
      assert.doesNotMatch(md[name] ?? '', /Chair/, name)
    for (const name of ['cordomus', 'preston'] as const) assert.match(md[name] ?? '', /Chair/, name)
  })

  it('renders HTML with an anchor per clause and everything escaped', () => {
    const policy = preset('cordomus')
    policy.centreName = 'Ashbury <script>alert(1)</script> & Co'
    const html = renderPolicyHtml(policy)
    assert.ok(!html.includes('<script>'))
    assert.ok(html.includes('Ashbury &lt;script&gt;'))
    for (const clause of CLAUSE_IDS.filter((c) => c !== 'DPA' && c !== 'SAR'))
      assert.ok(html.includes(`id="clause-${clause.toLowerCase()}"`), clause)
  })
})

describe('review (REVIEW)', () => {
  it('falls due twelve months after the last review, at the month end when need be', () => {
    assert.equal(nextReviewDue('2025-11-21', 12), '2026-11-21')
    assert.equal(nextReviewDue('2024-02-29', 12), '2025-02-28')
    assert.equal(isReviewOverdue('2025-11-21', 12, '2026-11-21'), false)
    assert.equal(isReviewOverdue('2025-11-21', 12, '2026-11-22'), true)
  })

  it('names every parameter in words when it changes', () => {
    const base = preset('birmingham')
    const leaves: string[] = []
    const walk = (value: unknown, path: string): void => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [key, child] of Object.entries(value))
          walk(child, path === '' ? key : `${path}.${key}`)
      } else leaves.push(path)
    }
    walk({ centreName: base.centreName, parameters: base.parameters }, '')
    assert.ok(leaves.length > 20)
    for (const path of leaves) {
      const changed = structuredClone(base) as unknown as Record<string, unknown>
      const keys = path.split('.')
      let target = changed
      for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>
      const last = keys.at(-1) ?? ''
      const value = target[last]
      target[last] = Array.isArray(value)
        ? []
        : typeof value === 'number'
          ? value + 1
          : typeof value === 'boolean'
            ? !value
            : `${String(value)} (changed)`
      const changes = describeChanges(base, changed as unknown as typeof base)
      assert.equal(changes.length, 1, path)
      assert.match(changes[0] ?? '', /^[A-Z][a-z]+ [^:]*: .+ → .+\.$/, path)
      assert.ok(!(changes[0] ?? '').includes(path), `${path} has no words`)
    }
  })

  it('describes the difference between two versions in words', () => {
    const before = preset('cordomus')
    const after = preset('cordomus')
    after.version = 2
    after.parameters.retention.years = 5
    after.parameters.exceptions.recipients = ['childrens_services', 'police', 'cafcass']
    after.parameters.checks.level = 'enhanced'
    assert.deepEqual(describeChanges(before, after), [
      'The level of worker check: standard → enhanced.',
      'Who may receive a safeguarding disclosure: childrens services, police → childrens services, police, cafcass.',
      'Years before unused information is destroyed: 3 → 5.',
    ])
    assert.deepEqual(describeChanges(before, preset('cordomus')), [])
  })
})
