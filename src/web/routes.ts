import { abilitiesOfActor } from '../app/policy-access.ts'
import { readFileSync } from 'node:fs'
import { Hono } from 'hono'
import type { HavenEnv } from '../http/session.ts'
import type { AppContext } from '../app/context.ts'
import { findAccountSummary } from '../app/account-summary.ts'
import { listPublicCentres } from '../app/overview.ts'
import { csrfTokenFor } from '../app/secrets.ts'
import { accountPages } from './account-pages.ts'
import { authPages } from './auth-pages.ts'
import { todayRoutes } from './today-routes.ts'
import { doorRoutes } from './door-routes.ts'
import { familyRoutes } from './family-routes.ts'
import { referralRoutes } from './referral-routes.ts'
import { disclosureRoutes } from './disclosure-routes.ts'
import { sessionRoutes } from './session-routes.ts'
import { centreRoutes } from './centre-routes.ts'
import { policyPageRoutes } from './policy-page-routes.ts'
import { peopleRoutes } from './people-routes.ts'
import { consentRoutes } from './consent-routes.ts'
import { recordRoutes } from './record-routes.ts'
import { memberRoutes } from './member-routes.ts'
import { statisticsRoutes } from './statistics-pages.ts'
import { centreExportPages } from './centre-export-pages.ts'
import { importRoutes } from './import-pages.ts'
import { legalHoldRoutes } from './legal-hold-pages.ts'
import { adminRoutes } from './admin-routes.ts'
import { familyEditRoutes } from './family-edit-routes.ts'
import { subjectAccessFormRoutes } from './subject-access-pages.ts'
import { formsOnce } from './form-once.ts'
import { landingPage, navigation } from './navigation.ts'
import { homePage } from './home-page.ts'
import { Html, html } from './html.ts'
import { layout } from './layout.ts'
import { findOpenCentreBySlugOrThrow } from '../app/centres.ts'
import { currentPolicy } from '../app/centre-policy.ts'
import { renderPolicyHtml } from '../domain/policy/render.ts'

const STYLESHEET = readFileSync(new URL('./assets/haven.css', import.meta.url), 'utf8')
const SCRIPT = readFileSync(new URL('./assets/haven.js', import.meta.url), 'utf8')
const ICON = readFileSync(new URL('./assets/icon.svg', import.meta.url), 'utf8')
const GOVUK_SCRIPT = readFileSync(
  new URL(import.meta.resolve('govuk-frontend/dist/govuk/govuk-frontend.min.js')),
  'utf8',
)

/** The pages. Server-rendered, no inline script or style (the CSP forbids both). */
export function webRoutes(ctx: AppContext, options: { isBehindTls: boolean }): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.use(formsOnce(ctx))
  pages.route('/', authPages(ctx, options))
  pages.route('/', accountPages(ctx))
  pages.route('/', todayRoutes(ctx))
  pages.route('/', doorRoutes(ctx))
  pages.route('/', familyRoutes(ctx))
  pages.route('/', referralRoutes(ctx))
  pages.route('/', disclosureRoutes(ctx))
  pages.route('/', sessionRoutes(ctx))
  // Before the centre's routes: /centre/subject-access/new is not a request's id.
  pages.route('/', subjectAccessFormRoutes(ctx))
  pages.route('/', centreRoutes(ctx))
  pages.route('/', policyPageRoutes(ctx))
  pages.route('/', peopleRoutes(ctx))
  pages.route('/', consentRoutes(ctx))
  pages.route('/', recordRoutes(ctx))
  pages.route('/', memberRoutes(ctx))
  pages.route('/', statisticsRoutes(ctx))
  pages.route('/', centreExportPages(ctx))
  pages.route('/', importRoutes(ctx))
  pages.route('/', legalHoldRoutes(ctx))
  pages.route('/', adminRoutes(ctx))
  pages.route('/', familyEditRoutes(ctx))
  // After signing in: each role's own work (issue 17), not the public front page.
  pages.get('/start', async (c) => {
    const view = c.get('session')
    if (!view || view.session.isSecondFactorPending) return c.redirect('/sign-in', 303)
    return c.redirect(landingPage(await abilitiesOfActor(ctx, view.actor)), 303)
  })
  pages.get('/', async (c) => {
    const centres = await listPublicCentres(ctx)
    const view = c.get('session')
    const signedIn =
      view && !view.session.isSecondFactorPending
        ? {
            ...(await findAccountSummary(ctx, view.actor)),
            roles: view.actor.roles,
            csrf: csrfTokenFor(c.get('sessionToken') ?? ''),
          }
        : undefined
    const nav =
      signedIn && view
        ? navigation({
            abilities: await abilitiesOfActor(ctx, view.actor),
            current: '/',
            csrf: signedIn.csrf,
          })
        : undefined
    return c.html(
      homePage({
        centres,
        signedIn,
        navigation: nav,
      }).value,
    )
  })
  pages.get('/centres/:slug/policy', async (c) => {
    const centre = await findOpenCentreBySlugOrThrow(ctx, c.req.param('slug'))
    const policy = await currentPolicy(ctx, centre.id)
    c.header('Cache-Control', 'public, max-age=300')
    return c.html(
      layout(
        `${centre.name}: Confidentiality Policy`,
        html`<div class="haven-policy">${new Html(renderPolicyHtml(policy.document))}</div>`,
        html`Haven`,
      ).value,
    )
  })
  const asset = (path: string, type: string, body: string) => {
    pages.get(path, (c) => {
      c.header('Content-Type', type)
      c.header('Cache-Control', 'public, max-age=3600')
      return c.body(body)
    })
  }
  asset('/assets/haven.css', 'text/css; charset=utf-8', STYLESHEET)
  asset('/assets/haven.js', 'text/javascript; charset=utf-8', SCRIPT)
  asset('/assets/icon.svg', 'image/svg+xml', ICON)
  asset('/assets/govuk-frontend.min.js', 'text/javascript; charset=utf-8', GOVUK_SCRIPT)
  return pages
}
