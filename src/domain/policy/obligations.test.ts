import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { compilePolicy, decide } from './engine.ts'
import { preset, PRESET_NAMES, type PresetName } from './presets.ts'
import { policyRequest, type PolicyRequestInput } from './request.ts'
import { RULES } from './rules.ts'
import { EXCEPTION_NEEDS_CONCERN, EXCEPTION_NEEDS_REASON } from './disclosure-rules.ts'
import type { Decision } from './decision.ts'

function run(name: PresetName, input: PolicyRequestInput): Decision {
  return decide(compilePolicy(preset(name)), policyRequest.parse(input))
}
function permitted(
  name: PresetName,
  input: PolicyRequestInput,
): Extract<Decision, { effect: 'permit' }> {
  const decision = run(name, input)
  if (decision.effect !== 'permit')
    throw new Error(`expected a permit: ${JSON.stringify(decision)}`)
  return decision
}

const coordinator = { roles: ['coordinator' as const] }

describe('what a permit obliges', () => {
  it('ATTEND: the register and the audit log', () => {
    const d = permitted('cordomus', {
      action: 'disclose',
      actor: coordinator,
      category: 'attendance',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'other',
    })
    assert.deepEqual(d.obligations, [{ kind: 'record_in_register' }, { kind: 'audit' }])
    assert.deepEqual(d.redact, [])
  })

  it('CONTACT with consent: the register, the audit log, and telling the person', () => {
    const d = permitted('preston', {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
      consent: {
        isLive: true,
        matchesCategory: true,
        matchesRecipient: true,
        matchesPurpose: true,
      },
    })
    assert.deepEqual(d.obligations, [
      { kind: 'record_in_register' },
      { kind: 'audit' },
      { kind: 'tell_person_or_record_why_not' },
    ])
  })

  for (const name of PRESET_NAMES)
    it(`CONTACT to the former partner with consent at ${name}: also the consent confirmed by whoever releases`, () => {
      const d = permitted(name, {
        action: 'disclose',
        actor: coordinator,
        category: 'contact_details',
        recipient: { kind: 'former_partner' },
        purpose: 'other',
        consent: {
          isLive: true,
          matchesCategory: true,
          matchesRecipient: true,
          matchesPurpose: true,
          isExplicit: true,
        },
      })
      assert.deepEqual(d.obligations, [
        { kind: 'record_in_register' },
        { kind: 'audit' },
        { kind: 'tell_person_or_record_why_not' },
        { kind: 'confirm_consent' },
      ])
    })

  it('CONTACT required by law (Chichester): the legal basis and a second sign-off', () => {
    const d = permitted('chichester', {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
      legalBasis: 'Court order ZW24P00123',
    })
    assert.deepEqual(d.obligations, [
      { kind: 'record_legal_basis' },
      { kind: 'second_sign_off' },
      { kind: 'record_in_register' },
      { kind: 'audit' },
      { kind: 'tell_person_or_record_why_not' },
    ])
  })

  for (const [name, notify] of [
    ['cordomus', 'chair'],
    ['birmingham', 'management'],
  ] as const) {
    it(`EXCEPT at ${name}: a second sign-off, telling the ${notify}, the reason, the person, the register`, () => {
      const d = permitted(name, {
        action: 'disclose',
        actor: coordinator,
        category: 'other',
        recipient: { kind: 'police' },
        purpose: 'safeguarding_child',
        atRisk: 'child',
        hasSecondSignOff: true,
        reason: 'Synthetic: bruising seen at handover',
        hasLinkedConcern: true,
      })
      assert.deepEqual(d.obligations, [
        { kind: 'second_sign_off' },
        { kind: 'notify', roles: [notify] },
        { kind: 'record_reason' },
        { kind: 'tell_person_or_record_why_not' },
        { kind: 'record_in_register' },
        { kind: 'audit' },
      ])
    })
  }

  it('EXCEPT with nobody to tell, where a centre changes the policy so; the second sign-off stays', () => {
    const policy = preset('cordomus')
    policy.parameters.exceptions.notify = []
    const request = {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'risk_of_violence',
      atRisk: 'users',
      reason: 'Synthetic: a threat overheard at handover',
      hasLinkedConcern: true,
    } as const
    const compiled = compilePolicy(policy)
    const unsigned = decide(compiled, policyRequest.parse(request))
    assert.equal(unsigned.effect, 'deny')
    assert.deepEqual(unsigned.clauses, ['EXCEPT'])
    const d = decide(compiled, policyRequest.parse({ ...request, hasSecondSignOff: true }))
    assert.equal(d.effect, 'permit')
    assert.deepEqual(d.obligations, [
      { kind: 'second_sign_off' },
      { kind: 'record_reason' },
      { kind: 'tell_person_or_record_why_not' },
      { kind: 'record_in_register' },
      { kind: 'audit' },
    ])
  })

  it('RETAIN: approval by the roles named, then crypto-shredding; none when automatic', () => {
    const input: PolicyRequestInput = {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2019-03-01' },
      today: '2026-03-01',
    }
    assert.deepEqual(permitted('cordomus', input).obligations, [
      { kind: 'approval', roles: ['coordinator', 'chair'] },
      { kind: 'crypto_shred' },
      { kind: 'audit' },
    ])
    assert.deepEqual(permitted('birmingham', input).obligations, [
      { kind: 'approval', roles: ['coordinator', 'management'] },
      { kind: 'crypto_shred' },
      { kind: 'audit' },
    ])
    const automatic = preset('preston')
    automatic.parameters.retention.isAutomatic = true
    const d = decide(compilePolicy(automatic), policyRequest.parse(input))
    assert.ok(d.effect === 'permit')
    assert.deepEqual(d.obligations, [{ kind: 'crypto_shred' }, { kind: 'audit' }])
  })

  it('RETAIN: the verdict says when, and why', () => {
    const at = (
      name: PresetName,
      category: string,
      lastUsedOn: string,
      isOnLegalHold = false,
    ): Decision['retention'] =>
      run(name, {
        action: 'dispose',
        actor: coordinator,
        record: { category: category as 'family_record', lastUsedOn, isOnLegalHold },
        today: '2026-03-01',
      }).retention
    assert.deepEqual(at('cordomus', 'family_record', '2023-03-01'), {
      verdict: 'due',
      dueOn: '2026-03-01',
      why: 'unused for 3 years',
    })
    assert.deepEqual(at('cordomus', 'family_record', '2023-03-02'), {
      verdict: 'keep',
      dueOn: '2026-03-02',
      why: 'in use within the last 3 years',
    })
    assert.deepEqual(at('birmingham', 'family_record', '2020-02-29'), {
      verdict: 'due',
      dueOn: '2025-02-28',
      why: 'unused for 5 years',
    })
    assert.deepEqual(at('cordomus', 'accident_book', '2000-01-01'), {
      verdict: 'keep_indefinitely',
      why: 'this policy keeps the accident book indefinitely',
    })
    assert.deepEqual(at('preston', 'family_record', '2000-01-01', true), {
      verdict: 'on_hold',
      dueOn: '2003-01-01',
      why: 'a legal hold stops disposal',
    })
    const denied = run('cordomus', {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2025-01-01' },
      today: '2026-03-01',
    })
    assert.ok(denied.effect === 'deny')
    assert.deepEqual(denied.reasons, ['in use within the last 3 years: kept until 2028-01-01'])
  })

  it('reveal: a recorded reason; a parent seeing their own: the audit log only', () => {
    assert.deepEqual(
      permitted('cordomus', {
        action: 'reveal',
        actor: coordinator,
        resource: { type: 'person' },
        reason: 'To arrange a pre-visit',
      }).obligations,
      [{ kind: 'record_reason' }, { kind: 'audit' }],
    )
    assert.deepEqual(
      permitted('cordomus', {
        action: 'reveal',
        actor: { roles: ['parent'], relationship: 'self' },
        resource: { type: 'person' },
      }).obligations,
      [{ kind: 'audit' }],
    )
  })

  it("GUIDE notifies the coordinator; REVIEW asks workers to sign at St Mary's only", () => {
    assert.deepEqual(
      permitted('chichester', { action: 'ask_guidance', actor: { roles: ['volunteer'] } })
        .obligations,
      [{ kind: 'notify', roles: ['coordinator'] }],
    )
    for (const name of PRESET_NAMES) {
      const obligations = permitted(name, {
        action: 'publish_policy',
        actor: coordinator,
      }).obligations
      assert.deepEqual(
        obligations,
        name === 'st-marys'
          ? [{ kind: 'audit' }, { kind: 'workers_acknowledge' }]
          : [{ kind: 'audit' }],
        name,
      )
    }
  })

  it('reads: exactly which fields each reader loses', () => {
    assert.deepEqual(
      permitted('cordomus', { action: 'read', actor: coordinator, resource: { type: 'family' } })
        .redact,
      ['contact_details'],
    )
    assert.deepEqual(
      permitted('cordomus', {
        action: 'read',
        actor: { roles: ['volunteer'], relationship: 'assigned' },
        resource: { type: 'family' },
      }).redact,
      [
        'children',
        'contact_details',
        'court_order',
        'full_names',
        'history',
        'notes',
        'risk_assessment',
      ],
    )
    assert.deepEqual(
      permitted('cordomus', {
        action: 'read',
        actor: { roles: ['referrer'], relationship: 'referrer_of_family' },
        resource: { type: 'session' },
      }).redact,
      [
        'children',
        'contact_details',
        'court_order',
        'first_names',
        'full_names',
        'history',
        'notes',
        'risk_assessment',
        'safety_flags',
        'separation_plan',
      ],
    )
    assert.deepEqual(
      permitted('cordomus', {
        action: 'read',
        actor: { roles: ['parent'], relationship: 'self' },
        resource: { type: 'family' },
      }).redact,
      ['contact_details', 'notes', 'risk_assessment'],
    )
    assert.deepEqual(
      permitted('cordomus', {
        action: 'read',
        actor: { roles: ['parent'], relationship: 'self' },
        resource: { type: 'person' },
      }).redact,
      [],
    )
    assert.deepEqual(
      permitted('cordomus', {
        action: 'read',
        actor: { roles: ['chair'] },
        resource: { type: 'worker' },
      }).redact,
      [],
    )
    assert.deepEqual(
      permitted('st-marys', {
        action: 'read',
        actor: { roles: ['chair'] },
        resource: { type: 'worker' },
      }).redact,
      ['check_result'],
    )
    const both = permitted('cordomus', {
      action: 'read',
      actor: { roles: ['volunteer', 'staff'], relationship: 'assigned' },
      resource: { type: 'family' },
    })
    assert.deepEqual(
      both.redact,
      ['contact_details'],
      'a field stays hidden only if every permitting rule hides it',
    )
    assert.deepEqual(both.obligations, [{ kind: 'audit' }])
  })

  it('explains every refusal in words, and every rule says what it does', () => {
    for (const rule of RULES) assert.ok(rule.says.length > 30, rule.says)
    const denied = run('birmingham', {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'other_agency' },
      purpose: 'safeguarding_child',
      atRisk: 'child',
      hasSecondSignOff: true,
      reason: 'Synthetic: bruising seen at handover',
      hasLinkedConcern: true,
    })
    assert.ok(denied.effect === 'deny')
    assert.deepEqual(denied.reasons, [
      "another agency is not a recipient this policy allows; it allows Children's Services, the police, CAFCASS or other agencies for children",
    ])
  })

  it('EXCEPT: an exception with no reason and no concern is refused, each in words a coordinator understands', () => {
    const denied = run('cordomus', {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'risk_of_violence',
      atRisk: 'staff',
      hasSecondSignOff: true,
    })
    assert.ok(denied.effect === 'deny')
    assert.deepEqual(denied.clauses, ['EXCEPT'])
    assert.deepEqual(denied.reasons, [EXCEPTION_NEEDS_REASON, EXCEPTION_NEEDS_CONCERN])
  })
})
