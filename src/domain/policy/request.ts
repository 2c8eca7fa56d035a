import { z } from 'zod'
import { ROLES } from '../roles.ts'
import { ABILITIES } from './abilities.ts'
import {
  CHECK_KINDS,
  CHECK_LEVELS,
  EXCEPTION_RECIPIENTS,
  RECORD_CATEGORIES,
  WORKER_KINDS,
} from './document.ts'

/**
 * What the engine is asked (docs/POLICY.md gives the format with an example per clause).
 * Every request names the actor's roles and their relationship to the record; the app
 * layer works these out from the database, the engine only decides.
 */
const role = z.enum(ROLES)

export const RELATIONSHIPS = [
  'assigned',
  'referrer_of_family',
  'self',
  'other_parent',
  'author',
  'none',
] as const
export type Relationship = (typeof RELATIONSHIPS)[number]

const actor = z.strictObject({
  roles: z.array(role),
  relationship: z.enum(RELATIONSHIPS).default('none'),
  /** Has passed a second factor in this session (SECURE). */
  hasSecondFactor: z.boolean().default(true),
})

export const RESOURCE_TYPES = [
  'policy',
  'family',
  'person',
  'session',
  'referral',
  'worker',
  'check_result',
  'safeguarding_concern',
  'incident',
  'accident_book',
  'guidance_request',
  'audit_log',
] as const
export type ResourceType = (typeof RESOURCE_TYPES)[number]

export const FAMILY_FIELDS = [
  'first_names',
  'full_names',
  'children',
  'contact_details',
  'court_order',
  'risk_assessment',
  'separation_plan',
  'safety_flags',
  'session_times',
  'history',
  'notes',
] as const
export type FamilyField = (typeof FAMILY_FIELDS)[number]

const read = z.strictObject({
  action: z.literal('read'),
  actor,
  resource: z.strictObject({ type: z.enum(RESOURCE_TYPES), field: z.string().max(60).optional() }),
})

const reveal = z.strictObject({
  action: z.literal('reveal'),
  actor,
  resource: z.strictObject({
    type: z.literal('person'),
    field: z.literal('contact_details').default('contact_details'),
  }),
  reason: z.string().max(500).default(''),
})

const exportData = z.strictObject({
  action: z.literal('export'),
  actor,
  resource: z.strictObject({ type: z.enum(RESOURCE_TYPES) }),
})

export const DISCLOSURE_CATEGORIES = [
  'attendance',
  'contact_details',
  'notes_or_reports',
  'other',
] as const
export const RECIPIENT_KINDS = [
  'referring_agency',
  'former_partner',
  'other_person',
  'other_agency',
  ...EXCEPTION_RECIPIENTS,
] as const
/**
 * EXCEPT: who is at risk. A child at risk of harm; or, at risk of physical violence, anyone
 * using the centre or working there: users, volunteers, staff and the coordinator (every
 * centre, whatever its seed names; decision 0027).
 */
export const AT_RISK = ['child', 'users', 'volunteers', 'staff', 'coordinator'] as const
export type AtRisk = (typeof AT_RISK)[number]

export const PURPOSES = [
  'family_proceedings',
  'safeguarding_child',
  'risk_of_violence',
  'required_by_law',
  'other',
] as const

const disclose = z.strictObject({
  action: z.literal('disclose'),
  actor,
  category: z.enum(DISCLOSURE_CATEGORIES),
  recipient: z.strictObject({
    kind: z.enum(RECIPIENT_KINDS),
    /** The agency referred this family (ATTEND). */
    isReferrerOfFamily: z.boolean().default(false),
    /** The request comes from the agency's verified contact. */
    isVerified: z.boolean().default(false),
  }),
  purpose: z.enum(PURPOSES),
  /**
   * The subject's consent as recorded (CONTACT): live and matching category, recipient and
   * purpose; explicit when the parent gave it in writing or in Haven themselves.
   */
  consent: z
    .strictObject({
      isLive: z.boolean(),
      matchesCategory: z.boolean(),
      matchesRecipient: z.boolean(),
      matchesPurpose: z.boolean(),
      isExplicit: z.boolean().default(false),
    })
    .optional(),
  /** EXCEPT: who is at risk. */
  atRisk: z.enum(AT_RISK).optional(),
  /** EXCEPT: why, in the authoriser's words (an exception disclosure always says why). */
  reason: z.string().max(2000).optional(),
  /** EXCEPT: the disclosure answers a safeguarding concern recorded at the centre. */
  hasLinkedConcern: z.boolean().default(false),
  /** Chichester's "required by law": the legal basis, e.g. a court order's reference. */
  legalBasis: z.string().max(500).optional(),
  /** A second person has signed the disclosure off. */
  hasSecondSignOff: z.boolean().default(false),
})

