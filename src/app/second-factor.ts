import { randomBytes } from 'node:crypto'
import { guessLimits, RECOVERY_CODE_COUNT } from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { otpauthUri, base32Encode, totpIssuer, totpStep, verifyTotp } from '../domain/totp.ts'
import {
  claimTotpStep,
  findAccount,
  findAccountByEmail,
  lockAccount,
  promotePendingTotp,
  updateAccount,
  type StoredAccount,
  listCentreIdsOfAccount,
} from '../storage/accounts.ts'
import { completeSecondFactor, endAccountSessions } from '../storage/auth-sessions.ts'
import { replaceRecoveryCodes, useRecoveryCode } from '../storage/credentials.ts'
import type { Db } from '../storage/database.ts'
import { OPERATOR_ID } from './actor.ts'
import { chargeGuess, forgetAccountGuesses } from './attempts.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { deviceOf, rememberDevice } from './device-tokens.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'
import { hashToken, newRecoveryCode, newToken, normaliseRecoveryCode } from './secrets.ts'
import type { SessionView } from './sign-in.ts'

/**
 * The second factor (OWASP ASVS 5.0 V6.6; clause SECURE): TOTP (RFC 6238, 30-second steps,
 * each code usable once) or a one-time recovery code. The TOTP secret is stored only sealed
 * under the master key; recovery codes only as hashes. Every code checked is a guess charged
 * to the same limits as a password (`guessLimits`).
 */

/** Where a request came from, for the limits: its address and its device cookie. */
export interface GuessSource {
  source: string
  deviceCookie?: string | undefined
}

/** A session that has just passed its second factor: a new token, and the device cookie. */
export interface Completed {
  token: string
  deviceCookie: string
}

/** A proof of the account's current second factor: a code from the app or a recovery code. */
export interface FactorProof {
  code?: string | undefined
  recoveryCode?: string | undefined
}

/**
 * Passes the second factor of a session that has passed its password. The session then acts
 * under a new token (ASVS V7.2.4): the one seen before the second factor no longer works.
 */
export async function verifySecondFactor(
  ctx: AppContext,
  view: SessionView,
  input: FactorProof,
  from: GuessSource,
): Promise<Completed> {
  if (!view.session.isSecondFactorPending)
    throw new HavenError('conflict', 'this session has already passed its second factor')
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account?.totpSecretCiphertext)
    throw new HavenError('conflict', 'set up your second factor first')
  const token = newToken()
  await proveFactor(ctx, view, account, input, from, async (trx, now) => {
    if (!(await completeSecondFactor(trx, view.session.id, now.toISOString(), hashToken(token))))
      throw notPending()
    await recordEvent(trx, {
      type: 'second_factor.succeeded',
      at: now,
      centreId: view.actor.centreId,
      actorId: account.id,
      subjectId: view.session.id,
      details: { with: input.recoveryCode !== undefined ? 'recovery_code' : 'totp' },
    })
  })
  await forgetAccountGuesses(ctx, account.email)
  return {
    token,
    deviceCookie: rememberDevice(ctx.masterKey, from.deviceCookie, account, ctx.now()),
  }
}

/** The session passed its second factor meanwhile (another proof sent with this one), or ended. */
function notPending(): HavenError {
  return new HavenError(
    'conflict',
    'this session has passed its second factor already, or has ended; reload the page',
  )
}

/**
 * Checks a proof of the account's current factor, charged to the limits, and runs `then` in
 * the same transaction that uses the code (a TOTP step or a recovery code, once only).
 */
async function proveFactor(
  ctx: AppContext,
  view: SessionView,
  account: StoredAccount,
  proof: FactorProof,
  from: GuessSource,
  then: (trx: Db, now: Date) => Promise<void>,
): Promise<void> {
  const device = deviceOf(ctx.masterKey, from.deviceCookie, account, ctx.now())
  const guess = await chargeGuess(
    ctx,
    guessLimits({ account: account.email, source: from.source, device, isCode: true }),
    { centreId: view.actor.centreId, what: 'second_factor' },
  )
  const now = ctx.now()
  if (proof.recoveryCode !== undefined) {
    const code = normaliseRecoveryCode(proof.recoveryCode)
    const used = await ctx.db.transaction().execute(async (trx) => {
      if (!(await useRecoveryCode(trx, account.id, hashToken(code), now.toISOString())))
        return false
      await recordEvent(trx, {
        type: 'recovery_code.used',
        at: now,
        centreId: view.actor.centreId,
        actorId: account.id,
        subjectId: view.session.id,
      })
      await then(trx, now)
      return true
    })
    if (!used)
      return refuse(
        ctx,
        view,
        now,
        'recovery_code',
        'That recovery code is not valid or has been used.',
      )
    await guess.refund()
    return
  }
  const secret = openWithMasterKey(ctx.masterKey, 'totp', account.totpSecretCiphertext ?? '')
  const verdict = verifyTotp(secret, proof.code ?? '', now.getTime(), account.totpLastStep)
  if (!verdict.ok) {
    const message =
      verdict.reason === 'reused'
        ? 'That code has already been used; wait for the next one.'
        : verdict.reason === 'malformed'
          ? 'Enter the 6-digit code from your authenticator app.'
          : 'That code is not right; check the time on your phone and try the next one.'
    return refuse(ctx, view, now, verdict.reason, message)
  }
  const accepted = await ctx.db.transaction().execute(async (trx) => {
    if (!(await claimTotpStep(trx, account.id, verdict.step))) return false
    await then(trx, now)
    return true
  })
  if (!accepted)
    return refuse(
      ctx,
      view,
      now,
      'reused',
      'That code has already been used; wait for the next one.',
    )
  await guess.refund()
}

