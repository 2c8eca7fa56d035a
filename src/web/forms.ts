import type { Context } from 'hono'
import { HavenError } from '../domain/errors.ts'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Html } from './html.ts'

/** A page with a form: never cached (it may hold personal data or a form token). */
export function formPage(c: Context, body: Html, status: ContentfulStatusCode = 200): Response {
  c.header('Cache-Control', 'no-store')
  return c.html(body.value, status)
}

/**
 * The posted form. A body that cannot be read as a form (a broken multipart body, a missing
 * boundary) is bad input, answered 400, never an error of Haven's.
 */
export async function readForm(
  c: Context,
  options: { all?: boolean } = {},
): Promise<Record<string, unknown>> {
  try {
    return await c.req.parseBody({ all: options.all ?? false })
  } catch (error) {
    // A client that hung up is not bad input: the app notes it as gone.
    if (c.req.raw.signal.aborted) throw error
    throw new HavenError('invalid_input', 'the form could not be read; send it again from its page')
  }
}

/** A form field as text; anything else (a file, a missing field) is empty. */
export function formField(value: unknown): string {
  return typeof value === 'string' ? value : ''
}
