import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { ClauseId } from './clauses.ts'
import { validatePolicy, type PolicyParameters } from './document.ts'
import { compilePolicy, InvalidPolicyError } from './engine.ts'
import { INVARIANTS } from './invariants.ts'
import { PRESET_NAMES, preset } from './presets.ts'

/**
 * A custom policy cannot break a clause (decision 0025): each invariant, broken on its own,
 * is refused naming the field and the clause in words; every preset keeps them all.
 */
const BREAKS: [
  string,
  ClauseId,
  (p: PolicyParameters) => void,
  /** The whole message, as a coordinator reads it. */
  string,
][] = [
  [
    'confidentiality.exportRoles',
    'NDX',
    (p) => (p.confidentiality.exportRoles = ['coordinator', 'staff']),
    'staff may never export, print or share family data (NDX)',
  ],
  [
    'guidance.answeredBy',
    'GUIDE',
    (p) => (p.guidance.answeredBy = ['volunteer']),
    "volunteers may never answer workers' requests for guidance (GUIDE)",
  ],
  [
    'contactDetails.revealRoles',
    'CONTACT',
    (p) => (p.contactDetails.revealRoles = ['coordinator', 'volunteer']),
    "volunteers may never reveal a parent's contact details (CONTACT)",
  ],
  [
    'contactDetails.revealRoles',
    'CONTACT',
    (p) => (p.contactDetails.revealRoles = ['referrer', 'parent']),
    "referrers and parents may never reveal a parent's contact details (CONTACT)",
  ],
  [
    'exceptions.authorisedBy',
    'EXCEPT',
    (p) => (p.exceptions.authorisedBy = ['volunteer']),
    'volunteers may never authorise a disclosure when someone is at risk (EXCEPT)',
  ],
  [
    'exceptions.notify',
    'EXCEPT',
    (p) => (p.exceptions.notify = ['chair', 'parent']),
    'parents may never be told of a disclosure made when someone is at risk (EXCEPT)',
  ],
  [
    'exceptions.concernsVisibleTo',
    'EXCEPT',
    (p) => (p.exceptions.concernsVisibleTo = ['coordinator', 'referrer']),
    'referrers may never see the safeguarding concerns others raise (EXCEPT)',
  ],
  [
    'assessments.approvedBy',
    'ASSESS',
    (p) => (p.assessments.approvedBy = ['referrer']),
    'referrers may never approve an agreement for an assessment (ASSESS)',
  ],
  [
    'checks.resultsVisibleTo',
    'CHECKS',
    (p) => (p.checks.resultsVisibleTo = ['coordinator', 'parent']),
    "parents may never see workers' check results (CHECKS)",
  ],
  [
    'checks.resultsVisibleTo',
    'CHECKS',
    (p) => (p.checks.resultsVisibleTo = ['coordinator', 'volunteer']),
    "volunteers may never see workers' check results (CHECKS)",
  ],
  [
    'confidentiality.exportRoles',
    'NDX',
    (p) => (p.confidentiality.exportRoles = ['chair']),
    'the coordinator always confirms releases and compiles subject access bundles, so must be among those who export family data (NDX)',
  ],
  [
    'contactDetails.revealRoles',
    'NDX',
    (p) => (p.contactDetails.revealRoles = ['coordinator', 'chair']),
    "the Chair of the Management Committee does not read families' records, so may not reveal a parent's contact details; only the coordinator and staff may (NDX)",
  ],
  [
    'exceptions.authorisedBy',
    'EXCEPT',
    (p) => (p.exceptions.authorisedBy = ['management']),
    'a member of the Management Team may not authorise a disclosure when someone is at risk; only the coordinator and staff may, as those who authorise must record requests for the centre (EXCEPT)',
  ],
  [
    'security.secondFactorRoles',
    'SECURE',
    (p) => (p.security.secondFactorRoles = ['coordinator', 'chair', 'management']),
    'staff see protected data, so they must sign in with a second factor (SECURE)',
  ],
  [
    'retention.years',
    'RETAIN',
    (p) => (p.retention.years = 11),
    'unused information may be kept for 10 years at most, not 11 (RETAIN)',
  ],
  [
    'retention.keptIndefinitely',
    'RETAIN',
    (p) => (p.retention.keptIndefinitely = ['accident_book', 'family_record']),
    'family records may never be kept indefinitely; only the accident book, referral records, safeguarding records, child protection records, incident records and the disclosure register may (RETAIN)',
  ],
  [
    'retention.approvedBy',
    'RETAIN',
    (p) => (p.retention.approvedBy = ['volunteer', 'coordinator']),
    'volunteers may never approve destroying records (RETAIN)',
  ],
  [
    'review.intervalMonths',
    'REVIEW',
    (p) => (p.review.intervalMonths = 18),
    'the policy must be reviewed at least once a year, not every 18 months (REVIEW)',
  ],
]

