import type { Role } from '../domain/roles.ts'
import { html, type Html } from './html.ts'

/**
 * The service navigation for a signed-in person: the pages their roles have, the current one
 * marked, and signing out (a form: it changes state, so it carries the CSRF token).
 */
export function navigation(input: { roles: readonly Role[]; current: string; csrf: string }): Html {
  const links: [string, string][] = []
  if (input.roles.some((r) => r === 'coordinator' || r === 'staff')) links.push(['/today', 'Today'])
  if (input.roles.some((r) => r === 'coordinator' || r === 'staff' || r === 'volunteer'))
    links.push(['/my-sessions', 'My sessions'])
  if (input.roles.some((r) => r !== 'parent')) links.push(['/families', 'Families'])
  links.push(['/', 'Home'])
  const items = links.map(([href, label]) =>
    href === input.current
      ? html`<li class="govuk-service-navigation__item govuk-service-navigation__item--active">
          <a class="govuk-service-navigation__link" href="${href}" aria-current="page"><strong class="govuk-service-navigation__active-fallback">${label}</strong></a></li>`
      : html`<li class="govuk-service-navigation__item"><a class="govuk-service-navigation__link" href="${href}">${label}</a></li>`,
  )
  return html`<section aria-label="Menu" class="govuk-service-navigation" data-module="govuk-service-navigation">
    <div class="govuk-width-container"><div class="govuk-service-navigation__container">
      <nav aria-label="Menu" class="govuk-service-navigation__wrapper">
        <ul class="govuk-service-navigation__list" id="navigation">${items}</ul>
      </nav>
      <form method="post" action="/sign-out" class="haven-sign-out">
        <input type="hidden" name="_csrf" value="${input.csrf}">
        <button type="submit" class="govuk-button govuk-button--secondary govuk-!-margin-bottom-0">Sign out</button>
      </form>
    </div></div>
  </section>`
}
