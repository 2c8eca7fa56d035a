import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { requiresSecondFactor } from '../roles.ts'
import {
  policyParameters,
  RETIRED_PARAMETERS,
  upgradeStoredPolicy,
  validatePolicy,
  type PolicyParameters,
} from './document.ts'
import { compilePolicy, decide } from './engine.ts'
import { PRESET_NAMES, preset, type PresetName } from './presets.ts'
import { policyRequest, type PolicyRequestInput } from './request.ts'
import { isReviewOverdue } from './review.ts'

/**
 * Every parameter of the policy document changes a decision (decision 0025). The leaves are
 * read from the schema itself, so a new parameter without a case here fails. Each case
 * changes that one value in a preset, checks that nothing else changed and that both
 * documents are valid policies, and requires the decision computed under each to differ.
 */

interface ParameterCase {
  from: PresetName
  change(parameters: PolicyParameters): void
  /** The decision, computed from the parameters (engine, or the pure rule that uses them). */
  decision(parameters: PolicyParameters): unknown
}

/** An engine decision under the preset with these parameters, without the policy's hash. */
const engine =
  (from: PresetName, request: PolicyRequestInput) =>
  (parameters: PolicyParameters): unknown => {
    const { policy, ...decision } = decide(
      compilePolicy({ ...preset(from), parameters }),
      policyRequest.parse(request),
    )
    return { ...decision, policy: policy.id }
  }

const coordinator = { roles: ['coordinator' as const] }
const check = (
  kind: 'dbs' | 'crb',
  level: 'standard' | 'enhanced',
  outcome: 'clear' | 'pending' = 'clear',
  issuedOn = '2025-01-01',
  renewalDueOn = '2028-01-01',
) => ({ kind, level, outcome, issuedOn, renewalDueOn })
const assign = (
  kind: 'volunteer' | 'staff',
  checks: ReturnType<typeof check>[],
  extra: { isAlongsideCheckedWorker?: boolean; on?: string } = {},
): PolicyRequestInput => ({
  action: 'assign',
  actor: coordinator,
  worker: { kind, checks, isAcquaintedWithFamily: false },
  on: extra.on ?? '2025-06-01',
  isAlongsideCheckedWorker: extra.isAlongsideCheckedWorker ?? false,
})
const safeguarding = (
  extra: Partial<{
    roles: ('coordinator' | 'management' | 'staff')[]
    recipient: string
    atRisk: string
  }>,
): PolicyRequestInput =>
  policyRequest.parse({
    action: 'disclose',
    actor: { roles: extra.roles ?? ['coordinator'] },
    category: 'other',
    recipient: { kind: extra.recipient ?? 'police' },
    purpose: extra.atRisk === undefined ? 'safeguarding_child' : 'risk_of_violence',
    atRisk: extra.atRisk ?? 'child',
    reason: 'Synthetic: what was seen at handover',
    hasLinkedConcern: true,
    hasSecondSignOff: true,
  })

