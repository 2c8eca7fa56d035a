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
  isMine: z.boolean(),
})
export const assessmentInput = z.strictObject({
  familyId: id,
  assessor: text(200).min(1),
  place: z.enum(['premises', 'contact_rooms']),
  startsAt: localTime,
})
export const auditQuery = z.strictObject({
  beforeSeq: z.coerce.number().int().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
