import type { Role } from '../domain/roles.ts'
import { html, type Html } from './html.ts'

const CASE_WORKERS: readonly Role[] = ['coordinator', 'staff']
const COMMITTEE: readonly Role[] = ['chair', 'management']

/**
 * The pages a person's roles have, in the order of their work: the coordinator's day first,
 * a volunteer's door first, a referrer's referrals first, a parent's own information.
 */
export function navigationLinks(roles: readonly Role[]): [string, string][] {
  const has = (group: readonly Role[]) => roles.some((r) => group.includes(r))
  const links: [string, string][] = []
  if (has(CASE_WORKERS)) links.push(['/today', 'Today'])
  if (has([...CASE_WORKERS, 'volunteer'])) links.push(['/my-sessions', 'My sessions'])
  if (has([...CASE_WORKERS, 'referrer', 'parent'])) links.push(['/referrals', 'Referrals'])
  if (has([...CASE_WORKERS, ...COMMITTEE, 'volunteer', 'referrer']))
    links.push(['/families', 'Families'])
  if (has(CASE_WORKERS)) links.push(['/sessions', 'Sessions'])
  // The register is read by the coordinator and the committee (NDX); a referrer sees their own.
  if (has(['coordinator', ...COMMITTEE, 'referrer'])) links.push(['/disclosures', 'Disclosures'])
  if (has(COMMITTEE)) links.push(['/approvals', 'Approvals'])
  if (has([...CASE_WORKERS, ...COMMITTEE])) links.push(['/centre', 'Centre'])
  if (roles.includes('parent')) links.push(['/my-information', 'Your information'])
  links.push(['/policy', 'Policy'])
  return links
}

/**
 * The service navigation for a signed-in person: the pages their roles have, the current one
 * marked, and signing out (a form: it changes state, so it carries the CSRF token).
 */
export function navigation(input: { roles: readonly Role[]; current: string; csrf: string }): Html {
  const links = navigationLinks(input.roles)
  const items = links.map(([href, label]) =>
    href === input.current
      ? html`<li class="govuk-service-navigation__item govuk-service-navigation__item--active">
          <a class="govuk-service-navigation__link" href="${href}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${label}</strong></a></li>`
      : html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${href}">${label}</a></li>`,
  )
  return html`<section aria-label="Menu" class="govuk-service-navigation" data-module="govuk-service-navigation">
    <div class="govuk-width-container"><div class="govuk-service-navigation__container">
      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
        <button type="button" class="govuk-service-navigation__toggle govuk-js-service-navigation-toggle" aria-controls="navigation" hidden>Menu</button>
        <ul class="govuk-service-navigation__list" id="navigation">${items}</ul>
      </nav>
      <form method="post" action="/sign-out" class="haven-sign-out">
        <input type="hidden" name="_csrf" value="${input.csrf}">
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">Sign out</button>
      </form>
    </div></div>
  </section>`
}
