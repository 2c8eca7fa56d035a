import type { Role } from '../roles.ts'
import { SECOND_FACTOR_ROLES } from './second-factor.ts'
import type { ClauseId } from './clauses.ts'
import type { PolicyParameters } from './document.ts'
import { hasAnyRole, match, names, ruleFor, type Rule } from './rule.ts'

/**
 * The abilities: every "may this person do this" that is not a read, reveal, disclosure or
 * other decision about one record. Each is an action of the engine with its clause, decided
 * by the roles the centre's policy names for it (a parameter of the document where the seeds
 * vary, otherwise the roles the seeds give). The app refuses through them, and the pages
 * offer exactly the links, buttons and forms they allow; no role list lives outside this
 * folder (issue 14).
 */
export interface AbilityDefinition {
  clause: ClauseId
  /** What the ability lets someone do, for docs/POLICY.md and the pages' refusals. */
  says: string
  /** Who may: the roles from the policy document, or the seeds' own where they do not vary. */
  who: (parameters: PolicyParameters) => readonly Role[]
  /** The words of a refusal: "sessions are booked by …" with the roles appended. */
  refusal: string
}

const CASE_WORKERS: readonly Role[] = ['coordinator', 'staff']
const WORKERS: readonly Role[] = ['coordinator', 'staff', 'volunteer']
const COORDINATOR: readonly Role[] = ['coordinator']
/** Those who govern the centre: the coordinator, the Chair, the Management Team (REVIEW). */
const GOVERNORS: readonly Role[] = ['coordinator', 'chair', 'management']

const fixed = (roles: readonly Role[]) => (): readonly Role[] => roles

