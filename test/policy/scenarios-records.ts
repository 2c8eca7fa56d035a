import type { Scenario } from './scenarios.ts'

const coordinator = { roles: ['coordinator' as const] }
const subject = { roles: ['parent' as const], relationship: 'self' as const }

/**
 * Where Haven follows the seeds' own words on records (issue 14): what disposal keeps (RETAIN),
 * what a subject access bundle holds (SAR), where an assessment needs an agreement (ASSESS)
 * and what referring agencies may be given besides attendance (ATTEND).
 */
export const RECORD_SCENARIOS: Scenario[] = [
  // RETAIN: a disclosure made because a child was at risk is a record of child protection, one
  // made because someone was at risk of violence a safeguarding record; Birmingham keeps both.
  [
    "a safeguarding disclosure to Children's Services, its family unused for six years",
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'child_protection', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'a disclosure made because someone was at risk of violence, six years unused',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'safeguarding', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'an entry in the register for attendance, six years unused',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'disclosure_register', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    'permit:RETAIN',
  ],
  // ASSESS: Birmingham restricts its contact rooms only; the other four the whole premises.
  [
    'an assessment elsewhere on the premises, with no agreement',
    { action: 'book_assessment', actor: coordinator, place: 'premises' },
    { birmingham: 'permit:ASSESS', else: 'deny:ASSESS' },
  ],
  [
    'an assessment in the contact rooms, with no agreement',
    { action: 'book_assessment', actor: coordinator, place: 'contact_rooms' },
    'deny:ASSESS',
  ],
  [
    'an assessment in the contact rooms, agreed by the coordinator',
    {
      action: 'book_assessment',
      actor: coordinator,
      place: 'contact_rooms',
      agreement: { approvedBy: ['coordinator'], place: 'contact_rooms' },
    },
    { birmingham: 'deny:ASSESS', else: 'permit:ASSESS' },
  ],
  [
    'an assessment in the contact rooms, agreed by management',
    {
      action: 'book_assessment',
      actor: coordinator,
      place: 'contact_rooms',
      agreement: { approvedBy: ['management'], place: 'contact_rooms' },
    },
    { birmingham: 'permit:ASSESS', else: 'deny:ASSESS' },
  ],
  // ATTEND: St Mary's and Birmingham say only that attendance goes to referring agencies on
  // request; Cordomus, Chichester and Preston add "and nothing else unless an exception".
  [
    "the risk assessment to the family's referring agency",
    {
      action: 'disclose',
      actor: coordinator,
      category: 'notes_or_reports',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'other',
    },
    {
      'st-marys': 'deny:NOREPORT',
      birmingham: 'deny:NOREPORT',
      else: 'deny:NOREPORT,ATTEND',
    },
  ],
  [
    "other information to the family's referring agency, with the parent's consent",
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'referring_agency', isReferrerOfFamily: true, isVerified: true },
      purpose: 'other',
      consent: {
        isLive: true,
        matchesCategory: true,
        matchesRecipient: true,
        matchesPurpose: true,
      },
    },
    { 'st-marys': 'deny:NDX', birmingham: 'deny:NDX', else: 'deny:ATTEND' },
  ],
  // SAR: the violent-crime exemption only where the policy has it (Preston), item by item; a
  // child of the family up to the age the policy names (Birmingham: 25) gets their safeguarding
  // records; a withheld item released after review, with a reason, by those who compile bundles.
  [
    'a disclosure made because a user was at risk of violence, asked for by a parent',
    { action: 'subject_access', actor: subject, item: 'violence_prevention' },
    { preston: 'deny:SAR', else: 'permit:SAR' },
  ],
  [
    'a safeguarding record, asked for by a parent',
    { action: 'subject_access', actor: subject, item: 'safeguarding_record' },
    'deny:SAR',
  ],
  [
    'a safeguarding record, asked for by the child, now 22',
    {
      action: 'subject_access',
      actor: subject,
      item: 'safeguarding_record',
      subject: { isChild: true, age: 22 },
    },
    { birmingham: 'permit:SAR', else: 'deny:SAR' },
  ],
  [
    'a safeguarding record, asked for by the child, now 25',
    {
      action: 'subject_access',
      actor: subject,
      item: 'safeguarding_record',
      subject: { isChild: true, age: 25 },
    },
    { birmingham: 'permit:SAR', else: 'deny:SAR' },
  ],
  [
    'a safeguarding record, asked for by the child, now 26',
    {
      action: 'subject_access',
      actor: subject,
      item: 'safeguarding_record',
      subject: { isChild: true, age: 26 },
    },
    'deny:SAR',
  ],
  [
    'a safeguarding record, asked for by a child whose age is not known',
    {
      action: 'subject_access',
      actor: subject,
      item: 'safeguarding_record',
      subject: { isChild: true },
    },
    'deny:SAR',
  ],
  [
    'a safeguarding record, asked for by an adult of 22 who is not a child of the family',
    {
      action: 'subject_access',
      actor: subject,
      item: 'safeguarding_record',
      subject: { isChild: false, age: 22 },
    },
    'deny:SAR',
  ],
  [
    'a record held to prevent violent crime, released by the coordinator with a reason',
    {
      action: 'subject_access',
      actor: subject,
      item: 'violence_prevention',
      release: { byRoles: ['coordinator'], reason: 'the risk has passed' },
    },
    'permit:SAR',
  ],
  [
    'a safeguarding record, released by the coordinator with no reason',
    {
      action: 'subject_access',
      actor: subject,
      item: 'safeguarding_record',
      release: { byRoles: ['coordinator'], reason: ' ' },
    },
    'deny:SAR',
  ],
  [
    "another person's data, released by staff",
    {
      action: 'subject_access',
      actor: subject,
      item: 'third_party_data',
      release: { byRoles: ['staff'], reason: 'the other person agreed' },
    },
    'deny:SAR',
  ],
  [
    "the other parent's contact details, released by the coordinator",
    {
      action: 'subject_access',
      actor: subject,
      item: 'other_parent_contact_details',
      release: { byRoles: ['coordinator'], reason: 'asked for' },
    },
    'deny:CONTACT',
  ],
]
