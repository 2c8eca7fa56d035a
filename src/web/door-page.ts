import type { DaySession } from '../app/day-sessions.ts'
import { html, type Html } from './html.ts'
import { clockTime as time, successBanner } from './page-kit.ts'

const KIND_WORDS: Readonly<Record<string, string>> = {
  resident_parent: 'lives with the children',
  non_resident_parent: 'visiting parent',
  child: 'child',
  other_adult: 'named adult',
}

/**
 * A worker's sessions of the day, made for a phone at the door (volunteers see only the
 * sessions they are assigned to): who arrives when, in the order they should, with one
 * button to sign each person in and then out. First names and times only (NDX); where the
 * parents must not meet, the warning comes first.
 */
/**
 * Recorded, but out of the separation plan: an important banner, not a green "Done", so that
 * the worker at the door stops and keeps the person apart until those awaited have come.
 */
function warningBanner(lines: readonly string[]): Html {
  const [first, ...rest] = lines
  return html`<div class="govuk-notification-banner" role="alert" aria-labelledby="door-warning-title" data-module="govuk-notification-banner">
    <div class="govuk-notification-banner__header"><h2 class="govuk-notification-banner__title" id="door-warning-title">Keep them apart</h2></div>
    <div class="govuk-notification-banner__content">${rest.map((l) => html`<p class="govuk-notification-banner__heading">${l.charAt(0).toUpperCase()}${l.slice(1)}.</p>`)}<p class="govuk-body">${first ?? ''}</p></div></div>`
}

export function doorBody(input: {
  sessions: DaySession[]
  csrf: string
  message?: { kind: 'success' | 'warning' | 'error'; lines: string[] } | undefined
}): Html {
  return html`<h1 class="govuk-heading-l">My sessions today</h1>
    ${
      input.message === undefined
        ? ''
        : input.message.kind === 'error'
          ? html`<div class="govuk-error-summary" data-module="govuk-error-summary"><div role="alert">
            <h2 class="govuk-error-summary__title">There is a problem</h2>
            <div class="govuk-error-summary__body"><ul class="govuk-list govuk-error-summary__list">${input.message.lines.map((l) => html`<li>${l}</li>`)}</ul></div></div></div>`
          : input.message.kind === 'warning'
            ? warningBanner(input.message.lines)
            : successBanner(input.message.lines)
    }
    ${
      input.sessions.length === 0
        ? html`<p class="govuk-body">You have no sessions today.</p>`
        : input.sessions.map((s) => sessionAtDoor(s, input.csrf))
    }
    <p class="govuk-body"><a class="govuk-link" href="/report">Record an incident, raise a concern or ask the coordinator</a></p>`
}

function sessionAtDoor(s: DaySession, csrf: string): Html {
  return html`<section class="govuk-summary-card" aria-labelledby="session-${s.sessionId}">
    <div class="govuk-summary-card__title-wrapper">
      <h2 class="govuk-summary-card__title" id="session-${s.sessionId}">${time(s.startsAt)} to ${time(s.endsAt)}, ${s.room}</h2>
    </div>
    <div class="govuk-summary-card__content">
      ${
        s.family.isSeparationRequired
          ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> The parents must not meet. Sign people in and out in this order.</strong></div>`
          : ''
      }
      ${
        s.family.safetyFlags.length > 0
          ? html`<p class="govuk-body"><strong>Remember:</strong> ${s.family.safetyFlags.map((f) => f.replaceAll('_', ' ')).join(', ')}</p>`
          : ''
      }
      <ol class="govuk-list govuk-list--number">
        ${s.people.map((p) => personAtDoor(s.sessionId, p, csrf))}
      </ol>
    </div>
  </section>`
}

function personAtDoor(sessionId: string, p: DaySession['people'][number], csrf: string): Html {
  const what = p.arrivedAt === null ? 'arrived' : p.departedAt === null ? 'departed' : undefined
  const state =
    p.arrivedAt === null
      ? html`due at ${time(p.arrivesAt)}`
      : p.departedAt === null
        ? html`signed in at ${time(p.arrivedAt)}; leaves at ${time(p.leavesAt)}`
        : html`signed in at ${time(p.arrivedAt)}, out at ${time(p.departedAt)}`
  return html`<li>
    <p class="govuk-body govuk-!-margin-bottom-1"><strong>${p.givenName}</strong> (${KIND_WORDS[p.kind] ?? 'named'}): ${state}</p>
    ${
      what === undefined
        ? ''
        : html`<form method="post" action="/my-sessions/${sessionId}/door">
          <input type="hidden" name="_csrf" value="${csrf}">
          <input type="hidden" name="personId" value="${p.personId}">
          <input type="hidden" name="what" value="${what}">
          <button type="submit" class="govuk-button govuk-!-margin-bottom-3">${what === 'arrived' ? 'Sign in' : 'Sign out'} <span class="govuk-visually-hidden">${p.givenName}</span></button>
        </form>`
    }
  </li>`
}
