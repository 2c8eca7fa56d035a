import { OPERATOR_ID } from './actor.ts'
import {
  guessLimits,
  linkGuessLimits,
  normaliseEmail,
  PASSWORD_RESET_TTL_MS,
  resetRequestLimits,
} from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { judgeNewPassword } from './password-policy.ts'
import {
  findAccount,
  findAccountByEmail,
  listCentreIdsOfAccount,
  lockAccount,
  updateAccount,
} from '../storage/accounts.ts'
import { endAccountSessions } from '../storage/auth-sessions.ts'
import {
  findPasswordResetByTokenHash,
  insertPasswordReset,
  markPasswordResetUsed,
} from '../storage/credentials.ts'
import { chargeGuess } from './attempts.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { deviceOf } from './device-tokens.ts'
import { queueMessage } from './outbox.ts'
import { hashPassword, verifyPassword } from './passwords.ts'
import type { SessionView } from './sign-in.ts'
import { hashToken, newToken } from './secrets.ts'

/** What every reset request is told, whether or not the address has an account. */
export const RESET_REQUESTED =
  'If that address has a Haven account, a link to set a new password is on its way. It works once, for 30 minutes.'

/**
 * Asks for a password reset (OWASP ASVS 5.0 V6.4): at most three requests per address and
 * ten per source in 15 minutes, whether or not the address has an account. The answer comes
 * before the address is even looked up: `delivery` does the rest (when the account exists
 * and is not disabled, a one-time link valid for 30 minutes goes through the outbox; the
 * token is stored only as a hash), so the answer takes the same time either way (V6.3.8).
 * The caller lets `delivery` run on after answering.
 */
export async function requestPasswordReset(
  ctx: AppContext,
  input: { email: string; source: string; byOperator?: boolean },
): Promise<{ message: string; delivery: Promise<void> }> {
  const email = normaliseEmail(input.email)
  await chargeGuess(ctx, resetRequestLimits({ email, source: input.source }), {
    what: 'password_reset_request',
  })
  return {
    message: RESET_REQUESTED,
    delivery: deliverPasswordReset(ctx, email, input.byOperator === true),
  }
}

async function deliverPasswordReset(
  ctx: AppContext,
  email: string,
  byOperator: boolean,
): Promise<void> {
  // Let the answer go first.
  await new Promise((resolve) => setImmediate(resolve))
  const account = await findAccountByEmail(ctx.db, email)
  const now = ctx.now()
  await ctx.db.transaction().execute(async (trx) => {
    if (!account || account.isDisabled) {
      await recordEvent(trx, {
        type: 'password_reset.refused',
        at: now,
        details: { reason: account ? 'disabled' : 'unknown_account' },
      })
      return
    }
    const token = newToken()
    await insertPasswordReset(trx, {
      id: ctx.newId(),
      accountId: account.id,
      tokenHash: hashToken(token),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + PASSWORD_RESET_TTL_MS).toISOString(),
      usedAt: undefined,
    })
    await queueMessage(ctx, trx, {
      centreId: undefined,
      recipient: account.email,
      subject: 'Set a new Haven password',
      body: `Someone asked to set a new password for your Haven account. If it was you, use this link within 30 minutes (it works once):\n${ctx.publicUrl}/password-reset/${token}\n\nIf it was not you, ignore this message; your password has not changed.\n`,
    })
    await recordEvent(trx, {
      type: 'password_reset.requested',
      at: now,
      actorId: byOperator ? OPERATOR_ID : account.id,
      subjectId: account.id,
    })
    // Asked by the operator at the machine: in each of the account's centres' logs too, so a
    // host's reset is seen by the centre (decision 0047).
    if (byOperator)
      for (const centreId of await listCentreIdsOfAccount(trx, account.id))
        await recordEvent(trx, {
          type: 'password_reset.requested',
          at: now,
          centreId,
          actorId: OPERATOR_ID,
          subjectId: account.id,
        })
  })
}

