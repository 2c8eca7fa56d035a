import type { Role } from '../roles.ts'
import type { PolicyParameters } from './document.ts'
import { FAMILY_FIELDS, type ResourceType } from './request.ts'
import { hasAnyRole, match, names, ruleFor, WORKER_ROLES, type Rule } from './rule.ts'

/**
 * Reading records and fields, by role and relationship to the record (NDX, CONTACT, CHECKS,
 * EXCEPT, GUIDE, SECURE, AWARE, ATTEND, SAR).
 */
const CASE_RECORDS: readonly ResourceType[] = ['family', 'person', 'session', 'referral']
const CASE_ROLES = ['coordinator', 'staff'] as const
/** What a volunteer on the session needs at the door, and nothing more. */
const VOLUNTEER_FIELDS = ['first_names', 'separation_plan', 'safety_flags', 'session_times']
const allBut = (visible: readonly string[]): string[] =>
  FAMILY_FIELDS.filter((field) => !visible.includes(field))

/** EXCEPT: the roles the policy shows concerns to, and those who authorise disclosures. */
const concernReaders = (p: PolicyParameters): Role[] => [
  ...new Set([...p.exceptions.concernsVisibleTo, ...p.exceptions.authorisedBy]),
]
const seesConcerns = (roles: readonly Role[], p: PolicyParameters): boolean =>
  hasAnyRole(roles, concernReaders(p))

