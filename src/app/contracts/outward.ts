import { z } from 'zod'
import { id, date, text } from './common.ts'
import { CONSENT_EVIDENCE } from '../consents.ts'
import { DISCLOSURE_CATEGORIES, PURPOSES, RECIPIENT_KINDS } from '../../domain/policy/request.ts'

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
  atRisk: z.enum(['child', 'users', 'volunteers', 'staff']).optional(),
  concernId: id.optional(),
  reason: text(2000).optional(),
  legalBasis: text(500).optional(),
})
export const registerQuery = z.strictObject({
  familyId: id.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export const confirmInput = z.strictObject({
  version: z.int().min(1),
  personTold: z.boolean().optional(),
  notToldReason: text(1000).optional(),
})
export const versionInput = z.strictObject({ version: z.int().min(1) })
export const decided = z.object({
  id,
  status: z.string(),
  clauses: z.array(z.string()),
  reasons: z.array(z.string()),
})
