import { z } from 'zod'
import { requiredText, text, version } from './common.ts'

export const holdInput = z.strictObject({ isOnHold: z.boolean(), reason: text(500).optional() })
/**
 * Approving a run names how many families it destroys (and may name the run's version as
 * read): anything other than the run's own now is refused, 409 (decision 0041).
 */
export const approveInput = z.strictObject({
  familiesToDestroy: z.int().min(0).max(10_000_000),
  version: version.optional(),
})
/** The longest reason kept with a family held back or excluded from a run. */
export const KEEP_REASON_MAX = 500
/** Keeping a family out of a waiting run: on legal hold, or out of this run only; why. */
export const keepInput = z.strictObject({
  as: z.enum(['held', 'excluded']),
  reason: requiredText(KEEP_REASON_MAX),
})
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
  keptBack: z
    .array(z.object({ reference: z.string(), as: z.enum(['held', 'excluded']) }))
    .optional(),
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
  version: z.int(),
  retentionYears: z.int().nullable(),
})
export const disposalRunList = z.object({ runs: z.array(disposalRun) })
const keptOut = z.object({
  as: z.enum(['held', 'excluded']),
  reason: z.string().optional(),
  by: z.string().optional(),
  at: z.string().optional(),
})
export const disposalRunDetail = disposalRun.extend({
  familiesToDestroy: z.int(),
  items: z.array(
    z.object({
      id: z.string(),
      runId: z.string(),
      itemKind: z.enum(['family', 'incident', 'guidance']),
      itemId: z.string(),
      lastUsedOn: z.string(),
      dueOn: z.string(),
      counts: z.object({
        destroy: counts,
        keep: counts,
        whole: z.boolean(),
        people: z.int().optional(),
      }),
      outcome: z.enum(['disposed', 'skipped']).optional(),
      reference: z.string().optional(),
      kept: keptOut.optional(),
    }),
  ),
})
export const plannedOutput = z.object({
  runId: z.string().optional(),
  status: z.enum(['nothing_due', 'awaiting_approval', 'completed', 'unchanged']),
  due: z.int(),
  familiesToDestroy: z.int(),
  certificate: disposalCertificate.optional(),
})
export const approvedOutput = z.object({ certificate: disposalCertificate })
export const holdOutput = z.object({ isOnHold: z.boolean() })
export const keptOutput = z.object({
  as: z.enum(['held', 'excluded']),
  familiesToDestroy: z.int(),
})
