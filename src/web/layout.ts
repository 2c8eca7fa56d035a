import { html, type Html } from './html.ts'

export interface LayoutOptions {
  /** The centre the signed-in person is working in, shown beside Haven's name. */
  centreName?: string | undefined
  /** The service navigation for the signed-in person's roles, and the sign-out form. */
  navigation?: Html | undefined
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
        <footer class="govuk-footer">
          <div class="govuk-width-container"><div class="govuk-footer__meta-item">${footer}</div></div>
        </footer>
        <script type="module" src="/assets/haven.js"></script>
      </body>
    </html>`
}
