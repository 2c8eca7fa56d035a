import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { html, type Html } from './html.ts'

/** A page with a form: never cached (it may hold personal data or a form token). */
export function formPage(c: Context, body: Html, status: ContentfulStatusCode = 200): Response {
  c.header('Cache-Control', 'no-store')
  return c.html(body.value, status)
}

/** A form field as text; anything else (a file, a missing field) is empty. */
export function formField(value: unknown): string {
  return typeof value === 'string' ? value : ''
}

/** The error summary at the top of a form, announced to screen readers. */
export function errorSummary(error: string | undefined): Html | undefined {
  return error === undefined
    ? undefined
    : html`<div class="error-summary" role="alert" tabindex="-1"><h2>There is a problem</h2><p>${error}</p></div>`
}