export const ABILITY_DEFINITIONS = {
  see_all_families: {
    clause: 'NDX',
    says: 'See every family of the centre and its records (contact details masked).',
    who: fixed(CASE_WORKERS),
    refusal: 'every family of the centre is seen only by',
  },
  book_sessions: {
    clause: 'NDX',
    says: 'Book, change and cancel sessions, with rooms and the separation plan.',
    who: fixed(CASE_WORKERS),
    refusal: 'sessions are booked and changed only by',
  },
  work_sessions: {
    clause: 'NDX',
    says: "See the day's sessions one is on, keep the register at the door, and see the rooms.",
    who: fixed(WORKERS),
    refusal: "the day's sessions are for",
  },
  manage_rooms: {
    clause: 'NDX',
    says: 'Add rooms and set how far apart the parents of one family arrive.',
    who: fixed(COORDINATOR),
    refusal: 'rooms and arrival times are set only by',
  },
  refer_families: {
    clause: 'NDX',
    says: 'Refer a family to the centre (a referrer for their own agency).',
    who: fixed(['coordinator', 'staff', 'referrer']),
    refusal: 'families are referred only by',
  },
  record_referrals: {
    clause: 'NDX',
    says: "Record a referral on an agency's behalf, or a family's own.",
    who: fixed(CASE_WORKERS),
    refusal: "referrals are recorded on an agency's behalf only by",
  },
  see_families: {
    clause: 'NDX',
    says: 'Find the families one may see: every family, those on one’s sessions, or one’s agency’s.',
    who: fixed([...GOVERNORS, 'staff', 'volunteer', 'referrer']),
    refusal: 'families are looked up only by',
  },
  follow_referrals: {
    clause: 'ATTEND',
    says: "Follow the referrals one made or that are about one's own family.",
    who: fixed(['coordinator', 'staff', 'referrer', 'parent']),
    refusal: 'referrals are followed only by',
  },
  decide_referrals: {
    clause: 'NDX',
    says: 'Move a referral on: accept it, put it on the waiting list, decline it.',
    who: fixed(CASE_WORKERS),
    refusal: 'referrals are decided only by',
  },
  list_agencies: {
    clause: 'ATTEND',
    says: 'See the referring agencies the centre knows (a referrer, their own).',
    who: fixed([...CASE_WORKERS, 'referrer']),
    refusal: 'the agencies are listed only for',
  },
  link_parent_accounts: {
    clause: 'SAR',
    says: "Link a parent's account to their record, so that they can see their own.",
    who: fixed(CASE_WORKERS),
    refusal: 'parent accounts are linked only by',
  },
  record_consents: {
    clause: 'CONTACT',
    says: "Record a parent's consent given on paper or by telephone, or its withdrawal.",
    who: fixed(CASE_WORKERS),
    refusal: 'consent given outside Haven is recorded only by',
  },
  arrange_assessments: {
    clause: 'ASSESS',
    says: 'Record an agreement for an assessment and book it.',
    who: fixed(CASE_WORKERS),
    refusal: 'assessments are arranged only by',
  },
  approve_assessments: {
    clause: 'ASSESS',
    says: 'Approve an agreement for an assessment.',
    who: (p) => p.assessments.approvedBy,
    refusal: 'agreements for assessments are approved only by',
  },
  record_checks: {
    clause: 'CHECKS',
    says: "Record a worker's checks: the kind, level, outcome and dates.",
    who: fixed(COORDINATOR),
    refusal: "workers' checks are recorded only by",
  },
  assign_workers: {
    clause: 'CHECKS',
    says: 'Put a worker on a session, if their checks meet the policy.',
    who: fixed(CASE_WORKERS),
    refusal: 'workers are put on sessions only by',
  },
  declare_acquaintance: {
    clause: 'CHECKS',
    says: 'Declare that one knows a family, so that one is not put on its sessions.',
    who: fixed(WORKERS),
    refusal: 'acquaintances are declared by',
  },
  declare_acquaintance_for_others: {
    clause: 'CHECKS',
    says: 'Record that another worker knows a family.',
    who: fixed(COORDINATOR),
    refusal: "another worker's acquaintance is recorded only by",
  },
  record_incidents: {
    clause: 'EXCEPT',
    says: 'Record an incident, an accident or a safeguarding concern seen at the centre.',
    who: fixed(WORKERS),
    refusal: 'incidents are recorded by',
  },
  answer_guidance: {
    clause: 'GUIDE',
    says: "Answer a worker's request for guidance.",
    who: (p) => p.guidance.answeredBy,
    refusal: 'guidance is given by',
  },
  ask_disclosures: {
    clause: 'ATTEND',
    says: 'Ask for, or record a request for, a disclosure.',
    who: fixed([...CASE_WORKERS, 'referrer']),
    refusal: 'disclosures are asked for only by',
  },
  record_disclosures: {
    clause: 'NDX',
    says: "Record a request on the centre's behalf, from any agency, for any family.",
    who: fixed(CASE_WORKERS),
    refusal: "requests are recorded on the centre's behalf only by",
  },
  follow_disclosures: {
    clause: 'NDX',
    says: 'Follow disclosures: the whole register, or a referrer their own agency’s requests.',
    who: fixed([...GOVERNORS, 'referrer']),
    refusal: 'disclosures are followed only by',
  },
  read_register: {
    clause: 'NDX',
    says: 'Read the whole register of disclosures.',
    who: fixed(GOVERNORS),
    refusal: 'the whole register of disclosures is read only by',
  },
  authorise_disclosures: {
    clause: 'EXCEPT',
    says: 'Authorise or refuse a disclosure, and sign one off as the second person.',
    who: (p) => p.exceptions.authorisedBy,
    refusal: 'disclosures are authorised only by',
  },
  handle_subject_access: {
    clause: 'SAR',
    says: 'Record and answer a subject access request.',
    who: fixed(CASE_WORKERS),
    refusal: 'subject access requests are handled only by',
  },
  read_subject_access: {
    clause: 'SAR',
    says: 'See the subject access requests and what was released.',
    who: fixed([...CASE_WORKERS, 'chair', 'management']),
    refusal: 'subject access requests are seen only by',
  },
  read_disposals: {
    clause: 'RETAIN',
    says: 'See disposal runs, plan one, and hold or release a family.',
    who: (p) => unique([...GOVERNORS, ...p.retention.approvedBy]),
    refusal: 'disposal is seen and planned only by',
  },
  approve_disposals: {
    clause: 'RETAIN',
    says: 'Approve a disposal run, where the policy asks for approval.',
    who: (p) => p.retention.approvedBy,
    refusal: 'a disposal run is approved only by',
  },
  report_statistics: {
    clause: 'NDX',
    says: "See and download the quarter's figures for the national association: counts only, small numbers hidden, no family's details.",
    who: fixed([...CASE_WORKERS, 'chair', 'management']),
    refusal: "the quarter's figures are seen only by",
  },
  read_acknowledgements: {
    clause: 'AWARE',
    says: 'See who has acknowledged each version of the policy.',
    who: fixed(GOVERNORS),
    refusal: 'acknowledgements are seen only by',
  },
  see_own_information: {
    clause: 'SAR',
    says: 'See what the centre holds about oneself and ask for a copy.',
    who: fixed(['parent']),
    refusal: 'this is for parents, about themselves',
  },
  manage_members: {
    clause: 'SECURE',
    says: 'Invite people, change their roles, stop their access and end their sessions.',
    who: fixed(COORDINATOR),
    refusal: 'the people of a centre are managed only by',
  },
  export_centre: {
    clause: 'NDX',
    says: "Export the whole centre, its families' contact details opened, with its audit chain, when it leaves this installation (docs/decisions/0046).",
    who: (p) => p.confidentiality.exportRoles,
    refusal: 'the centre is exported only by',
  },
  set_listing: {
    clause: 'AWARE',
    says: "Decide whether the centre appears in Haven's public list.",
    who: fixed(COORDINATOR),
    refusal: 'whether the centre is listed is decided only by',
  },
} as const satisfies Record<string, AbilityDefinition>

