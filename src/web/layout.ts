import { html, type Html } from './html.ts'

export interface LayoutOptions {
  /** The centre the signed-in person is working in, shown beside Haven's name. */
  centreName?: string | undefined
  /** The service navigation for the signed-in person's roles, and the sign-out form. */
  navigation?: Html | undefined
  /** When the signed-in session ends if left idle (ISO): the page warns before it does. */
  sessionEndsAt?: string | undefined
  /** The server's time as the page was made, so the warning does not trust the device's clock. */
  serverNow?: string | undefined
}

/**
 * The frame of every page, in GOV.UK Frontend's template under Haven's own name (no crown):
 * language, skip link, header, navigation, main landmark, footer. Scripts come from files
 * only (the CSP forbids inline script); every page works without them.
 */
export function layout(title: string, body: Html, footer: Html, options: LayoutOptions = {}): Html {
  return html`<!doctype html>
    <html lang="en-GB" class="govuk-template">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
        <meta name="theme-color" content="#0b4a44" />
        <title>${title.endsWith('Haven') ? title : `${title} – Haven`}</title>
        <link rel="icon" href="/assets/icon.svg" type="image/svg+xml" />
        <link rel="stylesheet" href="/assets/haven.css" />
        ${options.sessionEndsAt === undefined ? '' : html`<meta name="haven-session-ends" content="${options.sessionEndsAt}" data-server-now="${options.serverNow ?? ''}" />`}
      </head>
      <body class="govuk-template__body">
        <a href="#main" class="govuk-skip-link" data-module="govuk-skip-link">Skip to main content</a>
        <header class="haven-header">
          <div class="govuk-width-container">
            <a class="haven-header__brand" href="/">Haven</a>
            ${
              options.centreName === undefined
                ? ''
                : html`<span class="haven-header__centre">${options.centreName}</span>`
            }
          </div>
        </header>
        ${options.navigation ?? ''}
        <div class="govuk-width-container">
          <main class="govuk-main-wrapper" id="main">${body}</main>
        </div>
        ${options.sessionEndsAt === undefined ? '' : timeoutWarning()}
        <footer class="govuk-footer">
          <div class="govuk-width-container"><div class="govuk-footer__meta-item">${footer}${
            options.sessionEndsAt === undefined
              ? ''
              : html`<p class="govuk-body-s">For your safety, you are signed out after 15 minutes without activity.</p>`
          }</div></div>
        </footer>
        <script type="module" src="/assets/haven.js"></script>
      </body>
    </html>`
}

/**
 * The session-timeout warning (WCAG 2.2.1): a dialog that haven.js opens two minutes before
 * the session ends, with the time left announced, a way to stay signed in, and sign-out.
 * Without the script it never opens; the footer says when sessions end.
 */
function timeoutWarning(): Html {
  return html`<dialog class="haven-timeout" id="haven-timeout" aria-labelledby="haven-timeout-title" aria-describedby="haven-timeout-text">
    <h2 class="govuk-heading-m" id="haven-timeout-title">You will be signed out soon</h2>
    <p class="govuk-body" id="haven-timeout-text">For your safety, you will be signed out in <span data-timeout-left>2 minutes</span> unless you carry on. Anything you have not saved will be lost.</p>
    <div class="govuk-button-group">
      <button type="button" class="govuk-button" data-timeout-stay>Stay signed in</button>
      <button type="button" class="govuk-button govuk-button--secondary" data-timeout-leave>Sign out</button>
    </div>
  </dialog>`
}