async function refuse(
  ctx: AppContext,
  view: SessionView,
  now: Date,
  reason: string,
  message: string,
): Promise<never> {
  await ctx.db.transaction().execute((trx) =>
    recordEvent(trx, {
      type: 'second_factor.failed',
      at: now,
      centreId: view.actor.centreId,
      actorId: view.actor.accountId,
      subjectId: view.session.id,
      details: { reason },
    }),
  )
  throw new HavenError(
    'unauthenticated',
    message,
    reason === 'recovery_code' ? 'recoveryCode' : 'code',
  )
}

export interface Enrolment {
  /** Base32, for typing into an authenticator app. */
  secret: string
  otpauthUri: string
}

/**
 * Starts setting up an authenticator app: a new secret, held sealed until a code from it
 * confirms it. An account with no second factor yet (first set-up, or after an operator's
 * reset, which is in the audit log) may start from any session, even one that has passed
 * only its password. Replacing an existing authenticator needs a full session and proof of
 * the current factor (ASVS V6.6.x, V7.5.1): a password alone never changes the second factor.
 */
export async function startTotpEnrolment(
  ctx: AppContext,
  view: SessionView,
  proof: FactorProof | undefined,
  from: GuessSource,
): Promise<Enrolment> {
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account) throw new HavenError('unauthenticated', 'sign in first')
  const secret = randomBytes(20)
  const sealed = sealWithMasterKey(ctx.masterKey, 'totp', secret)
  if (account.totpSecretCiphertext === undefined) {
    await updateAccount(
      ctx.db,
      account.id,
      { totpPendingCiphertext: sealed },
      ctx.now().toISOString(),
    )
  } else {
    assertFullSession(view, 'to replace your authenticator app')
    if (proof?.code === undefined && proof?.recoveryCode === undefined) {
      throw new HavenError(
        'forbidden',
        'enter a code from your current authenticator app (or a recovery code) to replace it',
        'code',
      )
    }
    await proveFactor(ctx, view, account, proof, from, async (trx, now) => {
      await updateAccount(trx, account.id, { totpPendingCiphertext: sealed }, now.toISOString())
      await recordEvent(trx, {
        type: 'second_factor.replacement_started',
        at: now,
        centreId: view.actor.centreId,
        actorId: account.id,
        subjectId: account.id,
      })
    })
  }
  return {
    secret: base32Encode(secret),
    otpauthUri: otpauthUri(secret, totpIssuer(ctx.publicUrl), account.email),
  }
}

function assertFullSession(view: SessionView, purpose: string): void {
  if (view.session.isSecondFactorPending)
    throw new HavenError('unauthenticated', `enter your second-factor code first, ${purpose}`)
}

/**
 * Confirms the new authenticator with a code from it (a guess, charged to the limits); the
 * secret becomes the account's, ten recovery codes are returned once, and a session that was
 * waiting for its second factor passes it under a new token. Replacing an existing
 * authenticator needs a full session (its proof was given at the start) and ends the
 * account's other sessions.
 */