const CASES: Record<string, ParameterCase> = {
  'confidentiality.exportRoles': {
    from: 'cordomus',
    change: (p) => (p.confidentiality.exportRoles = ['coordinator', 'chair']),
    decision: engine('cordomus', {
      action: 'export',
      actor: { roles: ['chair'] },
      resource: { type: 'family' },
    }),
  },
  'guidance.answeredBy': {
    from: 'cordomus',
    change: (p) => (p.guidance.answeredBy = ['coordinator', 'management']),
    decision: engine('cordomus', {
      action: 'read',
      actor: { roles: ['management'] },
      resource: { type: 'guidance_request' },
    }),
  },
  'attendance.nothingElseUnlessException': {
    from: 'cordomus',
    change: (p) => (p.attendance.nothingElseUnlessException = false),
    decision: engine('cordomus', {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'other',
      consent: {
        isLive: true,
        matchesCategory: true,
        matchesRecipient: true,
        matchesPurpose: true,
      },
    }),
  },
  'contactDetails.hasRequiredByLaw': {
    from: 'cordomus',
    change: (p) => (p.contactDetails.hasRequiredByLaw = true),
    decision: engine('cordomus', {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
      legalBasis: 'Court order ZZ00X00000',
    }),
  },
  'contactDetails.revealRoles': {
    from: 'cordomus',
    change: (p) => (p.contactDetails.revealRoles = ['coordinator', 'staff']),
    decision: engine('cordomus', {
      action: 'reveal',
      actor: { roles: ['staff'] },
      resource: { type: 'person' },
      reason: 'to arrange a session',
    }),
  },
  'contactDetails.isExplicitPermission': {
    from: 'chichester',
    change: (p) => (p.contactDetails.isExplicitPermission = false),
    // A consent the centre noted as spoken: enough for permission, not for explicit permission.
    decision: engine('chichester', {
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
        isExplicit: false,
      },
    }),
  },
  'exceptions.recipients': {
    from: 'cordomus',
    change: (p) => (p.exceptions.recipients = ['childrens_services', 'police', 'cafcass']),
    decision: engine('cordomus', safeguarding({ recipient: 'cafcass' })),
  },
  'exceptions.authorisedBy': {
    from: 'cordomus',
    change: (p) => (p.exceptions.authorisedBy = ['coordinator', 'staff']),
    decision: engine('cordomus', safeguarding({ roles: ['staff'] })),
  },
  'exceptions.notify': {
    from: 'cordomus',
    change: (p) => (p.exceptions.notify = ['management']),
    decision: engine('cordomus', safeguarding({})),
  },
  'exceptions.concernsVisibleTo': {
    from: 'cordomus',
    change: (p) => (p.exceptions.concernsVisibleTo = ['coordinator', 'chair', 'staff']),
    decision: engine('cordomus', {
      action: 'read',
      actor: { roles: ['staff'] },
      resource: { type: 'safeguarding_concern' },
    }),
  },
  'assessments.approvedBy': {
    from: 'cordomus',
    change: (p) => (p.assessments.approvedBy = ['management']),
    // An assessment elsewhere on the premises: needs an agreement only where the policy
    // covers the whole premises.
    decision: engine('cordomus', {
      action: 'book_assessment',
      actor: coordinator,
      place: 'premises',
    }),
  },
  'assessments.place': {
    from: 'cordomus',
    change: (p) => (p.assessments.place = 'contact_rooms'),
    // An assessment elsewhere on the premises: needs an agreement only where the policy
    // covers the whole premises.
    decision: engine('cordomus', {
      action: 'book_assessment',
      actor: coordinator,
      place: 'premises',
    }),
  },
  'checks.kind': {
    from: 'cordomus',
    change: (p) => (p.checks.kind = 'crb'),
    decision: engine('cordomus', assign('volunteer', [check('crb', 'standard')])),
  },
  'checks.level': {
    from: 'cordomus',
    change: (p) => (p.checks.level = 'enhanced'),
    decision: engine('cordomus', assign('volunteer', [check('dbs', 'standard')])),
  },
  'checks.before': {
    from: 'birmingham',
    change: (p) => (p.checks.before = 'starting'),
    decision: engine(
      'birmingham',
      assign('volunteer', [check('dbs', 'enhanced', 'pending')], {
        isAlongsideCheckedWorker: true,
      }),
    ),
  },
  'checks.resultsVisibleTo': {
    from: 'cordomus',
    change: (p) => (p.checks.resultsVisibleTo = ['coordinator', 'chair', 'management']),
    decision: engine('cordomus', {
      action: 'read',
      actor: { roles: ['management'] },
      resource: { type: 'check_result' },
    }),
  },
  'checks.renewalMonths': {
    from: 'cordomus',
    change: (p) => (p.checks.renewalMonths = 60),
    // A check recorded as due in 2075: it lapses when the policy's renewal period says.
    decision: engine(
      'cordomus',
      assign('staff', [check('dbs', 'standard', 'clear', '2021-01-01', '2075-01-01')], {
        on: '2025-06-01',
      }),
    ),
  },
  'security.secondFactorRoles': {
    from: 'cordomus',
    change: (p) => (p.security.secondFactorRoles = [...p.security.secondFactorRoles, 'volunteer']),
    decision: (p) => requiresSecondFactor(['volunteer'], p.security.secondFactorRoles, false),
  },
  'retention.years': {
    from: 'cordomus',
    change: (p) => (p.retention.years = 6),
    decision: engine('cordomus', {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2021-03-01' },
      today: '2026-03-02',
    }),
  },
  'retention.keptIndefinitely': {
    from: 'cordomus',
    change: (p) => (p.retention.keptIndefinitely = ['accident_book', 'incident']),
    decision: engine('cordomus', {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'incident', lastUsedOn: '2019-03-01' },
      today: '2026-03-02',
    }),
  },
  'retention.approvedBy': {
    from: 'cordomus',
    change: (p) => (p.retention.approvedBy = ['coordinator']),
    decision: engine('cordomus', {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2019-03-01' },
      today: '2026-03-02',
    }),
  },
  'retention.isAutomatic': {
    from: 'cordomus',
    change: (p) => (p.retention.isAutomatic = true),
    decision: engine('cordomus', {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2019-03-01' },
      today: '2026-03-02',
    }),
  },
  'awareness.workersSign': {
    from: 'cordomus',
    change: (p) => (p.awareness.workersSign = true),
    decision: engine('cordomus', { action: 'publish_policy', actor: coordinator }),
  },
  'review.intervalMonths': {
    from: 'cordomus',
    change: (p) => (p.review.intervalMonths = 6),
    decision: (p) => isReviewOverdue('2025-01-01', p.review.intervalMonths, '2025-08-01'),
  },
  'subjectAccess.hasViolentCrimeExemption': {
    from: 'preston',
    change: (p) => (p.subjectAccess.hasViolentCrimeExemption = false),
    decision: engine('preston', {
      action: 'subject_access',
      actor: coordinator,
      item: 'violence_prevention',
    }),
  },
  'subjectAccess.childrenMayAskUntilAge': {
    from: 'birmingham',
    change: (p) => (p.subjectAccess.childrenMayAskUntilAge = 18),
    // A former child of 22 asking for their safeguarding records: theirs up to 25, not 18.
    decision: engine('birmingham', {
      action: 'subject_access',
      actor: coordinator,
      item: 'safeguarding_record',
      subject: { isChild: true, age: 22 },
    }),
  },
}

