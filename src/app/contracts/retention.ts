import { z } from 'zod'
import { text } from './common.ts'

export const holdInput = z.strictObject({ isOnHold: z.boolean(), reason: text(500).optional() })
export const runQuery = z.strictObject({
  after: z.string().max(64).default(''),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})
