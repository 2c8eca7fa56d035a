import type { PolicyParameters } from './document.ts'
import type { PolicyRequest } from './request.ts'
import { atRiskWords, orList, recipientWords } from './words.ts'
import { rolesFor } from './abilities.ts'
import { hasAnyRole, match, names, ruleFor, type Rule } from './rule.ts'

/**
 * Disclosing a category of information to a recipient for a purpose: ATTEND, NOREPORT,
 * CONTACT (with Chichester's "required by law"), EXCEPT.
 */
type Disclosure = Extract<PolicyRequest, { action: 'disclose' }>

/**
 * Who asks for a disclosure that is not an exception (ATTEND: attendance "made available to
 * referring agencies upon request"; CONTACT with the parent's permission; Chichester's
 * "required by law"): the referring agency for itself, through its verified contact, and the
 * centre's coordinator, staff and committee, who take a request on someone's behalf.
 * Volunteers undertake not to disclose (NDX); parents and anyone else do not ask here. The
 * release is the coordinator's (`confidentiality.exportRoles`); an exception is raised by
 * the roles the policy names (`exceptions.authorisedBy`).
 */

/** EXCEPT: a risk of physical violence to anyone using the centre or working there. */
export const VIOLENCE_RISK_TO = ['users', 'volunteers', 'staff', 'coordinator'] as const

/** What an exception disclosure must carry, in the words a coordinator is shown (EXCEPT). */
export const EXCEPTION_NEEDS_REASON =
  'say why confidentiality must be broken: what was seen or heard, and who is at risk'
export const EXCEPTION_NEEDS_CONCERN =
  'an exception disclosure answers a safeguarding concern recorded at the centre: record the concern first, then disclose from it'

const EXCEPTION_PURPOSES = ['safeguarding_child', 'risk_of_violence'] as const
const isExceptionPurpose = (r: Disclosure): boolean =>
  (EXCEPTION_PURPOSES as readonly string[]).includes(r.purpose)
const hasMatchingConsent = (r: Disclosure): boolean =>
  r.consent !== undefined &&
  r.consent.isLive &&
  r.consent.matchesCategory &&
  r.consent.matchesRecipient &&
  r.consent.matchesPurpose
/** Where the policy asks for explicit permission, the parent gave it in writing or in Haven. */
const isExplicitEnough = (r: Disclosure, p: PolicyParameters): boolean =>
  !p.contactDetails.isExplicitPermission || r.consent?.isExplicit === true
const hasPermission = (r: Disclosure, p: PolicyParameters): boolean =>
  hasMatchingConsent(r) && isExplicitEnough(r, p)
const isLawPath = (r: Disclosure, p: PolicyParameters): boolean =>
  r.purpose === 'required_by_law' &&
  p.contactDetails.hasRequiredByLaw &&
  (r.legalBasis ?? '').trim() !== ''
const isExceptionRecipient = (r: Disclosure, p: PolicyParameters): boolean =>
  (p.exceptions.recipients as readonly string[]).includes(r.recipient.kind)
const isFormerPartnersContact = (r: Disclosure): boolean =>
  r.category === 'contact_details' && r.recipient.kind === 'former_partner'
/**
 * The referring agency asking for itself, or someone who records requests on the centre's
 * behalf (the record_disclosures ability: the same roles the app and pages ask).
 */
const mayAsk = (r: Disclosure, p: PolicyParameters): boolean =>
  hasAnyRole(r.actor.roles, rolesFor('record_disclosures', p)) ||
  (r.actor.roles.includes('referrer') &&
    r.recipient.kind === 'referring_agency' &&
    r.recipient.isReferrerOfFamily &&
    r.recipient.isVerified)
const isCoveredRisk = (r: Disclosure): boolean =>
  r.purpose === 'safeguarding_child'
    ? r.atRisk === 'child'
    : (VIOLENCE_RISK_TO as readonly (string | undefined)[]).includes(r.atRisk)
const hasReason = (r: Disclosure): boolean => (r.reason ?? '').trim() !== ''

const when =
  (
    test: (r: Disclosure, p: PolicyParameters) => boolean,
    reason?: (r: Disclosure, p: PolicyParameters) => string,
  ) =>
  (r: Disclosure, p: PolicyParameters): { reason?: string } | undefined =>
    test(r, p) ? match(reason?.(r, p)) : undefined

const EXPLICIT_WORDS =
  "this policy asks for the parent's explicit permission: a consent they gave in writing, or in Haven themselves; a consent recorded as spoken is not enough"