const bookAssessment = z.strictObject({
  action: z.literal('book_assessment'),
  actor,
  /** Where the assessment happens (ASSESS): in the contact rooms, or elsewhere on the premises.
   * Unsaid, the agreement's place, or else the contact rooms. */
  place: z.enum(['premises', 'contact_rooms']).optional(),
  agreement: z
    .strictObject({ approvedBy: z.array(role), place: z.enum(['premises', 'contact_rooms']) })
    .optional(),
})

const check = z.strictObject({
  kind: z.enum(CHECK_KINDS),
  level: z.enum(CHECK_LEVELS),
  outcome: z.enum(['clear', 'pending', 'concerns']),
  issuedOn: z.iso.date(),
  renewalDueOn: z.iso.date(),
})

const assign = z.strictObject({
  action: z.literal('assign'),
  actor,
  worker: z.strictObject({
    kind: z.enum(WORKER_KINDS),
    checks: z.array(check).max(20),
    isAcquaintedWithFamily: z.boolean(),
  }),
  /** Another worker with a clear check in date is already on the session (CHECKS: shadowing). */
  isAlongsideCheckedWorker: z.boolean().default(false),
  /** The day of the session, YYYY-MM-DD. */
  on: z.iso.date(),
})

const dispose = z.strictObject({
  action: z.literal('dispose'),
  actor,
  record: z.strictObject({
    category: z.enum(RECORD_CATEGORIES),
    lastUsedOn: z.iso.date(),
    isOnLegalHold: z.boolean().default(false),
  }),
  today: z.iso.date(),
})

export const SUBJECT_ACCESS_ITEMS = [
  'own_data',
  'other_parent_contact_details',
  'third_party_data',
  'violence_prevention',
  'safeguarding_record',
] as const

const subjectAccess = z.strictObject({
  action: z.literal('subject_access'),
  actor,
  item: z.enum(SUBJECT_ACCESS_ITEMS),
  /** Whose request (SAR): a child of the family (now perhaps grown up), and their age today. */
  subject: z
    .strictObject({ isChild: z.boolean(), age: z.number().int().min(0).max(150).optional() })
    .optional(),
  /** A withheld item released after review: by whom (their roles) and why. */
  release: z.strictObject({ byRoles: z.array(role), reason: z.string().max(500) }).optional(),
})

const guidance = z.strictObject({ action: z.literal('ask_guidance'), actor })
const rectify = z.strictObject({
  action: z.literal('rectify'),
  actor,
  resource: z.strictObject({ type: z.enum(RESOURCE_TYPES) }),
})
const publish = z.strictObject({ action: z.enum(['publish_policy', 'record_review']), actor })
const acknowledge = z.strictObject({ action: z.literal('acknowledge_policy'), actor })
/** An ability (abilities.ts): who may do it depends on the actor's roles alone. */
const ability = z.strictObject({ action: z.enum(ABILITIES), actor })

export const policyRequest = z.discriminatedUnion('action', [
  read,
  reveal,
  exportData,
  disclose,
  bookAssessment,
  assign,
  dispose,
  subjectAccess,
  guidance,
  rectify,
  publish,
  acknowledge,
  ability,
])

export type PolicyRequest = z.infer<typeof policyRequest>
export type PolicyRequestInput = z.input<typeof policyRequest>
export type Action = PolicyRequest['action']
