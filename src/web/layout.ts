import { html, type Html } from './html.ts'

/** The frame of every page: language, skip link, header, main landmark, footer. */
export function layout(title: string, body: Html, footer: Html): Html {
  return html`<!doctype html>
    <html lang="en-GB">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title}</title>
        <link rel="stylesheet" href="/assets/haven.css" />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to main content</a>
        <header><a class="brand" href="/">Haven</a></header>
        <main id="main">${body}</main>
        <footer>${footer}</footer>
      </body>
    </html>`
}
