import { z } from 'zod'
import { id, date, text, version } from './common.ts'

export const openInput = z.strictObject({
  personId: id,
  receivedOn: date.optional(),
  identityMethod: text(200).optional(),
  /** How a request made outside Haven came (the coordinator or staff record it). */
  receivedVia: z
    .enum(['letter', 'phone', 'email', 'in_person'], 'must be one of the ways listed')
    .optional(),
  note: text(1000).optional(),
})
export const listQuery = z.strictObject({ status: z.enum(['open', 'completed']).optional() })
export const eventInput = z.strictObject({
  version,
  event: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('identity_verified'),
      method: text(200),
      on: date.optional(),
    }),
    z.strictObject({ kind: z.literal('clarification_asked'), on: date.optional() }),
    z.strictObject({ kind: z.literal('clarification_received'), on: date.optional() }),
    z.strictObject({
      kind: z.literal('extended'),
      months: z.union([z.literal(1), z.literal(2)]),
      reason: text(1000),
    }),
    z.strictObject({ kind: z.literal('completed'), on: date.optional() }),
  ]),
})
export const view = z.object({
  id,
  personId: id,
  familyId: id,
  receivedOn: z.string(),
  identity: z.object({
    status: z.string(),
    method: z.string().nullable(),
    checkedOn: z.string().nullable(),
  }),
  extension: z.object({ months: z.int(), reason: z.string().nullable() }),
  status: z.string(),
  dueOn: z.string(),
  daysLeft: z.int(),
  isPaused: z.boolean(),
  pausedDays: z.int(),
  pauses: z.array(
    z.object({ reason: z.string(), fromOn: z.string(), toOn: z.string().nullable() }),
  ),
  completedOn: z.string().nullable(),
  withheld: z
    .array(
      z.object({
        item: z.string(),
        recordId: z.string().nullable(),
        ground: z.string(),
        clause: z.string(),
      }),
    )
    .optional(),
  /** Withheld items released after review, each with its reason (SAR). */
  released: z
    .array(
      z.object({
        item: z.string(),
        recordId: z.string(),
        reason: z.string(),
        releasedOn: z.string(),
      }),
    )
    .optional(),
  /** Whose request: their name and family's reference (for its handlers and the subject). */
  subject: z.object({ name: z.string(), familyReference: z.string() }).optional(),
  receivedVia: z.string().nullable(),
  note: z.string().optional(),
  version: z.int(),
})
export const requestList = z.object({ requests: z.array(view) })
/** The bundle as JSON (SAR): the subject's own data, and every withholding with its clause. */
export const bundleOutput = z.object({
  centreName: z.string(),
  requestId: z.string(),
  compiledOn: z.string(),
  subject: z.record(z.string(), z.string()),
  sections: z.array(
    z.object({ title: z.string(), rows: z.array(z.record(z.string(), z.string())) }),
  ),
  withheld: z.array(
    z.object({
      kind: z.string(),
      item: z.string(),
      recordId: z.string().optional(),
      ground: z.string(),
      clause: z.string(),
    }),
  ),
})
/** Releasing a withheld item after review: the record, and why (SAR). */
export const releaseInput = z.strictObject({ recordId: id, reason: text(1000) })
export const releaseOutput = z.object({
  recordId: id,
  item: z.string(),
  clauses: z.array(z.string()),
})
