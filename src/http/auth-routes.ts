import { Hono } from 'hono'
import { z } from 'zod'
import type { AppContext } from '../app/context.ts'
import { acceptInvitation, describeInvitation } from '../app/invitations.ts'
import {
  changePassword,
  completePasswordReset,
  requestPasswordReset,
} from '../app/password-reset.ts'
import {
  confirmTotpEnrolment,
  startTotpEnrolment,
  verifySecondFactor,
} from '../app/second-factor.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { requireFullSession, signIn, signOut } from '../app/sign-in.ts'
import { findAccountSummary } from '../app/account-summary.ts'
import {
  clearSessionCookie,
  requireSession,
  setSessionCookie,
  sourceAddress,
  type HavenEnv,
} from './session.ts'
import type { RouteSpec } from './api-spec.ts'
import { readJson, text } from './validation.ts'

const signInBody = z.strictObject({ centre: text(40), email: text(254), password: text(1024) })
const secondFactorBody = z
  .strictObject({ code: text(20).optional(), recoveryCode: text(40).optional() })
  .refine(
    (body) => (body.code === undefined) !== (body.recoveryCode === undefined),
    'give either code or recoveryCode',
  )
const resetBody = z.strictObject({ email: text(254) })
const completeResetBody = z.strictObject({ token: text(100), password: text(1024) })
const acceptBody = z.strictObject({
  token: text(100),
  displayName: text(120).optional(),
  password: text(1024),
})
const confirmBody = z.strictObject({ code: text(20) })
const passwordBody = z.strictObject({ currentPassword: text(1024), newPassword: text(1024) })

const auth = (
  method: RouteSpec['method'],
  path: string,
  summary: string,
  access: RouteSpec['access'],
  success: RouteSpec['success'],
  body?: z.ZodType,
): RouteSpec => ({
  method,
  path,
  summary,
  tag: 'accounts',
  access,
  success,
  ...(body ? { body } : {}),
})

export const AUTH_ROUTES: readonly RouteSpec[] = [
  auth('post', '/api/auth/sign-in', 'Sign in to a centre', 'public', 200, signInBody),
  auth(
    'post',
    '/api/auth/second-factor',
    'Give the second factor',
    'session_any_state',
    200,
    secondFactorBody,
  ),
  auth('get', '/api/auth/session', 'The session: who, where, until when', 'session_any_state', 200),
  auth('post', '/api/auth/sign-out', 'Sign out', 'session_any_state', 204),
  auth(
    'post',
    '/api/auth/password-reset',
    'Ask for a password reset link',
    'public',
    202,
    resetBody,
  ),
  auth(
    'post',
    '/api/auth/password-reset/complete',
    'Set a new password from a reset link',
    'public',
    200,
    completeResetBody,
  ),
  auth('get', '/api/invitations/:token', 'What an invitation is for', 'public', 200),
  auth(
    'post',
    '/api/invitations/accept',
    'Accept an invitation: make the account',
    'public',
    201,
    acceptBody,
  ),
  auth(
    'post',
    '/api/me/second-factor/enrol',
    'Start setting up an authenticator app',
    'session_any_state',
    200,
  ),
  auth(
    'post',
    '/api/me/second-factor/confirm',
    'Confirm the authenticator app with a code',
    'session_any_state',
    200,
    confirmBody,
  ),
  auth('post', '/api/me/password', 'Change my password', 'signed_in', 204, passwordBody),
]

/** Signing in and out, the second factor, password resets, invitations (JSON API). */
export function authRoutes(ctx: AppContext, options: { isBehindTls: boolean }): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  api.post('/api/auth/sign-in', async (c) => {
    const body = await readJson(c, signInBody)
    const signedIn = await signIn(ctx, { ...body, source: sourceAddress(c) })
    setSessionCookie(c, signedIn.token, options.isBehindTls)
    return c.json({ secondFactor: signedIn.secondFactor, csrfToken: csrfTokenFor(signedIn.token) })
  })

  api.post('/api/auth/second-factor', async (c) => {
    const view = requireSession(c)
    const body = await readJson(c, secondFactorBody)
    await verifySecondFactor(ctx, view, body)
    return c.json({ secondFactor: 'none' })
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
    clearSessionCookie(c, options.isBehindTls)
    return c.body(null, 204)
  })

  api.post('/api/auth/password-reset', async (c) => {
    const body = await readJson(c, resetBody)
    return c.json({ message: await requestPasswordReset(ctx, body) }, 202)
  })

  api.post('/api/auth/password-reset/complete', async (c) => {
    const body = await readJson(c, completeResetBody)
    await completePasswordReset(ctx, body)
    return c.json({ message: 'Your password is set. Sign in with it (and your second factor).' })
  })

  api.get('/api/invitations/:token', async (c) => {
    const view = await describeInvitation(ctx, c.req.param('token'))
    return c.json({
      centreName: view.centreName,
      email: view.email,
      roles: view.roles,
      expiresAt: view.expiresAt,
      hasAccount: view.hasAccount,
    })
  })

  api.post('/api/invitations/accept', async (c) => {
    const body = await readJson(c, acceptBody)
    const accepted = await acceptInvitation(ctx, body)
    return c.json({ accountId: accepted.accountId, roles: accepted.roles }, 201)
  })

  api.post('/api/me/second-factor/enrol', async (c) => {
    const view = requireSession(c)
    const enrolment = await startTotpEnrolment(ctx, view)
    return c.json({ secret: enrolment.secret, otpauthUri: enrolment.otpauthUri })
  })

  api.post('/api/me/second-factor/confirm', async (c) => {
    const view = requireSession(c)
    const body = await readJson(c, confirmBody)
    const { recoveryCodes } = await confirmTotpEnrolment(ctx, view, body.code)
    return c.json({ recoveryCodes })
  })

  api.post('/api/me/password', async (c) => {
    const view = requireSession(c)
    requireFullSession(view)
    const body = await readJson(c, passwordBody)
    await changePassword(ctx, view, body)
    clearSessionCookie(c, options.isBehindTls)
    return c.body(null, 204)
  })

  return api
}
