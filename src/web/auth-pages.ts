import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import type { AppContext } from '../app/context.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import {
  confirmTotpEnrolment,
  replaceRecoveryCodesWithProof,
  startTotpEnrolment,
  verifySecondFactor,
} from '../app/second-factor.ts'
import { signIn, signOut } from '../app/sign-in.ts'
import { isHavenError } from '../domain/errors.ts'
import {
  clearSessionCookie,
  requireSession,
  guessSource,
  setDeviceCookie,
  setSessionCookie,
  type HavenEnv,
} from '../http/session.ts'
import { STATUS_OF } from '../http/errors.ts'
import { html, type Html } from './html.ts'
import { errorSummary, formField, formPage, readForm } from './forms.ts'
import { layout } from './layout.ts'

const FORM_COOKIE = 'haven_form'

/**
 * Signing in from a browser, without JavaScript: a plain server-rendered form, served under
 * the strict Content-Security-Policy. Before a session exists, forms carry a double-submit
 * token (a random cookie echoed in a hidden field); after, the session's CSRF token.
 */
export function authPages(ctx: AppContext, options: { isBehindTls: boolean }): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const tls = options.isBehindTls

  // A centre is reached by its own address; the sign-in page lists no centres.
  pages.get('/centres/:slug/sign-in', (c) =>
    c.redirect(`/sign-in?centre=${encodeURIComponent(c.req.param('slug'))}`, 303),
  )

  pages.get('/sign-in', (c) =>
    formPage(
      c,
      signInPage({
        token: formToken(c, tls),
        error: undefined,
        values: { centre: (c.req.query('centre') ?? '').slice(0, 40) },
        isTimedOut: c.req.query('timeout') === '1',
      }),
    ),
  )

  pages.post('/sign-in', async (c) => {
    const form = await readForm(c)
    const values = { centre: formField(form.centre), email: formField(form.email) }
    if (!isFormTokenValid(c, formField(form._csrf))) {
      return formPage(
        c,
        signInPage({
          token: formToken(c, tls),
          error: 'The form had expired; please try again.',
          values,
        }),
        403,
      )
    }
    try {
      const signedIn = await signIn(ctx, {
        centre: values.centre,
        email: values.email,
        password: formField(form.password),
        ...guessSource(c, tls),
      })
      setSessionCookie(c, signedIn.token, tls)
      if (signedIn.deviceCookie) setDeviceCookie(c, signedIn.deviceCookie, tls)
      return c.redirect(
        signedIn.secondFactor === 'none'
          ? '/start'
          : signedIn.secondFactor === 'verify'
            ? '/second-factor'
            : '/second-factor/set-up',
        303,
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      const status = error.code === 'rate_limited' ? 429 : 401
      return formPage(
        c,
        signInPage({ token: formToken(c, tls), error: error.message, values }),
        status,
      )
    }
  })

  pages.get('/second-factor', (c) => {
    const view = c.get('session')
    if (!view) return c.redirect('/sign-in', 303)
    if (!view.session.isSecondFactorPending) return c.redirect('/', 303)
    return formPage(c, secondFactorPage(csrfTokenFor(c.get('sessionToken') ?? ''), undefined))
  })

  pages.post('/second-factor', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    try {
      const code = formField(form.code)
      const recovery = formField(form.recoveryCode)
      const completed = await verifySecondFactor(
        ctx,
        view,
        recovery !== '' ? { recoveryCode: recovery } : { code },
        guessSource(c, tls),
      )
      setSessionCookie(c, completed.token, tls)
      setDeviceCookie(c, completed.deviceCookie, tls)
      return c.redirect('/start', 303)
    } catch (error) {
      if (!isHavenError(error)) throw error
      if (error.code === 'conflict') return c.redirect('/', 303)
      return formPage(
        c,
        secondFactorPage(csrfTokenFor(c.get('sessionToken') ?? ''), error.message),
        error.code === 'rate_limited' ? 429 : 401,
      )
    }
  })

  // First set-up (an account with no second factor yet): the secret at once.
  pages.get('/second-factor/set-up', async (c) => {
    const view = c.get('session')
    if (!view) return c.redirect('/sign-in', 303)
    const csrf = csrfTokenFor(c.get('sessionToken') ?? '')
    if (view.secondFactor === 'verify') return c.redirect('/second-factor', 303)
    if (view.actor.hasSecondFactor) return formPage(c, provePage(csrf, undefined))
    const enrolment = await startTotpEnrolment(ctx, view, undefined, guessSource(c, tls))
    return formPage(c, enrolPage(csrf, enrolment.secret, enrolment.otpauthUri, undefined))
  })

  // Replacing an authenticator: a full session and a code from the current one first.
  pages.post('/second-factor/replace', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    const csrf = csrfTokenFor(c.get('sessionToken') ?? '')
    try {
      const enrolment = await startTotpEnrolment(ctx, view, proofFrom(form), guessSource(c, tls))
      return formPage(c, enrolPage(csrf, enrolment.secret, enrolment.otpauthUri, undefined))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(c, provePage(csrf, error.message), STATUS_OF[error.code])
    }
  })

  pages.post('/second-factor/set-up', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    const csrf = () => csrfTokenFor(c.get('sessionToken') ?? '')
    try {
      const confirmed = await confirmTotpEnrolment(
        ctx,
        view,
        formField(form.code),
        guessSource(c, tls),
      )
      if (confirmed.completed) {
        setSessionCookie(c, confirmed.completed.token, tls)
        setDeviceCookie(c, confirmed.completed.deviceCookie, tls)
      }
      return formPage(c, recoveryCodesPage(confirmed.recoveryCodes))
    } catch (error) {
      if (!isHavenError(error)) throw error
      // A replacement starts again from the proof; a first set-up shows a new secret.
      if (view.actor.hasSecondFactor)
        return formPage(c, provePage(csrf(), error.message), STATUS_OF[error.code])
      const enrolment = await startTotpEnrolment(ctx, view, undefined, guessSource(c, tls))
      return formPage(
        c,
        enrolPage(
          csrf(),
          enrolment.secret,
          enrolment.otpauthUri,
          `${error.message} A new secret is shown: add it again.`,
        ),
        STATUS_OF[error.code],
      )
    }
  })

  // New recovery codes: a full session and a code from the authenticator app.
  pages.get('/second-factor/recovery-codes', (c) => {
    const view = c.get('session')
    if (!view) return c.redirect('/sign-in', 303)
    return formPage(c, newCodesPage(csrfTokenFor(c.get('sessionToken') ?? ''), undefined))
  })

  pages.post('/second-factor/recovery-codes', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    try {
      const codes = await replaceRecoveryCodesWithProof(
        ctx,
        view,
        { code: formField(form.code) },
        guessSource(c, tls),
      )
      return formPage(c, recoveryCodesPage(codes))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return formPage(
        c,
        newCodesPage(csrfTokenFor(c.get('sessionToken') ?? ''), error.message),
        STATUS_OF[error.code],
      )
    }
  })

  pages.post('/sign-out', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    await signOut(ctx, view)
    clearSessionCookie(c, options.isBehindTls)
    return c.redirect('/sign-in', 303)
  })

  return pages
}

