import type { DaySession } from '../app/day-sessions.ts'
import type { RegisterEntryView } from '../app/disclosure-register.ts'
import type { DisposalRunView } from '../app/disposal-views.ts'
import type { SubjectAccessView } from '../app/subject-access.ts'
import type { WorkerView } from '../app/workers.ts'
import { html, type Html } from './html.ts'
import { clockTime as time, longDate, shortDate } from './page-kit.ts'

export interface TodayInput {
  date: string
  sessions: DaySession[]
  /** The rest of the week, day by day. */
  week: { date: string; sessions: DaySession[] }[]
  /** Undefined: this reader may not see the section. */
  workers: WorkerView[] | undefined
  subjectAccess: SubjectAccessView[]
  disclosures: RegisterEntryView[] | undefined
  disposals: DisposalRunView[] | undefined
  /** Workers' questions not yet answered, for those who answer them (GUIDE). */
  questions: number | undefined
  /** Messages Haven gave up sending, for those who manage people; undefined: not theirs. */
  undelivered?: number | undefined
}

const plural = (n: number, one: string, many: string): string =>
  `${String(n)} ${n === 1 ? one : many}`

/**
 * The coordinator's day at a glance: today's sessions with who arrives when (in the order
 * they should), checks falling due, and what waits (subject access requests by days left,
 * disclosures to confirm, disposal runs to approve). First names only; never contact details.
 */
export function todayBody(input: TodayInput): Html {
  const waiting = {
    disclosures: (input.disclosures ?? []).filter((d) => d.status.startsWith('awaiting')),
    disposals: (input.disposals ?? []).filter((r) => r.status === 'awaiting_approval'),
    checks: (input.workers ?? []).filter((w) => w.isRenewalDueSoon || w.renewalDueOn === null),
  }
  return html`<span class="govuk-caption-l">${longDate(input.date)}</span>
    <h1 class="govuk-heading-l">Today</h1>
    <h2 class="govuk-heading-m">Sessions</h2>
    <p class="govuk-body"><a class="govuk-link" href="/sessions/day-sheet?date=${input.date}">The day sheet for the door, to print</a></p>
    ${
      input.sessions.length === 0
        ? html`<p class="govuk-body">No sessions today.</p>`
        : input.sessions.map((s) => sessionCard(s))
    }
    <h2 class="govuk-heading-m">The rest of the week</h2>
    <ul class="govuk-list">${input.week.map(
      (d) =>
        html`<li><strong>${longDate(d.date)}</strong>: ${
          d.sessions.length === 0
            ? 'no sessions'
            : d.sessions
                .map(
                  (s) =>
                    `${time(s.startsAt)} ${s.family.reference}${s.workers.length === 0 ? ' (nobody on duty yet)' : ''}`,
                )
                .join(', ')
        }</li>`,
    )}</ul>
    <p class="govuk-body"><a class="govuk-link" href="/sessions">All sessions, week by week</a> or <a class="govuk-link" href="/sessions/month">by the month</a></p>
    <h2 class="govuk-heading-m">Waiting for you</h2>
    <ul class="govuk-list govuk-list--bullet">
      <li><a class="govuk-link" href="/centre/subject-access">${plural(input.subjectAccess.length, 'subject access request', 'subject access requests')} open</a>${
        input.subjectAccess[0]
          ? html`; the nearest is due on ${shortDate(input.subjectAccess[0].dueOn)} (${plural(input.subjectAccess[0].daysLeft, 'day', 'days')} left)`
          : ''
      }</li>
      ${input.disclosures === undefined ? '' : html`<li><a class="govuk-link" href="/disclosures">${plural(waiting.disclosures.length, 'disclosure', 'disclosures')} to confirm</a></li>`}
      ${input.disposals === undefined ? '' : html`<li><a class="govuk-link" href="/centre/disposals">${plural(waiting.disposals.length, 'disposal run', 'disposal runs')} to approve</a></li>`}
      ${input.questions === undefined ? '' : html`<li><a class="govuk-link" href="/records">${plural(input.questions, "worker's question", "workers' questions")} to answer</a></li>`}
      ${input.undelivered ? html`<li><a class="govuk-link" href="/centre/people#undelivered">${plural(input.undelivered, 'message', 'messages')} that could not be sent</a></li>` : ''}
    </ul>
    ${
      input.workers === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">Checks falling due</h2>
          ${
            waiting.checks.length === 0
              ? html`<p class="govuk-body">No worker's check falls due in the next 60 days.</p>`
              : html`<ul class="govuk-list">${waiting.checks.map(
                  (w) =>
                    html`<li>${w.displayName}: ${w.renewalDueOn === null ? 'no check recorded' : html`renew by ${shortDate(w.renewalDueOn)}`}</li>`,
                )}</ul>`
          }`
    }`
}

function sessionCard(s: DaySession): Html {
  return html`<div class="govuk-summary-card">
    <div class="govuk-summary-card__title-wrapper">
      <h3 class="govuk-summary-card__title">${time(s.startsAt)} to ${time(s.endsAt)}, ${s.room} (family ${s.family.reference})</h3>
    </div>
    <div class="govuk-summary-card__content">
      ${
        s.family.isSeparationRequired
          ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
            <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> The parents must not meet: keep to the times below.</strong></div>`
          : ''
      }
      ${
        s.family.safetyFlags.length > 0
          ? html`<p class="govuk-body">Safety: ${s.family.safetyFlags.map((f) => f.replaceAll('_', ' ')).join(', ')}</p>`
          : ''
      }
      <p class="govuk-body">On duty: ${s.workers.length === 0 ? html`<strong>nobody assigned yet</strong>` : s.workers.join(', ')}. <a class="govuk-link" href="/sessions/${s.sessionId}">Register</a></p>
      <ol class="haven-timeline" aria-label="Arrivals in order">
        ${s.people.map(
          (p) =>
            html`<li>${time(p.arrivesAt)} ${p.givenName} (${p.kind.replaceAll('_', ' ')}) arrives${p.arrivedAt === null ? '' : html`, signed in at ${time(p.arrivedAt)}`}; leaves ${time(p.leavesAt)}</li>`,
        )}
      </ol>
    </div>
  </div>`
}
