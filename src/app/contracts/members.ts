import { z } from 'zod'
import { text } from './common.ts'
import { isPlausibleEmail, normaliseEmail } from '../../domain/auth-rules.ts'

/** An e-mail address an invitation can go to (the use case normalises it the same way). */
const email = text(254).refine(
  (value) => isPlausibleEmail(normaliseEmail(value)),
  'must be an e-mail address like name@example.org',
)

export const inviteInput = z.strictObject({
  email,
  roles: z.array(text(40)).min(1).max(7),
  agencyKind: text(40).optional(),
  agencyName: text(200).optional(),
})
export const rolesInput = z.strictObject({ roles: z.array(text(40)).min(1).max(7) })
export const accountId = z.uuid()

export const secondFactorInput = z.strictObject({ requiredForAll: z.boolean() })

// What the member routes answer.
export const memberList = z.object({
  members: z.array(
    z.object({
      accountId: z.string(),
      displayName: z.string(),
      email: z.string(),
      roles: z.array(z.string()),
      agencyKind: z.string().nullable(),
      agencyName: z.string().nullable(),
      isDisabled: z.boolean(),
      hasSecondFactor: z.boolean(),
    }),
  ),
})
export const invitationSent = z.object({
  link: z.string(),
  expiresAt: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
})
export const rolesOutput = z.object({ roles: z.array(z.string()) })
export const endedOutput = z.object({ ended: z.int() })
export const secondFactorOutput = z.object({ requiredForAll: z.boolean() })