function formToken(c: Context, isBehindTls: boolean): string {
  const existing = getCookie(c, FORM_COOKIE)
  if (existing !== undefined && /^[A-Za-z0-9_-]{43}$/.test(existing)) return existing
  const token = randomBytes(32).toString('base64url')
  setCookie(c, FORM_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Strict',
    secure: isBehindTls,
    path: '/',
  })
  return token
}

function isFormTokenValid(c: Context, sent: string): boolean {
  const cookie = getCookie(c, FORM_COOKIE)
  return cookie !== undefined && sent.length > 0 && cookie === sent
}

function signInPage(input: {
  token: string
  error: string | undefined
  values: { centre?: string; email?: string }
  /** Arrived here because the session ran out. */
  isTimedOut?: boolean
}): Html {
  return layout(
    'Sign in – Haven',
    html`<h1>Sign in</h1>
      ${input.isTimedOut ? html`<p class="notice">You were signed out after 15 minutes without activity, to keep the records safe. Sign in again to carry on.</p>` : ''}
      ${errorSummary(input.error)}
      <form method="post" action="/sign-in" novalidate>
        <input type="hidden" name="_csrf" value="${input.token}">
        <div class="field"><label for="centre">Centre</label>
          <p class="hint" id="centre-hint">Your centre's short name in Haven, as in the link your coordinator sent (for example ashbury).</p>
          <input id="centre" name="centre" autocomplete="organization" spellcheck="false" aria-describedby="centre-hint" value="${input.values.centre ?? ''}"></div>
        <div class="field"><label for="email">E-mail address</label>
          <input id="email" name="email" type="email" autocomplete="username" spellcheck="false" value="${input.values.email ?? ''}"></div>
        <div class="field"><label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password"></div>
        <button type="submit">Sign in</button>
      </form>
      <p><a href="/password-reset">Forgotten your password?</a></p>`,
    html`Haven`,
  )
}

