import { randomBytes } from 'node:crypto'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { findAccountSummary } from '../app/account-summary.ts'
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
import { formField, readForm } from './forms.ts'
import {
  accountPage,
  buttonLink,
  codeField,
  formErrorFrom,
  passwordField,
  publicPage,
} from './account-kit.ts'
import { landingPage, navigationLinks } from './navigation.ts'
import {
  button,
  errorSummary,
  pageAbilities,
  signedInGet,
  signedInPage,
  textField,
  type FormError,
} from './page-kit.ts'
import { qrCodeSvg } from './qr-code.ts'

const FORM_COOKIE = 'haven_form'

/**
 * Signing in from a browser, without JavaScript: a plain server-rendered form, served under
 * the strict Content-Security-Policy. Before a session exists, forms carry a double-submit
 * token (a random cookie echoed in a hidden field); after, the session's CSRF token.
 */
export function authPages(ctx: AppContext, options: { isBehindTls: boolean }): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const tls = options.isBehindTls
  const csrfOf = (c: Context<HavenEnv>) => csrfTokenFor(c.get('sessionToken') ?? '')

  // A centre is reached by its own address; the sign-in page lists no centres.
  pages.get('/centres/:slug/sign-in', (c) =>
    c.redirect(`/sign-in?centre=${encodeURIComponent(c.req.param('slug'))}`, 303),
  )

  pages.get('/sign-in', (c) =>
    publicPage(
      c,
      signInPage({
        token: formToken(c, tls),
        error: undefined,
        values: {
          centre: (c.req.query('centre') ?? '').slice(0, 40),
          isWelcome: c.req.query('welcome') === '1',
        },
        isTimedOut: c.req.query('timeout') === '1',
      }),
    ),
  )

  pages.post('/sign-in', async (c) => {
    const form = await readForm(c)
    const values = {
      centre: formField(form.centre),
      email: formField(form.email),
      isWelcome: formField(form.welcome) === '1',
    }
    if (!isFormTokenValid(c, formField(form._csrf))) {
      return publicPage(
        c,
        signInPage({
          token: formToken(c, tls),
          error: { field: undefined, message: 'The form had expired; please try again.' },
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
      // Arrived from an accepted invitation: the set-up ends on "your account is ready".
      return c.redirect(
        signedIn.secondFactor === 'none'
          ? values.isWelcome
            ? '/account-ready'
            : '/start'
          : signedIn.secondFactor === 'verify'
            ? '/second-factor'
            : '/second-factor/set-up',
        303,
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      const status = error.code === 'rate_limited' ? 429 : 401
      return publicPage(
        c,
        signInPage({
          token: formToken(c, tls),
          error: { field: undefined, message: error.message },
          values,
        }),
        status,
      )
    }
  })

  pages.get('/second-factor', async (c) => {
    const view = c.get('session')
    if (!view) return c.redirect('/sign-in', 303)
    if (!view.session.isSecondFactorPending) return c.redirect('/', 303)
    return accountPage(ctx, c, secondFactorPage(csrfOf(c), undefined))
  })

  pages.post('/second-factor', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    try {
      const completed = await verifySecondFactor(ctx, view, proofFrom(form), guessSource(c, tls))
      setSessionCookie(c, completed.token, tls)
      setDeviceCookie(c, completed.deviceCookie, tls)
      return c.redirect('/start', 303)
    } catch (error) {
      if (!isHavenError(error)) throw error
      if (error.code === 'conflict') return c.redirect('/', 303)
      return accountPage(
        ctx,
        c,
        secondFactorPage(csrfOf(c), formErrorFrom(error, ['code', 'recoveryCode'])),
        error.code === 'rate_limited' ? 429 : 401,
      )
    }
  })

  // First set-up (an account with no second factor yet): the secret at once.
  pages.get('/second-factor/set-up', async (c) => {
    const view = c.get('session')
    if (!view) return c.redirect('/sign-in', 303)
    if (view.secondFactor === 'verify') return c.redirect('/second-factor', 303)
    if (view.actor.hasSecondFactor) return accountPage(ctx, c, provePage(csrfOf(c), undefined))
    const enrolment = await startTotpEnrolment(ctx, view, undefined, guessSource(c, tls))
    return accountPage(ctx, c, await enrolPage(csrfOf(c), enrolment, undefined))
  })

  // Replacing an authenticator: a full session and a code from the current one first.
  pages.post('/second-factor/replace', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    try {
      const enrolment = await startTotpEnrolment(ctx, view, proofFrom(form), guessSource(c, tls))
      return await accountPage(ctx, c, await enrolPage(csrfOf(c), enrolment, undefined))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return accountPage(
        ctx,
        c,
        provePage(csrfOf(c), formErrorFrom(error, ['code', 'recoveryCode'])),
        STATUS_OF[error.code],
      )
    }
  })

  pages.post('/second-factor/set-up', async (c) => {
    const form = await readForm(c)
    const view = requireSession(c, formField(form._csrf))
    const isFirstSetUp = !view.actor.hasSecondFactor
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
      return await accountPage(
        ctx,
        c,
        recoveryCodesPage(confirmed.recoveryCodes, isFirstSetUp ? '/account-ready' : '/start'),
      )
    } catch (error) {
      if (!isHavenError(error)) throw error
      // A replacement starts again from the proof; a first set-up shows a new secret.
      if (!isFirstSetUp)
        return accountPage(
          ctx,
          c,
          provePage(csrfOf(c), formErrorFrom(error, ['code'])),
          STATUS_OF[error.code],
        )
      const enrolment = await startTotpEnrolment(ctx, view, undefined, guessSource(c, tls))
      return accountPage(
        ctx,
        c,
        await enrolPage(csrfOf(c), enrolment, {
          ...formErrorFrom(error, ['code']),
          message: `${error.message} A new key is shown: add it again.`,
        }),
        STATUS_OF[error.code],
      )
    }
  })

  // New recovery codes: a full session and a code from the authenticator app.
  pages.get('/second-factor/recovery-codes', (c) => {
    const view = c.get('session')
    if (!view) return c.redirect('/sign-in', 303)
    return accountPage(ctx, c, newCodesPage(csrfOf(c), undefined))
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
      return await accountPage(ctx, c, recoveryCodesPage(codes, '/start'))
    } catch (error) {
      if (!isHavenError(error)) throw error
      return accountPage(
        ctx,
        c,
        newCodesPage(csrfOf(c), formErrorFrom(error, ['code'])),
        STATUS_OF[error.code],
      )
    }
  })

  // The end of setting up an account: what it is for, and the way to the person's own work.
  pages.get(
    '/account-ready',
    signedInGet(async (c, actor) => {
      const [summary, abilities] = await Promise.all([
        findAccountSummary(ctx, actor),
        pageAbilities(ctx, actor),
      ])
      const links = navigationLinks(abilities)
      const landing = landingPage(abilities)
      return signedInPage(ctx, c, actor, {
        title: 'Your account is ready',
        current: '',
        frame: { centreName: summary.centreName, abilities },
        body: accountReadyBody({
          centreName: summary.centreName,
          centreSlug: summary.centreSlug,
          links,
          landingWords: links.find(([href]) => href === landing)?.[1] ?? 'Haven',
          hasSecondFactor: actor.hasSecondFactor,
        }),
      })
    }),
  )

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

