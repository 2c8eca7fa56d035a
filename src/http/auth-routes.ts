import { Hono, type Context } from 'hono'
import type { z } from 'zod'
import type { AppContext } from '../app/context.ts'
import { acceptInvitation, acceptInvitationAsMember } from '../app/invitation-acceptance.ts'
import { describeInvitation } from '../app/invitations.ts'
import {
  changePassword,
  completePasswordReset,
  requestPasswordReset,
} from '../app/password-reset.ts'
import {
  confirmTotpEnrolment,
  replaceRecoveryCodesWithProof,
  startTotpEnrolment,
  verifySecondFactor,
} from '../app/second-factor.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { requireFullSession, signIn, signOut } from '../app/sign-in.ts'
import { findAccountSummary } from '../app/account-summary.ts'
import { confirmInvitation, describeConfirmation } from '../app/invitation-confirmations.ts'
import {
  afterAnswer,
  clearSessionCookie,
  guessSource,
  requireActor,
  requireSession,
  setDeviceCookie,
  setSessionCookie,
  sourceAddress,
  type HavenEnv,
} from './session.ts'
import type { RouteSpec } from './api-spec.ts'
import { readJson } from './validation.ts'
import {
  signInInput,
  secondFactorInput,
  resetInput,
  completeResetInput,
  acceptInput,
  confirmInput,
  enrolInput,
  recoveryCodesInput,
  memberAcceptInput,
  confirmInvitationInput,
  passwordInput,
  confirmationOutput,
  confirmedInvitationOutput,
  enrolmentOutput,
  invitationOutput,
  joinedOutput,
  messageOutput,
  recoveryCodesOutput,
  sessionOutput,
  signedInOutput,
} from '../app/contracts/accounts.ts'

const auth = (
  method: RouteSpec['method'],
  path: string,
  summary: string,
  access: RouteSpec['access'],
  success: RouteSpec['success'],
  response: z.ZodType | undefined,
  body?: z.ZodType,
): RouteSpec => ({
  method,
  path,
  summary,
  tag: 'accounts',
  access,
  success,
  ...(response ? { response } : {}),
  ...(body ? { body } : {}),
})

export const AUTH_ROUTES: readonly RouteSpec[] = [
  auth(
    'post',
    '/api/auth/sign-in',
    'Sign in to a centre',
    'public',
    200,
    signedInOutput,
    signInInput,
  ),
  auth(
    'post',
    '/api/auth/second-factor',
    'Give the second factor',
    'session_any_state',
    200,
    signedInOutput,
    secondFactorInput,
  ),
  auth(
    'get',
    '/api/auth/session',
    'The session: who, where, until when',
    'session_any_state',
    200,
    sessionOutput,
  ),
  auth('post', '/api/auth/sign-out', 'Sign out', 'session_any_state', 204, undefined),
  auth(
    'post',
    '/api/auth/password-reset',
    'Ask for a password reset link',
    'public',
    202,
    messageOutput,
    resetInput,
  ),
  auth(
    'post',
    '/api/auth/password-reset/complete',
    'Set a new password from a reset link',
    'public',
    200,
    messageOutput,
    completeResetInput,
  ),
  auth(
    'get',
    '/api/invitations/:token',
    'What an invitation is for',
    'public',
    200,
    invitationOutput,
  ),
  auth(
    'post',
    '/api/invitations/accept',
    'Accept an invitation by making a new account (the same answer if the address has one)',
    'public',
    201,
    messageOutput,
    acceptInput,
  ),
  auth(
    'get',
    '/api/invitation-confirmations/:token',
    "What a coordinator's invitation e-mailed to its address asks of its owner",
    'public',
    200,
    confirmationOutput,
  ),
  auth(
    'post',
    '/api/invitation-confirmations/accept',
    "Finish a coordinator's invitation from its e-mail: a new account, or (signed in) join",
    'public',
    200,
    confirmedInvitationOutput,
    confirmInvitationInput,
  ),
  auth(
    'post',
    '/api/me/invitations/accept',
    'Accept an invitation with the account signed in (an account that exists already)',
    'signed_in',
    200,
    joinedOutput,
    memberAcceptInput,
  ),
  auth(
    'post',
    '/api/me/second-factor/enrol',
    'Start setting up an authenticator app (replacing one needs a full session and a current code)',
    'session_any_state',
    200,
    enrolmentOutput,
    enrolInput,
  ),
  auth(
    'post',
    '/api/me/second-factor/confirm',
    'Confirm the authenticator app with a code',
    'session_any_state',
    200,
    recoveryCodesOutput,
    confirmInput,
  ),
  // Secrets in the answer or the body: no Idempotency-Key, nothing of them kept (0030).
  {
    ...auth(
      'post',
      '/api/me/recovery-codes',
      'New recovery codes, with a code from the authenticator app',
      'signed_in',
      200,
      recoveryCodesOutput,
      recoveryCodesInput,
    ),
    idempotencyKey: false,
  },
  {
    ...auth(
      'post',
      '/api/me/password',
      'Change my password',
      'signed_in',
      204,
      undefined,
      passwordInput,
    ),
    idempotencyKey: false,
  },
]

/** A JSON body when one is sent; undefined for an empty request. */
async function readOptionalJson<T extends z.ZodType>(
  c: Context,
  schema: T,
): Promise<z.infer<T> | undefined> {
  // The body is read once and kept by the request, so readJson reads it again for free.
  if ((await c.req.text()).trim() === '') return undefined
  return readJson(c, schema)
}

