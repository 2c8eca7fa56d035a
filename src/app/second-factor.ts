import { randomBytes } from 'node:crypto'
import { FAILURE_WINDOW_MS, isThrottled, RECOVERY_CODE_COUNT } from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { otpauthUri, base32Encode, totpStep, verifyTotp } from '../domain/totp.ts'
import { claimTotpStep, findAccount, updateAccount } from '../storage/accounts.ts'
import { completeSecondFactor } from '../storage/auth-sessions.ts'
import {
  countSignInFailures,
  insertSignInFailure,
  replaceRecoveryCodes,
  useRecoveryCode,
} from '../storage/credentials.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'
import { hashToken, keyedHash, newRecoveryCode, normaliseRecoveryCode } from './secrets.ts'
import type { SessionView } from './sign-in.ts'

/**
 * The second factor (OWASP ASVS 5.0 V6.6; clause SECURE): TOTP (RFC 6238, 30-second steps,
 * each code usable once) or a one-time recovery code. The TOTP secret is stored only sealed
 * under the master key; recovery codes only as hashes.
 */
export async function verifySecondFactor(
  ctx: AppContext,
  view: SessionView,
  input: { code?: string | undefined; recoveryCode?: string | undefined },
): Promise<void> {
  if (!view.session.isSecondFactorPending) return
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account?.totpSecretCiphertext)
    throw new HavenError('conflict', 'set up your second factor first')
  const now = ctx.now()
  await assertNotThrottled(ctx, account.email, now)
  if (input.recoveryCode !== undefined) {
    const used = await ctx.db.transaction().execute(async (trx) => {
      const ok = await useRecoveryCode(
        trx,
        account.id,
        hashToken(normaliseRecoveryCode(input.recoveryCode ?? '')),
        now.toISOString(),
      )
      if (ok) {
        await completeSecondFactor(trx, view.session.id, now.toISOString())
        await recordEvent(trx, {
          type: 'recovery_code.used',
          at: now,
          centreId: view.actor.centreId,
          actorId: account.id,
          subjectId: view.session.id,
        })
      }
      return ok
    })
    if (!used)
      await refuse(
        ctx,
        view,
        account.email,
        now,
        'recovery_code',
        'That recovery code is not valid or has been used.',
      )
    return
  }
  const secret = openWithMasterKey(ctx.masterKey, 'totp', account.totpSecretCiphertext)
  const verdict = verifyTotp(secret, input.code ?? '', now.getTime(), account.totpLastStep)
  if (!verdict.ok) {
    const message =
      verdict.reason === 'reused'
        ? 'That code has already been used; wait for the next one.'
        : verdict.reason === 'malformed'
          ? 'Enter the 6-digit code from your authenticator app.'
          : 'That code is not right; check the time on your phone and try the next one.'
    await refuse(ctx, view, account.email, now, verdict.reason, message)
    return
  }
  const accepted = await ctx.db.transaction().execute(async (trx) => {
    if (!(await claimTotpStep(trx, account.id, verdict.step))) return false
    await completeSecondFactor(trx, view.session.id, now.toISOString())
    await recordEvent(trx, {
      type: 'second_factor.succeeded',
      at: now,
      centreId: view.actor.centreId,
      actorId: account.id,
      subjectId: view.session.id,
    })
    return true
  })
  if (!accepted)
    await refuse(
      ctx,
      view,
      account.email,
      now,
      'reused',
      'That code has already been used; wait for the next one.',
    )
}

async function refuse(
  ctx: AppContext,
  view: SessionView,
  email: string,
  now: Date,
  reason: string,
  message: string,
): Promise<never> {
  await ctx.db.transaction().execute(async (trx) => {
    await insertSignInFailure(trx, {
      id: ctx.newId(),
      emailHash: keyedHash(ctx.masterKey, 'sign-in-email', email),
      sourceHash: keyedHash(ctx.masterKey, 'sign-in-source', `session:${view.session.id}`),
      at: now.toISOString(),
    })
    await recordEvent(trx, {
      type: 'second_factor.failed',
      at: now,
      centreId: view.actor.centreId,
      actorId: view.actor.accountId,
      subjectId: view.session.id,
      details: { reason },
    })
  })
  throw new HavenError(
    'unauthenticated',
    message,
    reason === 'recovery_code' ? 'recoveryCode' : 'code',
  )
}

async function assertNotThrottled(ctx: AppContext, email: string, now: Date): Promise<void> {
  const since = new Date(now.getTime() - FAILURE_WINDOW_MS).toISOString()
  const failures = await countSignInFailures(ctx.db, since, {
    emailHash: keyedHash(ctx.masterKey, 'sign-in-email', email),
    sourceHash: '',
  })
  if (isThrottled(failures.forAccount, 0)) {
    throw new HavenError(
      'rate_limited',
      'This account is locked for 5 minutes after too many failed attempts.',
    )
  }
}

export interface Enrolment {
  /** Base32, for typing into an authenticator app. */
  secret: string
  otpauthUri: string
}

/** Starts (or restarts) TOTP enrolment: a new secret, held sealed until a code confirms it. */
export async function startTotpEnrolment(ctx: AppContext, view: SessionView): Promise<Enrolment> {
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account) throw new HavenError('unauthenticated', 'sign in first')
  const secret = randomBytes(20)
  await updateAccount(
    ctx.db,
    account.id,
    { totpPendingCiphertext: sealWithMasterKey(ctx.masterKey, 'totp', secret) },
    ctx.now().toISOString(),
  )
  return { secret: base32Encode(secret), otpauthUri: otpauthUri(secret, 'Haven', account.email) }
}

/**
 * Confirms enrolment with a code from the new secret; the secret becomes the account's, the
 * session's second factor is satisfied, and ten recovery codes are returned, once.
 */
export async function confirmTotpEnrolment(
  ctx: AppContext,
  view: SessionView,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account?.totpPendingCiphertext)
    throw new HavenError('conflict', 'start setting up your second factor first')
  const now = ctx.now()
  const secret = openWithMasterKey(ctx.masterKey, 'totp', account.totpPendingCiphertext)
  const verdict = verifyTotp(secret, code, now.getTime(), undefined)
  if (!verdict.ok) {
    throw new HavenError(
      'invalid_input',
      'That code does not match; enter the code your app shows now.',
      'code',
    )
  }
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode())
  await ctx.db.transaction().execute(async (trx) => {
    await updateAccount(
      trx,
      account.id,
      {
        totpSecretCiphertext: account.totpPendingCiphertext ?? null,
        totpPendingCiphertext: null,
        totpLastStep: Math.max(verdict.step, totpStep(now.getTime())),
      },
      now.toISOString(),
    )
    await replaceRecoveryCodes(
      trx,
      account.id,
      recoveryCodes.map((value) => ({
        id: ctx.newId(),
        codeHash: hashToken(normaliseRecoveryCode(value)),
      })),
      now.toISOString(),
    )
    await completeSecondFactor(trx, view.session.id, now.toISOString())
    await recordEvent(trx, {
      type: 'second_factor.enrolled',
      at: now,
      centreId: view.actor.centreId,
      actorId: account.id,
      subjectId: account.id,
    })
  })
  return { recoveryCodes }
}
