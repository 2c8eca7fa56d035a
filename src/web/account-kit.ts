import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { findAccountSummary } from '../app/account-summary.ts'
import type { AppContext } from '../app/context.ts'
import type { HavenError } from '../domain/errors.ts'
import type { HavenEnv } from '../http/session.ts'
import { formPage } from './forms.ts'
import { html, type Html } from './html.ts'
import { layout } from './layout.ts'
import { pageActor, problemsOf, signedInPage, type FormError } from './page-kit.ts'

/**
 * What the pages of signing in and of one's own account share (sign-in, the second factor,
 * password resets, invitations): the frame of every other page, GOV.UK's fields and error
 * summary (from page-kit), and the fields page-kit has no need of elsewhere.
 */

/**
 * A page in the frame its reader is in: a fully signed-in person has the navigation and
 * sign-out of every signed-in page; someone half-way (password given, second factor not yet)
 * sees the centre they are signing in to; anyone else, Haven's header alone. Never cached.
 */
export async function accountPage(
  ctx: AppContext,
  c: Context<HavenEnv>,
  input: { title: string; body: Html; error?: FormError | undefined },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const title = `${input.error ? 'Error: ' : ''}${input.title}`
  const actor = pageActor(c)
  if (actor) return signedInPage(ctx, c, actor, { title, current: '', body: input.body, status })
  const view = c.get('session')
  const centreName = view ? (await findAccountSummary(ctx, view.actor)).centreName : undefined
  return formPage(c, layout(title, input.body, html`Haven`, { centreName }), status)
}

/** A page for someone not signed in (or whose session is not theirs to show): the bare frame. */
export function publicPage(
  c: Context,
  input: { title: string; body: Html; error?: FormError | undefined },
  status: ContentfulStatusCode = 200,
): Response {
  const title = `${input.error ? 'Error: ' : ''}${input.title}`
  return formPage(c, layout(title, input.body, html`Haven`), status)
}

/**
 * A use case's refusal as the form's error: beside its field when the form has that field,
 * otherwise in the summary alone.
 */
export function formErrorFrom(error: HavenError, fields: readonly string[]): FormError {
  const field = error.field?.replace(/^body\./, '')
  return {
    field: field !== undefined && fields.includes(field) ? field : undefined,
    message: error.message,
  }
}

function problemFor(error: FormError | undefined, name: string): string | undefined {
  return error && problemsOf(error).find((p) => p.field === name)?.message
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1)

function errorMessage(name: string, message: string | undefined): Html {
  return message === undefined
    ? html``
    : html`<p class="govuk-error-message" id="${name}-error"><span class="govuk-visually-hidden">Error:</span> ${capitalised(message)}</p>`
}

function describedBy(ids: readonly (string | false)[]): Html {
  const list = ids.filter((id): id is string => id !== false)
  return list.length === 0 ? html`` : html` aria-describedby="${list.join(' ')}"`
}

/**
 * GOV.UK's password input: a "Show" button (from GOV.UK Frontend's own script; hidden
 * without it) lets a person on a phone check what they typed.
 */
export function passwordField(field: {
  name: string
  label: string
  hint?: string | undefined
  autocomplete: 'current-password' | 'new-password'
  error?: FormError | undefined
}): Html {
  const problem = problemFor(field.error, field.name)
  return html`<div class="govuk-form-group govuk-password-input${problem === undefined ? '' : ' govuk-form-group--error'}" data-module="govuk-password-input">
    <label class="govuk-label" for="${field.name}">${field.label}</label>
    ${field.hint === undefined ? '' : html`<div class="govuk-hint" id="${field.name}-hint">${field.hint}</div>`}
    ${errorMessage(field.name, problem)}
    <div class="govuk-input__wrapper govuk-password-input__wrapper">
      <input class="govuk-input govuk-password-input__input govuk-js-password-input-input${problem === undefined ? '' : ' govuk-input--error'}" id="${field.name}" name="${field.name}" type="password" spellcheck="false" autocomplete="${field.autocomplete}" autocapitalize="none"${describedBy([field.hint !== undefined && `${field.name}-hint`, problem !== undefined && `${field.name}-error`])}>
      <button type="button" class="govuk-button govuk-button--secondary govuk-password-input__toggle govuk-js-password-input-toggle" data-module="govuk-button" aria-controls="${field.name}" aria-label="Show password" hidden>Show</button>
    </div></div>`
}

/** A code from an authenticator app: six digits, the phone's keypad, filled in by the phone. */
export function codeField(field: {
  label: string
  hint?: string | undefined
  error?: FormError | undefined
}): Html {
  const problem = problemFor(field.error, 'code')
  return html`<div class="govuk-form-group${problem === undefined ? '' : ' govuk-form-group--error'}">
    <label class="govuk-label govuk-label--s" for="code">${field.label}</label>
    ${field.hint === undefined ? '' : html`<div class="govuk-hint" id="code-hint">${field.hint}</div>`}
    ${errorMessage('code', problem)}
    <input class="govuk-input govuk-input--width-5 govuk-input--extra-letter-spacing${problem === undefined ? '' : ' govuk-input--error'}" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" spellcheck="false" pattern="[0-9 ]*" maxlength="7"${describedBy([field.hint !== undefined && 'code-hint', problem !== undefined && 'code-error'])}></div>`
}

/** The rules of a new password, said once for every form that sets one. */
export const NEW_PASSWORD_HINT =
  'At least 12 characters (or 8 if it holds no word about you or the service), and not one that has appeared in lists of passwords stolen from other websites. A few unrelated words work well.'

/** A link that looks like GOV.UK's button (for a next step that is a page, not a form). */
export function buttonLink(href: string, words: string, options: { id?: string } = {}): Html {
  return html`<a href="${href}"${options.id === undefined ? '' : html` id="${options.id}"`} role="button" draggable="false" class="govuk-button" data-module="govuk-button">${words}</a>`
}
