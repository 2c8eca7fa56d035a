import { addMonths } from '../calendar.ts'
import { CHECK_LEVELS, type PolicyParameters } from './document.ts'
import { retentionVerdict } from './retention.ts'
import type { PolicyRequest } from './request.ts'
import { hasAnyRole, match, names, ruleFor, WORKER_ROLES, type Rule } from './rule.ts'

type Assign = Extract<PolicyRequest, { action: 'assign' }>

/**
 * CHECKS: the day a check stops counting: the renewal date recorded with it, or the end of
 * the policy's renewal period from its issue, whichever comes first (a check recorded as due
 * in 2075 still lapses when the policy says it does).
 */
export function checkLapsesOn(
  check: { issuedOn: string; renewalDueOn: string },
  checks: Pick<PolicyParameters['checks'], 'renewalMonths'>,
): string {
  const byPolicy = addMonths(check.issuedOn, checks.renewalMonths)
  return byPolicy < check.renewalDueOn ? byPolicy : check.renewalDueOn
}

/**
 * CHECKS: whether a check is of a kind the policy counts: a DBS check always; a Criminal
 * Records Bureau certificate (the DBS's predecessor) only where the policy names the CRB.
 */
function isCountedKind(kind: string, checks: PolicyParameters['checks']): boolean {
  return kind === 'dbs' || checks.kind === 'crb'
}

type HeldCheck = Assign['worker']['checks'][number]

/** CHECKS: a check of the kind and at least the level required, issued by the day and not lapsed on it. */
function isInDate(check: HeldCheck, on: string, checks: PolicyParameters['checks']): boolean {
  return (
    isCountedKind(check.kind, checks) &&
    CHECK_LEVELS.indexOf(check.level) >= CHECK_LEVELS.indexOf(checks.level) &&
    check.issuedOn <= on &&
    on < checkLapsesOn(check, checks)
  )
}

/** CHECKS: a clear check of the kind and level the policy requires, in date on the day. */
export function hasValidCheck(
  held: readonly HeldCheck[],
  on: string,
  checks: PolicyParameters['checks'],
): boolean {
  return held.some((check) => check.outcome === 'clear' && isInDate(check, on, checks))
}

/**
 * CHECKS "before becoming a full volunteer" (Birmingham): until then a volunteer whose check
 * is under way (pending, of the kind and level required) may shadow a worker with a clear
 * check on the same session. Where the check comes before starting, taking up post or
 * appointment, nobody works with families before it is clear.
 */
function canShadow(r: Assign, checks: PolicyParameters['checks']): boolean {
  return (
    checks.before === 'becoming_full_volunteer' &&
    r.worker.kind === 'volunteer' &&
    r.worker.checks.some((check) => check.outcome === 'pending' && isInDate(check, r.on, checks))
  )
}

type BookAssessment = Extract<PolicyRequest, { action: 'book_assessment' }>

/**
 * ASSESS: whether this assessment needs an agreement. The policy restricts the whole premises
 * (four seeds), or the contact rooms only (Birmingham: "in ... Contact Rooms"); an assessment
 * whose place is unsaid is taken to be in the contact rooms.
 */
function needsAgreement(r: BookAssessment, p: PolicyParameters): boolean {
  const place = r.place ?? r.agreement?.place ?? 'contact_rooms'
  return p.assessments.place === 'premises' || place === 'contact_rooms'
}

type SubjectAccess = Extract<PolicyRequest, { action: 'subject_access' }>

/** SAR: the subject is a child of the family, no older than the age the policy names (B: 25). */
function childMayAsk(r: SubjectAccess, p: PolicyParameters): boolean {
  const until = p.subjectAccess.childrenMayAskUntilAge
  return until !== undefined && r.subject?.isChild === true && (r.subject.age ?? until + 1) <= until
}

/** SAR: a release by the roles who compile bundles (NDX's export roles), with a reason. */
function isRelease(r: SubjectAccess, p: PolicyParameters): boolean {
  return (
    r.release !== undefined &&
    r.release.reason.trim() !== '' &&
    hasAnyRole(r.release.byRoles, p.confidentiality.exportRoles)
  )
}

