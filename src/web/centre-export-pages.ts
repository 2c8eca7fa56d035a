import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { centreExportResponse } from '../http/centre-export-routes.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { html } from './html.ts'
import { button, formFields, pageCsrf, requirePage, signedInGet, signedInPage } from './page-kit.ts'

/**
 * The centre's export, for when it leaves this installation (docs/decisions/0046): a page
 * that says what the file holds and what to do with it, and a button that downloads it. The
 * form carries the CSRF token but no once-only token: the answer is the file, which is never
 * kept to be given again (decision 0030).
 */
export function centreExportPages(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.get(
    '/centre/export',
    signedInGet(async (c, actor) => {
      await requirePage(ctx, actor, 'export_centre')
      return signedInPage(ctx, c, actor, {
        title: 'Export the centre',
        current: '/centre',
        body: html`<span class="govuk-caption-l">Centre</span>
          <h1 class="govuk-heading-l">Export the centre</h1>
          <p class="govuk-body">When the centre moves to another Haven, this file takes everything with it: every family, person, session, referral, disclosure and record, the policy and its history, the people who work here, and the centre's audit log with its signed checkpoints, so that the new Haven can check that nothing was changed.</p>
          <div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>
            The file holds every parent's address, telephone number and e-mail in plain text. Keep it only on an encrypted device, hand it over in person or encrypted, and delete it once the new Haven has it.</strong></div>
          <p class="govuk-body">It leaves out what is of use only here and would be a secret elsewhere: passwords, second factors, sign-in sessions and links, and this Haven's keys. Everyone signs in afresh at the new Haven.</p>
          <p class="govuk-body">The export is recorded in the audit log. Whoever runs the new Haven checks it with <code>haven centre verify-export</code>; then this Haven's operator closes the centre here.</p>
          <form method="post" action="/centre/export" novalidate>
            <input type="hidden" name="_csrf" value="${pageCsrf(c)}">
            ${button('Download the export')}
          </form>`,
      })
    }),
  )
  pages.post('/centre/export', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    return centreExportResponse(ctx, c, actor)
  })
  return pages
}
