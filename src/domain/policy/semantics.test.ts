import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { POLICY_CLAUSE_IDS } from '../../../test/policy/clause-catalogue.ts'
import { SCENARIOS } from '../../../test/policy/scenarios.ts'
import { ROLES } from '../roles.ts'
import { CLAUSE_IDS } from './clauses.ts'
import { compilePolicy, decide, InvalidPolicyError, policyHash } from './engine.ts'
import { upgradeStoredPolicy, validatePolicy } from './document.ts'
import { PRESET_NAMES, preset } from './presets.ts'
import {
  AT_RISK,
  DISCLOSURE_CATEGORIES,
  PURPOSES,
  RECIPIENT_KINDS,
  RELATIONSHIPS,
  RESOURCE_TYPES,
  policyRequest,
  type PolicyRequest,
} from './request.ts'
import { RULES, type Rule } from './rules.ts'

const cordomus = preset('cordomus')
const read: PolicyRequest = policyRequest.parse({
  action: 'read',
  actor: { roles: ['coordinator'] },
  resource: { type: 'family' },
})

describe('decision semantics', () => {
  it('denies by default, naming a clause', () => {
    const decision = decide(compilePolicy(cordomus, []), read)
    assert.equal(decision.effect, 'deny')
    assert.deepEqual(decision.clauses, ['NDX'])
  })

  it('lets a forbid beat any number of permits', () => {
    const permit: Rule = {
      clause: 'NDX',
      action: 'read',
      effect: 'permit',
      says: '',
      evaluate: () => ({}),
    }
    const forbid: Rule = {
      clause: 'CONTACT',
      action: 'read',
      effect: 'forbid',
      says: '',
      evaluate: () => ({ reason: 'no' }),
    }
    const decision = decide(compilePolicy(cordomus, [permit, permit, forbid]), read)
    assert.equal(decision.effect, 'deny')
    assert.deepEqual(decision.clauses, ['CONTACT'])
  })

  it('denies, and reports the error, when a clause throws: never fails open', () => {
    const permit: Rule = {
      clause: 'NDX',
      action: 'read',
      effect: 'permit',
      says: '',
      evaluate: () => ({}),
    }
    const broken: Rule = {
      clause: 'SECURE',
      action: 'read',
      effect: 'permit',
      says: '',
      evaluate: () => {
        throw new Error('boom')
      },
    }
    const decision = decide(compilePolicy(cordomus, [permit, broken]), read)
    assert.deepEqual(decision, {
      effect: 'deny',
      clauses: ['SECURE'],
      reasons: ['a clause could not be evaluated'],
      errors: ['SECURE: boom'],
      policy: decision.policy,
    })
  })

  it('evaluates only the rules indexed under the action and resource type', () => {
    let evaluated = 0
    const counting = (action: Rule['action'], resources?: Rule['resources']): Rule => ({
      clause: 'NDX',
      action,
      ...(resources ? { resources } : {}),
      effect: 'permit',
      says: '',
      evaluate: () => {
        evaluated += 1
        return undefined
      },
    })
    const rules = [
      counting('read', ['family']),
      counting('read', ['check_result']),
      counting('disclose'),
      counting('assign'),
      counting('read'),
    ]
    decide(compilePolicy(cordomus, rules), read)
    assert.equal(evaluated, 2, 'the family rule and the any-resource read rule only')
  })

  it('names the policy id, version and content hash', () => {
    const changed = preset('cordomus')
    changed.version = 2
    changed.parameters.retention.years = 4
    const a = decide(compilePolicy(cordomus), read)
    const b = decide(compilePolicy(changed), read)
    assert.deepEqual(a.policy, { id: 'cordomus', version: 1, hash: policyHash(cordomus) })
    assert.equal(b.policy.version, 2)
    assert.notEqual(a.policy.hash, b.policy.hash)
    assert.match(a.policy.hash, /^[0-9a-f]{64}$/)
  })

  it('never compiles a document that fails validation, naming the path', () => {
    const bad = preset('birmingham') as unknown as { parameters: { retention: { years: unknown } } }
    bad.parameters.retention.years = 'five'
    assert.throws(
      () => compilePolicy(bad),
      (error: unknown) =>
        error instanceof InvalidPolicyError && error.message.includes('parameters.retention.years'),
    )
    const unknownField = { ...preset('preston'), colour: 'blue' }
    assert.throws(() => compilePolicy(unknownField), InvalidPolicyError)
  })

  it('reads a version published before decision 0027 without its retired violenceRiskTo, keeping its hash', () => {
    const published = preset('st-marys') as unknown as {
      parameters: { exceptions: Record<string, unknown> }
    }
    published.parameters.exceptions.violenceRiskTo = ['users', 'staff']
    // A new document naming it is refused; a stored version is read through the upgrade (the
    // app keeps the stored version's hash: src/app/policy-access.ts).
    assert.equal(validatePolicy(published).ok, false)
    const validated = validatePolicy(upgradeStoredPolicy(published))
    assert.ok(validated.ok)
    assert.equal('violenceRiskTo' in validated.policy.parameters.exceptions, false)
    const compiled = compilePolicy(upgradeStoredPolicy(published))
    // The old value named staff only; a volunteer at risk is now an exception all the same.
    const volunteerAtRisk = policyRequest.parse({
      action: 'disclose',
      actor: { roles: ['coordinator'] },
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'risk_of_violence',
      atRisk: 'volunteers',
      reason: 'Synthetic: a threat overheard at handover',
      hasLinkedConcern: true,
      hasSecondSignOff: true,
    })
    assert.equal(decide(compiled, volunteerAtRisk).effect, 'permit')
    const other = preset('st-marys') as unknown as {
      parameters: { exceptions: Record<string, unknown> }
    }
    other.parameters.exceptions.somethingElse = true
    assert.throws(() => compilePolicy(other), InvalidPolicyError)
  })
})