/** Revealing, exporting, assessments, assignments, disposal, subject access, guidance, review. */
export const OTHER_RULES: readonly Rule[] = [
  ruleFor('reveal', {
    clause: 'CONTACT',
    resources: ['person'],
    effect: 'permit',
    says: 'The roles the policy names reveal contact details, giving a reason that is recorded; a parent sees their own.',
    evaluate: (r, p) =>
      r.actor.relationship === 'self' ||
      (hasAnyRole(r.actor.roles, p.contactDetails.revealRoles) && r.reason.trim() !== '')
        ? match()
        : undefined,
    obligations: (r) =>
      r.actor.relationship === 'self'
        ? [{ kind: 'audit' }]
        : [{ kind: 'record_reason' }, { kind: 'audit' }],
  }),
  ruleFor('reveal', {
    clause: 'CONTACT',
    resources: ['person'],
    effect: 'forbid',
    says: 'Contact details are revealed only by the named roles, with a reason, and never to the other parent.',
    evaluate: (r, p) => {
      if (r.actor.relationship === 'self') return undefined
      if (r.actor.relationship === 'other_parent')
        return match("a parent's contact details never go to their former partner")
      if (!hasAnyRole(r.actor.roles, p.contactDetails.revealRoles))
        return match(`contact details are revealed only by ${names(p.contactDetails.revealRoles)}`)
      return r.reason.trim() === '' ? match('revealing contact details needs a reason') : undefined
    },
  }),
  ruleFor('reveal', {
    clause: 'SECURE',
    resources: ['person'],
    effect: 'forbid',
    says: 'Contact details are never revealed to a session without its second factor.',
    evaluate: (r, p) =>
      r.actor.relationship !== 'self' &&
      !r.actor.hasSecondFactor &&
      hasAnyRole(r.actor.roles, p.security.secondFactorRoles)
        ? match('protected data needs a second factor for this role')
        : undefined,
  }),
  ruleFor('export', {
    clause: 'NDX',
    effect: 'permit',
    says: 'Only the roles the policy names export, print or share family data, and every export is recorded.',
    evaluate: (r, p) =>
      hasAnyRole(r.actor.roles, p.confidentiality.exportRoles) ? match() : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('export', {
    clause: 'NDX',
    effect: 'forbid',
    says: 'Workers below the named roles have no export, print or share of family data.',
    evaluate: (r, p) =>
      !hasAnyRole(r.actor.roles, p.confidentiality.exportRoles)
        ? match(`family data is exported only by ${names(p.confidentiality.exportRoles)}`)
        : undefined,
  }),
  ruleFor('book_assessment', {
    clause: 'ASSESS',
    effect: 'permit',
    says: 'An assessment in the place the policy restricts (the premises, or the contact rooms only) needs an agreement approved by the role the policy names; elsewhere it needs none.',
    evaluate: (r, p) =>
      !needsAgreement(r, p) ||
      (r.agreement !== undefined && hasAnyRole(r.agreement.approvedBy, p.assessments.approvedBy))
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('book_assessment', {
    clause: 'ASSESS',
    effect: 'forbid',
    says: 'Without such an agreement, an assessment in the restricted place is refused.',
    evaluate: (r, p) => {
      if (!needsAgreement(r, p)) return undefined
      if (r.agreement === undefined)
        return match(
          `an assessment ${p.assessments.place === 'contact_rooms' ? 'in the contact rooms' : 'on the premises'} needs an agreement approved by ${names(p.assessments.approvedBy)}`,
        )
      if (!hasAnyRole(r.agreement.approvedBy, p.assessments.approvedBy))
        return match(`the agreement must be approved by ${names(p.assessments.approvedBy)}`)
      return undefined
    },
  }),
  ruleFor('assign', {
    clause: 'CHECKS',
    effect: 'permit',
    says: 'A worker is assigned only with a clear check of the kind and level the policy requires, in date on the day; where the check comes before becoming a full volunteer, a volunteer whose check is under way shadows a checked worker.',
    evaluate: (r, p) =>
      !r.worker.isAcquaintedWithFamily &&
      (hasValidCheck(r.worker.checks, r.on, p.checks) ||
        (canShadow(r, p.checks) && r.isAlongsideCheckedWorker))
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('assign', {
    clause: 'CHECKS',
    effect: 'forbid',
    says: 'A worker without that check, or who has declared they know the family, is not assigned.',
    evaluate: (r, p) => {
      if (r.worker.isAcquaintedWithFamily)
        return match('the worker has declared that they know this family')
      if (hasValidCheck(r.worker.checks, r.on, p.checks)) return undefined
      if (canShadow(r, p.checks))
        return r.isAlongsideCheckedWorker
          ? undefined
          : match(
              'a volunteer whose check is under way only shadows a worker with a clear check, and none is on this session yet',
            )
      return match(
        `the worker has no clear ${p.checks.level} ${p.checks.kind === 'crb' ? 'criminal records' : 'DBS'} check in date`,
      )
    },
  }),
  ruleFor('dispose', {
    clause: 'RETAIN',
    effect: 'permit',
    says: 'A record unused for the years the policy sets is destroyed (keys first), with the approval the policy asks for.',
    evaluate: (r, p) =>
      retentionVerdict(p, r.record, r.today).verdict === 'due' ? match() : undefined,
    obligations: (_r, p) => [
      ...(p.retention.isAutomatic
        ? []
        : [{ kind: 'approval' as const, roles: p.retention.approvedBy }]),
      { kind: 'crypto_shred' },
      { kind: 'audit' },
    ],
  }),
  ruleFor('dispose', {
    clause: 'RETAIN',
    effect: 'forbid',
    says: 'Categories kept indefinitely, records on legal hold and records in use are kept.',
    evaluate: (r, p) => {
      const verdict = retentionVerdict(p, r.record, r.today)
      if (verdict.verdict === 'due') return undefined
      return match(
        verdict.verdict === 'keep'
          ? `${verdict.why}: kept until ${verdict.dueOn ?? ''}`
          : verdict.why,
      )
    },
  }),
  ruleFor('subject_access', {
    clause: 'SAR',
    effect: 'permit',
    says: "A subject access bundle holds the person's own data.",
    evaluate: (r) => (r.item === 'own_data' ? match() : undefined),
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('subject_access', {
    clause: 'CONTACT',
    effect: 'forbid',
    says: "The other parent's contact details never appear in a subject access bundle.",
    evaluate: (r) =>
      r.item === 'other_parent_contact_details'
        ? match("the other parent's contact details are never released")
        : undefined,
  }),
  ruleFor('subject_access', {
    clause: 'SAR',
    effect: 'permit',
    says: "Records held to prevent violent crime are the subject's own where the policy has no such exemption; a child of the family, up to the age the policy names, gets their safeguarding records.",
    evaluate: (r, p) =>
      (r.item === 'violence_prevention' && !p.subjectAccess.hasViolentCrimeExemption) ||
      (r.item === 'safeguarding_record' && childMayAsk(r, p))
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('subject_access', {
    clause: 'SAR',
    effect: 'permit',
    says: 'A withheld item is released after review by the roles who compile the bundle, with a reason that is recorded.',
    evaluate: (r, p) => (isRelease(r, p) ? match() : undefined),
    obligations: () => [{ kind: 'record_reason' }, { kind: 'audit' }],
  }),
  ruleFor('subject_access', {
    clause: 'SAR',
    effect: 'forbid',
    says: "Third parties' data is redacted (safeguarding records name others too), and where the policy has the exemption (Preston) data held to prevent violent crime is withheld, each with its ground recorded, until released with a reason.",
    evaluate: (r, p) => {
      if (r.release !== undefined)
        return isRelease(r, p)
          ? undefined
          : match(
              `a withheld item is released only by ${names(p.confidentiality.exportRoles)}, with a reason`,
            )
      if (r.item === 'third_party_data')
        return match("withheld: another person's data (UK GDPR Art. 15(4))")
      if (r.item === 'violence_prevention' && p.subjectAccess.hasViolentCrimeExemption)
        return match('withheld: held to prevent violent crime (DPA 2018 Sch. 2 para. 2)')
      if (r.item === 'safeguarding_record' && !childMayAsk(r, p))
        return match(
          "withheld: a safeguarding record is also other people's data (UK GDPR Art. 15(4))",
        )
      return undefined
    },
  }),
  ruleFor('ask_guidance', {
    clause: 'GUIDE',
    effect: 'permit',
    says: 'A worker asks the coordinator for guidance inside Haven, linked to the family, never by e-mail.',
    evaluate: (r) => (hasAnyRole(r.actor.roles, WORKER_ROLES) ? match() : undefined),
    obligations: (_r, p) => [{ kind: 'notify', roles: p.guidance.answeredBy }],
  }),
  ruleFor('rectify', {
    clause: 'DPA',
    effect: 'permit',
    says: 'The coordinator and staff correct records, keeping the history.',
    evaluate: (r) => (hasAnyRole(r.actor.roles, ['coordinator', 'staff']) ? match() : undefined),
    obligations: () => [{ kind: 'keep_history' }, { kind: 'audit' }],
  }),
  ruleFor('publish_policy', {
    clause: 'REVIEW',
    effect: 'permit',
    says: 'The coordinator or the chair (management at centres without one) publishes a new version; workers acknowledge it where the policy asks.',
    evaluate: (r) =>
      hasAnyRole(r.actor.roles, ['coordinator', 'chair', 'management']) ? match() : undefined,
    obligations: (_r, p) => [
      { kind: 'audit' },
      ...(p.awareness.workersSign ? [{ kind: 'workers_acknowledge' as const }] : []),
    ],
  }),
  ruleFor('record_review', {
    clause: 'REVIEW',
    effect: 'permit',
    says: 'A review is recorded, even when nothing changes, by the coordinator, chair or management.',
    evaluate: (r) =>
      hasAnyRole(r.actor.roles, ['coordinator', 'chair', 'management']) ? match() : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('acknowledge_policy', {
    clause: 'AWARE',
    effect: 'permit',
    says: 'Workers acknowledge each new version; the acknowledgement is their signature.',
    evaluate: (r) =>
      hasAnyRole(r.actor.roles, [...WORKER_ROLES, 'chair', 'management']) ? match() : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
]