export type Ability = keyof typeof ABILITY_DEFINITIONS
export const ABILITIES = Object.keys(ABILITY_DEFINITIONS) as [Ability, ...Ability[]]

function unique<T>(values: T[]): T[] {
  return [...new Set(values)]
}

/** The roles that may, under these parameters. */
export function rolesFor(ability: Ability, parameters: PolicyParameters): readonly Role[] {
  return ABILITY_DEFINITIONS[ability].who(parameters)
}

/**
 * Each ability as two rules of the engine: a permit for the roles the policy names, and a
 * forbid for everyone else that says who may.
 */
export const ABILITY_RULES: readonly Rule[] = ABILITIES.flatMap((ability): Rule[] => {
  const definition: AbilityDefinition = ABILITY_DEFINITIONS[ability]
  const isThis = (action: string) => action === ability
  return [
    {
      clause: definition.clause,
      action: ability,
      effect: 'permit',
      says: definition.says,
      evaluate: (r, p) =>
        isThis(r.action) && hasAnyRole(r.actor.roles, definition.who(p)) ? match() : undefined,
    },
    {
      clause: definition.clause,
      action: ability,
      effect: 'forbid',
      says: `Nobody else: ${definition.refusal} the roles the policy names.`,
      evaluate: (r, p) =>
        isThis(r.action) && !hasAnyRole(r.actor.roles, definition.who(p))
          ? match(`${definition.refusal} ${names(definition.who(p))}`)
          : undefined,
    },
  ]
})

/** The first of the actor's roles under which they hold the ability, for the record. */
export function roleActingFor(
  ability: Ability,
  parameters: PolicyParameters,
  roles: readonly Role[],
): Role | undefined {
  const who = rolesFor(ability, parameters)
  return roles.find((role) => who.includes(role))
}

/**
 * Kinds of record read across the centre, not one family's: each a permission of its own
 * ("read:worker"), decided by the read rules for someone with no relationship to a record.
 */
export const CENTRE_READS = [
  'worker',
  'check_result',
  'incident',
  'accident_book',
  'safeguarding_concern',
  'guidance_request',
  'audit_log',
] as const
export type CentreRead = (typeof CENTRE_READS)[number]

/** What the pages and use cases ask: an ability, or a read of a kind of record. */
/** Engine actions decided on the actor alone, offered as permissions too. */
export const ACTOR_ACTIONS = [
  'publish_policy',
  'record_review',
  'acknowledge_policy',
  'ask_guidance',
] as const
export type ActorAction = (typeof ACTOR_ACTIONS)[number]

export type Permission = Ability | ActorAction | `read:${CentreRead}` | 'export'

/**
 * Decisions about a record that also look at who acts (fail closed): a record is disposed of
 * only by those the policy makes responsible for disposal (a parent whose family is due does
 * not dispose of it), and an assessment is booked only by those who arrange them (never a
 * referrer, whatever agreement they hold).
 */
export const ACTOR_RULES: readonly Rule[] = [
  ruleFor('dispose', {
    clause: 'RETAIN',
    effect: 'forbid',
    says: 'Records are disposed of only by those who plan and approve disposal.',
    evaluate: (r, p) =>
      hasAnyRole(r.actor.roles, rolesFor('read_disposals', p))
        ? undefined
        : match(`records are disposed of only by ${names(rolesFor('read_disposals', p))}`),
  }),
  ruleFor('export_centre', {
    clause: 'SECURE',
    effect: 'forbid',
    says: "The centre's export, which opens every family's contact details, needs a session that passed its second factor, for a role that must use one.",
    evaluate: (r, p) =>
      !r.actor.hasSecondFactor &&
      hasAnyRole(r.actor.roles, [...SECOND_FACTOR_ROLES, ...p.security.secondFactorRoles])
        ? match("the centre's export needs a second factor for this role")
        : undefined,
  }),
  ruleFor('book_assessment', {
    clause: 'ASSESS',
    effect: 'forbid',
    says: 'Assessments are booked only by those who arrange them.',
    evaluate: (r, p) =>
      hasAnyRole(r.actor.roles, rolesFor('arrange_assessments', p))
        ? undefined
        : match(`assessments are booked only by ${names(rolesFor('arrange_assessments', p))}`),
  }),
]
