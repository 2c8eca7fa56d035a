import type { PolicyParameters } from './document.ts'
import type { PolicyRequest } from './request.ts'
import { atRiskWords, orList, recipientWords } from './words.ts'
import { hasAnyRole, match, names, ruleFor, type Rule } from './rule.ts'

/**
 * Disclosing a category of information to a recipient for a purpose: ATTEND, NOREPORT,
 * CONTACT (with Chichester's "required by law"), EXCEPT.
 */
type Disclosure = Extract<PolicyRequest, { action: 'disclose' }>

const EXCEPTION_PURPOSES = ['safeguarding_child', 'risk_of_violence'] as const
const isExceptionPurpose = (r: Disclosure): boolean =>
  (EXCEPTION_PURPOSES as readonly string[]).includes(r.purpose)
const hasMatchingConsent = (r: Disclosure): boolean =>
  r.consent !== undefined &&
  r.consent.isLive &&
  r.consent.matchesCategory &&
  r.consent.matchesRecipient &&
  r.consent.matchesPurpose
const isLawPath = (r: Disclosure, p: PolicyParameters): boolean =>
  r.purpose === 'required_by_law' &&
  p.contactDetails.hasRequiredByLaw &&
  (r.legalBasis ?? '').trim() !== ''
const isExceptionRecipient = (r: Disclosure, p: PolicyParameters): boolean =>
  (p.exceptions.recipients as readonly string[]).includes(r.recipient.kind)

const when =
  (
    test: (r: Disclosure, p: PolicyParameters) => boolean,
    reason?: (r: Disclosure, p: PolicyParameters) => string,
  ) =>
  (r: Disclosure, p: PolicyParameters): { reason?: string } | undefined =>
    test(r, p) ? match(reason?.(r, p)) : undefined