interface PageParts {
  title: string
  body: Html
  error?: FormError | undefined
}

function signInPage(input: {
  token: string
  error: FormError | undefined
  values: { centre?: string; email?: string; isWelcome?: boolean }
  /** Arrived here because the session ran out. */
  isTimedOut?: boolean
}): PageParts {
  const e = input.error
  return {
    title: 'Sign in',
    error: e,
    body: html`${errorSummary(e)}
      <h1 class="govuk-heading-l">Sign in</h1>
      ${input.isTimedOut ? html`<div class="govuk-inset-text">You were signed out after 15 minutes without activity, to keep the records safe. Sign in again to carry on.</div>` : ''}
      <form method="post" action="/sign-in" novalidate>
        <input type="hidden" name="_csrf" value="${input.token}">
        ${input.values.isWelcome ? html`<input type="hidden" name="welcome" value="1">` : ''}
        ${textField({ name: 'centre', label: 'Centre', hint: "Your centre's short name in Haven, as in the link your coordinator sent (for example ashbury).", value: input.values.centre, autocomplete: 'organization', width: 'govuk-input--width-20', error: e })}
        ${textField({ name: 'email', label: 'E-mail address', type: 'email', value: input.values.email, autocomplete: 'username', error: e })}
        ${passwordField({ name: 'password', label: 'Password', autocomplete: 'current-password', error: e })}
        ${button('Sign in')}
      </form>
      <p class="govuk-body"><a class="govuk-link" href="/password-reset">Forgotten your password?</a></p>`,
  }
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
  error: FormError | undefined
}): Html {
  const isRecoveryWrong = input.error?.field === 'recoveryCode'
  return html`<form method="post" action="${input.action}" novalidate>
      <input type="hidden" name="_csrf" value="${input.csrf}">
      ${codeField({ label: input.label, error: input.error })}
      ${
        input.offersRecoveryCode
          ? html`<details class="govuk-details"${isRecoveryWrong ? ' open' : ''}>
          <summary class="govuk-details__summary"><span class="govuk-details__summary-text">Use a recovery code instead</span></summary>
          <div class="govuk-details__text">
            ${textField({ name: 'recoveryCode', label: 'Recovery code', hint: 'One of the codes you saved when you set up your authenticator app. Each works once.', error: input.error })}
          </div></details>`
          : undefined
      }
      ${button(input.submit)}
    </form>`
}

