import { z } from 'zod'
import { text } from './common.ts'

export const publishInput = z
  .strictObject({ document: z.unknown().optional(), preset: text(40).optional() })
  .refine(
    (body) => (body.document === undefined) !== (body.preset === undefined),
    'give either a document or a preset',
  )
export const reviewInput = z.strictObject({ notes: text(2000) })