describe('coverage of the clauses', () => {
  const documented = POLICY_CLAUSE_IDS

  it('knows exactly the clause ids of docs/CLAUSES.md', () => {
    assert.deepEqual([...documented].sort(), [...CLAUSE_IDS].sort())
  })

  it('enforces every clause by at least one rule', () => {
    for (const clause of CLAUSE_IDS)
      assert.ok(
        RULES.some((rule) => rule.clause === clause),
        `no rule enforces ${clause}`,
      )
  })

  for (const clause of CLAUSE_IDS) {
    it(`changes some scenario's outcome when the rules of ${clause} are removed`, () => {
      const without = RULES.filter((rule) => rule.clause !== clause)
      const changed = SCENARIOS.some(([, input]) =>
        PRESET_NAMES.some((name) => {
          const request = policyRequest.parse(input)
          const full = decide(compilePolicy(preset(name)), request)
          const cut = decide(compilePolicy(preset(name), without), request)
          return full.effect !== cut.effect || full.clauses.join() !== cut.clauses.join()
        }),
      )
      assert.ok(changed, `no scenario depends on ${clause}: its rules are untested`)
    })
  }
})

const actor = fc.record({
  roles: fc.subarray([...ROLES]),
  relationship: fc.constantFrom(...RELATIONSHIPS),
  hasSecondFactor: fc.boolean(),
})
const consent = fc.option(
  fc.record({
    isLive: fc.boolean(),
    matchesCategory: fc.boolean(),
    matchesRecipient: fc.boolean(),
    matchesPurpose: fc.boolean(),
    isExplicit: fc.boolean(),
  }),
  { nil: undefined },
)
const anyRequest = fc.oneof(
  fc.record({
    action: fc.constant('read' as const),
    actor,
    resource: fc.record({
      type: fc.constantFrom(...RESOURCE_TYPES),
      field: fc.option(fc.constantFrom('contact_details', 'first_names', 'notes', 'check_result'), {
        nil: undefined,
      }),
    }),
  }),
  fc.record({
    action: fc.constant('reveal' as const),
    actor,
    resource: fc.constant({ type: 'person' as const }),
    reason: fc.constantFrom('', 'to arrange a visit'),
  }),
  fc.record({
    action: fc.constant('disclose' as const),
    actor,
    category: fc.constantFrom(...DISCLOSURE_CATEGORIES),
    recipient: fc.record({
      kind: fc.constantFrom(...RECIPIENT_KINDS),
      isReferrerOfFamily: fc.boolean(),
      isVerified: fc.boolean(),
    }),
    purpose: fc.constantFrom(...PURPOSES),
    consent,
    atRisk: fc.option(fc.constantFrom(...AT_RISK), { nil: undefined }),
    legalBasis: fc.option(fc.constantFrom('', 'Court order ZW24P00123'), { nil: undefined }),
    reason: fc.option(fc.constantFrom('', ' ', 'Synthetic: a threat overheard'), {
      nil: undefined,
    }),
    hasLinkedConcern: fc.boolean(),
    hasSecondSignOff: fc.boolean(),
  }),
  fc.record({
    action: fc.constant('subject_access' as const),
    actor,
    item: fc.constantFrom(
      'own_data',
      'other_parent_contact_details',
      'third_party_data',
      'violence_prevention',
    ),
  }),
)

const COMPILED = PRESET_NAMES.map((name) => compilePolicy(preset(name)))

