import { z } from 'zod'
import { text } from './common.ts'

export const inviteInput = z.strictObject({
  email: text(254),
  roles: z.array(text(40)).min(1).max(7),
  agencyKind: text(40).optional(),
  agencyName: text(200).optional(),
})
export const rolesInput = z.strictObject({ roles: z.array(text(40)).min(1).max(7) })
export const accountId = z.uuid()

export const secondFactorInput = z.strictObject({ requiredForAll: z.boolean() })
