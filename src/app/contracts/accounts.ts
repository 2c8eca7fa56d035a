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