describe('what no policy may say', () => {
  it('every preset keeps every invariant', () => {
    for (const name of PRESET_NAMES) assert.deepEqual(validatePolicy(preset(name)).ok, true, name)
  })

  it('has a case that breaks each invariant', () => {
    for (const invariant of INVARIANTS)
      assert.ok(
        BREAKS.some(([path, clause]) => path === invariant.path && clause === invariant.clause),
        `${invariant.path} (${invariant.clause})`,
      )
  })

  for (const [path, clause, breakIt, message] of BREAKS) {
    it(`refuses ${path} broken (${clause}), naming the field and the clause`, () => {
      for (const name of PRESET_NAMES) {
        const document = preset(name)
        breakIt(document.parameters)
        assert.deepEqual(validatePolicy(document), {
          ok: false,
          problems: [{ path: `parameters.${path}`, clause, message }],
        })
        assert.throws(
          () => compilePolicy(document),
          (error: unknown) =>
            error instanceof InvalidPolicyError && error.message.includes(`parameters.${path}`),
        )
      }
    })
  }

  it('reports every broken invariant at once', () => {
    const document = preset('cordomus')
    document.parameters.contactDetails.revealRoles = ['volunteer']
    document.parameters.confidentiality.exportRoles = ['referrer']
    const validated = validatePolicy(document)
    // exportRoles breaks two (a referrer exports; the coordinator does not): both are named.
    assert.deepEqual('problems' in validated ? validated.problems.map((p) => p.path) : [], [
      'parameters.confidentiality.exportRoles',
      'parameters.confidentiality.exportRoles',
      'parameters.contactDetails.revealRoles',
    ])
  })
})

describe('problems with a document, in words a coordinator understands', () => {
  it('names each problem by its field, in plain words rather than the schema’s', () => {
    const document = preset('cordomus') as unknown as {
      id: string
      adopted: string
      parameters: Record<string, Record<string, unknown>> & { colour?: string }
    }
    document.id = 'Our Centre'
    document.adopted = 'last Tuesday'
    document.parameters.retention = { ...document.parameters.retention, years: 'three' }
    document.parameters.checks = { ...document.parameters.checks, level: 'gold' }
    document.parameters.exceptions = { ...document.parameters.exceptions, authorisedBy: [] }
    document.parameters.review = { intervalMonths: 99 }
    document.parameters.awareness = { workersSign: 'no' }
    document.parameters.colour = 'green'
    const checked = validatePolicy(document)
    assert.ok(!checked.ok)
    assert.deepEqual(Object.fromEntries(checked.problems.map((p) => [p.path, p.message])), {
      id: 'must be lower-case letters, digits and hyphens, starting with a letter or digit',
      adopted: 'must be a date, like 2026-04-01',
      'parameters.retention.years': 'must be a whole number',
      'parameters.checks.level': 'must be basic, standard or enhanced',
      'parameters.exceptions.authorisedBy': 'choose at least one',
      'parameters.review.intervalMonths': 'must be 24 or less',
      'parameters.awareness.workersSign': 'must be yes or no',
      parameters: 'colour is not a setting Haven knows',
    })
    const missing = preset('cordomus') as unknown as { parameters: Record<string, unknown> }
    delete missing.parameters.guidance
    const gone = validatePolicy(missing)
    assert.ok(!gone.ok)
    assert.deepEqual(gone.problems, [
      { path: 'parameters.guidance', message: 'this setting is missing' },
    ])
  })
})