/** Signing in and out, the second factor, password resets, invitations (JSON API). */
export function authRoutes(ctx: AppContext, options: { isBehindTls: boolean }): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  const tls = options.isBehindTls

  api.post('/api/auth/sign-in', async (c) => {
    const body = await readJson(c, signInInput)
    const signedIn = await signIn(ctx, { ...body, ...guessSource(c, tls) })
    setSessionCookie(c, signedIn.token, tls)
    if (signedIn.deviceCookie) setDeviceCookie(c, signedIn.deviceCookie, tls)
    return c.json({ secondFactor: signedIn.secondFactor, csrfToken: csrfTokenFor(signedIn.token) })
  })

  api.post('/api/auth/second-factor', async (c) => {
    const view = requireSession(c)
    const body = await readJson(c, secondFactorInput)
    const completed = await verifySecondFactor(ctx, view, body, guessSource(c, tls))
    setSessionCookie(c, completed.token, tls)
    setDeviceCookie(c, completed.deviceCookie, tls)
    return c.json({ secondFactor: 'none', csrfToken: csrfTokenFor(completed.token) })
  })

  api.get('/api/auth/session', async (c) => {
    const view = requireSession(c)
    const summary = await findAccountSummary(ctx, view.actor)
    return c.json({
      account: { id: view.actor.accountId, displayName: summary.displayName, email: summary.email },
      centre: { slug: summary.centreSlug, name: summary.centreName },
      roles: view.actor.roles,
      secondFactor: view.secondFactor,
      endsAt: view.endsAt,
      csrfToken: csrfTokenFor(c.get('sessionToken') ?? ''),
    })
  })

  api.post('/api/auth/sign-out', async (c) => {
    const view = requireSession(c)
    await signOut(ctx, view)
    clearSessionCookie(c, tls)
    return c.body(null, 204)
  })

  api.post('/api/auth/password-reset', async (c) => {
    const body = await readJson(c, resetInput)
    const { message, delivery } = await requestPasswordReset(ctx, {
      ...body,
      source: sourceAddress(c),
    })
    afterAnswer(c, delivery)
    return c.json({ message }, 202)
  })

  api.post('/api/auth/password-reset/complete', async (c) => {
    const body = await readJson(c, completeResetInput)
    await completePasswordReset(ctx, body, sourceAddress(c))
    return c.json({ message: 'Your password is set. Sign in with it (and your second factor).' })
  })

  api.get('/api/invitations/:token', async (c) => {
    const view = await describeInvitation(ctx, c.req.param('token'), sourceAddress(c))
    return c.json({
      centreName: view.centreName,
      email: view.email,
      roles: view.roles,
      expiresAt: view.expiresAt,
      finishedByEmail: view.isFinishedByEmail,
    })
  })

  api.get('/api/invitation-confirmations/:token', async (c) => {
    const view = await describeConfirmation(ctx, c.req.param('token'), sourceAddress(c))
    return c.json({
      centreName: view.centreName,
      email: view.email,
      roles: view.roles,
      hasAccount: view.hasAccount,
    })
  })

  api.post('/api/invitation-confirmations/accept', async (c) => {
    const body = await readJson(c, confirmInvitationInput)
    const view = c.get('session')
    const actor = view && !view.session.isSecondFactorPending ? requireActor(c) : undefined
    const done = await confirmInvitation(ctx, body, sourceAddress(c), actor)
    return c.json({ centre: done.centreSlug, roles: done.roles, newAccount: done.isNewAccount })
  })

  api.post('/api/invitations/accept', async (c) => {
    const body = await readJson(c, acceptInput)
    const { message } = await acceptInvitation(ctx, body, sourceAddress(c))
    return c.json({ message }, 201)
  })

  api.post('/api/me/invitations/accept', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, memberAcceptInput)
    const accepted = await acceptInvitationAsMember(ctx, actor, body.token, sourceAddress(c))
    return c.json({ centre: accepted.centreSlug, roles: accepted.roles })
  })

  api.post('/api/me/second-factor/enrol', async (c) => {
    const view = requireSession(c)
    const body = await readOptionalJson(c, enrolInput)
    const enrolment = await startTotpEnrolment(ctx, view, body, guessSource(c, tls))
    return c.json({ secret: enrolment.secret, otpauthUri: enrolment.otpauthUri })
  })

  api.post('/api/me/second-factor/confirm', async (c) => {
    const view = requireSession(c)
    const body = await readJson(c, confirmInput)
    const confirmed = await confirmTotpEnrolment(ctx, view, body.code, guessSource(c, tls))
    if (!confirmed.completed) return c.json({ recoveryCodes: confirmed.recoveryCodes })
    setSessionCookie(c, confirmed.completed.token, tls)
    setDeviceCookie(c, confirmed.completed.deviceCookie, tls)
    return c.json({
      recoveryCodes: confirmed.recoveryCodes,
      csrfToken: csrfTokenFor(confirmed.completed.token),
    })
  })

  api.post('/api/me/recovery-codes', async (c) => {
    const view = requireSession(c)
    requireFullSession(view)
    const body = await readJson(c, recoveryCodesInput)
    return c.json({
      recoveryCodes: await replaceRecoveryCodesWithProof(ctx, view, body, guessSource(c, tls)),
    })
  })

  api.post('/api/me/password', async (c) => {
    const view = requireSession(c)
    requireFullSession(view)
    const body = await readJson(c, passwordInput)
    await changePassword(ctx, view, body, guessSource(c, tls))
    clearSessionCookie(c, tls)
    return c.body(null, 204)
  })

  return api
}
