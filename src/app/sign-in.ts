import { guessLimits, normaliseEmail, sessionEndsAt, sessionStatus } from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import { isRole, requiresSecondFactor, type Role } from '../domain/roles.ts'
import { findAccountByEmail, findMembership, lockAccount } from '../storage/accounts.ts'
import {
  endAuthSession,
  findSessionHolder,
  insertAuthSession,
  touchAuthSession,
  type StoredAuthSession,
} from '../storage/auth-sessions.ts'
import { lockCentre } from '../storage/audit-log.ts'
import { findCentre, findCentreBySlug, isSecondFactorRequiredForAll } from '../storage/centres.ts'
import type { Actor } from './actor.ts'
import { chargeGuess, forgetAccountGuesses } from './attempts.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { deviceOf, rememberDevice } from './device-tokens.ts'
import { policyInForce } from './policy-access.ts'
import { verifyPassword } from './passwords.ts'
import { hashToken, newToken } from './secrets.ts'

/** The one message for every failed sign-in, so it tells nothing about which part was wrong. */
export const SIGN_IN_REFUSED = 'The centre, e-mail address or password was not recognised.'

export type SecondFactorState = 'none' | 'verify' | 'enrol'

export interface SignedIn {
  /** The session token for the cookie; never stored, never logged. */
  token: string
  secondFactor: SecondFactorState
  /** The device cookie's new value, once the session has passed every factor it needs. */
  deviceCookie: string | undefined
}

/**
 * Signs in with centre, e-mail and password (OWASP ASVS 5.0 V6). Every refusal has the same
 * message, status and cost, whether or not the e-mail or centre exists: an unknown account
 * still costs one argon2id verification. Each guess is charged to its limits before it is
 * checked (at most 10 per account and 50 per source in 5 minutes, or 10 per device that
 * signed in before: `guessLimits`), and refunded when right. A new token every time. Roles
 * that see protected data must pass a second factor before the session may do anything else
 * (clause SECURE). A person whose access to this centre is stopped cannot sign in to it.
 */
export async function signIn(
  ctx: AppContext,
  input: {
    centre: string
    email: string
    password: string
    source: string
    deviceCookie?: string | undefined
  },
): Promise<SignedIn> {
  const email = normaliseEmail(input.email)
  const centre = await findCentreBySlug(ctx.db, input.centre.trim().toLowerCase())
  const account = await findAccountByEmail(ctx.db, email)
  // The same queries run whether or not the centre and account exist.
  const membership = await membershipIn(ctx, centre?.id ?? '', account?.id ?? '')
  // A refusal is written to a centre's log only when the account belongs to that centre;
  // otherwise the log of any centre named by a guesser would tell its coordinator whether an
  // address has an account elsewhere, and which guess was right.
  const logCentreId = centre && membership.isMember ? centre.id : undefined
  // Computed whether or not the account exists, so the time says nothing.
  const device = deviceOf(ctx.masterKey, input.deviceCookie, account, ctx.now())
  const guess = await chargeGuess(
    ctx,
    guessLimits({ account: email, source: input.source, device }),
    { centreId: logCentreId, what: 'password' },
  )
  const isPasswordRight = await verifyPassword(input.password, account?.passwordHash)
  const now = ctx.now()
  // A closed centre (docs/decisions/0047) is refused like any other: nobody signs in to it.
  const roles = membership.isStopped || centre?.closedAt !== undefined ? [] : membership.roles
  if (!centre || !account || !isPasswordRight || account.isDisabled || roles.length === 0) {
    // The guess stays charged even when the password was right: otherwise the limit would
    // tell a guesser which of their guesses was the password. For the same reason the log
    // says only that a sign-in was refused, never why.
    await ctx.db.transaction().execute((trx) =>
      recordEvent(trx, {
        type: 'sign_in.failed',
        at: now,
        centreId: logCentreId,
        subjectId: logCentreId === undefined ? undefined : account?.id,
      }),
    )
    throw new HavenError('unauthenticated', SIGN_IN_REFUSED)
  }
  await guess.refund()
  const mustUseSecondFactor =
    account.totpSecretCiphertext !== undefined ||
    requiresSecondFactor(
      roles,
      (await policyInForce(ctx, ctx.db, centre.id)).parameters.security.secondFactorRoles,
      await isSecondFactorRequiredForAll(ctx.db, centre.id),
    )
  const secondFactor: SecondFactorState = !mustUseSecondFactor
    ? 'none'
    : account.totpSecretCiphertext
      ? 'verify'
      : 'enrol'
  const token = newToken()
  await ctx.db.transaction().execute(async (trx) => {
    // The password was checked outside this transaction: if it changed meanwhile (a reset),
    // or the account was disabled, no session is made with the old one (decision 0032).
    const current = await lockAccount(trx, account.id)
    if (!current || current.isDisabled || current.passwordHash !== account.passwordHash)
      throw new HavenError('unauthenticated', SIGN_IN_REFUSED)
    // Nor once the centre has closed (decision 0047): closing holds the centre's lock while it
    // ends the sessions, so a sign-in in flight either made its session before (and it was
    // ended) or sees the centre closed here.
    await lockCentre(trx, centre.id)
    if ((await findCentre(trx, centre.id))?.closedAt !== undefined)
      throw new HavenError('unauthenticated', SIGN_IN_REFUSED)
    const session: StoredAuthSession = {
      id: ctx.newId(),
      tokenHash: hashToken(token),
      accountId: account.id,
      centreId: centre.id,
      isSecondFactorPending: secondFactor !== 'none',
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      endedAt: undefined,
      endReason: undefined,
    }
    await insertAuthSession(trx, session)
    await recordEvent(trx, {
      type: 'sign_in.succeeded',
      at: now,
      centreId: centre.id,
      actorId: account.id,
      subjectId: session.id,
      details: { secondFactor, knownDevice: device !== undefined },
    })
  })
  if (secondFactor !== 'none') return { token, secondFactor, deviceCookie: undefined }
  await forgetAccountGuesses(ctx, email)
  return {
    token,
    secondFactor,
    deviceCookie: rememberDevice(ctx.masterKey, input.deviceCookie, account, ctx.now()),
  }
}

