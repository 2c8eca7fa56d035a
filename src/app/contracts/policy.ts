import { z } from 'zod'
import { text } from './common.ts'
import { policyDocument } from '../../domain/policy/document.ts'

export const publishInput = z
  .strictObject({ document: z.unknown().optional(), preset: text(40).optional() })
  .refine(
    (body) => (body.document === undefined) !== (body.preset === undefined),
    'give either a document or a preset',
  )
export const reviewInput = z.strictObject({ notes: text(2000) })

// What the policy routes answer.
export const policyOutput = z.object({
  version: z.int(),
  hash: z.string(),
  publishedAt: z.string(),
  lastReviewedOn: z.string(),
  nextReviewDue: z.string(),
  isReviewOverdue: z.boolean(),
  document: policyDocument,
  markdown: z.string(),
})
export const policyHistoryOutput = z.object({
  versions: z.array(
    z.object({
      version: z.int(),
      publishedAt: z.string(),
      hash: z.string(),
      changes: z.array(z.string()),
    }),
  ),
  reviews: z.array(
    z.object({
      version: z.int(),
      reviewedOn: z.string(),
      outcome: z.string(),
      notes: z.string(),
    }),
  ),
})
export const publishedOutput = z.object({ version: z.int(), changes: z.array(z.string()) })
export const reviewedOutput = z.object({ nextReviewDue: z.string() })
export const publicPolicyOutput = z.object({
  centreName: z.string(),
  version: z.int(),
  hash: z.string(),
  markdown: z.string(),
})
