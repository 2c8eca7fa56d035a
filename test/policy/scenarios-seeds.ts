import type { PolicyRequestInput } from '../../src/domain/policy/request.ts'
import type { Scenario } from './scenarios.ts'

type Disclose = Extract<PolicyRequestInput, { action: 'disclose' }>

const coordinator = { roles: ['coordinator' as const] }
/** A consent on record: live, naming this category, recipient and purpose, in writing. */
const consent = {
  isLive: true,
  matchesCategory: true,
  matchesRecipient: true,
  matchesPurpose: true,
  isExplicit: true,
}
const exception = { reason: 'Synthetic: a threat overheard at handover', hasLinkedConcern: true }
const referringAgency = (isReferrerOfFamily = true) => ({
  kind: 'referring_agency' as const,
  isReferrerOfFamily,
  isVerified: true,
})

/** The parent's address and telephone number to their former partner (CONTACT). */
const toFormerPartner = (extra: Partial<Disclose> = {}): Disclose => ({
  action: 'disclose',
  actor: coordinator,
  category: 'contact_details',
  recipient: { kind: 'former_partner' },
  purpose: 'other',
  ...extra,
})
/** Someone at risk of physical violence, to the police (EXCEPT). */
const violence = (extra: Partial<Disclose> = {}): Disclose => ({
  action: 'disclose',
  actor: coordinator,
  category: 'other',
  recipient: { kind: 'police' },
  purpose: 'risk_of_violence',
  hasSecondSignOff: true,
  ...exception,
  ...extra,
})
/** Dates and times of attendance to the agency that referred the family (ATTEND). */
const attendance = (extra: Partial<Disclose> = {}): Disclose => ({
  action: 'disclose',
  actor: coordinator,
  category: 'attendance',
  recipient: referringAgency(),
  purpose: 'other',
  ...extra,
})