/** The person's roles in the centre, and whether their access there is stopped. */
async function membershipIn(
  ctx: AppContext,
  centreId: string,
  accountId: string,
): Promise<{ roles: Role[]; isMember: boolean; isStopped: boolean }> {
  const membership = await findMembership(ctx.db, centreId, accountId)
  const roles = membership.roles.filter(isRole)
  return { roles, isMember: roles.length > 0, isStopped: membership.isStopped }
}

export interface SessionView {
  actor: Actor
  session: StoredAuthSession
  /** When the session ends if nothing more happens (idle or absolute limit). */
  endsAt: string
  secondFactor: SecondFactorState
}

/**
 * The session behind a token, if it may still act: not ended, not idle for 15 minutes, not
 * older than 12 hours, its account not disabled and still holding a role in the centre.
 * A session found to be over is ended on the spot. Returns undefined for any other token.
 */
export async function authenticate(
  ctx: AppContext,
  token: string | undefined,
): Promise<SessionView | undefined> {
  if (token === undefined || token.length < 20 || token.length > 100) return undefined
  const holder = await findSessionHolder(ctx.db, hashToken(token))
  if (!holder || holder.session.endedAt !== undefined) return undefined
  const { session, account } = holder
  const now = ctx.now()
  const times = {
    createdAt: Date.parse(session.createdAt),
    lastSeenAt: Date.parse(session.lastSeenAt),
    endedAt: undefined,
    isSecondFactorPending: session.isSecondFactorPending,
  }
  const status = sessionStatus(times, now.getTime())
  const roles =
    account && !account.isDisabled && !holder.isStopped ? holder.roles.filter(isRole) : []
  const reason = !status.active
    ? status.reason
    : holder.isCentreClosed
      ? 'centre_closed'
      : !account || account.isDisabled
        ? 'account_disabled'
        : roles.length === 0
          ? 'no_role'
          : undefined
  if (reason) {
    await ctx.db.transaction().execute(async (trx) => {
      if (await endAuthSession(trx, session.id, now.toISOString(), reason)) {
        await recordEvent(trx, {
          type: 'session.ended',
          at: now,
          centreId: session.centreId,
          actorId: session.accountId,
          subjectId: session.id,
          details: { reason },
        })
      }
    })
    return undefined
  }
  // Idle time is kept to the nearest 15 seconds, to spare a write on every request.
  if (now.getTime() - times.lastSeenAt >= 15_000) {
    await touchAuthSession(ctx.db, session.id, now.toISOString())
    times.lastSeenAt = now.getTime()
  }
  const secondFactor: SecondFactorState = !session.isSecondFactorPending
    ? 'none'
    : account?.totpSecretCiphertext
      ? 'verify'
      : 'enrol'
  return {
    actor: {
      accountId: session.accountId,
      centreId: session.centreId,
      roles,
      sessionId: session.id,
      hasSecondFactor:
        !session.isSecondFactorPending && account?.totpSecretCiphertext !== undefined,
    },
    session,
    endsAt: new Date(sessionEndsAt(times)).toISOString(),
    secondFactor,
  }
}

/** An actor who has passed every factor the centre asks for; otherwise `unauthenticated`. */
export function requireFullSession(view: SessionView | undefined): Actor {
  if (!view) throw new HavenError('unauthenticated', 'sign in first')
  if (view.session.isSecondFactorPending) {
    throw new HavenError(
      'unauthenticated',
      view.secondFactor === 'enrol'
        ? 'set up your second factor first'
        : 'enter your second-factor code first',
    )
  }
  return view.actor
}

export async function signOut(ctx: AppContext, view: SessionView): Promise<void> {
  const now = ctx.now()
  await ctx.db.transaction().execute(async (trx) => {
    if (await endAuthSession(trx, view.session.id, now.toISOString(), 'signed_out')) {
      await recordEvent(trx, {
        type: 'session.ended',
        at: now,
        centreId: view.actor.centreId,
        actorId: view.actor.accountId,
        subjectId: view.session.id,
        details: { reason: 'signed_out' },
      })
    }
  })
}
