import { z } from 'zod'
import { id, localTime, text } from './common.ts'
import { INCIDENT_KINDS } from '../incidents.ts'

export const incidentInput = z.strictObject({
  kind: z.enum(INCIDENT_KINDS),
  familyId: id.optional(),
  occurredAt: localTime,
  summary: text(4000),
})
export const incidentQuery = z.strictObject({ kind: z.enum(INCIDENT_KINDS) })
export const incident = z.object({
  id,
  kind: z.string(),
  familyId: id.nullable(),
  occurredAt: z.string(),
  summary: z.string(),
  familyReference: z.string().nullable(),
  isMine: z.boolean(),
})
export const askInput = z.strictObject({ familyId: id.optional(), question: text(4000) })
export const answerInput = z.strictObject({ answer: text(4000) })
export const guidance = z.object({
  id,
  familyId: id.nullable(),
  question: z.string(),
  answer: z.string().nullable(),
  askedAt: z.string(),
  answeredAt: z.string().nullable(),
  familyReference: z.string().nullable(),
  isMine: z.boolean(),
})
export const assessmentInput = z.strictObject({
  familyId: id,
  assessor: text(200).min(1),
  place: z.enum(['premises', 'contact_rooms']),
  startsAt: localTime,
})
export const auditQuery = z.strictObject({
  // The log's positions are 32-bit integers on PostgreSQL: nothing lies beyond the largest.
  beforeSeq: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})

// What the record routes answer.
export const acknowledgedOutput = z.object({ version: z.int() })
export const acknowledgementsOutput = z.object({
  version: z.int(),
  people: z.array(
    z.object({
      accountId: z.string(),
      displayName: z.string(),
      acknowledgedAt: z.string().nullable(),
    }),
  ),
})
export const auditOutput = z.object({
  entries: z.array(
    z.object({
      seq: z.int(),
      at: z.string(),
      type: z.string(),
      actorId: z.string().nullable(),
      subjectId: z.string().nullable(),
      details: z.unknown(),
      hash: z.string(),
    }),
  ),
  checkpoints: z.array(
    z.object({
      /** The chain: this centre's id, or '' for the installation's own events. */
      chain: z.string(),
      seq: z.int(),
      hash: z.string(),
      at: z.string(),
      keyId: z.string(),
      signature: z.string(),
      /** 1: signed before chains were kept per centre (text v1); 2: names its chain (v2). */
      version: z.union([z.literal(1), z.literal(2)]),
    }),
  ),
})

// Answers named here rather than in the route's spec.
export const createdOutput = z.object({ id })
export const incidentList = z.object({ incidents: z.array(incident) })
export const guidanceList = z.object({ requests: z.array(guidance) })
export const bookedAssessment = z.object({ clauses: z.array(z.string()) })