export const READ_RULES: readonly Rule[] = [
  ruleFor('read', {
    clause: 'AWARE',
    resources: ['policy'],
    effect: 'permit',
    says: 'Everyone, referrers and parents included, may read the current policy.',
    evaluate: () => match(),
  }),
  ruleFor('read', {
    clause: 'NDX',
    resources: CASE_RECORDS,
    effect: 'permit',
    says: 'The coordinator and staff read case records, with contact details masked (revealing them is its own decision).',
    evaluate: (r) => (hasAnyRole(r.actor.roles, CASE_ROLES) ? match() : undefined),
    obligations: () => [{ kind: 'audit' }],
    redact: () => ['contact_details'],
  }),
  ruleFor('read', {
    clause: 'NDX',
    resources: ['family', 'person', 'session'],
    effect: 'permit',
    says: "A volunteer assigned to the family's session sees first names, times, rooms, the separation plan and safety flags.",
    evaluate: (r) =>
      r.actor.roles.includes('volunteer') && r.actor.relationship === 'assigned'
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
    redact: () => allBut(VOLUNTEER_FIELDS),
  }),
  ruleFor('read', {
    clause: 'NDX',
    resources: ['family', 'person', 'session', 'referral'],
    effect: 'forbid',
    says: "A volunteer who is not on the family's session sees nothing of the family.",
    evaluate: (r) =>
      r.actor.roles.includes('volunteer') &&
      !hasAnyRole(r.actor.roles, CASE_ROLES) &&
      r.actor.relationship !== 'assigned' &&
      r.actor.relationship !== 'self'
        ? match('volunteers see only the families on the sessions they are assigned to')
        : undefined,
  }),
  ruleFor('read', {
    clause: 'SAR',
    resources: ['family', 'person', 'referral'],
    effect: 'permit',
    says: "A parent reads their own record; the other parent's contact details stay hidden.",
    evaluate: (r) =>
      r.actor.roles.includes('parent') && r.actor.relationship === 'self' ? match() : undefined,
    obligations: () => [{ kind: 'audit' }],
    redact: (r) =>
      r.resource.type === 'person' ? [] : ['contact_details', 'risk_assessment', 'notes'],
  }),
  ruleFor('read', {
    clause: 'ATTEND',
    resources: ['referral', 'session'],
    effect: 'permit',
    says: "The referrer of a family sees their referral's progress and the dates and times of its sessions, and nothing else.",
    evaluate: (r) =>
      r.actor.roles.includes('referrer') && r.actor.relationship === 'referrer_of_family'
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
    redact: () => allBut(['session_times']),
  }),
  ruleFor('read', {
    clause: 'CONTACT',
    resources: ['family', 'person'],
    effect: 'forbid',
    says: "Nobody reads a parent's contact details as a plain field but the parent; others reveal them with a reason.",
    evaluate: (r) =>
      r.resource.field === 'contact_details' && r.actor.relationship !== 'self'
        ? match('contact details are masked; revealing them needs a reason and is recorded')
        : undefined,
  }),
  ruleFor('read', {
    clause: 'CONTACT',
    resources: ['family', 'person'],
    effect: 'forbid',
    says: "The other parent never reads the parent's record.",
    evaluate: (r) =>
      r.actor.relationship === 'other_parent'
        ? match("the other parent's record is never shown to a former partner")
        : undefined,
  }),
  ruleFor('read', {
    clause: 'CHECKS',
    resources: ['check_result'],
    effect: 'permit',
    says: 'Check results are seen by the roles the policy names, and by the worker checked.',
    evaluate: (r, p) =>
      hasAnyRole(r.actor.roles, p.checks.resultsVisibleTo) || r.actor.relationship === 'self'
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('read', {
    clause: 'CHECKS',
    resources: ['check_result'],
    effect: 'forbid',
    says: 'Nobody else sees check results.',
    evaluate: (r, p) =>
      !hasAnyRole(r.actor.roles, p.checks.resultsVisibleTo) && r.actor.relationship !== 'self'
        ? match(`check results are seen only by ${names(p.checks.resultsVisibleTo)}`)
        : undefined,
  }),
  ruleFor('read', {
    clause: 'NDX',
    resources: ['worker'],
    effect: 'permit',
    says: "The coordinator, chair and management read workers' records; a worker reads their own. Check results stay with the named roles.",
    evaluate: (r) =>
      hasAnyRole(r.actor.roles, ['coordinator', 'chair', 'management']) ||
      r.actor.relationship === 'self'
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
    redact: (r, p) =>
      hasAnyRole(r.actor.roles, p.checks.resultsVisibleTo) || r.actor.relationship === 'self'
        ? []
        : ['check_result'],
  }),
  ruleFor('read', {
    clause: 'EXCEPT',
    resources: ['safeguarding_concern'],
    effect: 'permit',
    says: 'Safeguarding concerns are seen by the roles the policy names, by those who authorise a disclosure answering one, and by whoever raised them.',
    evaluate: (r, p) =>
      seesConcerns(r.actor.roles, p) || r.actor.relationship === 'author' ? match() : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('read', {
    clause: 'EXCEPT',
    resources: ['safeguarding_concern'],
    effect: 'forbid',
    says: 'Nobody else sees safeguarding concerns.',
    evaluate: (r, p) =>
      !seesConcerns(r.actor.roles, p) && r.actor.relationship !== 'author'
        ? match(`safeguarding concerns are seen only by ${names(concernReaders(p))}`)
        : undefined,
  }),
  ruleFor('read', {
    clause: 'GUIDE',
    resources: ['guidance_request'],
    effect: 'permit',
    says: 'A guidance request is seen by the worker who asked and by those who answer.',
    evaluate: (r, p) =>
      hasAnyRole(r.actor.roles, p.guidance.answeredBy) || r.actor.relationship === 'author'
        ? match()
        : undefined,
  }),
  ruleFor('read', {
    clause: 'NDX',
    resources: ['incident', 'accident_book'],
    effect: 'permit',
    says: 'Incidents and the accident book are read by the coordinator, staff, chair and management; a worker reads what they wrote.',
    evaluate: (r) =>
      hasAnyRole(r.actor.roles, ['coordinator', 'staff', 'chair', 'management']) ||
      (r.actor.relationship === 'author' && hasAnyRole(r.actor.roles, WORKER_ROLES))
        ? match()
        : undefined,
    obligations: () => [{ kind: 'audit' }],
  }),
  ruleFor('read', {
    clause: 'SECURE',
    resources: ['audit_log'],
    effect: 'permit',
    says: 'The audit log is read by the coordinator, chair and management.',
    evaluate: (r) =>
      hasAnyRole(r.actor.roles, ['coordinator', 'chair', 'management']) ? match() : undefined,
  }),
  ruleFor('read', {
    clause: 'SECURE',
    resources: ['check_result', 'person', 'family'],
    effect: 'forbid',
    says: 'Protected data is never shown to a session without a second factor, when the role must use one.',
    evaluate: (r, p) =>
      !r.actor.hasSecondFactor &&
      hasAnyRole(r.actor.roles, p.security.secondFactorRoles) &&
      (r.resource.type === 'check_result' || r.resource.field === 'contact_details')
        ? match('protected data needs a second factor for this role')
        : undefined,
  }),
]
