import { z } from 'zod'
import { text } from './common.ts'

export const holdInput = z.strictObject({ isOnHold: z.boolean(), reason: text(500).optional() })
export const runQuery = z.strictObject({
  after: z.string().max(64).default(''),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

// What the disposal routes answer.
const counts = z.record(z.string(), z.number())
export const disposalCertificate = z.object({
  runId: z.string(),
  clause: z.literal('RETAIN'),
  policyVersion: z.int(),
  asOf: z.string(),
  completedAt: z.string(),
  approvedBy: z.union([
    z.object({ role: z.string(), accountId: z.string() }),
    z.literal('automatic'),
  ]),
  families: z.object({ wholly: z.int(), partly: z.int() }),
  standaloneRecords: z.int(),
  destroyed: counts,
  kept: counts,
  skipped: z.int(),
})
export const disposalRun = z.object({
  id: z.string(),
  asOf: z.string(),
  status: z.string(),
  policyVersion: z.int(),
  isAutomatic: z.boolean(),
  plannedAt: z.string(),
  approved: z
    .object({ by: z.string().nullable(), role: z.string().nullable(), at: z.string() })
    .nullable(),
  completedAt: z.string().nullable(),
  certificate: disposalCertificate.nullable(),
})
export const disposalRunList = z.object({ runs: z.array(disposalRun) })
export const disposalRunDetail = disposalRun.extend({
  items: z.array(
    z.object({
      id: z.string(),
      runId: z.string(),
      itemKind: z.enum(['family', 'incident', 'guidance']),
      itemId: z.string(),
      lastUsedOn: z.string(),
      dueOn: z.string(),
      counts: z.object({ destroy: counts, keep: counts, whole: z.boolean() }),
      outcome: z.enum(['disposed', 'skipped']).optional(),
    }),
  ),
})
export const plannedOutput = z.object({
  runId: z.string().optional(),
  status: z.enum(['nothing_due', 'awaiting_approval', 'completed', 'unchanged']),
  due: z.int(),
  certificate: disposalCertificate.optional(),
})
export const approvedOutput = z.object({ certificate: disposalCertificate })
export const holdOutput = z.object({ isOnHold: z.boolean() })