function proofFrom(form: Record<string, unknown>): { code?: string; recoveryCode?: string } {
  const recovery = formField(form.recoveryCode)
  return recovery !== '' ? { recoveryCode: recovery } : { code: formField(form.code) }
}

/** A form that asks for a code from the authenticator app (or, offered, a recovery code). */
function codeForm(input: {
  action: string
  csrf: string
  label: string
  offersRecoveryCode: boolean
  submit: string
}): Html {
  return html`<form method="post" action="${input.action}" novalidate>
      <input type="hidden" name="_csrf" value="${input.csrf}">
      <div class="field"><label for="code">${input.label}</label>
        <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]*" maxlength="7"></div>
      ${
        input.offersRecoveryCode
          ? html`<details><summary>Use a recovery code instead</summary>
          <div class="field"><label for="recoveryCode">Recovery code</label>
            <input id="recoveryCode" name="recoveryCode" autocomplete="off" spellcheck="false"></div></details>`
          : undefined
      }
      <button type="submit">${input.submit}</button>
    </form>`
}

function provePage(csrf: string, error: string | undefined): Html {
  return layout(
    'Replace your authenticator app – Haven',
    html`<h1>Replace your authenticator app</h1>
      ${errorSummary(error)}
      <p>To set up a new app, first enter a code from the app you use now (or one of your recovery codes, if you no longer have it).</p>
      ${codeForm({ action: '/second-factor/replace', csrf, label: 'The 6-digit code from your current app', offersRecoveryCode: true, submit: 'Continue' })}`,
    html`Haven`,
  )
}

function newCodesPage(csrf: string, error: string | undefined): Html {
  return layout(
    'New recovery codes – Haven',
    html`<h1>New recovery codes</h1>
      ${errorSummary(error)}
      <p>Your old recovery codes stop working when you make new ones.</p>
      ${codeForm({ action: '/second-factor/recovery-codes', csrf, label: 'The 6-digit code from your authenticator app', offersRecoveryCode: false, submit: 'Make new codes' })}`,
    html`Haven`,
  )
}

function secondFactorPage(csrf: string, error: string | undefined): Html {
  return layout(
    'Second factor – Haven',
    html`<h1>Enter your code</h1>
      ${errorSummary(error)}
      ${codeForm({ action: '/second-factor', csrf, label: 'The 6-digit code from your authenticator app', offersRecoveryCode: true, submit: 'Continue' })}`,
    html`Haven`,
  )
}

function enrolPage(csrf: string, secret: string, uri: string, error: string | undefined): Html {
  return layout(
    'Set up your second factor – Haven',
    html`<h1>Set up your second factor</h1>
      ${errorSummary(error)}
      <p>Your role can see protected information, so Haven asks for a code from an authenticator app each time you sign in.</p>
      <ol>
        <li>In your authenticator app, add an account by typing this key: <code class="secret">${secret}</code>
          (or open <a href="${uri}">this link</a> on the phone that has the app).</li>
        <li>Enter the 6-digit code the app shows.</li>
      </ol>
      <form method="post" action="/second-factor/set-up" novalidate>
        <input type="hidden" name="_csrf" value="${csrf}">
        <div class="field"><label for="code">Code</label>
          <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" maxlength="7"></div>
        <button type="submit">Confirm</button>
      </form>`,
    html`Haven`,
  )
}

function recoveryCodesPage(codes: string[]): Html {
  return layout(
    'Recovery codes – Haven',
    html`<h1>Your recovery codes</h1>
      <p>Each code signs you in once if you lose your phone. Keep them somewhere safe; they are not shown again.</p>
      <ul class="codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
      <p><a href="/start">Continue to Haven</a></p>`,
    html`Haven`,
  )
}
