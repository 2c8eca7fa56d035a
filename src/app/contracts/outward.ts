import { z } from 'zod'
import { id, date, text, version } from './common.ts'
import { CONSENT_EVIDENCE } from '../consents.ts'
import {
  AT_RISK,
  DISCLOSURE_CATEGORIES,
  PURPOSES,
  RECIPIENT_KINDS,
} from '../../domain/policy/request.ts'

export const recipient = z.strictObject({ kind: z.enum(RECIPIENT_KINDS), name: text(200) })
export const consentInput = z.strictObject({
  personId: id,
  category: z.enum(DISCLOSURE_CATEGORIES),
  recipient: z.union([z.strictObject({ agencyId: id }), recipient]),
  purpose: z.enum(PURPOSES),
  evidence: z.enum(CONSENT_EVIDENCE),
  evidenceReference: text(200).optional(),
  givenOn: date,
  expiresOn: date.optional(),
})
export const consentQuery = z.strictObject({ personId: id })
export const withdrawInput = z.strictObject({
  withdrawnOn: date.optional(),
  evidence: z.enum(CONSENT_EVIDENCE),
})
export const consentView = z.object({
  id,
  personId: id,
  category: z.string(),
  recipient: z.object({ kind: z.string(), name: z.string() }),
  purpose: z.string(),
  evidence: z.string(),
  evidenceReference: z.string().nullable(),
  givenOn: z.string(),
  expiresOn: z.string().nullable(),
  withdrawnOn: z.string().nullable(),
  state: z.string(),
})
export const disclosureInput = z.strictObject({
  familyId: id,
  category: z.enum(DISCLOSURE_CATEGORIES),
  purpose: z.enum(PURPOSES),
  personId: id.optional(),
  agencyId: id.optional(),
  recipient: recipient.optional(),
  period: z.strictObject({ from: date, to: date }).optional(),
  atRisk: z.enum(AT_RISK).optional(),
  concernId: id.optional(),
  reason: text(2000).optional(),
  legalBasis: text(500).optional(),
})
export const registerQuery = z.strictObject({
  familyId: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export const confirmInput = z.strictObject({
  version,
  personTold: z.boolean().optional(),
  notToldReason: text(1000).optional(),
  /** CONTACT to the former partner: the consent relied on, confirmed by its id. */
  consentId: id.optional(),
})
export const versionInput = z.strictObject({ version })
export const decided = z.object({
  id,
  status: z.string(),
  clauses: z.array(z.string()),
  reasons: z.array(z.string()),
})

// What the disclosure register answers.
const nullableText = z.string().nullable()
export const registerEntry = z.object({
  id,
  familyId: id,
  familyReference: z.string(),
  subjectPersonId: nullableText,
  route: z.string(),
  agencyId: nullableText,
  requestedBy: nullableText,
  recipient: z.object({ kind: z.string(), name: z.string() }),
  category: z.string(),
  purpose: z.string(),
  atRisk: nullableText,
  concernId: nullableText,
  reason: nullableText,
  legalBasis: nullableText,
  period: z.object({ from: z.string(), to: z.string() }).nullable(),
  status: z.string(),
  consentState: z.string(),
  decision: z.object({
    effect: z.string(),
    clauses: z.array(z.string()),
    reasons: z.array(z.string()),
    policyVersion: z.int(),
  }),
  requestedAt: z.string(),
  authorisedBy: nullableText,
  secondSignOffBy: nullableText,
  decidedBy: nullableText,
  decidedAt: nullableText,
  released: z
    .object({
      what: z.record(z.string(), z.unknown()),
      by: nullableText,
      at: nullableText,
    })
    .nullable(),
  personTold: z.boolean().nullable(),
  notToldReason: nullableText,
  version: z.int(),
})
export const registerList = z.object({ entries: z.array(registerEntry) })
/** One entry, with the consent the decision rests on (the centre's to confirm; none for others). */
export const registerEntryWithConsent = registerEntry.extend({ consent: consentView.nullable() })
export const confirmedOutput = z.union([
  z.object({
    status: z.literal('released'),
    version: z.int(),
    clauses: z.array(z.string()),
    /** Released under consent: shown once, in this answer only. */
    contactDetails: z
      .object({
        address: z.string().optional(),
        phone: z.string().optional(),
        email: z.string().optional(),
      })
      .optional(),
  }),
  z.object({
    status: z.literal('refused'),
    version: z.int(),
    clauses: z.array(z.string()),
    reasons: z.array(z.string()),
  }),
])
export const declinedOutput = z.object({ status: z.literal('declined'), version: z.int() })

// Answers named here rather than in the route's spec.
export const recordedConsent = z.object({ id })
export const consentList = z.object({ consents: z.array(consentView) })
export const withdrawnConsent = z.object({ id, withdrawnOn: z.string() })
