import { z } from 'zod'

export const listingInput = z.strictObject({ listed: z.boolean() })
