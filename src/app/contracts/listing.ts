import { z } from 'zod'

export const listingInput = z.strictObject({ listed: z.boolean() })

// Answers named here rather than in the route's spec.
export const listingOutput = z.object({ listed: z.boolean() })
