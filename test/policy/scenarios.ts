import type { PresetName } from '../../src/domain/policy/presets.ts'
import type { PolicyRequestInput, Relationship } from '../../src/domain/policy/request.ts'
import type { CheckLevel } from '../../src/domain/policy/document.ts'
import type { Role } from '../../src/domain/roles.ts'
import { ABILITY_SCENARIOS } from './scenarios-abilities.ts'
import { PARAMETER_SCENARIOS } from './scenarios-parameters.ts'
import { RECORD_SCENARIOS } from './scenarios-records.ts'
import { SEED_SCENARIOS } from './scenarios-seeds.ts'

/**
 * Every clause under every preset. An expectation is "effect:CLAUSE" for all five presets,
 * or per preset where they differ. Where the seeds differ the table says so.
 */
export type Expect = string | (Partial<Record<PresetName, string>> & { else?: string })

/** What is asked, the request, and what each preset answers. */
export type Scenario = [string, PolicyRequestInput, Expect]

type ActorInput = { roles: Role[]; relationship?: Relationship; hasSecondFactor?: boolean }
type CheckInput = {
  kind: 'dbs' | 'crb'
  level: CheckLevel
  outcome: 'clear' | 'pending' | 'concerns'
  issuedOn: string
  renewalDueOn: string
}

const volunteer = (relationship: Relationship = 'assigned'): ActorInput => ({
  roles: ['volunteer'],
  relationship,
})
const coordinator: ActorInput = { roles: ['coordinator'] }
const agency = (isReferrerOfFamily: boolean, isVerified = true) => ({
  kind: 'referring_agency' as const,
  isReferrerOfFamily,
  isVerified,
})
const consent = {
  isLive: true,
  matchesCategory: true,
  matchesRecipient: true,
  matchesPurpose: true,
  isExplicit: true,
}
/** What every exception disclosure carries (EXCEPT): why, and the concern it answers. */
const exception = { reason: 'Synthetic: a threat overheard at handover', hasLinkedConcern: true }
const check = (
  level: CheckLevel,
  outcome: CheckInput['outcome'] = 'clear',
  issuedOn = '2025-01-01',
  renewalDueOn = '2028-01-01',
): CheckInput => ({ kind: 'dbs', level, outcome, issuedOn, renewalDueOn })

