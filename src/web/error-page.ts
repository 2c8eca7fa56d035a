import { abilitiesOfActor, type Permission } from '../app/policy-access.ts'
import type { Context } from 'hono'
import { findAccountSummary } from '../app/account-summary.ts'
import type { AppContext } from '../app/context.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import type { HavenEnv } from '../http/session.ts'
import { html } from './html.ts'
import { layout, type LayoutOptions } from './layout.ts'
import { navigation } from './navigation.ts'

const TITLES: Readonly<Record<number, string>> = {
  400: 'There is a problem',
  401: 'Sign in first',
  403: 'You cannot do that here',
  404: 'Page not found',
  409: 'That has changed',
  410: 'That link has expired',
  429: 'Too many tries',
  503: 'Please try again shortly',
}

/**
 * A refusal as a page. A record the reader may not see is "not found", exactly as one that
 * does not exist (existence is sensitive); the message is the use case's safe one. Someone
 * signed in keeps the navigation and sign-out.
 */
export function errorPage(status: number, message: string, options: LayoutOptions = {}): string {
  const title = TITLES[status] ?? 'Something went wrong'
  return layout(
    title,
    html`<h1 class="govuk-heading-l">${title}</h1>
      <p class="govuk-body">${message.charAt(0).toUpperCase()}${message.slice(1)}.</p>
      <p class="govuk-body"><a class="govuk-link" href="/">Go to the start</a>${status === 401 ? html` or <a class="govuk-link" href="/sign-in">sign in</a>` : ''}.</p>`,
    html`Haven`,
    options,
  ).value
}

/** The error page for the HTTP app: with the signed-in person's navigation when there is one. */
export function errorPageFor(
  ctx: AppContext,
): (c: Context<HavenEnv>, status: number, message: string) => Promise<string> {
  return async (c, status, message) => {
    const view = c.get('session')
    if (!view || view.session.isSecondFactorPending) return errorPage(status, message)
    // When the error is the database itself (busy, gone), the navigation cannot be read
    // either: the page still answers, without it.
    const summary = await findAccountSummary(ctx, view.actor).catch(() => undefined)
    if (summary === undefined) return errorPage(status, message)
    return errorPage(status, message, {
      centreName: summary.centreName,
      navigation: navigation({
        // The error may be the policy itself (a stored version that no longer validates):
        // the page still answers, with only the links everyone has.
        abilities: await abilitiesOfActor(ctx, view.actor).catch(() => new Set<Permission>()),
        current: '',
        csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
      }),
      sessionEndsAt: view.endsAt,
      serverNow: ctx.now().toISOString(),
    })
  }
}
