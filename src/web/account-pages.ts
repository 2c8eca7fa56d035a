import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { acceptInvitation, describeInvitation } from '../app/invitations.ts'
import { completePasswordReset, requestPasswordReset } from '../app/password-reset.ts'
import { isHavenError } from '../domain/errors.ts'
import type { HavenEnv } from '../http/session.ts'
import { html, type Html } from './html.ts'
import { errorSummary, formField, formPage } from './forms.ts'
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
    const form = await c.req.parseBody()
    return formPage(
      c,
      requestResetPage(await requestPasswordReset(ctx, { email: formField(form.email) })),
    )
  })

  pages.get('/password-reset/:token', (c) =>
    formPage(c, completeResetPage(c.req.param('token'), undefined)),
  )
  pages.post('/password-reset/:token', async (c) => {
    const form = await c.req.parseBody()
    try {
      await completePasswordReset(ctx, {
        token: c.req.param('token'),
        password: formField(form.password),
      })
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
        error.code === 'gone' ? 410 : 400,
      )
    }
  })

  pages.get('/invitations/:token', async (c) => {
    try {
      const invitation = await describeInvitation(ctx, c.req.param('token'))
      return formPage(c, acceptPage(c.req.param('token'), invitation, undefined))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(c, problemPage(error.message), error.code === 'gone' ? 410 : 404)
    }
  })
  pages.post('/invitations/:token', async (c) => {
    const token = c.req.param('token')
    const form = await c.req.parseBody()
    try {
      await acceptInvitation(ctx, {
        token,
        displayName: formField(form.displayName),
        password: formField(form.password),
      })
      return c.redirect('/sign-in', 303)
    } catch (error) {
      if (!isHavenError(error)) throw error
      if (error.code === 'gone' || error.code === 'not_found')
        return formPage(c, problemPage(error.message), 410)
      const invitation = await describeInvitation(ctx, token)
      return formPage(c, acceptPage(token, invitation, error.message), 400)
    }
  })

  return pages
}

function problemPage(message: string): Html {
  return layout(
    'Link not usable – Haven',
    html`<h1>This link cannot be used</h1><p>${message}</p>`,
    html`Haven`,
  )
}

function requestResetPage(sent: string | undefined): Html {
  return layout(
    'Forgotten password – Haven',
    html`<h1>Forgotten your password?</h1>
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
          <p class="hint" id="password-hint">At least 12 characters, or at least 8 if it is not a common password. A few unrelated words work well.</p>
          <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint"></div>
        <button type="submit">Set password</button>
      </form>`,
    html`Haven`,
  )
}

function acceptPage(
  token: string,
  invitation: { centreName: string; email: string; roles: string[]; hasAccount: boolean },
  error: string | undefined,
): Html {
  return layout(
    'Accept your invitation – Haven',
    html`<h1>Join ${invitation.centreName}</h1>
      ${errorSummary(error)}
      <p>You are invited as ${invitation.roles.join(', ')}, with the e-mail address ${invitation.email}.</p>
      <form method="post" action="/invitations/${token}" novalidate>
        ${
          invitation.hasAccount
            ? html`<div class="field"><label for="password">Your Haven password</label>
              <input id="password" name="password" type="password" autocomplete="current-password"></div>`
            : html`<div class="field"><label for="displayName">Your name</label>
              <input id="displayName" name="displayName" autocomplete="name"></div>
              <div class="field"><label for="password">Choose a password</label>
              <p class="hint" id="password-hint">At least 12 characters, or at least 8 if it is not a common password.</p>
              <input id="password" name="password" type="password" autocomplete="new-password" aria-describedby="password-hint"></div>`
        }
        <button type="submit">Accept</button>
      </form>`,
    html`Haven`,
  )
}
