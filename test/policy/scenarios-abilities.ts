import type { Ability } from '../../src/domain/policy/abilities.ts'
import type { Role } from '../../src/domain/roles.ts'
import type { Expect, Scenario } from './scenarios.ts'

/**
 * The abilities: who may do what, by clause (abilities.ts), and the decisions about a record
 * that also look at who acts. Each row is one actor asking one ability at every preset.
 */
const ask = (what: string, ability: Ability, roles: Role[], expect: Expect): Scenario => [
  what,
  { action: ability, actor: { roles } },
  expect,
]

export const ABILITY_SCENARIOS: Scenario[] = [
  // Case work: the coordinator and staff (NDX), never a volunteer, referrer or parent.
  ask('a member of staff books sessions', 'book_sessions', ['staff'], 'permit:NDX'),
  ask('a volunteer does not book sessions', 'book_sessions', ['volunteer'], 'deny:NDX'),
  ask('a referrer does not book sessions', 'book_sessions', ['referrer'], 'deny:NDX'),
  ask('the coordinator sees every family', 'see_all_families', ['coordinator'], 'permit:NDX'),
  ask('a volunteer does not see every family', 'see_all_families', ['volunteer'], 'deny:NDX'),
  ask('the Chair does not see every family', 'see_all_families', ['chair'], 'deny:NDX'),
  ask('a volunteer works the door', 'work_sessions', ['volunteer'], 'permit:NDX'),
  ask('a parent does not work the door', 'work_sessions', ['parent'], 'deny:NDX'),
  ask('a referrer refers families', 'refer_families', ['referrer'], 'permit:NDX'),
  ask('a parent does not refer families', 'refer_families', ['parent'], 'deny:NDX'),
  ask(
    "a referrer does not record referrals on another agency's behalf",
    'record_referrals',
    ['referrer'],
    'deny:NDX',
  ),
  ask('a parent follows their referral', 'follow_referrals', ['parent'], 'permit:ATTEND'),
  ask('a volunteer does not follow referrals', 'follow_referrals', ['volunteer'], 'deny:ATTEND'),
  ask('a referrer does not decide referrals', 'decide_referrals', ['referrer'], 'deny:NDX'),
  ask('staff record consent given on paper', 'record_consents', ['staff'], 'permit:CONTACT'),
  ask('a volunteer does not record consent', 'record_consents', ['volunteer'], 'deny:CONTACT'),
  ask(
    'a referrer does not arrange assessments',
    'arrange_assessments',
    ['referrer'],
    'deny:ASSESS',
  ),
  // ASSESS: the approver the policy names (the Management Team at Birmingham).
  ask('the coordinator approves an assessment agreement', 'approve_assessments', ['coordinator'], {
    birmingham: 'deny:ASSESS',
    else: 'permit:ASSESS',
  }),
  ask(
    'the Management Team approves an assessment agreement',
    'approve_assessments',
    ['management'],
    {
      birmingham: 'permit:ASSESS',
      else: 'deny:ASSESS',
    },
  ),
  // CHECKS
  ask('the coordinator records checks', 'record_checks', ['coordinator'], 'permit:CHECKS'),
  ask('staff do not record checks', 'record_checks', ['staff'], 'deny:CHECKS'),
  ask(
    'a volunteer declares they know a family',
    'declare_acquaintance',
    ['volunteer'],
    'permit:CHECKS',
  ),
  ask(
    'a volunteer does not declare for another worker',
    'declare_acquaintance_for_others',
    ['volunteer'],
    'deny:CHECKS',
  ),
  ask(
    'a volunteer is not put on sessions by a volunteer',
    'assign_workers',
    ['volunteer'],
    'deny:CHECKS',
  ),
  // EXCEPT and GUIDE
  ask('a volunteer records an incident', 'record_incidents', ['volunteer'], 'permit:EXCEPT'),
  ask('a referrer does not record incidents', 'record_incidents', ['referrer'], 'deny:EXCEPT'),
  ask('the coordinator answers guidance', 'answer_guidance', ['coordinator'], 'permit:GUIDE'),
  ask('staff do not answer guidance', 'answer_guidance', ['staff'], 'deny:GUIDE'),
  ask(
    'the coordinator authorises disclosures',
    'authorise_disclosures',
    ['coordinator'],
    'permit:EXCEPT',
  ),
  ask('staff do not authorise disclosures', 'authorise_disclosures', ['staff'], 'deny:EXCEPT'),
  // Disclosures (ATTEND, NDX)
  ask('a referrer asks for a disclosure', 'ask_disclosures', ['referrer'], 'permit:ATTEND'),
  ask('a volunteer does not ask for a disclosure', 'ask_disclosures', ['volunteer'], 'deny:ATTEND'),
  ask('a parent does not ask for a disclosure', 'ask_disclosures', ['parent'], 'deny:ATTEND'),
  ask(
    "a referrer does not record requests on the centre's behalf",
    'record_disclosures',
    ['referrer'],
    'deny:NDX',
  ),
  ask('the Chair reads the whole register', 'read_register', ['chair'], 'permit:NDX'),
  ask('a referrer does not read the whole register', 'read_register', ['referrer'], 'deny:NDX'),
  ask('staff do not read the whole register', 'read_register', ['staff'], 'deny:NDX'),
  ask('a referrer follows their disclosures', 'follow_disclosures', ['referrer'], 'permit:NDX'),
  // SAR
  ask('staff handle subject access requests', 'handle_subject_access', ['staff'], 'permit:SAR'),
  ask('the Chair does not handle subject access', 'handle_subject_access', ['chair'], 'deny:SAR'),
  ask('the Chair follows subject access requests', 'read_subject_access', ['chair'], 'permit:SAR'),
  ask('a parent sees their own information', 'see_own_information', ['parent'], 'permit:SAR'),
  ask('a volunteer has no parent’s page', 'see_own_information', ['volunteer'], 'deny:SAR'),
  ask('a parent does not link accounts', 'link_parent_accounts', ['parent'], 'deny:SAR'),
  // RETAIN: the approvers the policy names (the Chair, or the Management Team at Birmingham).
  // Where the seed names a Chair (Cordomus, Preston); Birmingham names the Management Team.
  ask('the Chair approves a disposal run', 'approve_disposals', ['chair'], {
    cordomus: 'permit:RETAIN',
    preston: 'permit:RETAIN',
    else: 'deny:RETAIN',
  }),
  ask('the Management Team approves a disposal run', 'approve_disposals', ['management'], {
    birmingham: 'permit:RETAIN',
    else: 'deny:RETAIN',
  }),
  ask('staff do not see disposal runs', 'read_disposals', ['staff'], 'deny:RETAIN'),
  ask('the Management Team sees disposal runs', 'read_disposals', ['management'], 'permit:RETAIN'),
  // NDX: figures leave the centre as counts, small numbers hidden
  ask("the Chair sees the quarter's figures", 'report_statistics', ['chair'], 'permit:NDX'),
  ask(
    "a volunteer does not see the quarter's figures",
    'report_statistics',
    ['volunteer'],
    'deny:NDX',
  ),
  // AWARE, SECURE
  ask('the Chair sees acknowledgements', 'read_acknowledgements', ['chair'], 'permit:AWARE'),
  ask(
    'a volunteer does not see acknowledgements',
    'read_acknowledgements',
    ['volunteer'],
    'deny:AWARE',
  ),
  ask('the coordinator manages people', 'manage_members', ['coordinator'], 'permit:SECURE'),
  ask('the Chair does not manage people', 'manage_members', ['chair'], 'deny:SECURE'),
  ask('staff do not decide the public listing', 'set_listing', ['staff'], 'deny:AWARE'),
  // NDX: the centre leaves with its export, made by those the policy lets export family data.
  ask('the coordinator exports the centre', 'export_centre', ['coordinator'], 'permit:NDX'),
  ask('staff do not export the centre', 'export_centre', ['staff'], 'deny:NDX'),
  ask('a volunteer does not export the centre', 'export_centre', ['volunteer'], 'deny:NDX'),
  ask('the Chair does not export the centre', 'export_centre', ['chair'], 'deny:NDX'),
  // SECURE: the export opens every contact detail, so it needs the second factor.
  [
    'the coordinator does not export the centre without a second factor',
    { action: 'export_centre', actor: { roles: ['coordinator'], hasSecondFactor: false } },
    'deny:SECURE',
  ],
  ask('staff do not add rooms', 'manage_rooms', ['staff'], 'deny:NDX'),
  ask('the coordinator adds rooms', 'manage_rooms', ['coordinator'], 'permit:NDX'),
  ask('staff list agencies', 'list_agencies', ['staff'], 'permit:ATTEND'),
  ask('a parent does not list agencies', 'list_agencies', ['parent'], 'deny:ATTEND'),
  ask('a volunteer looks families up', 'see_families', ['volunteer'], 'permit:NDX'),
  ask('a parent does not look families up', 'see_families', ['parent'], 'deny:NDX'),
  // Fail closed: the engine looks at who acts, not only at the record.
  [
    'a parent does not dispose of their own family, however long unused',
    {
      action: 'dispose',
      actor: { roles: ['parent'], relationship: 'self' },
      record: { category: 'family_record', lastUsedOn: '2010-01-01' },
      today: '2026-06-01',
    },
    'deny:RETAIN',
  ],
  [
    'the coordinator disposes of a family unused for years',
    {
      action: 'dispose',
      actor: { roles: ['coordinator'] },
      record: { category: 'family_record', lastUsedOn: '2010-01-01' },
      today: '2026-06-01',
    },
    'permit:RETAIN',
  ],
  [
    'a referrer does not book an assessment, even with an agreement',
    {
      action: 'book_assessment',
      actor: { roles: ['referrer'] },
      agreement: { approvedBy: ['coordinator', 'management'], place: 'contact_rooms' },
    },
    'deny:ASSESS',
  ],
  [
    'an unknown field of a family is refused, even to the coordinator',
    {
      action: 'read',
      actor: { roles: ['coordinator'] },
      resource: { type: 'family', field: 'bank_details' },
    },
    'deny:NDX',
  ],
  [
    'an unknown field of a session is refused to a volunteer on it',
    {
      action: 'read',
      actor: { roles: ['volunteer'], relationship: 'assigned' },
      resource: { type: 'session', field: 'home_address' },
    },
    'deny:NDX',
  ],
  [
    'a known field the coordinator may see is shown',
    {
      action: 'read',
      actor: { roles: ['coordinator'] },
      resource: { type: 'family', field: 'separation_plan' },
    },
    'permit:NDX',
  ],
]
