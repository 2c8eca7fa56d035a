import { ABILITIES } from './abilities.ts'
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compilePolicy, decide } from './engine.ts'
import { preset } from './presets.ts'
import { policyRequest, type PolicyRequestInput } from './request.ts'
import { describeChanges } from './review.ts'
import { names, type Rule } from './rule.ts'
import { RULES } from './rules.ts'
import { SCENARIOS } from '../../../test/policy/scenarios.ts'

const cordomus = preset('cordomus')
const actor = { roles: ['coordinator' as const] }

describe('engine details', () => {
  const defaults: [PolicyRequestInput, string][] = [
    [{ action: 'read', actor, resource: { type: 'family' } }, 'NDX'],
    [{ action: 'reveal', actor, resource: { type: 'person' }, reason: 'x' }, 'CONTACT'],
    [{ action: 'export', actor, resource: { type: 'family' } }, 'NDX'],
    [
      {
        action: 'disclose',
        actor,
        category: 'other',
        recipient: { kind: 'police' },
        purpose: 'other',
      },
      'NDX',
    ],
    [{ action: 'book_assessment', actor }, 'ASSESS'],
    [
      {
        action: 'assign',
        actor,
        worker: { kind: 'volunteer', checks: [], isAcquaintedWithFamily: false },
        on: '2026-01-01',
      },
      'CHECKS',
    ],
    [
      {
        action: 'dispose',
        actor,
        record: { category: 'family_record', lastUsedOn: '2020-01-01' },
        today: '2026-01-01',
      },
      'RETAIN',
    ],
    [{ action: 'subject_access', actor, item: 'own_data' }, 'SAR'],
    [{ action: 'ask_guidance', actor }, 'GUIDE'],
    [{ action: 'rectify', actor, resource: { type: 'family' } }, 'DPA'],
    [{ action: 'publish_policy', actor }, 'REVIEW'],
    [{ action: 'record_review', actor }, 'REVIEW'],
    [{ action: 'acknowledge_policy', actor }, 'AWARE'],
  ]
  for (const [input, clause] of defaults) {
    it(`denies ${input.action} by default under ${clause} when no rule applies`, () => {
      const decision = decide(compilePolicy(cordomus, []), policyRequest.parse(input))
      assert.deepEqual([decision.effect, decision.clauses], ['deny', [clause]])
      assert.ok(
        decision.effect === 'deny' &&
          decision.reasons[0] === 'no clause of the policy permits this',
      )
    })
  }

  const rule = (
    clause: Rule['clause'],
    effect: Rule['effect'],
    extra: Partial<Rule> = {},
  ): Rule => ({ clause, action: 'read', effect, says: '', evaluate: () => ({}), ...extra })
  const read = policyRequest.parse({ action: 'read', actor, resource: { type: 'family' } })

  it('reports every failing clause, once each, and every error', () => {
    const boom =
      (message: string): Rule['evaluate'] =>
      () => {
        throw new Error(message)
      }
    const decision = decide(
      compilePolicy(cordomus, [
        rule('NDX', 'permit', { evaluate: boom('one') }),
        rule('NDX', 'forbid', { evaluate: boom('two') }),
        rule('SECURE', 'permit', {
          evaluate: () => {
            // A rule that throws something other than an Error still denies.
            // eslint-disable-next-line @typescript-eslint/only-throw-error
            throw 'not an error'
          },
        }),
      ]),
      read,
    )
    assert.deepEqual(decision, {
      effect: 'deny',
      clauses: ['NDX', 'SECURE'],
      reasons: ['a clause could not be evaluated'],
      errors: ['NDX: one', 'NDX: two', 'SECURE: error'],
      policy: decision.policy,
    })
  })

  it('gives every forbid its reason, or its clause when it has none', () => {
    const decision = decide(
      compilePolicy(cordomus, [
        rule('NDX', 'forbid', { evaluate: () => ({ reason: 'first' }) }),
        rule('CONTACT', 'forbid', { evaluate: () => ({}) }),
        rule('CONTACT', 'forbid', { evaluate: () => ({ reason: 'third' }) }),
      ]),
      read,
    )
    assert.deepEqual(decision, {
      effect: 'deny',
      clauses: ['NDX', 'CONTACT'],
      reasons: ['first', 'CONTACT', 'third'],
      errors: [],
      policy: decision.policy,
    })
  })

  it('keeps a field hidden only when every permitting rule hides it, and sorts what it hides', () => {
    const hide = (...fields: string[]): Partial<Rule> => ({ redact: () => fields })
    const three = decide(
      compilePolicy(cordomus, [
        rule('NDX', 'permit', hide('notes', 'court_order', 'history')),
        rule('SAR', 'permit', hide('history', 'notes')),
        rule('ATTEND', 'permit', hide('notes', 'history', 'children')),
      ]),
      read,
    )
    assert.ok(three.effect === 'permit')
    assert.deepEqual(three.redact, ['history', 'notes'])
    assert.deepEqual(three.clauses, ['NDX', 'SAR', 'ATTEND'])
    const one = decide(
      compilePolicy(cordomus, [rule('NDX', 'permit', hide('notes', 'court_order', 'children'))]),
      read,
    )
    assert.ok(one.effect === 'permit')
    assert.deepEqual(one.redact, ['children', 'court_order', 'notes'])
    const none = decide(compilePolicy(cordomus, [rule('NDX', 'permit')]), read)
    assert.ok(none.effect === 'permit')
    assert.deepEqual([none.redact, none.obligations], [[], []])
  })

  it('merges obligations without repeating one', () => {
    const oblige = (...kinds: ('audit' | 'record_reason')[]): Partial<Rule> => ({
      obligations: () => kinds.map((kind) => ({ kind })),
    })
    const decision = decide(
      compilePolicy(cordomus, [
        rule('NDX', 'permit', oblige('audit', 'record_reason')),
        rule('SAR', 'permit', oblige('audit')),
      ]),
      read,
    )
    assert.ok(decision.effect === 'permit')
    assert.deepEqual(decision.obligations, [{ kind: 'audit' }, { kind: 'record_reason' }])
  })

  it('names roles in plain words', () => {
    assert.equal(names([]), '')
    assert.equal(names(['coordinator']), 'the coordinator')
    assert.equal(
      names(['coordinator', 'chair']),
      'the coordinator or the Chair of the Management Committee',
    )
    assert.equal(
      names(['coordinator', 'staff', 'management']),
      'the coordinator, staff or a member of the Management Team',
    )
    assert.equal(names(['someone_new']), 'someone new')
  })
})