const CORE: Scenario[] = [
  // AWARE
  [
    'anyone reads the policy',
    { action: 'read', actor: { roles: [] }, resource: { type: 'policy' } },
    'permit:AWARE',
  ],
  [
    'a parent reads the policy',
    { action: 'read', actor: { roles: ['parent'] }, resource: { type: 'policy' } },
    'permit:AWARE',
  ],
  [
    'a volunteer acknowledges the policy',
    { action: 'acknowledge_policy', actor: volunteer('none') },
    'permit:AWARE',
  ],
  [
    'a parent cannot acknowledge as a worker',
    { action: 'acknowledge_policy', actor: { roles: ['parent'] } },
    'deny:AWARE',
  ],
  // NDX
  [
    'an assigned volunteer reads the family',
    { action: 'read', actor: volunteer(), resource: { type: 'family' } },
    'permit:NDX',
  ],
  [
    'an unassigned volunteer reads the family',
    { action: 'read', actor: volunteer('none'), resource: { type: 'family' } },
    'deny:NDX',
  ],
  [
    'an unassigned volunteer reads the session',
    { action: 'read', actor: volunteer('none'), resource: { type: 'session' } },
    'deny:NDX',
  ],
  [
    'an assigned volunteer reads the separation plan',
    { action: 'read', actor: volunteer(), resource: { type: 'family', field: 'separation_plan' } },
    'permit:NDX',
  ],
  [
    'an assigned volunteer reads the court order',
    { action: 'read', actor: volunteer(), resource: { type: 'family', field: 'court_order' } },
    'deny:NDX',
  ],
  [
    'an assigned volunteer reads the history',
    { action: 'read', actor: volunteer(), resource: { type: 'family', field: 'history' } },
    'deny:NDX',
  ],
  [
    'the coordinator reads the family',
    { action: 'read', actor: coordinator, resource: { type: 'family' } },
    'permit:NDX',
  ],
  [
    'staff read the referral',
    { action: 'read', actor: { roles: ['staff'] }, resource: { type: 'referral' } },
    'permit:NDX',
  ],
  [
    'the chair reads a family',
    { action: 'read', actor: { roles: ['chair'] }, resource: { type: 'family' } },
    'deny:NDX',
  ],
  [
    'the coordinator exports family data',
    { action: 'export', actor: coordinator, resource: { type: 'family' } },
    'permit:NDX',
  ],
  [
    'a volunteer exports family data',
    { action: 'export', actor: volunteer(), resource: { type: 'family' } },
    'deny:NDX',
  ],
  [
    'staff export family data',
    { action: 'export', actor: { roles: ['staff'] }, resource: { type: 'family' } },
    'deny:NDX',
  ],
  [
    'the coordinator reads the accident book',
    { action: 'read', actor: coordinator, resource: { type: 'accident_book' } },
    'permit:NDX',
  ],
  [
    'a volunteer reads an incident they wrote',
    { action: 'read', actor: volunteer('author'), resource: { type: 'incident' } },
    'permit:NDX',
  ],
  [
    'a volunteer reads an incident they did not write',
    { action: 'read', actor: volunteer('none'), resource: { type: 'incident' } },
    'deny:NDX',
  ],
  [
    'a referrer reads the accident book',
    { action: 'read', actor: { roles: ['referrer'] }, resource: { type: 'accident_book' } },
    'deny:NDX',
  ],
  // GUIDE
  [
    'a volunteer asks the coordinator',
    { action: 'ask_guidance', actor: volunteer('none') },
    'permit:GUIDE',
  ],
  [
    'a parent cannot use worker guidance',
    { action: 'ask_guidance', actor: { roles: ['parent'] } },
    'deny:GUIDE',
  ],
  [
    'the coordinator reads a guidance request',
    { action: 'read', actor: coordinator, resource: { type: 'guidance_request' } },
    'permit:GUIDE',
  ],
  [
    'its author reads a guidance request',
    { action: 'read', actor: volunteer('author'), resource: { type: 'guidance_request' } },
    'permit:GUIDE',
  ],
  [
    'another volunteer reads a guidance request',
    { action: 'read', actor: volunteer('none'), resource: { type: 'guidance_request' } },
    'deny:NDX',
  ],
  // ATTEND
  [
    'attendance to the referring agency',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'attendance',
      recipient: agency(true),
      purpose: 'other',
    },
    'permit:ATTEND',
  ],
  [
    'attendance to another agency',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'attendance',
      recipient: agency(false),
      purpose: 'other',
    },
    'deny:ATTEND',
  ],
  [
    'attendance to an unverified contact',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'attendance',
      recipient: agency(true, false),
      purpose: 'other',
    },
    'deny:ATTEND',
  ],
  [
    'other information to the referring agency',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: agency(true),
      purpose: 'other',
    },
    { birmingham: 'deny:NDX', 'st-marys': 'deny:NDX', else: 'deny:ATTEND' },
  ],
  [
    'a referrer reads their referral',
    {
      action: 'read',
      actor: { roles: ['referrer'], relationship: 'referrer_of_family' },
      resource: { type: 'referral' },
    },
    'permit:ATTEND',
  ],
  [
    'a referrer reads session times',
    {
      action: 'read',
      actor: { roles: ['referrer'], relationship: 'referrer_of_family' },
      resource: { type: 'session', field: 'session_times' },
    },
    'permit:ATTEND',
  ],
  [
    'a referrer reads the risk assessment',
    {
      action: 'read',
      actor: { roles: ['referrer'], relationship: 'referrer_of_family' },
      resource: { type: 'referral', field: 'risk_assessment' },
    },
    'deny:ATTEND',
  ],
  [
    "a referrer reads another agency's referral",
    {
      action: 'read',
      actor: { roles: ['referrer'], relationship: 'none' },
      resource: { type: 'referral' },
    },
    'deny:NDX',
  ],
  [
    'a referrer reads the family record',
    {
      action: 'read',
      actor: { roles: ['referrer'], relationship: 'referrer_of_family' },
      resource: { type: 'family' },
    },
    'deny:NDX',
  ],
  // NOREPORT
  [
    'a report for family proceedings',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'notes_or_reports',
      recipient: agency(true),
      purpose: 'family_proceedings',
    },
    { birmingham: 'deny:NOREPORT', 'st-marys': 'deny:NOREPORT', else: 'deny:NOREPORT,ATTEND' },
  ],
  [
    'attendance for family proceedings',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'attendance',
      recipient: agency(true),
      purpose: 'family_proceedings',
    },
    'permit:ATTEND',
  ],
  [
    'other information for family proceedings',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'other_agency' },
      purpose: 'family_proceedings',
    },
    'deny:NOREPORT',
  ],
  [
    'notes to another agency',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'notes_or_reports',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
    },
    'deny:NOREPORT',
  ],
  // CONTACT
  [
    'contact details with live matching consent',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
      consent,
    },
    'permit:CONTACT',
  ],
  [
    'contact details with withdrawn consent',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
      consent: { ...consent, isLive: false },
    },
    'deny:CONTACT',
  ],
  [
    'contact details with consent for another recipient',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'other',
      consent: { ...consent, matchesRecipient: false },
    },
    'deny:CONTACT',
  ],
  [
    'contact details with no consent',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_person' },
      purpose: 'other',
    },
    'deny:CONTACT',
  ],
  [
    'contact details required by law, with a court order',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
      legalBasis: 'Court order ZW24P00123',
    },
    { chichester: 'permit:CONTACT', else: 'deny:CONTACT' },
  ],
  [
    'contact details required by law, basis missing',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'other_agency' },
      purpose: 'required_by_law',
    },
    'deny:CONTACT',
  ],
  [
    'the coordinator reveals with a reason',
    {
      action: 'reveal',
      actor: coordinator,
      resource: { type: 'person' },
      reason: 'Arranging a pre-visit by phone',
    },
    'permit:CONTACT',
  ],
  [
    'the coordinator reveals without a reason',
    { action: 'reveal', actor: coordinator, resource: { type: 'person' } },
    'deny:CONTACT',
  ],
  [
    'a volunteer reveals',
    { action: 'reveal', actor: volunteer(), resource: { type: 'person' }, reason: 'curious' },
    'deny:CONTACT',
  ],
  [
    'the other parent reveals',
    {
      action: 'reveal',
      actor: { roles: ['parent'], relationship: 'other_parent' },
      resource: { type: 'person' },
      reason: 'I need it',
    },
    'deny:CONTACT',
  ],
  [
    'a parent sees their own details',
    {
      action: 'reveal',
      actor: { roles: ['parent'], relationship: 'self' },
      resource: { type: 'person' },
    },
    'permit:CONTACT',
  ],
  [
    'the coordinator reads contact details as a plain field',
    { action: 'read', actor: coordinator, resource: { type: 'person', field: 'contact_details' } },
    'deny:CONTACT',
  ],
  [
    'a parent reads their own record',
    {
      action: 'read',
      actor: { roles: ['parent'], relationship: 'self' },
      resource: { type: 'person' },
    },
    'permit:SAR',
  ],
  [
    "the other parent reads the parent's record",
    {
      action: 'read',
      actor: { roles: ['parent'], relationship: 'other_parent' },
      resource: { type: 'person' },
    },
    'deny:CONTACT',
  ],
  // EXCEPT
  [
    "a child at risk: to Children's Services",
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'childrens_services' },
      purpose: 'safeguarding_child',
      ...exception,
      atRisk: 'child',
      hasSecondSignOff: true,
    },
    'permit:EXCEPT',
  ],
  [
    'a child at risk: to the police',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'police' },
      purpose: 'safeguarding_child',
      ...exception,
      atRisk: 'child',
      hasSecondSignOff: true,
    },
    'permit:EXCEPT',
  ],
  [
    'a child at risk: to CAFCASS',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'cafcass' },
      purpose: 'safeguarding_child',
      ...exception,
      atRisk: 'child',
      hasSecondSignOff: true,
    },
    { birmingham: 'permit:EXCEPT', else: 'deny:EXCEPT' },
  ],
  [
    'a child at risk: without the second sign-off',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'safeguarding_child',
      ...exception,
      atRisk: 'child',
    },
    'deny:EXCEPT',
  ],
  [
    'a child at risk: raised by a volunteer',
    {
      action: 'disclose',
      actor: volunteer(),
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'safeguarding_child',
      ...exception,
      atRisk: 'child',
      hasSecondSignOff: true,
    },
    'deny:EXCEPT',
  ],
  [
    'a child at risk: to the former partner',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'contact_details',
      recipient: { kind: 'former_partner' },
      purpose: 'safeguarding_child',
      ...exception,
      atRisk: 'child',
      hasSecondSignOff: true,
    },
    'deny:CONTACT,EXCEPT',
  ],
  [
    'a user at risk of violence: to the police',
    {
      action: 'disclose',
      actor: coordinator,
      category: 'other',
      recipient: { kind: 'police' },
      purpose: 'risk_of_violence',
      ...exception,
      atRisk: 'users',
      hasSecondSignOff: true,
    },
    'permit:EXCEPT',
  ],
  [
    'the coordinator reads a safeguarding concern',
    { action: 'read', actor: coordinator, resource: { type: 'safeguarding_concern' } },
    'permit:EXCEPT',
  ],
  [
    // Only where the seed names a Chair (Cordomus, Preston) does the Chair see concerns.
    'the chair reads a safeguarding concern',
    { action: 'read', actor: { roles: ['chair'] }, resource: { type: 'safeguarding_concern' } },
    { cordomus: 'permit:EXCEPT', preston: 'permit:EXCEPT', else: 'deny:EXCEPT' },
  ],
  [
    'management reads a safeguarding concern',
    {
      action: 'read',
      actor: { roles: ['management'] },
      resource: { type: 'safeguarding_concern' },
    },
    { birmingham: 'permit:EXCEPT', else: 'deny:EXCEPT' },
  ],
  [
    'the volunteer who raised a concern reads it',
    { action: 'read', actor: volunteer('author'), resource: { type: 'safeguarding_concern' } },
    'permit:EXCEPT',
  ],
  [
    'another volunteer reads a concern',
    { action: 'read', actor: volunteer('assigned'), resource: { type: 'safeguarding_concern' } },
    'deny:EXCEPT',
  ],
  // ASSESS
  [
    'an assessment without an agreement',
    { action: 'book_assessment', actor: coordinator },
    'deny:ASSESS',
  ],
  [
    'an assessment agreed by the coordinator, on the premises',
    {
      action: 'book_assessment',
      actor: coordinator,
      agreement: { approvedBy: ['coordinator'], place: 'premises' },
    },
    'permit:ASSESS',
  ],
  [
    'an assessment agreed by management, in the contact rooms',
    {
      action: 'book_assessment',
      actor: coordinator,
      agreement: { approvedBy: ['management'], place: 'contact_rooms' },
    },
    { birmingham: 'permit:ASSESS', else: 'deny:ASSESS' },
  ],
  [
    'an assessment agreed by management, elsewhere on the premises',
    {
      action: 'book_assessment',
      actor: coordinator,
      agreement: { approvedBy: ['management'], place: 'premises' },
    },
    { birmingham: 'permit:ASSESS', else: 'deny:ASSESS' },
  ],
  [
    'an assessment agreed by a volunteer',
    {
      action: 'book_assessment',
      actor: coordinator,
      agreement: { approvedBy: ['volunteer'], place: 'contact_rooms' },
    },
    'deny:ASSESS',
  ],
  // CHECKS
  [
    'a volunteer with a clear standard check',
    {
      action: 'assign',
      actor: coordinator,
      worker: { kind: 'volunteer', checks: [check('standard')], isAcquaintedWithFamily: false },
      on: '2026-11-21',
    },
    { birmingham: 'deny:CHECKS', else: 'permit:CHECKS' },
  ],
  [
    'a volunteer with a clear enhanced check',
    {
      action: 'assign',
      actor: coordinator,
      worker: { kind: 'volunteer', checks: [check('enhanced')], isAcquaintedWithFamily: false },
      on: '2026-11-21',
    },
    'permit:CHECKS',
  ],
  [
    'a volunteer with a basic check',
    {
      action: 'assign',
      actor: coordinator,
      worker: { kind: 'volunteer', checks: [check('basic')], isAcquaintedWithFamily: false },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'a volunteer with no check',
    {
      action: 'assign',
      actor: coordinator,
      worker: { kind: 'volunteer', checks: [], isAcquaintedWithFamily: false },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'a volunteer whose check lapsed yesterday',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'clear', '2023-11-21', '2026-11-21')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'a volunteer whose check, recorded as due for renewal in 2075, is older than the policy’s renewal period',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'clear', '2023-11-20', '2075-01-01')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'a volunteer whose check, recorded as due in 2075, is inside the policy’s renewal period',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'clear', '2023-11-22', '2075-01-01')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'permit:CHECKS',
  ],
  [
    'a volunteer whose check was issued today',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'clear', '2026-11-21', '2029-11-21')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'permit:CHECKS',
  ],
  [
    'a volunteer whose check is dated tomorrow',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'clear', '2026-11-22', '2029-11-22')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'a volunteer whose check is due for renewal tomorrow',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'clear', '2023-11-22', '2026-11-22')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'permit:CHECKS',
  ],
  [
    'a volunteer with one lapsed check and one good one',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [
          check('enhanced', 'clear', '2020-01-01', '2023-01-01'),
          check('enhanced', 'clear', '2025-01-01', '2028-01-01'),
        ],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'permit:CHECKS',
  ],
  [
    'a volunteer whose check is pending',
    {
      action: 'assign',
      actor: coordinator,
      worker: {
        kind: 'volunteer',
        checks: [check('enhanced', 'pending')],
        isAcquaintedWithFamily: false,
      },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'a staff member with an enhanced check',
    {
      action: 'assign',
      actor: coordinator,
      worker: { kind: 'staff', checks: [check('enhanced')], isAcquaintedWithFamily: false },
      on: '2026-11-21',
    },
    'permit:CHECKS',
  ],
  [
    'a volunteer who knows the family',
    {
      action: 'assign',
      actor: coordinator,
      worker: { kind: 'volunteer', checks: [check('enhanced')], isAcquaintedWithFamily: true },
      on: '2026-11-21',
    },
    'deny:CHECKS',
  ],
  [
    'the chair reads check results',
    { action: 'read', actor: { roles: ['chair'] }, resource: { type: 'check_result' } },
    {
      'st-marys': 'deny:CHECKS',
      chichester: 'deny:CHECKS',
      birmingham: 'deny:CHECKS',
      else: 'permit:CHECKS',
    },
  ],
  [
    'management reads check results',
    { action: 'read', actor: { roles: ['management'] }, resource: { type: 'check_result' } },
    { birmingham: 'permit:CHECKS', else: 'deny:CHECKS' },
  ],
  [
    'the coordinator reads check results',
    { action: 'read', actor: coordinator, resource: { type: 'check_result' } },
    'permit:CHECKS',
  ],
  [
    'a volunteer reads their own check result',
    { action: 'read', actor: volunteer('self'), resource: { type: 'check_result' } },
    'permit:CHECKS',
  ],
  [
    "a volunteer reads another's check result",
    { action: 'read', actor: volunteer('none'), resource: { type: 'check_result' } },
    'deny:CHECKS',
  ],
  [
    "the chair reads a worker's check result field",
    {
      action: 'read',
      actor: { roles: ['chair'] },
      resource: { type: 'worker', field: 'check_result' },
    },
    { cordomus: 'permit:NDX', preston: 'permit:NDX', else: 'deny:NDX' },
  ],
  // SECURE
  [
    'the coordinator reads check results without a second factor',
    {
      action: 'read',
      actor: { roles: ['coordinator'], hasSecondFactor: false },
      resource: { type: 'check_result' },
    },
    'deny:SECURE',
  ],
  [
    'the coordinator reveals without a second factor',
    {
      action: 'reveal',
      actor: { roles: ['coordinator'], hasSecondFactor: false },
      resource: { type: 'person' },
      reason: 'a reason',
    },
    'deny:SECURE',
  ],
  [
    'the chair reads the audit log',
    { action: 'read', actor: { roles: ['chair'] }, resource: { type: 'audit_log' } },
    'permit:SECURE',
  ],
  [
    'a volunteer reads the audit log',
    { action: 'read', actor: volunteer(), resource: { type: 'audit_log' } },
    'deny:NDX',
  ],
  // RETAIN
  [
    'a family record unused for four years',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2022-11-20' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'a family record unused for six years',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2020-11-20' },
      today: '2026-11-21',
    },
    'permit:RETAIN',
  ],
  [
    'a family record used last year',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2025-11-20' },
      today: '2026-11-21',
    },
    'deny:RETAIN',
  ],
  [
    'the accident book, ten years old',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'accident_book', lastUsedOn: '2016-01-01' },
      today: '2026-11-21',
    },
    { preston: 'permit:RETAIN', else: 'deny:RETAIN' },
  ],
  [
    'a referral, ten years old',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'referral', lastUsedOn: '2016-01-01' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'a safeguarding record, ten years old',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'safeguarding', lastUsedOn: '2016-01-01' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'a child protection record, ten years old',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'child_protection', lastUsedOn: '2016-01-01' },
      today: '2026-11-21',
    },
    { birmingham: 'deny:RETAIN', else: 'permit:RETAIN' },
  ],
  [
    'an old record on legal hold',
    {
      action: 'dispose',
      actor: coordinator,
      record: { category: 'family_record', lastUsedOn: '2010-01-01', isOnLegalHold: true },
      today: '2026-11-21',
    },
    'deny:RETAIN',
  ],
  // SAR
  [
    'own data in a subject access bundle',
    {
      action: 'subject_access',
      actor: { roles: ['parent'], relationship: 'self' },
      item: 'own_data',
    },
    'permit:SAR',
  ],
  [
    "the other parent's contact details in a bundle",
    {
      action: 'subject_access',
      actor: { roles: ['parent'], relationship: 'self' },
      item: 'other_parent_contact_details',
    },
    'deny:CONTACT',
  ],
  [
    "third parties' data in a bundle",
    {
      action: 'subject_access',
      actor: { roles: ['parent'], relationship: 'self' },
      item: 'third_party_data',
    },
    'deny:SAR',
  ],
  [
    'data held to prevent violent crime',
    {
      action: 'subject_access',
      actor: { roles: ['parent'], relationship: 'self' },
      item: 'violence_prevention',
    },
    { preston: 'deny:SAR', else: 'permit:SAR' },
  ],
  // DPA and REVIEW
  [
    'the coordinator corrects a record',
    { action: 'rectify', actor: coordinator, resource: { type: 'family' } },
    'permit:DPA',
  ],
  [
    'a volunteer corrects a record',
    { action: 'rectify', actor: volunteer(), resource: { type: 'family' } },
    'deny:DPA',
  ],
  [
    'the chair publishes a new version',
    { action: 'publish_policy', actor: { roles: ['chair'] } },
    'permit:REVIEW',
  ],
  [
    'a volunteer publishes a policy',
    { action: 'publish_policy', actor: volunteer() },
    'deny:REVIEW',
  ],
  [
    'management records a review',
    { action: 'record_review', actor: { roles: ['management'] } },
    'permit:REVIEW',
  ],
]

/**
 * The table: the core cases here, and those added with the seeds' wording (scenarios-seeds.ts),
 * the parameters that change decisions (scenarios-parameters.ts) and the abilities
 * (scenarios-abilities.ts).
 */
export const SCENARIOS: Scenario[] = [
  ...CORE,
  ...SEED_SCENARIOS,
  ...PARAMETER_SCENARIOS,
  ...ABILITY_SCENARIOS,
  ...RECORD_SCENARIOS,
]