describe('properties', () => {
  it("never yields a parent's contact details to anyone but the parent, without live matching consent, outside the exception and legal paths", () => {
    fc.assert(
      fc.property(anyRequest, fc.constantFrom(...COMPILED), (input, policy) => {
        const request = policyRequest.parse(input)
        const decision = decide(policy, request)
        if (decision.effect !== 'permit') return
        const self = request.actor.relationship === 'self'
        if (request.action === 'read') {
          assert.ok(
            self ||
              decision.redact.includes('contact_details') ||
              !['family', 'person'].includes(request.resource.type) ||
              request.actor.roles.includes('referrer'),
          )
          if (
            request.resource.field === 'contact_details' &&
            ['family', 'person'].includes(request.resource.type)
          )
            assert.ok(self)
        }
        if (request.action === 'subject_access')
          assert.notEqual(request.item, 'other_parent_contact_details')
        if (request.action === 'reveal')
          assert.ok(
            self || (request.reason !== '' && request.actor.relationship !== 'other_parent'),
          )
        if (request.action === 'disclose' && request.category === 'contact_details') {
          const consented =
            request.consent?.isLive === true &&
            request.consent.matchesCategory &&
            request.consent.matchesRecipient &&
            request.consent.matchesPurpose &&
            (policy.ref.id !== 'chichester' || request.consent.isExplicit)
          // The former partner: only with the parent's own consent, and its confirmation.
          if (request.recipient.kind === 'former_partner') {
            assert.ok(consented, JSON.stringify(request))
            assert.ok(decision.obligations.some((o) => o.kind === 'confirm_consent'))
          }
          const exception =
            request.purpose === 'safeguarding_child' || request.purpose === 'risk_of_violence'
          const law =
            request.purpose === 'required_by_law' &&
            policy.ref.id === 'chichester' &&
            (request.legalBasis ?? '') !== ''
          assert.ok(consented || exception || law, JSON.stringify(request))
        }
      }),
      { numRuns: 3000 },
    )
  })

  it('never permits a disclosure without looking at who asks: never a volunteer, a parent or nobody', () => {
    fc.assert(
      fc.property(anyRequest, fc.constantFrom(...COMPILED), (input, policy) => {
        const request = policyRequest.parse(input)
        if (request.action !== 'disclose') return
        const decision = decide(policy, request)
        if (decision.effect !== 'permit') return
        assert.ok(
          request.actor.roles.some((role) =>
            ['coordinator', 'staff', 'chair', 'management', 'referrer'].includes(role),
          ),
          JSON.stringify(request),
        )
        if (!request.actor.roles.some((role) => role !== 'referrer'))
          assert.ok(
            request.recipient.kind === 'referring_agency' &&
              request.recipient.isReferrerOfFamily &&
              request.recipient.isVerified,
            JSON.stringify(request),
          )
      }),
      { numRuns: 3000 },
    )
  })

  it('never permits an exception disclosure without its reason and its safeguarding concern', () => {
    fc.assert(
      fc.property(anyRequest, fc.constantFrom(...COMPILED), (input, policy) => {
        const request = policyRequest.parse(input)
        if (request.action !== 'disclose') return
        if (request.purpose !== 'safeguarding_child' && request.purpose !== 'risk_of_violence')
          return
        if (decide(policy, request).effect !== 'permit') return
        assert.ok((request.reason ?? '').trim() !== '' && request.hasLinkedConcern)
      }),
      { numRuns: 3000 },
    )
  })

  it('never permits without a determining clause', () => {
    fc.assert(
      fc.property(anyRequest, fc.constantFrom(...COMPILED), (input, policy) => {
        const decision = decide(policy, policyRequest.parse(input))
        assert.ok(decision.clauses.length > 0)
        if (decision.effect === 'permit')
          assert.ok(
            decision.clauses.every((clause) => (CLAUSE_IDS as readonly string[]).includes(clause)),
          )
      }),
      { numRuns: 3000 },
    )
  })

  it('never uses a document that fails validation', () => {
    const mutation = fc.record({
      path: fc.constantFrom(
        'version',
        'id',
        'adopted',
        'parameters.retention.years',
        'parameters.checks.level',
        'parameters.exceptions.recipients',
        'parameters.reports',
        'extra',
      ),
      value: fc.oneof(
        fc.string(),
        fc.integer(),
        fc.constant(null),
        fc.array(fc.string(), { maxLength: 2 }),
      ),
    })
    fc.assert(
      fc.property(fc.constantFrom(...PRESET_NAMES), mutation, (name, change) => {
        const document = preset(name) as unknown as Record<string, unknown>
        const keys = change.path.split('.')
        let target = document
        for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>
        target[keys.at(-1) ?? ''] = change.value
        const valid = validatePolicy(document).ok
        let compiled = true
        try {
          compilePolicy(document)
        } catch (error) {
          assert.ok(error instanceof InvalidPolicyError)
          compiled = false
        }
        assert.equal(compiled, valid)
      }),
      { numRuns: 1000 },
    )
  })
})