/**
 * Sets a new password from a reset link. Refused, each in its own words, when the link is
 * unknown, expired or already used. It never signs in and never bypasses the second factor:
 * every session of the account ends, and the next sign-in asks for both factors again.
 */
export async function completePasswordReset(
  ctx: AppContext,
  input: { token: string; password: string },
  source: string,
): Promise<void> {
  const guess = await chargeGuess(ctx, linkGuessLimits(source), { what: 'password_reset_link' })
  const reset = await findPasswordResetByTokenHash(ctx.db, hashToken(input.token))
  if (!reset)
    throw new HavenError('not_found', 'this reset link is not valid; check it was copied whole')
  await guess.refund()
  if (reset.usedAt !== undefined)
    throw new HavenError('gone', 'this reset link has already been used; ask for a new one')
  const now = ctx.now()
  if (reset.expiresAt <= now.toISOString())
    throw new HavenError('gone', 'this reset link has expired; ask for a new one')
  const account = await findAccount(ctx.db, reset.accountId)
  if (!account || account.isDisabled)
    throw new HavenError('gone', 'this reset link can no longer be used')
  const verdict = judgeNewPassword(input.password, [
    account.email.split('@')[0] ?? '',
    account.displayName,
  ])
  if (!verdict.ok) throw new HavenError('invalid_input', verdict.reason, 'password')
  const passwordHash = await hashPassword(input.password)
  await ctx.db.transaction().execute(async (trx) => {
    await lockAccount(trx, account.id)
    if (!(await markPasswordResetUsed(trx, reset.id, account.id, now.toISOString()))) {
      throw new HavenError('gone', 'this reset link has already been used; ask for a new one')
    }
    await updateAccount(trx, account.id, { passwordHash }, now.toISOString())
    const ended = await endAccountSessions(trx, account.id, now.toISOString(), 'password_changed')
    await recordEvent(trx, {
      type: 'password_reset.completed',
      at: now,
      actorId: account.id,
      subjectId: account.id,
      details: { sessionsEnded: ended },
    })
  })
}

/**
 * Changes one's own password with the current one (a guess, charged to the same limits as
 * signing in); every session ends.
 */
export async function changePassword(
  ctx: AppContext,
  view: SessionView,
  input: { currentPassword: string; newPassword: string },
  from: { source: string; deviceCookie?: string | undefined },
): Promise<void> {
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account) throw new HavenError('unauthenticated', 'sign in first')
  const guess = await chargeGuess(
    ctx,
    guessLimits({
      account: account.email,
      source: from.source,
      device: deviceOf(ctx.masterKey, from.deviceCookie, account, ctx.now()),
    }),
    { centreId: view.actor.centreId, what: 'password_change' },
  )
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
    throw new HavenError('invalid_input', 'the current password is not right', 'currentPassword')
  }
  await guess.refund()
  const verdict = judgeNewPassword(input.newPassword, [
    account.email.split('@')[0] ?? '',
    account.displayName,
  ])
  if (!verdict.ok) throw new HavenError('invalid_input', verdict.reason, 'newPassword')
  const passwordHash = await hashPassword(input.newPassword)
  const now = ctx.now()
  await ctx.db.transaction().execute(async (trx) => {
    // Checked against the password read before: two changes sent together make one.
    if ((await lockAccount(trx, account.id))?.passwordHash !== account.passwordHash)
      throw new HavenError('conflict', 'your password was changed meanwhile; sign in again')
    await updateAccount(trx, account.id, { passwordHash }, now.toISOString())
    const ended = await endAccountSessions(trx, account.id, now.toISOString(), 'password_changed')
    await recordEvent(trx, {
      type: 'password.changed',
      at: now,
      centreId: view.actor.centreId,
      actorId: account.id,
      subjectId: account.id,
      details: { sessionsEnded: ended },
    })
  })
}