export const DISCLOSURE_RULES: readonly Rule[] = [
  ruleFor('disclose', {
    clause: 'NDX',
    effect: 'forbid',
    says: 'Disclosures other than exceptions are asked for by the referring agency for itself, or by those who record requests for the centre; volunteers and anyone else do not make them.',
    evaluate: when(
      (r, p) => !isExceptionPurpose(r) && !mayAsk(r, p),
      (r, p) =>
        r.actor.roles.includes('referrer')
          ? 'a referring agency asks only for itself, through its verified contact, about a family it referred'
          : `disclosures are asked for by the agency that referred the family, or by ${names(rolesFor('record_disclosures', p))}`,
    ),
  }),
  ruleFor('disclose', {
    clause: 'ATTEND',
    effect: 'permit',
    says: 'Dates and times of attendance go to the agency that referred the family, through its verified contact, and enter the register.',
    evaluate: when(
      (r, p) =>
        r.category === 'attendance' &&
        r.recipient.kind === 'referring_agency' &&
        r.recipient.isReferrerOfFamily &&
        r.recipient.isVerified &&
        mayAsk(r, p),
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
    says: "A parent's contact details go to their former partner only with that parent's live consent naming the former partner and the purpose (explicit, where the policy asks for explicit permission).",
    evaluate: when(
      (r, p) => isFormerPartnersContact(r) && !hasPermission(r, p),
      (r, p) =>
        hasMatchingConsent(r) && !isExplicitEnough(r, p)
          ? EXPLICIT_WORDS
          : "a parent's contact details go to their former partner only with that parent's own live consent naming the former partner and this purpose",
    ),
  }),
  ruleFor('disclose', {
    clause: 'CONTACT',
    effect: 'permit',
    says: "Contact details go where the parent's live consent names this category, recipient and purpose (explicit, where the policy asks for explicit permission); to the former partner, whoever releases them confirms the consent they rely on.",
    evaluate: when(
      (r, p) => r.category === 'contact_details' && hasPermission(r, p) && mayAsk(r, p),
    ),
    obligations: (r) => [
      { kind: 'record_in_register' },
      { kind: 'audit' },
      { kind: 'tell_person_or_record_why_not' },
      ...(isFormerPartnersContact(r) ? [{ kind: 'confirm_consent' as const }] : []),
    ],
  }),
  ruleFor('disclose', {
    clause: 'CONTACT',
    effect: 'permit',
    says: 'Where the policy has a "required by law" path, contact details go when the law requires it, with the legal basis recorded.',
    evaluate: when((r, p) => r.category === 'contact_details' && isLawPath(r, p) && mayAsk(r, p)),
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
    says: "Without the parent's live consent (explicit, where the policy asks for explicit permission), an exception or (where the policy has it) a legal requirement, contact details do not go.",
    evaluate: when(
      (r, p) =>
        r.category === 'contact_details' &&
        !isFormerPartnersContact(r) &&
        !hasPermission(r, p) &&
        !isExceptionPurpose(r) &&
        !isLawPath(r, p),
      (r, p) =>
        r.purpose === 'required_by_law'
          ? p.contactDetails.hasRequiredByLaw
            ? 'a disclosure required by law must record its legal basis'
            : 'this policy has no "required by law" path; the parent\'s permission is needed'
          : hasMatchingConsent(r)
            ? EXPLICIT_WORDS
            : 'there is no live consent of the parent for this recipient and purpose',
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'permit',
    says: 'When a child is at risk of harm, or anyone using the centre or working there is at risk of physical violence, the roles the policy names may disclose to the recipients it allows, with a second sign-off where it asks for one, saying why and answering a safeguarding concern recorded at the centre.',
    evaluate: when(
      (r, p) =>
        isExceptionPurpose(r) &&
        isExceptionRecipient(r, p) &&
        hasAnyRole(r.actor.roles, p.exceptions.authorisedBy) &&
        r.hasSecondSignOff &&
        isCoveredRisk(r) &&
        hasReason(r) &&
        r.hasLinkedConcern,
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
    says: 'An exception disclosure is authorised by the roles the policy names.',
    evaluate: when(
      (r, p) => isExceptionPurpose(r) && !hasAnyRole(r.actor.roles, p.exceptions.authorisedBy),
      (_r, p) => `this disclosure is authorised by ${names(p.exceptions.authorisedBy)}`,
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'An exception disclosure that is otherwise in order is always signed off by a second person; where something else is wrong, that is the reason given, not the sign-off.',
    evaluate: when(
      (r, p) =>
        isExceptionPurpose(r) &&
        !r.hasSecondSignOff &&
        hasAnyRole(r.actor.roles, p.exceptions.authorisedBy) &&
        isExceptionRecipient(r, p) &&
        isCoveredRisk(r) &&
        hasReason(r) &&
        r.hasLinkedConcern,
      () => "this disclosure needs a second person's sign-off",
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'The exception covers a child at risk of harm, or anyone using the centre or working there (a user, a volunteer, a member of staff, the coordinator) at risk of physical violence.',
    evaluate: when(
      (r) => isExceptionPurpose(r) && !isCoveredRisk(r),
      () =>
        `the exception covers a child at risk of harm, or ${orList(VIOLENCE_RISK_TO.map(atRiskWords))} at risk of physical violence`,
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'An exception disclosure says why confidentiality must be broken.',
    evaluate: when(
      (r) => isExceptionPurpose(r) && !hasReason(r),
      () => EXCEPTION_NEEDS_REASON,
    ),
  }),
  ruleFor('disclose', {
    clause: 'EXCEPT',
    effect: 'forbid',
    says: 'An exception disclosure answers a safeguarding concern recorded at the centre, and is linked to it.',
    evaluate: when(
      (r) => isExceptionPurpose(r) && !r.hasLinkedConcern,
      () => EXCEPTION_NEEDS_CONCERN,
    ),
  }),
]
