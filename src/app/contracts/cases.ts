import { z } from 'zod'
import { id, date, requiredText, text, version } from './common.ts'
import { REFERRAL_STATUSES } from '../../domain/cases/referral-lifecycle.ts'
import { AGENCY_KINDS } from '../../domain/roles.ts'

/** The longest first or last name a person's record holds, at the API and on the pages. */
export const NAME_MAX = 100
export const name = requiredText(NAME_MAX)
export const flag = z
  .string()
  .regex(/^[a-z][a-z0-9_]{1,39}$/, 'must be a short code in lower case, with _ between words')
const email = z
  .email('must be an email address like name@example.org')
  .max(254, 'must be 254 characters or fewer')

export const contactDetails = z.strictObject({
  address: text(300).optional(),
  phone: text(40).optional(),
  email: email.optional(),
})

export const referralInput = z.strictObject({
  agencyId: id.optional(),
  receivedOn: date.optional(),
  parents: z
    .array(
      z.strictObject({
        kind: z.enum(['resident_parent', 'non_resident_parent']),
        givenName: name,
        familyName: name,
        relationship: text(40).optional(),
        hasParentalResponsibility: z.boolean(),
        contactDetails: contactDetails.optional(),
      }),
    )
    .min(1, 'must name at least one parent')
    .max(2, 'may name two parents at most'),
  children: z
    .array(z.strictObject({ givenName: name, familyName: name, dateOfBirth: date }))
    .min(1, 'must name at least one child')
    .max(12, 'may name 12 children at most'),
  namedPeople: z
    .array(z.strictObject({ givenName: name, familyName: name, relationship: requiredText(40) }))
    .max(12, 'may name 12 people at most')
    .optional(),
  courtOrder: z
    .strictObject({
      kind: requiredText(60),
      reference: text(60).optional(),
      madeOn: date.optional(),
      court: text(120).optional(),
      conditions: text(2000).optional(),
    })
    .optional(),
  availability: text(500).optional(),
  isSeparationRequired: z.boolean(),
  safetyFlags: z.array(flag).max(20, 'may have 20 flags at most').optional(),
})

/** A referring agency the centre adds itself (one with no account in Haven). */
export const agencyInput = z.strictObject({
  name: requiredText(200),
  kind: z.enum(AGENCY_KINDS, 'must be one of the kinds listed'),
})
/** An agency's new name and kind, and those the form was drawn with (a change meanwhile is a conflict). */
export const agencyChangeInput = agencyInput.extend({
  heldName: text(200),
  heldKind: text(40),
})
export const agency = z.object({ id, kind: z.string(), name: z.string() })

export const receivedReferral = z.object({
  referralId: id,
  familyId: id,
  reference: z.string(),
  status: z.enum(REFERRAL_STATUSES),
  /**
   * Families already held that look like this one (the same child's name and date of birth,
   * or an adult's name with the same postcode or phone): for those who see every family, so
   * that a duplicate can be merged by hand; always empty for a referrer, who is never told.
   */
  likelyDuplicates: z.array(z.object({ familyId: id, reference: z.string() })),
})
export const moveInput = z.strictObject({ to: z.enum(REFERRAL_STATUSES), version })
export const referralList = z.object({
  referrals: z.array(
    z.object({
      id,
      familyId: id,
      reference: z.string(),
      status: z.string(),
      receivedOn: date,
      agency: z.object({ id, kind: z.string(), name: z.string() }).nullable(),
      version: z.int(),
    }),
  ),
})
export const referralDetail = z.object({
  ...referralList.shape.referrals.element.shape,
  sessions: z
    .array(z.object({ startsAt: z.string(), endsAt: z.string(), status: z.string() }))
    .optional(),
  history: z
    .array(z.object({ at: z.string(), from: z.string().optional(), to: z.string() }))
    .optional(),
  availability: z.string().nullable().optional(),
  courtOrder: z.record(z.string(), z.string()).nullable().optional(),
})
/** When the family can come and the court order: both as they should now stand. */
export const arrangementsInput = z.strictObject({
  availability: referralInput.shape.availability,
  courtOrder: referralInput.shape.courtOrder,
  version,
})
export const referralQuery = z.strictObject({
  status: z.enum(REFERRAL_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
})

export const person = z.object({
  id,
  kind: z.string(),
  givenName: z.string().optional(),
  familyName: z.string().optional(),
  relationship: z.string().optional(),
  dateOfBirth: date.optional(),
  hasParentalResponsibility: z.boolean().optional(),
  mayAttend: z.boolean().optional(),
  version: z.int().optional(),
  hasContactDetails: z.boolean().optional(),
})
export const family = z.object({
  id,
  reference: z.string(),
  version: z.int(),
  status: z.string().optional(),
  people: z.array(person),
  separationPlan: z.object({ isRequired: z.boolean(), staggerMinutes: z.int() }).optional(),
  safetyFlags: z.array(z.string()).optional(),
  courtOrder: z.record(z.string(), z.string()).nullable().optional(),
  sessions: z
    .array(
      z.object({
        id,
        startsAt: z.string(),
        endsAt: z.string(),
        room: z.string(),
        kind: z.string(),
        status: z.string(),
      }),
    )
    .optional(),
  history: z
    .array(z.object({ at: z.string(), from: z.string().optional(), to: z.string() }))
    .optional(),
  withheld: z.array(z.string()),
})
/** One family as its reader may see it, with what they may do from it (abilities). */
export const familyWithActions = family.extend({
  actions: z.object({
    bookSessions: z.boolean(),
    recordDisclosure: z.boolean(),
    recordConsents: z.boolean(),
    /** Put the family on legal hold or lift it (PUT /api/families/{id}/legal-hold). */
    holdRecords: z.boolean(),
    correctPeople: z.boolean(),
    changeDoorDetails: z.boolean(),
    /** The people whose contact details this reader may ask to see, giving a reason. */
    reveal: z.array(z.string()),
  }),
})
export const doorInput = z.strictObject({
  isSeparationRequired: z.boolean(),
  safetyFlags: z.array(flag).max(20, 'may be 20 at most'),
  version,
})
export const revealInput = z.strictObject({ reason: text(500) })
export const linkInput = z.strictObject({ accountId: id })
export const personInput = z.strictObject({
  givenName: name,
  familyName: name,
  relationship: text(40).optional(),
  hasParentalResponsibility: z.boolean(),
  mayAttend: z.boolean(),
  /** A child's date of birth (children only; the referral's rules). */
  dateOfBirth: date.optional(),
  contactDetails: z
    .strictObject({
      address: text(300).optional(),
      phone: text(40).optional(),
      email: z.union([email, z.literal('')]).optional(),
    })
    .optional(),
  version,
})
/** A child added to a family after its referral: no contact details (children have none). */
export const childInput = z.strictObject({
  givenName: name,
  familyName: name,
  dateOfBirth: date,
  mayAttend: z.boolean(),
})
export const addedChild = z.object({ personId: id })
export const revealed = z.object({
  clauses: z.array(z.string()),
  contactDetails: z.object({
    address: z.string().optional(),
    phone: z.string().optional(),
    email: z.string().optional(),
  }),
})

// Answers named here rather than in the route's spec.
export const movedReferral = z.object({ status: z.enum(REFERRAL_STATUSES), version: z.int() })
export const familyList = z.object({ families: z.array(family) })
export const versionOutput = z.object({ version: z.int() })
