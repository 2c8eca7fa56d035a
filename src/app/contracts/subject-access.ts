import { z } from 'zod'
import { id, date, text } from './common.ts'

export const openInput = z.strictObject({
  personId: id,
  receivedOn: date.optional(),
  identityMethod: text(200).optional(),
})
export const listQuery = z.strictObject({ status: z.enum(['open', 'completed']).optional() })
export const eventInput = z.strictObject({
  version: z.int().min(1),
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
  status: z.string(),
  dueOn: z.string(),
  daysLeft: z.int(),
  isPaused: z.boolean(),
  version: z.int(),
})