function provePage(csrf: string, error: FormError | undefined): PageParts {
  return {
    title: 'Replace your authenticator app',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">Replace your authenticator app</h1>
      <p class="govuk-body">To set up a new app, first enter a code from the app you use now (or one of your recovery codes, if you no longer have it).</p>
      ${codeForm({ action: '/second-factor/replace', csrf, label: 'The 6-digit code from your current app', offersRecoveryCode: true, submit: 'Continue', error })}`,
  }
}

function newCodesPage(csrf: string, error: FormError | undefined): PageParts {
  return {
    title: 'New recovery codes',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">New recovery codes</h1>
      <p class="govuk-body">Your old recovery codes stop working when you make new ones.</p>
      ${codeForm({ action: '/second-factor/recovery-codes', csrf, label: 'The 6-digit code from your authenticator app', offersRecoveryCode: false, submit: 'Make new codes', error })}`,
  }
}

function secondFactorPage(csrf: string, error: FormError | undefined): PageParts {
  return {
    title: 'Enter your code',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">Enter your code</h1>
      <p class="govuk-body">Open your authenticator app and enter the code it shows for Haven.</p>
      ${codeForm({ action: '/second-factor', csrf, label: 'The 6-digit code from your authenticator app', offersRecoveryCode: true, submit: 'Continue', error })}`,
  }
}

/** A key in blocks of four, as authenticator apps show and accept it ("ABCD EFGH …"). */
export function keyInBlocks(secret: string): string {
  return (secret.match(/.{1,4}/g) ?? []).join(' ')
}

/**
 * Setting up an authenticator app: a QR code of the otpauth URI, made here as inline SVG
 * (the secret is never in an address or a log), a link that hands the URI to the app on the
 * phone itself, and the key to type, in blocks of four.
 */
async function enrolPage(
  csrf: string,
  enrolment: { secret: string; otpauthUri: string },
  error: FormError | undefined,
): Promise<PageParts> {
  const qr = await qrCodeSvg(
    enrolment.otpauthUri,
    'QR code that adds Haven to your authenticator app',
  )
  return {
    title: 'Set up your second factor',
    error,
    body: html`${errorSummary(error)}
      <h1 class="govuk-heading-l">Set up your second factor</h1>
      <p class="govuk-body">Your role can see protected information, so Haven asks for a code from an authenticator app on your phone each time you sign in.</p>
      <h2 class="govuk-heading-m">1. Add Haven to your authenticator app</h2>
      <p class="govuk-body">In the app, choose to add an account, then scan this QR code.</p>
      <div class="haven-qr">${qr}</div>
      <p class="govuk-body">On the phone that has the app? <a class="govuk-link" href="${enrolment.otpauthUri}">Open Haven's key in your authenticator app</a>.</p>
      <h3 class="govuk-heading-s">Can't scan it? Enter this key</h3>
      <p class="govuk-body">Choose to enter a setup key in the app, and type:</p>
      <p class="govuk-body"><code class="secret haven-key">${keyInBlocks(enrolment.secret)}</code></p>
      <p class="govuk-body">It is a time-based key. Keep it to yourself: anyone with it can make your codes.</p>
      <h2 class="govuk-heading-m">2. Enter the code the app shows</h2>
      <form method="post" action="/second-factor/set-up" novalidate>
        <input type="hidden" name="_csrf" value="${csrf}">
        ${codeField({ label: 'The 6-digit code', hint: 'The app makes a new code every 30 seconds. Enter the one it shows now.', error })}
        ${button('Confirm')}
      </form>`,
  }
}

function recoveryCodesPage(codes: string[], next: string): PageParts {
  return {
    title: 'Your recovery codes',
    body: html`<h1 class="govuk-heading-l">Your recovery codes</h1>
      <p class="govuk-body">Each code signs you in once if you lose your phone or cannot use your authenticator app.</p>
      <div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> Write them down or print this page now, and keep them somewhere safe: they are not shown again.</strong></div>
      <ul class="govuk-list haven-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
      ${buttonLink(next, 'I have saved my codes', { id: 'continue' })}`,
  }
}

/** What each page of the menu is for, in a line, for the page that welcomes a new account. */
const WHAT_PAGES_ARE_FOR: Readonly<Record<string, string>> = {
  '/today': "today's sessions and who is arriving",
  '/my-sessions': 'the sessions you work today, and signing people in and out at the door',
  '/referrals': 'referrals and where each one has got to',
  '/families': 'the families the centre works with',
  '/sessions': 'booking sessions, the week and the month',
  '/disclosures': 'requests for information, and what was decided',
  '/approvals': 'what waits for your approval',
  '/centre': "the centre's people, checks and records",
  '/my-information': 'your consents, and asking for a copy of your data',
  '/policy': "the centre's confidentiality policy",
}

function accountReadyBody(input: {
  centreName: string
  centreSlug: string
  links: readonly [string, string][]
  landingWords: string
  hasSecondFactor: boolean
}): Html {
  return html`<div class="govuk-panel govuk-panel--confirmation">
      <h1 class="govuk-panel__title">Your account is ready</h1>
      <div class="govuk-panel__body">You are signed in to ${input.centreName}</div>
    </div>
    <h2 class="govuk-heading-m">What you can do</h2>
    <ul class="govuk-list govuk-list--bullet">
      ${input.links.map(
        ([href, words]) =>
          html`<li><a class="govuk-link" href="${href}">${words}</a>${WHAT_PAGES_ARE_FOR[href] === undefined ? '' : html`: ${WHAT_PAGES_ARE_FOR[href]}`}</li>`,
      )}
    </ul>
    <h2 class="govuk-heading-m">Next time</h2>
    <p class="govuk-body">Sign in at <a class="govuk-link haven-link" href="/centres/${input.centreSlug}/sign-in">your centre's sign-in page</a> (you may want to bookmark it) with your e-mail address and password${input.hasSecondFactor ? ', then the code from your authenticator app' : ''}.</p>
    ${input.hasSecondFactor ? html`<p class="govuk-body">If you lose your phone, sign in with one of your recovery codes, then replace your authenticator app from the front page.</p>` : ''}
    ${buttonLink('/start', `Go to ${input.landingWords}`, { id: 'start' })}`
}
