import { z } from 'zod'

export const statisticsQuery = z.strictObject({
  quarter: z
    .string()
    .regex(/^\d{4}-Q[1-4]$/, 'a quarter is written 2026-Q3')
    .optional(),
})

/**
 * The quarter's return as the API answers it: each figure as shown, and its count only when it
 * is shown (a hidden figure's count never leaves Haven: docs/STATISTICS.md).
 */
export const statisticsOutput = z.object({
  quarter: z.object({ label: z.string(), from: z.string(), to: z.string(), words: z.string() }),
  sections: z.array(
    z.object({
      title: z.string(),
      note: z.string().optional(),
      figures: z.array(
        z.object({ label: z.string(), shown: z.string(), count: z.int().nullable() }),
      ),
    }),
  ),
})