export const DISCLOSURE_RULES: readonly Rule[] = [
  ruleFor('disclose', {
    clause: 'ATTEND',
    effect: 'permit',
    says: 'Dates and times of attendance go to the agency that referred the family, through its verified contact, and enter the register.',
    evaluate: when(
      (r) =>
        r.category === 'attendance' &&
        r.recipient.kind === 'referring_agency' &&
        r.recipient.isReferrerOfFamily &&
        r.recipient.isVerified,
    ),
    obligations: () => [{ kind: 'record_in_register' }, { kind: 'audit' }],
  }),
  ruleFor('disclose', {
    clause: 'ATTEND',
    effect: 'forbid',
    says: 'Attendance goes only to the agency that referred this family.',
    evaluate: when(
      (r) =>
        r.category === 'attendance' &&
        r.recipient.kind === 'referring_agency' &&
        !r.recipient.isReferrerOfFamily,
      () => 'attendance goes only to the agency that referred this family',
    ),
  }),
  ruleFor('disclose', {
    clause: 'ATTEND',
    effect: 'forbid',
    says: "Attendance goes only to the agency's verified contact.",
    evaluate: when(
      (r) =>
        r.category === 'attendance' &&
        r.recipient.kind === 'referring_agency' &&
        !r.recipient.isVerified,
      () => "attendance goes only to the referring agency's verified contact",
    ),
  }),
  ruleFor('disclose', {
    clause: 'ATTEND',
    effect: 'forbid',
    says: 'Referring agencies get dates and times of attendance and nothing else, unless an exception applies (where the policy says so).',
    evaluate: when(
      (r, p) =>
        p.attendance.nothingElseUnlessException &&
        r.recipient.kind === 'referring_agency' &&
        r.category !== 'attendance' &&
        !isExceptionPurpose(r),
      () => 'referring agencies are given dates and times of attendance and nothing else',
    ),
  }),
  ruleFor('disclose', {
    clause: 'NOREPORT',
    effect: 'forbid',
    says: 'No verbal or written reports are made; for family proceedings, attendance facts at most.',
    evaluate: when(
      (r) =>
        (r.category === 'notes_or_reports' && !isExceptionPurpose(r)) ||
        (r.purpose === 'family_proceedings' && r.category !== 'attendance'),
      () => 'the centre makes no reports for family proceedings; attendance facts at most',
    ),
  }),
  ruleFor('disclose', {
    clause: 'CONTACT',
    effect: 'forbid',
    says: "A parent's contact details never go to their former partner.",
    evaluate: when(
      (r) => r.category === 'contact_details' && r.recipient.kind === 'former_partner',
      () => "a parent's contact details never go to their former partner",
    ),
  }),
  ruleFor('disclose', {
    clause: 'CONTACT',
    effect: 'permit',
    says: "Contact details go where the parent's live consent names this category, recipient and purpose.",
    evaluate: when((r) => r.category === 'contact_details' && hasMatchingConsent(r)),
    obligations: () => [
      { kind: 'record_in_register' },
      { kind: 'audit' },
      { kind: 'tell_person_or_record_why_not' },
    ],
  }),
  ruleFor('disclose', {
    clause: 'CONTACT',
    effect: 'permit',
    says: 'Where the policy has a "required by law" path, contact details go when the law requires it, with the legal basis recorded.',
    evaluate: when((r, p) => r.category === 'contact_details' && isLawPath(r, p)),
    obligations: () => [
      { kind: 'record_legal_basis' },
      { kind: 'second_sign_off' },
      { kind: 'record_in_register' },
      { kind: 'audit' },
      { kind: 'tell_person_or_record_why_not' },
    ],
  }),
  ruleFor('disclose', {
    clause: 'CONTACT',
    effect: 'forbid',
    says: "Without the parent's live consent, an exception or (where the policy has it) a legal requirement, contact details do not go.",
    evaluate: when(
      (r, p) =>
        r.category === 'contact_details' &&
        !hasMatchingConsent(r) &&
        !isExceptionPurpose(r) &&
        !isLawPath(r, p),
      (r, p) =>
        r.purpose === 'required_by_law'
          ? p.contactDetails.hasRequiredByLaw
            ? 'a disclosure required by law must record its legal basis'
            : 'this policy has no "required by law" path; the parent\'s permission is needed'
          : 'there is no live consent of the parent for this recipient and purpose',
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'permit',
    says: 'When a child is at risk of harm, or someone the policy names is at risk of violence, the roles it names may disclose to the recipients it allows, with a second sign-off.',
    evaluate: when(
      (r, p) =>
        isExceptionPurpose(r) &&
        isExceptionRecipient(r, p) &&
        hasAnyRole(r.actor.roles, p.exceptions.authorisedBy) &&
        r.hasSecondSignOff &&
        (r.purpose === 'safeguarding_child'
          ? r.atRisk === 'child'
          : r.atRisk !== undefined &&
            r.atRisk !== 'child' &&
            p.exceptions.violenceRiskTo.includes(r.atRisk)),
    ),
    obligations: (_r, p) => [
      { kind: 'second_sign_off' },
      ...(p.exceptions.notify.length > 0
        ? [{ kind: 'notify' as const, roles: p.exceptions.notify }]
        : []),
      { kind: 'record_reason' },
      { kind: 'tell_person_or_record_why_not' },
      { kind: 'record_in_register' },
      { kind: 'audit' },
    ],
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'An exception disclosure goes only to the recipients the policy allows.',
    evaluate: when(
      (r, p) => isExceptionPurpose(r) && !isExceptionRecipient(r, p),
      (r, p) =>
        `${recipientWords(r.recipient.kind)} is not a recipient this policy allows; it allows ${orList(p.exceptions.recipients.map(recipientWords))}`,
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'An exception disclosure is authorised by the roles the policy names, and always signed off by a second person.',
    evaluate: when(
      (r, p) =>
        isExceptionPurpose(r) &&
        (!hasAnyRole(r.actor.roles, p.exceptions.authorisedBy) || !r.hasSecondSignOff),
      (r, p) =>
        hasAnyRole(r.actor.roles, p.exceptions.authorisedBy)
          ? "this disclosure needs a second person's sign-off"
          : `this disclosure is authorised by ${names(p.exceptions.authorisedBy)}`,
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'The exception covers a child at risk of harm, or the people the policy names at risk of violence.',
    evaluate: when(
      (r, p) =>
        isExceptionPurpose(r) &&
        (r.purpose === 'safeguarding_child'
          ? r.atRisk !== 'child'
          : r.atRisk === undefined ||
            r.atRisk === 'child' ||
            !p.exceptions.violenceRiskTo.includes(r.atRisk)),
      (_r, p) =>
        `the exception covers a child at risk of harm, or ${orList(p.exceptions.violenceRiskTo.map(atRiskWords))} at risk of violence`,
    ),
  }),
]
