import { Hono, type Context } from 'hono'
import type { AppContext } from '../app/context.ts'
import { findAccountSummary } from '../app/account-summary.ts'
import { confirmInvitation, describeConfirmation } from '../app/invitation-confirmations.ts'
import { acceptInvitation, acceptInvitationAsMember } from '../app/invitation-acceptance.ts'
import { describeInvitation } from '../app/invitations.ts'
import { completePasswordReset, requestPasswordReset } from '../app/password-reset.ts'
import { isHavenError } from '../domain/errors.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { afterAnswer, requireActor, sourceAddress, type HavenEnv } from '../http/session.ts'
import { STATUS_OF } from '../http/errors.ts'
import { html, type Html } from './html.ts'
import { errorSummary, formField, formPage, readForm } from './forms.ts'
import { layout } from './layout.ts'

/**
 * The pages behind the links in messages: accepting an invitation, asking for and
 * completing a password reset. Plain forms; the same use cases as the API. Cross-site posts
 * are refused by the session middleware; these forms need no session.
 */
export function accountPages(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  pages.get('/password-reset', (c) => formPage(c, requestResetPage(undefined)))
  pages.post('/password-reset', async (c) => {
    const form = await readForm(c)
    try {
      const { message, delivery } = await requestPasswordReset(ctx, {
        email: formField(form.email),
        source: sourceAddress(c),
      })
      afterAnswer(c, delivery)
      return formPage(c, requestResetPage(message))
    } catch (error) {
      if (!isHavenError(error) || error.code !== 'rate_limited') throw error
      return formPage(c, requestResetPage(undefined, error.message), 429)
    }
  })

  pages.get('/password-reset/:token', (c) =>
    formPage(c, completeResetPage(c.req.param('token'), undefined)),
  )
  pages.post('/password-reset/:token', async (c) => {
    const form = await readForm(c)
    try {
      await completePasswordReset(
        ctx,
        { token: c.req.param('token'), password: formField(form.password) },
        sourceAddress(c),
      )
      return formPage(
        c,
        layout(
          'Password set – Haven',
          html`<h1>Your password is set</h1><p><a href="/sign-in">Sign in</a> with it and your second factor.</p>`,
          html`Haven`,
        ),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(
        c,
        completeResetPage(c.req.param('token'), error.message),
        error.code === 'gone' ? 410 : error.code === 'rate_limited' ? 429 : 400,
      )
    }
  })

  pages.get('/invitations/:token', async (c) => {
    try {
      const invitation = await describeInvitation(ctx, c.req.param('token'), sourceAddress(c))
      return formPage(
        c,
        acceptPage(c.req.param('token'), invitation, await signedInAs(c), undefined),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(c, problemPage(error.message), STATUS_OF[error.code])
    }
  })
  pages.post('/invitations/:token', async (c) => {
    const token = c.req.param('token')
    const form = await readForm(c)
    try {
      const invitation = await describeInvitation(ctx, token, sourceAddress(c))
      const { message } = await acceptInvitation(
        ctx,
        { token, displayName: formField(form.displayName), password: formField(form.password) },
        sourceAddress(c),
      )
      return formPage(c, acceptedPage(message, invitation.centreSlug))
    } catch (error) {
      if (!isHavenError(error)) throw error
      if (error.code !== 'invalid_input')
        return formPage(c, problemPage(error.message), STATUS_OF[error.code])
      const invitation = await describeInvitation(ctx, token, sourceAddress(c))
      return formPage(c, acceptPage(token, invitation, await signedInAs(c), error.message), 400)
    }
  })
  // Someone who already has an account accepts from their own full session.
  pages.post('/invitations/:token/join', async (c) => {
    const token = c.req.param('token')
    const form = await readForm(c)
    const actor = requireActor(c, formField(form._csrf))
    try {
      const joined = await acceptInvitationAsMember(ctx, actor, token, sourceAddress(c))
      return formPage(c, joinedPage(joined.centreSlug))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(c, problemPage(error.message), STATUS_OF[error.code])
    }
  })

  pages.get('/invitation-confirmations/:token', async (c) => {
    try {
      const view = await describeConfirmation(ctx, c.req.param('token'), sourceAddress(c))
      return formPage(
        c,
        confirmationPage(c.req.param('token'), view, await signedInAs(c), undefined),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(c, problemPage(error.message), STATUS_OF[error.code])
    }
  })
  pages.post('/invitation-confirmations/:token', async (c) => {
    const token = c.req.param('token')
    const form = await readForm(c)
    const view = c.get('session')
    const actor =
      view && !view.session.isSecondFactorPending
        ? requireActor(c, formField(form._csrf))
        : undefined
    try {
      const done = await confirmInvitation(
        ctx,
        { token, displayName: formField(form.displayName), password: formField(form.password) },
        sourceAddress(c),
        actor,
      )
      return formPage(
        c,
        done.isNewAccount
          ? acceptedPage(
              'Your account is set up: sign in with your e-mail address and the password you chose.',
              done.centreSlug,
            )
          : joinedPage(done.centreSlug),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      if (error.code !== 'invalid_input' && error.code !== 'unauthenticated')
        return formPage(c, problemPage(error.message), STATUS_OF[error.code])
      const described = await describeConfirmation(ctx, token, sourceAddress(c))
      return formPage(
        c,
        confirmationPage(token, described, await signedInAs(c), error.message),
        error.code === 'unauthenticated' ? 401 : 400,
      )
    }
  })

  /** The e-mail of a full session here, and its CSRF token, for the "accept with my account" form. */
  async function signedInAs(
    c: Context<HavenEnv>,
  ): Promise<{ email: string; csrf: string } | undefined> {
    const view = c.get('session')
    if (!view || view.session.isSecondFactorPending) return undefined
    const summary = await findAccountSummary(ctx, view.actor)
    return { email: summary.email, csrf: csrfTokenFor(c.get('sessionToken') ?? '') }
  }

  return pages
}

function problemPage(message: string): Html {
  return layout(
    'Link not usable – Haven',
    html`<h1>This link cannot be used</h1><p>${message}</p>`,
    html`Haven`,
  )
}

function requestResetPage(sent: string | undefined, error?: string): Html {
  return layout(
    'Forgotten password – Haven',
    html`<h1>Forgotten your password?</h1>
      ${errorSummary(error)}
      ${sent === undefined ? undefined : html`<p class="notice" role="status">${sent}</p>`}
      <form method="post" action="/password-reset" novalidate>
        <div class="field"><label for="email">E-mail address</label>
          <input id="email" name="email" type="email" autocomplete="username" spellcheck="false"></div>
        <button type="submit">Send me a link</button>
      </form>`,
    html`Haven`,
  )
}

function completeResetPage(token: string, error: string | undefined): Html {
  return layout(
    'Set a new password – Haven',
    html`<h1>Set a new password</h1>
      ${errorSummary(error)}
      <form method="post" action="/password-reset/${token}" novalidate>
        <div class="field"><label for="password">New password</label>
          <p class="hint" id="password-hint">At least 12 characters (or 8 if it holds no word about you or the service), and not one that has appeared in lists of passwords stolen from other websites. A few unrelated words work well.</p>
          <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint"></div>
        <button type="submit">Set password</button>
      </form>`,
    html`Haven`,
  )
}

function acceptPage(
  token: string,
  invitation: { centreName: string; email: string; roles: string[]; isFinishedByEmail: boolean },
  signedIn: { email: string; csrf: string } | undefined,
  error: string | undefined,
): Html {
  if (invitation.isFinishedByEmail)
    return layout(
      'Accept your invitation – Haven',
      html`<h1>Join ${invitation.centreName}</h1>
        ${errorSummary(error)}
        <p>You are invited as ${invitation.roles.join(', ')}, with the e-mail address ${invitation.email}.</p>
        <p>To keep your account yours, you finish from that address: press the button and we will e-mail it a link.</p>
        <form method="post" action="/invitations/${token}" novalidate>
          <button type="submit">E-mail me the link</button>
        </form>`,
      html`Haven`,
    )
  const join =
    signedIn?.email === invitation.email
      ? html`<h2>You are signed in as ${invitation.email}</h2>
          <form method="post" action="/invitations/${token}/join" novalidate>
            <input type="hidden" name="_csrf" value="${signedIn.csrf}">
            <button type="submit">Accept with this account</button>
          </form>`
      : html`<p>Already have a Haven account? <a href="/sign-in">Sign in</a> to a centre you belong to (with your second factor), then open this link again to accept with that account.</p>`
  return layout(
    'Accept your invitation – Haven',
    html`<h1>Join ${invitation.centreName}</h1>
      ${errorSummary(error)}
      <p>You are invited as ${invitation.roles.join(', ')}, with the e-mail address ${invitation.email}.</p>
      ${join}
      <h2>New to Haven? Set up your account</h2>
      <form method="post" action="/invitations/${token}" novalidate>
        <div class="field"><label for="displayName">Your name</label>
          <input id="displayName" name="displayName" autocomplete="name"></div>
        <div class="field"><label for="password">Choose a password</label>
          <p class="hint" id="password-hint">At least 12 characters (or 8 if it holds no word about you or the service), and not one that has appeared in lists of passwords stolen from other websites. A few unrelated words work well.</p>
          <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint"></div>
        <button type="submit">Set up my account</button>
      </form>`,
    html`Haven`,
  )
}

function confirmationPage(
  token: string,
  view: { centreName: string; email: string; roles: string[]; hasAccount: boolean },
  signedIn: { email: string; csrf: string } | undefined,
  error: string | undefined,
): Html {
  const action = `/invitation-confirmations/${token}`
  const body = !view.hasAccount
    ? html`<form method="post" action="${action}" novalidate>
        <div class="field"><label for="displayName">Your name</label>
          <input id="displayName" name="displayName" autocomplete="name"></div>
        <div class="field"><label for="password">Choose a password</label>
          <p class="hint" id="password-hint">At least 12 characters (or 8 if it holds no word about you or the service), and not one that has appeared in lists of passwords stolen from other websites. A few unrelated words work well.</p>
          <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint"></div>
        <button type="submit">Set up my account</button>
      </form>`
    : signedIn?.email === view.email
      ? html`<form method="post" action="${action}" novalidate>
          <input type="hidden" name="_csrf" value="${signedIn.csrf}">
          <button type="submit">Accept with my account</button>
        </form>`
      : html`<p>You already have a Haven account. <a href="/sign-in">Sign in</a> to a centre you belong to (with your second factor), then open this link again to accept.</p>`
  return layout(
    'Finish your invitation – Haven',
    html`<h1>Join ${view.centreName}</h1>
      ${errorSummary(error)}
      <p>You are invited as ${view.roles.join(', ')}, with the e-mail address ${view.email}.</p>
      ${body}`,
    html`Haven`,
  )
}

function acceptedPage(message: string, centreSlug: string): Html {
  return layout(
    'Invitation accepted – Haven',
    html`<h1>Thank you</h1><p>${message}</p><p><a id="sign-in" href="/sign-in?centre=${centreSlug}">Sign in</a></p>`,
    html`Haven`,
  )
}

function joinedPage(centreSlug: string): Html {
  return layout(
    'Invitation accepted – Haven',
    html`<h1>You have joined the centre</h1>
      <p>Sign in to it to start: <a href="/sign-in?centre=${centreSlug}">sign in</a>.</p>`,
    html`Haven`,
  )
}
