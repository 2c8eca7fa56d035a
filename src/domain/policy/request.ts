import { z } from 'zod'
import { ROLES } from '../roles.ts'
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
  /** The subject's consent as recorded (CONTACT): live and matching category, recipient and purpose. */
  consent: z
    .strictObject({
      isLive: z.boolean(),
      matchesCategory: z.boolean(),
      matchesRecipient: z.boolean(),
      matchesPurpose: z.boolean(),
    })
    .optional(),
  /** EXCEPT: who is at risk. */
  atRisk: z.enum(['child', 'users', 'volunteers', 'staff']).optional(),
  /** Chichester's "required by law": the legal basis, e.g. a court order's reference. */
  legalBasis: z.string().max(500).optional(),
  /** A second person has signed the disclosure off. */
  hasSecondSignOff: z.boolean().default(false),
})

const bookAssessment = z.strictObject({
  action: z.literal('book_assessment'),
  actor,
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

const subjectAccess = z.strictObject({
  action: z.literal('subject_access'),
  actor,
  item: z.enum([
    'own_data',
    'other_parent_contact_details',
    'third_party_data',
    'violence_prevention',
  ]),
})

const guidance = z.strictObject({ action: z.literal('ask_guidance'), actor })
const rectify = z.strictObject({
  action: z.literal('rectify'),
  actor,
  resource: z.strictObject({ type: z.enum(RESOURCE_TYPES) }),
})
const publish = z.strictObject({ action: z.enum(['publish_policy', 'record_review']), actor })
const acknowledge = z.strictObject({ action: z.literal('acknowledge_policy'), actor })

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
])

export type PolicyRequest = z.infer<typeof policyRequest>
export type PolicyRequestInput = z.input<typeof policyRequest>
export type Action = PolicyRequest['action']