/** Where Haven follows the seeds' own words (issue 14): CONTACT with consent, EXCEPT, RETAIN, SAR, ASSESS. */
export const SEED_SCENARIOS: Scenario[] = [
  // CONTACT: "will not be passed to any other person (including their former partner) ...
  // without their permission": with it, they may go (decision 0027).
  [
    "contact details to the former partner, with the parent's live written consent",
    toFormerPartner({ consent }),
    'permit:CONTACT',
  ],
  [
    "contact details to the former partner, with the parent's spoken consent",
    toFormerPartner({ consent: { ...consent, isExplicit: false } }),
    { chichester: 'deny:CONTACT', else: 'permit:CONTACT' },
  ],
  [
    'contact details to the former partner, the consent withdrawn',
    toFormerPartner({ consent: { ...consent, isLive: false } }),
    'deny:CONTACT',
  ],
  [
    'contact details to the former partner, the consent for another purpose',
    toFormerPartner({ consent: { ...consent, matchesPurpose: false } }),
    'deny:CONTACT',
  ],
  [
    'contact details to the former partner, the consent naming someone else',
    toFormerPartner({ consent: { ...consent, matchesRecipient: false } }),
    'deny:CONTACT',
  ],
  ['contact details to the former partner, no consent', toFormerPartner(), 'deny:CONTACT'],
  [
    'contact details to the former partner, "required by law" without consent',
    toFormerPartner({ purpose: 'required_by_law', legalBasis: 'Court order ZW24P00999' }),
    'deny:CONTACT',
  ],
  [
    'contact details to the former partner with consent, asked by a volunteer',
    toFormerPartner({ consent, actor: { roles: ['volunteer'], relationship: 'assigned' } }),
    'deny:NDX',
  ],
  [
    'contact details to the former partner with consent, asked by the former partner',
    toFormerPartner({ consent, actor: { roles: ['parent'], relationship: 'other_parent' } }),
    'deny:NDX',
  ],
  [
    'contact details to another agency, with spoken consent',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
      consent: { ...consent, isExplicit: false },
    },
    { chichester: 'deny:CONTACT', else: 'permit:CONTACT' },
  ],
  [
    "the other parent reads the parent's contact details",
    {
      action: 'read',
      actor: { roles: ['parent'], relationship: 'other_parent' },
      resource: { type: 'person', field: 'contact_details' },
    },
    'deny:CONTACT',
  ],
  // EXCEPT: a risk of physical violence to anyone using the centre or working there.
  [
    'a volunteer at risk of violence: to the police',
    violence({ atRisk: 'volunteers' }),
    'permit:EXCEPT',
  ],
  ['staff at risk of violence: to the police', violence({ atRisk: 'staff' }), 'permit:EXCEPT'],
  [
    'the coordinator at risk of violence: to the police',
    violence({ atRisk: 'coordinator' }),
    'permit:EXCEPT',
  ],
  ['a risk of violence, nobody named at risk', violence(), 'deny:EXCEPT'],
  ['a risk of violence to a child named as such', violence({ atRisk: 'child' }), 'deny:EXCEPT'],
  // EXCEPT in the product: the reason and the safeguarding concern.
  [
    'a risk of violence with no reason given',
    violence({ atRisk: 'users', reason: undefined }),
    'deny:EXCEPT',
  ],
  [
    'a risk of violence with a blank reason',
    violence({ atRisk: 'users', reason: '   ' }),
    'deny:EXCEPT',
  ],
  [
    'a risk of violence linked to no safeguarding concern',
    violence({ atRisk: 'users', hasLinkedConcern: false }),
    'deny:EXCEPT',
  ],
  [
    "a child at risk: to Children's Services, with no reason and no concern",
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'childrens_services' },
      purpose: 'safeguarding_child',
      atRisk: 'child',
      hasSecondSignOff: true,
    },
    'deny:EXCEPT',
  ],
  [
    'a risk of violence raised by staff',
    violence({ atRisk: 'staff', actor: { roles: ['staff'] } }),
    'deny:EXCEPT',
  ],
  // Fail closed: a disclosure always looks at who asks.
  [
    'attendance to the referring agency, asked by a volunteer',
    attendance({ actor: { roles: ['volunteer'], relationship: 'assigned' } }),
    'deny:NDX',
  ],
  [
    'attendance to the referring agency, asked by a parent',
    attendance({ actor: { roles: ['parent'], relationship: 'self' } }),
    'deny:NDX',
  ],
  [
    'attendance to the referring agency, asked by nobody signed in',
    attendance({ actor: { roles: [] } }),
    'deny:NDX',
  ],
  [
    'attendance asked by the referrer of the family for their agency',
    attendance({ actor: { roles: ['referrer'], relationship: 'referrer_of_family' } }),
    'permit:ATTEND',
  ],
  [
    'attendance asked by a referrer for an agency that did not refer the family',
    attendance({
      actor: { roles: ['referrer'] },
      recipient: referringAgency(false),
    }),
    'deny:ATTEND,NDX',
  ],
  [
    'attendance to another agency, asked by a referrer',
    attendance({ actor: { roles: ['referrer'] }, recipient: { kind: 'other_agency' } }),
    'deny:NDX',
  ],
  [
    'attendance recorded by staff for the referring agency',
    attendance({ actor: { roles: ['staff'] } }),
    'permit:ATTEND',
  ],
  [
    // The committee does not read family records (NDX), so it records no request either.
    'attendance recorded by the chair for the referring agency',
    attendance({ actor: { roles: ['chair'] } }),
    'deny:NDX',
  ],
  [
    'attendance recorded by staff for the referring agency',
    attendance({ actor: { roles: ['staff'] } }),
    'permit:ATTEND',
  ],
  [
    'contact details with consent, asked by a volunteer',
    {
      action: 'disclose',
      actor: { roles: ['volunteer'], relationship: 'assigned' },
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
      consent,
    },
    'deny:NDX',
  ],
  [
    'contact details required by law, asked by a volunteer',
    {
      action: 'disclose',
      actor: { roles: ['volunteer'], relationship: 'assigned' },
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
      legalBasis: 'Court order ZW24P00123',
    },
    { chichester: 'deny:NDX', else: 'deny:CONTACT,NDX' },
  ],
]