/** Every leaf of a schema, by dotted path. */
function leafPaths(schema: z.ZodType, prefix = ''): string[] {
  const inner = schema instanceof z.ZodOptional ? (schema.unwrap() as z.ZodType) : schema
  if (inner instanceof z.ZodObject)
    return Object.entries(inner.shape as Record<string, z.ZodType>).flatMap(([key, child]) =>
      leafPaths(child, prefix === '' ? key : `${prefix}.${key}`),
    )
  return [prefix]
}

function leaves(value: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value))
      leaves(child, prefix === '' ? key : `${prefix}.${key}`, out)
  } else out.set(prefix, JSON.stringify(value))
  return out
}

const LEAVES = leafPaths(policyParameters)

describe('every parameter of the policy document changes a decision', () => {
  it('reads the parameters from the schema', () => {
    assert.ok(LEAVES.length >= 20, LEAVES.join(', '))
    assert.ok(LEAVES.includes('checks.renewalMonths'))
    assert.ok(LEAVES.includes('subjectAccess.childrenMayAskUntilAge'), 'optional leaves count')
  })

  it('has a case for every parameter, and no case for one that does not exist', () => {
    const missing = LEAVES.filter((path) => !(path in CASES))
    assert.deepEqual(missing, [], 'parameters that change no decision: give each a case')
    const unknown = Object.keys(CASES).filter((path) => !LEAVES.includes(path))
    assert.deepEqual(unknown, [])
  })

  for (const [path, c] of Object.entries(CASES)) {
    it(`${path}: changing only it changes a decision`, () => {
      const before = preset(c.from).parameters
      const after = structuredClone(before)
      c.change(after)
      const a = leaves(before)
      const b = leaves(after)
      const changed = [...new Set([...a.keys(), ...b.keys()])].filter(
        (leaf) => a.get(leaf) !== b.get(leaf),
      )
      assert.deepEqual(changed, [path], 'the case changes that parameter and nothing else')
      for (const parameters of [before, after]) {
        const valid = validatePolicy({ ...preset(c.from), parameters })
        assert.ok(valid.ok, JSON.stringify(valid))
      }
      assert.notDeepEqual(c.decision(before), c.decision(after))
    })
  }
})

describe('retired parameters (decision 0025)', () => {
  /** A preset as it was published before the text-only parameters were retired. */
  const published = (name: PresetName): Record<string, unknown> => {
    const document = preset(name)
    return {
      ...document,
      parameters: {
        ...document.parameters,
        confidentiality: { ...document.parameters.confidentiality, bound: ['volunteer'] },
        guidance: { ...document.parameters.guidance, isExplicit: false },
        reports: { refusedFor: 'family_proceedings' },
        exceptions: {
          ...document.parameters.exceptions,
          requiresSecondSignOff: true,
          violenceRiskTo: ['users', 'volunteers'],
        },
        retention: { ...document.parameters.retention, reasonKept: 'a reason' },
        awareness: { ...document.parameters.awareness, audiences: ['users'] },
        review: { ...document.parameters.review, keepsVersionHistory: true },
        dataProtection: { statement: 'none' },
        subjectAccess: { ...document.parameters.subjectAccess, statement: 'none' },
      },
    }
  }

  it('are no longer parameters: a new document that names one is refused', () => {
    for (const retired of RETIRED_PARAMETERS)
      assert.ok(!LEAVES.some((leaf) => leaf === retired || leaf.startsWith(`${retired}.`)))
    const refused = validatePolicy(published('cordomus'))
    assert.equal(refused.ok, false)
  })

  it('a version published with them still reads, as the same policy without them', () => {
    for (const name of PRESET_NAMES) {
      const upgraded = validatePolicy(upgradeStoredPolicy(published(name)))
      assert.ok(upgraded.ok, name)
      assert.deepEqual(upgraded.policy, preset(name))
    }
  })
})
