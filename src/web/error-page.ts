import { html } from './html.ts'
import { layout } from './layout.ts'

const TITLES: Readonly<Record<number, string>> = {
  400: 'There is a problem',
  401: 'Sign in first',
  403: 'You cannot do that here',
  404: 'Page not found',
  409: 'That has changed',
  410: 'That link has expired',
  429: 'Too many tries',
}

/**
 * A refusal as a page. A record the reader may not see is "not found", exactly as one that
 * does not exist (existence is sensitive); the message is the use case's safe one.
 */
export function errorPage(status: number, message: string): string {
  const title = TITLES[status] ?? 'Something went wrong'
  return layout(
    title,
    html`<h1 class="govuk-heading-l">${title}</h1>
      <p class="govuk-body">${message.charAt(0).toUpperCase()}${message.slice(1)}.</p>
      <p class="govuk-body"><a class="govuk-link" href="/">Go to the start</a>${status === 401 ? html` or <a class="govuk-link" href="/sign-in">sign in</a>` : ''}.</p>`,
    html`Haven`,
  ).value
}
