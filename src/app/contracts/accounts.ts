import { z } from 'zod'
import { text } from './common.ts'

export const signInInput = z.strictObject({
  centre: text(40),
  email: text(254),
  password: text(1024),
})
export const secondFactorInput = z
  .strictObject({ code: text(20).optional(), recoveryCode: text(40).optional() })
  .refine(
    (body) => (body.code === undefined) !== (body.recoveryCode === undefined),
    'give either code or recoveryCode',
  )
export const resetInput = z.strictObject({ email: text(254) })
export const completeResetInput = z.strictObject({ token: text(100), password: text(1024) })
export const acceptInput = z.strictObject({
  token: text(100),
  displayName: text(120).optional(),
  password: text(1024),
})
export const confirmInput = z.strictObject({ code: text(20) })
export const enrolInput = z
  .strictObject({ code: text(20).optional(), recoveryCode: text(40).optional() })
  .refine(
    (body) => body.code === undefined || body.recoveryCode === undefined,
    'give code or recoveryCode, not both',
  )
export const recoveryCodesInput = z.strictObject({ code: text(20) })
export const memberAcceptInput = z.strictObject({ token: text(100) })
export const confirmInvitationInput = z.strictObject({
  token: text(100),
  displayName: text(120).optional(),
  password: text(1024).optional(),
})
export const passwordInput = z.strictObject({
  currentPassword: text(1024),
  newPassword: text(1024),
})

// What the account routes answer.
const roles = z.array(z.string())
export const signedInOutput = z.object({
  /** What the session still needs: nothing, a code, or setting up an authenticator app. */
  secondFactor: z.string(),
  csrfToken: z.string(),
})
export const sessionOutput = z.object({
  account: z.object({ id: z.string(), displayName: z.string(), email: z.string() }),
  centre: z.object({ slug: z.string(), name: z.string() }),
  roles,
  secondFactor: z.string(),
  endsAt: z.string(),
  csrfToken: z.string(),
})
export const messageOutput = z.object({ message: z.string() })
export const invitationOutput = z.object({
  centreName: z.string(),
  email: z.string(),
  roles,
  expiresAt: z.string(),
  finishedByEmail: z.boolean(),
})
export const confirmationOutput = z.object({
  centreName: z.string(),
  email: z.string(),
  roles,
  hasAccount: z.boolean(),
})
export const confirmedInvitationOutput = z.object({
  centre: z.string(),
  roles,
  newAccount: z.boolean(),
})
export const joinedOutput = z.object({ centre: z.string(), roles })
export const enrolmentOutput = z.object({ secret: z.string(), otpauthUri: z.string() })
export const recoveryCodesOutput = z.object({
  recoveryCodes: z.array(z.string()),
  /** A new token when confirming set-up completed the sign-in. */
  csrfToken: z.string().optional(),
})
