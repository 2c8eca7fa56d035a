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
import { formField, readForm } from './forms.ts'
import {
  buttonLink,
  formErrorFrom,
  NEW_PASSWORD_HINT,
  passwordField,
  publicPage,
} from './account-kit.ts'
import { button, errorSummary, successBanner, textField, type FormError } from './page-kit.ts'

/**
 * The pages behind the links in messages: accepting an invitation, asking for and
 * completing a password reset. Plain forms; the same use cases as the API. Cross-site posts
 * are refused by the session middleware; these forms need no session.
 */
export function accountPages(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  pages.get('/password-reset', (c) => publicPage(c, requestResetPage(undefined)))
  pages.post('/password-reset', async (c) => {
    const form = await readForm(c)
    try {
      const { message, delivery } = await requestPasswordReset(ctx, {
        email: formField(form.email),
        source: sourceAddress(c),
      })
      afterAnswer(c, delivery)
      return publicPage(c, requestResetPage(message))
    } catch (error) {
      if (!isHavenError(error) || error.code !== 'rate_limited') throw error
      return publicPage(
        c,
        requestResetPage(undefined, { field: undefined, message: error.message }),
        429,
      )
    }
  })

  pages.get('/password-reset/:token', (c) =>
    publicPage(c, completeResetPage(c.req.param('token'), undefined)),
  )
  pages.post('/password-reset/:token', async (c) => {
    const form = await readForm(c)
    try {
      await completePasswordReset(
        ctx,
        { token: c.req.param('token'), password: formField(form.password) },
        sourceAddress(c),
      )
      return publicPage(c, {
        title: 'Your password is set',
        body: html`<div class="govuk-panel govuk-panel--confirmation"><h1 class="govuk-panel__title">Your password is set</h1></div>
            <p class="govuk-body">Sign in with it (and the code from your authenticator app, if you use one).</p>
            ${buttonLink('/sign-in', 'Sign in')}`,
      })
    } catch (error) {
      if (!isHavenError(error)) throw error
      return publicPage(
        c,
        completeResetPage(c.req.param('token'), formErrorFrom(error, ['password'])),
        error.code === 'gone' ? 410 : error.code === 'rate_limited' ? 429 : 400,
      )
    }
  })

  pages.get('/invitations/:token', async (c) => {
    try {
      const invitation = await describeInvitation(ctx, c.req.param('token'), sourceAddress(c))
      return publicPage(
        c,
        acceptPage(c.req.param('token'), invitation, await signedInAs(c), undefined),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      return publicPage(c, problemPage(error.message), STATUS_OF[error.code])
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
      return publicPage(
        c,
        invitation.isFinishedByEmail
          ? emailSentPage(message)
          : acceptedPage(message, invitation.centreSlug),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      if (error.code !== 'invalid_input')
        return publicPage(c, problemPage(error.message), STATUS_OF[error.code])
      const invitation = await describeInvitation(ctx, token, sourceAddress(c))
      return publicPage(
        c,
        acceptPage(
          token,
          invitation,
          await signedInAs(c),
          formErrorFrom(error, ['displayName', 'password']),
        ),
        400,
      )
    }
  })
  // Someone who already has an account accepts from their own full session.
  pages.post('/invitations/:token/join', async (c) => {
    const token = c.req.param('token')
    const form = await readForm(c)
    const actor = requireActor(c, formField(form._csrf))
    try {
      const joined = await acceptInvitationAsMember(ctx, actor, token, sourceAddress(c))
      return publicPage(c, joinedPage(joined.centreSlug))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return publicPage(c, problemPage(error.message), STATUS_OF[error.code])
    }
  })

  pages.get('/invitation-confirmations/:token', async (c) => {
    try {
      const view = await describeConfirmation(ctx, c.req.param('token'), sourceAddress(c))
      return publicPage(
        c,
        confirmationPage(c.req.param('token'), view, await signedInAs(c), undefined),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      return publicPage(c, problemPage(error.message), STATUS_OF[error.code])
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
      return publicPage(
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
        return publicPage(c, problemPage(error.message), STATUS_OF[error.code])
      const described = await describeConfirmation(ctx, token, sourceAddress(c))
      return publicPage(
        c,
        confirmationPage(
          token,
          described,
          await signedInAs(c),
          formErrorFrom(error, ['displayName', 'password']),
        ),
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

function problemPage(message: string): PageParts {
  return {
    title: 'This link cannot be used',
    body: html`<h1 class="govuk-heading-l">This link cannot be used</h1>
      <p class="govuk-body">${message.charAt(0).toUpperCase()}${message.slice(1)}.</p>`,
  }
}

interface PageParts {
  title: string
  body: Html
  error?: FormError | undefined
}

function requestResetPage(sent: string | undefined, error?: FormError): PageParts {
  return {
    title: 'Forgotten your password?',
    error,
    body: html`${errorSummary(error)}${successBanner(sent === undefined ? [] : [sent])}
      <h1 class="govuk-heading-l">Forgotten your password?</h1>
      <p class="govuk-body">We will e-mail a link to set a new one. Your second factor stays as it is.</p>
      <form method="post" action="/password-reset" novalidate>
        ${textField({ name: 'email', label: 'E-mail address', type: 'email', autocomplete: 'username', error })}
        ${button('Send me a link')}
      </form>`,
  }
}

function completeResetPage(token: string, error: FormError | undefined): PageParts {
  return {
    title: 'Set a new password',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">Set a new password</h1>
      <form method="post" action="/password-reset/${token}" novalidate>
        ${passwordField({ name: 'password', label: 'New password', hint: NEW_PASSWORD_HINT, autocomplete: 'new-password', error })}
        ${button('Set password')}
      </form>`,
  }
}

/** The name and password of a new account, on both kinds of invitation. */
function newAccountFields(error: FormError | undefined): Html {
  return html`${textField({ name: 'displayName', label: 'Your name', hint: 'As the people at the centre know you.', autocomplete: 'name', error })}
    ${passwordField({ name: 'password', label: 'Choose a password', hint: NEW_PASSWORD_HINT, autocomplete: 'new-password', error })}`
}

function invitedAs(view: { email: string; roles: string[] }): Html {
  return html`<p class="govuk-body">You are invited as ${view.roles.join(', ')}, with the e-mail address <strong>${view.email}</strong>.</p>`
}

function acceptPage(
  token: string,
  invitation: { centreName: string; email: string; roles: string[]; isFinishedByEmail: boolean },
  signedIn: { email: string; csrf: string } | undefined,
  error: FormError | undefined,
): PageParts {
  if (invitation.isFinishedByEmail)
    return {
      title: 'Accept your invitation',
      error,
      body: html`${errorSummary(error)}
        <h1 class="govuk-heading-l">Join ${invitation.centreName}</h1>
        ${invitedAs(invitation)}
        <p class="govuk-body">To keep your account yours, you finish from that address: press the button and we will e-mail it a link.</p>
        <form method="post" action="/invitations/${token}" novalidate>
          ${button('E-mail me the link')}
        </form>`,
    }
  const join =
    signedIn?.email === invitation.email
      ? html`<h2 class="govuk-heading-m">You are signed in as ${invitation.email}</h2>
          <form method="post" action="/invitations/${token}/join" novalidate>
            <input type="hidden" name="_csrf" value="${signedIn.csrf}">
            ${button('Accept with this account')}
          </form>`
      : html`<p class="govuk-body">Already have a Haven account? <a class="govuk-link" href="/sign-in">Sign in</a> to a centre you belong to (with your second factor), then open this link again to accept with that account.</p>`
  return {
    title: 'Accept your invitation',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">Join ${invitation.centreName}</h1>
      ${invitedAs(invitation)}
      ${join}
      <h2 class="govuk-heading-m">New to Haven? Set up your account</h2>
      <form method="post" action="/invitations/${token}" novalidate>
        ${newAccountFields(error)}
        ${button('Set up my account')}
      </form>`,
  }
}

function confirmationPage(
  token: string,
  view: { centreName: string; email: string; roles: string[]; hasAccount: boolean },
  signedIn: { email: string; csrf: string } | undefined,
  error: FormError | undefined,
): PageParts {
  const action = `/invitation-confirmations/${token}`
  const body = !view.hasAccount
    ? html`<form method="post" action="${action}" novalidate>
        ${newAccountFields(error)}
        ${button('Set up my account')}
      </form>`
    : signedIn?.email === view.email
      ? html`<form method="post" action="${action}" novalidate>
          <input type="hidden" name="_csrf" value="${signedIn.csrf}">
          ${button('Accept with my account')}
        </form>`
      : html`<p class="govuk-body">You already have a Haven account. <a class="govuk-link" href="/sign-in">Sign in</a> to a centre you belong to (with your second factor), then open this link again to accept.</p>`
  return {
    title: 'Finish your invitation',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">Join ${view.centreName}</h1>
      ${invitedAs(view)}
      ${body}`,
  }
}

/** A coordinator's invitation answered: the rest is finished from the invited address. */
function emailSentPage(message: string): PageParts {
  return {
    title: 'Check your e-mail',
    body: html`<h1 class="govuk-heading-l">Check your e-mail</h1>
      <p class="govuk-body">${message}</p>
      <p class="govuk-body">The link in it lets you choose a password, or accept with a Haven account you already have.</p>`,
  }
}

/**
 * After a new password on an invitation: what the use case says (the same words whether or
 * not the address had an account, so nothing is learnt about other centres), and the steps
 * left. Signing in from here ends the set-up on "your account is ready".
 */
function acceptedPage(message: string, centreSlug: string): PageParts {
  return {
    title: 'Invitation accepted',
    body: html`<h1 class="govuk-heading-l">Now sign in</h1>
      <p class="govuk-body">${message}</p>
      <h2 class="govuk-heading-m">What happens next</h2>
      <ol class="govuk-list govuk-list--number">
        <li>Sign in with your e-mail address and the password you chose.</li>
        <li>If your role can see protected information, set up an authenticator app on your phone (have it with you) and save your recovery codes.</li>
        <li>Your account is then ready.</li>
      </ol>
      ${buttonLink(`/sign-in?centre=${centreSlug}&welcome=1`, 'Sign in', { id: 'sign-in' })}`,
  }
}

function joinedPage(centreSlug: string): PageParts {
  return {
    title: 'Invitation accepted',
    body: html`<div class="govuk-panel govuk-panel--confirmation">
        <h1 class="govuk-panel__title">You have joined the centre</h1>
      </div>
      <p class="govuk-body">Sign in to it with the account you already have to start.</p>
      ${buttonLink(`/sign-in?centre=${centreSlug}`, 'Sign in to the centre', { id: 'sign-in' })}`,
  }
}