export async function confirmTotpEnrolment(
  ctx: AppContext,
  view: SessionView,
  code: string,
  from: GuessSource,
): Promise<{ recoveryCodes: string[]; completed: Completed | undefined }> {
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account?.totpPendingCiphertext)
    throw new HavenError('conflict', 'start setting up your second factor first')
  const isReplacement = account.totpSecretCiphertext !== undefined
  if (isReplacement) assertFullSession(view, 'to replace your authenticator app')
  const device = deviceOf(ctx.masterKey, from.deviceCookie, account, ctx.now())
  const guess = await chargeGuess(
    ctx,
    guessLimits({ account: account.email, source: from.source, device, isCode: true }),
    { centreId: view.actor.centreId, what: 'second_factor_enrolment' },
  )
  const now = ctx.now()
  const pending = account.totpPendingCiphertext
  const secret = openWithMasterKey(ctx.masterKey, 'totp', pending)
  const verdict = verifyTotp(secret, code, now.getTime(), undefined)
  if (!verdict.ok) {
    throw new HavenError(
      'invalid_input',
      'That code does not match; enter the code your app shows now.',
      'code',
    )
  }
  await guess.refund()
  const recoveryCodes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode())
  const token = newToken()
  const isPending = view.session.isSecondFactorPending
  await ctx.db.transaction().execute(async (trx) => {
    const isPromoted = await promotePendingTotp(
      trx,
      account.id,
      pending,
      Math.max(verdict.step, totpStep(now.getTime())),
      now.toISOString(),
    )
    // Two confirmations at once: only the first sets the codes the person is shown.
    if (!isPromoted) throw new HavenError('conflict', 'start setting up your second factor first')
    await storeRecoveryCodes(ctx, trx, account.id, recoveryCodes, now)
    if (
      isPending &&
      !(await completeSecondFactor(trx, view.session.id, now.toISOString(), hashToken(token)))
    )
      throw notPending()
    const ended = isReplacement ? await endOtherSessions(trx, view, now) : 0
    await recordEvent(trx, {
      type: isReplacement ? 'second_factor.replaced' : 'second_factor.enrolled',
      at: now,
      centreId: view.actor.centreId,
      actorId: account.id,
      subjectId: account.id,
      ...(isReplacement ? { details: { sessionsEnded: ended } } : {}),
    })
  })
  if (!isPending) return { recoveryCodes, completed: undefined }
  await forgetAccountGuesses(ctx, account.email)
  return {
    recoveryCodes,
    completed: {
      token,
      deviceCookie: rememberDevice(
        ctx.masterKey,
        from.deviceCookie,
        await freshAccount(ctx, account.id),
        ctx.now(),
      ),
    },
  }
}

/** Ends the account's sessions other than this one, in every centre; how many. */
function endOtherSessions(trx: Db, view: SessionView, now: Date): Promise<number> {
  return endAccountSessions(
    trx,
    view.actor.accountId,
    now.toISOString(),
    'second_factor_changed',
    undefined,
    view.session.id,
  )
}

async function storeRecoveryCodes(
  ctx: AppContext,
  trx: Db,
  accountId: string,
  codes: readonly string[],
  now: Date,
): Promise<void> {
  await replaceRecoveryCodes(
    trx,
    accountId,
    codes.map((value) => ({ id: ctx.newId(), codeHash: hashToken(normaliseRecoveryCode(value)) })),
    now.toISOString(),
  )
}

/**
 * New recovery codes (the old ones stop working): a full session and a code from the
 * current authenticator app.
 */
export async function replaceRecoveryCodesWithProof(
  ctx: AppContext,
  view: SessionView,
  proof: FactorProof,
  from: GuessSource,
): Promise<string[]> {
  assertFullSession(view, 'to make new recovery codes')
  const account = await findAccount(ctx.db, view.actor.accountId)
  if (!account?.totpSecretCiphertext)
    throw new HavenError('conflict', 'set up your second factor first')
  if (proof.code === undefined)
    throw new HavenError('invalid_input', 'enter a code from your authenticator app', 'code')
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode())
  await proveFactor(ctx, view, account, { code: proof.code }, from, async (trx, now) => {
    await storeRecoveryCodes(ctx, trx, account.id, codes, now)
    await recordEvent(trx, {
      type: 'recovery_codes.replaced',
      at: now,
      centreId: view.actor.centreId,
      actorId: account.id,
      subjectId: account.id,
    })
  })
  return codes
}

/**
 * The operator's reset of an account's second factor (someone who lost both their phone and
 * their recovery codes, identity checked outside Haven): the secret and recovery codes are
 * removed, every session ends, and the reset is in the audit log. The next sign-in sets up a
 * new authenticator. Returns false when no account has the address.
 */
export async function resetSecondFactor(ctx: AppContext, email: string): Promise<boolean> {
  const account = await findAccountByEmail(ctx.db, email)
  if (!account) return false
  const now = ctx.now()
  await ctx.db.transaction().execute(async (trx) => {
    await lockAccount(trx, account.id)
    await updateAccount(
      trx,
      account.id,
      { totpSecretCiphertext: null, totpPendingCiphertext: null, totpLastStep: null },
      now.toISOString(),
    )
    await replaceRecoveryCodes(trx, account.id, [], now.toISOString())
    const ended = await endAccountSessions(
      trx,
      account.id,
      now.toISOString(),
      'second_factor_reset',
    )
    await recordEvent(trx, {
      type: 'second_factor.reset',
      at: now,
      actorId: OPERATOR_ID,
      subjectId: account.id,
      details: { sessionsEnded: ended },
    })
    // And in the log of each centre the account belongs to, which its coordinator reads and
    // takes away in its export: a host's reset of a member's second factor is never silent
    // there (decision 0047).
    for (const centreId of await listCentreIdsOfAccount(trx, account.id))
      await recordEvent(trx, {
        type: 'second_factor.reset',
        at: now,
        centreId,
        actorId: OPERATOR_ID,
        subjectId: account.id,
        details: {},
      })
  })
  return true
}

/** The account as it is now (after its authenticator changed), for its device token. */
async function freshAccount(ctx: AppContext, accountId: string): Promise<StoredAccount> {
  const account = await findAccount(ctx.db, accountId)
  if (!account) throw new HavenError('unauthenticated', 'sign in first')
  return account
}