describe('version differences in words', () => {
  it('shows lists, flags, numbers, absent values and text as words', () => {
    const before = preset('birmingham')
    const after = preset('birmingham')
    after.parameters.retention.keptIndefinitely = []
    after.parameters.awareness.workersSign = true
    after.parameters.checks.renewalMonths = 24
    delete after.parameters.subjectAccess.childrenMayAskUntilAge
    after.centreName = 'Birmingham Contact Centre'
    assert.deepEqual(describeChanges(before, after), [
      "The centre's name: Birmingham Child Contact Centre → Birmingham Contact Centre.",
      'Workers signing the policy: no → yes.',
      'Months between check renewals: 36 → 24.',
      'What is kept indefinitely: accident book, referral, safeguarding, child protection → none.',
      'The age up to which children may ask: 25 → nothing.',
    ])
  })
})

describe('rules made for one action', () => {
  it('answer nothing, oblige nothing and redact nothing for any other action', () => {
    const parameters = cordomus.parameters
    const oneOfEach = new Map(
      SCENARIOS.map(([, input]) => {
        const request = policyRequest.parse(input)
        return [request.action, request] as const
      }),
    )
    // Thirteen actions about records, and one per ability (abilities.ts).
    assert.equal(
      oneOfEach.size,
      13 + ABILITIES.length,
      'the scenarios hold a request of every action',
    )
    let checked = 0
    for (const rule of RULES) {
      for (const [action, request] of oneOfEach) {
        if (action === rule.action) continue
        // The engine's index never does this; the rule must still not answer.
        assert.equal(rule.evaluate(request, parameters), undefined, `${rule.clause} on ${action}`)
        assert.deepEqual(rule.obligations?.(request, parameters) ?? [], [])
        assert.deepEqual(rule.redact?.(request, parameters) ?? [], [])
        checked += 1
      }
    }
    assert.ok(checked > RULES.length * 10)
  })
})

describe('what each rule says', () => {
  it('is the reviewed text of docs/POLICY.md, rule by rule', (t) => {
    // Each rule's words are shown to centres in docs/POLICY.md: a change is deliberate.
    t.assert.snapshot(
      RULES.map((rule) => ({
        clause: rule.clause,
        action: rule.action,
        effect: rule.effect,
        resources: rule.resources ?? '*',
        says: rule.says,
      })),
    )
  })
})
