import type { Abilities } from '../app/policy-access.ts'
import { html, type Html } from './html.ts'

/**
 * The pages a person's abilities open, in the order of their work: the coordinator's day
 * first, a volunteer's door first, a referrer's referrals first, a parent's own information.
 * Each link is there exactly when the centre's policy gives what the page is for.
 */
export function navigationLinks(abilities: Abilities): [string, string][] {
  const has = (...any: Parameters<Abilities['has']>[0][]) => any.some((a) => abilities.has(a))
  const links: [string, string][] = []
  if (has('see_all_families')) links.push(['/today', 'Today'])
  if (has('work_sessions')) links.push(['/my-sessions', 'My sessions'])
  if (has('follow_referrals')) links.push(['/referrals', 'Referrals'])
  if (has('see_families')) links.push(['/families', 'Families'])
  if (has('book_sessions')) links.push(['/sessions', 'Sessions'])
  if (has('follow_disclosures')) links.push(['/disclosures', 'Disclosures'])
  if (has('approve_assessments', 'authorise_disclosures', 'approve_disposals'))
    links.push(['/approvals', 'Approvals'])
  if (centreSections(abilities).length > 0) links.push(['/centre', 'Centre'])
  if (has('see_own_information')) links.push(['/my-information', 'Your information'])
  links.push(['/policy', 'Policy'])
  return links
}

/**
 * Where a person lands after signing in: their own work. A parent's own information; anyone
 * else, the first page of their menu (the coordinator's day, a volunteer's door, a
 * referrer's referrals, the committee's approvals or centre), else the policy.
 */
export function landingPage(abilities: Abilities): string {
  if (abilities.has('see_own_information') && !abilities.has('work_sessions'))
    return '/my-information'
  return navigationLinks(abilities)[0]?.[0] ?? '/policy'
}

/** The centre's administration: each section there exactly when its permission is held. */
export const CENTRE_SECTIONS = [
  {
    href: '/centre/people',
    title: 'People and access',
    about: 'Invite volunteers, staff, referrers and parents; change roles; stop access.',
    anyOf: ['manage_members'],
  },
  {
    href: '/records',
    title: 'Incidents, concerns and questions',
    about: "Safeguarding concerns, incidents, the accident book, and workers' questions to answer.",
    anyOf: ['read:incident', 'read:safeguarding_concern', 'answer_guidance'],
  },
  {
    href: '/centre/workers',
    title: 'Workers and their checks',
    about: 'Who works here, their checks and when they fall due.',
    anyOf: ['read:worker'],
  },
  {
    href: '/centre/rooms',
    title: 'Rooms and arrival times',
    about: 'Add and rename rooms; set how many minutes apart parents who must not meet arrive.',
    anyOf: ['manage_rooms'],
  },
  {
    href: '/centre/agencies',
    title: 'Referring agencies',
    about: 'The solicitors, mediators and others who refer families, with or without an account.',
    anyOf: ['record_referrals'],
  },
  {
    href: '/centre/subject-access',
    title: 'Subject access requests',
    about: 'Requests by days left, and their bundles.',
    anyOf: ['read_subject_access'],
  },
  {
    href: '/centre/import',
    title: 'Move your records in',
    about: 'Import families, their people, agencies and booked sessions from Excel or CSV.',
    anyOf: ['record_referrals'],
  },
  {
    href: '/centre/statistics',
    title: 'Statistics for the quarter',
    about: "The figures for the national association's return, as a page, CSV and PDF.",
    anyOf: ['report_statistics'],
  },
  {
    href: '/centre/disposals',
    title: 'Retention and disposal',
    about: 'Runs to approve, and certificates of destruction.',
    anyOf: ['read_disposals'],
  },
  {
    href: '/policy',
    title: 'The policy',
    about: 'Read it, change it, publish it, record its review, see who has acknowledged it.',
    anyOf: ['publish_policy', 'read_acknowledgements'],
  },
  {
    href: '/centre/export',
    title: 'Export the centre',
    about:
      'Every record and the audit log in one file, for when the centre moves to another Haven.',
    anyOf: ['export_centre'],
  },
  {
    href: '/centre/audit',
    title: 'Audit log',
    about: 'Every read and change, and the signed checkpoints.',
    anyOf: ['read:audit_log'],
  },
] as const satisfies readonly {
  href: string
  title: string
  about: string
  anyOf: readonly Parameters<Abilities['has']>[0][]
}[]

export type CentreSection = (typeof CENTRE_SECTIONS)[number]

/** The sections of the centre's page this person may open. */
export function centreSections(abilities: Abilities): CentreSection[] {
  return CENTRE_SECTIONS.filter((s) =>
    s.anyOf.some((p: Parameters<Abilities['has']>[0]) => abilities.has(p)),
  )
}

/**
 * The service navigation for a signed-in person: the pages their roles have, the current one
 * marked, and signing out (a form: it changes state, so it carries the CSRF token).
 */
export function navigation(input: { abilities: Abilities; current: string; csrf: string }): Html {
  const links = navigationLinks(input.abilities)
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
