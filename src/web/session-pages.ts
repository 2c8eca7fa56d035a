import type { DaySession } from '../app/day-sessions.ts'
import type { Register } from '../app/door.ts'
import { addDays } from '../domain/calendar.ts'
import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  clockTime as time,
  errorSummary,
  link,
  longDate,
  postForm,
  selectField,
  successBanner,
  table,
  tag,
  textField,
  type FormError,
} from './page-kit.ts'

const KIND_WORDS: Readonly<Record<string, string>> = {
  resident_parent: 'parent the children live with',
  non_resident_parent: 'visiting parent',
  child: 'child',
  other_adult: 'named adult',
}

/** The week's sessions, day by day, each linking to its register. */
export function weekBody(input: {
  monday: string
  days: readonly { date: string; sessions: readonly DaySession[] }[]
}): Html {
  return html`<span class="govuk-caption-l">Week of ${longDate(input.monday)}</span>
    <h1 class="govuk-heading-l">Sessions</h1>
    <div class="govuk-button-group">
      <a class="govuk-button" href="/sessions/new" role="button" draggable="false">Book a session</a>
      <a class="govuk-link" href="/sessions?week=${addDays(input.monday, -7)}">Previous week</a>
      <a class="govuk-link" href="/sessions?week=${addDays(input.monday, 7)}">Next week</a>
    </div>
    ${input.days.map(
      (d) => html`<h2 class="govuk-heading-m">${longDate(d.date)}</h2>
      ${table({
        caption: `Sessions on ${longDate(d.date)}`,
        isCaptionHidden: true,
        head: ['Time', 'Family', 'Room', 'Kind', 'Status'],
        rows: d.sessions.map((s) => [
          link(`/sessions/${s.sessionId}`, `${time(s.startsAt)} to ${time(s.endsAt)}`),
          s.family.reference,
          s.room,
          s.kind,
          html`${tag(s.status)}${s.family.isSeparationRequired ? html` ${tag('kept apart', 'red')}` : ''}`,
        ]),
        empty: 'No sessions.',
      })}`,
    )}`
}

/**
 * The separation plan as a timeline: every arrival and departure in time order, so the
 * coordinator sees at a glance that the parents never cross.
 */
export function timeline(register: Register): Html {
  const events = register.people
    .flatMap((p) => [
      { at: p.arrivesAt, what: 'arrives', person: p },
      { at: p.leavesAt, what: 'leaves', person: p },
    ])
    .sort(
      (a, b) =>
        a.at.localeCompare(b.at) ||
        (a.what === b.what ? 0 : a.what === 'leaves' ? -1 : 1) ||
        (a.person.givenName ?? '').localeCompare(b.person.givenName ?? ''),
    )
  return html`<ol class="haven-timeline">${events.map(
    (e) => html`<li class="haven-timeline__item haven-timeline__item--${e.person.kind}">
      <span class="haven-timeline__time">${time(e.at)}</span>
      <span class="haven-timeline__what">${e.person.givenName ?? 'Someone'} (${KIND_WORDS[e.person.kind] ?? e.person.kind}) ${e.what}</span></li>`,
  )}</ol>`
}

/** One session's register: the plan as a timeline, who came when, and what may be done. */
export function registerBody(input: {
  register: Register
  csrf: string
  isCaseWorker: boolean
  workers: readonly { accountId: string; displayName: string }[]
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const r = input.register
  const s = r.session
  const isOpen = s.status === 'booked'
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <span class="govuk-caption-l">${longDate(s.startsAt)}, ${s.room}</span>
    <h1 class="govuk-heading-l">Session ${time(s.startsAt)} to ${time(s.endsAt)}</h1>
    <p class="govuk-body">${tag(s.status)} ${s.kind} session</p>
    ${
      r.isSeparationRequired
        ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> The parents must not meet. Keep to the times below.</strong></div>`
        : ''
    }
    ${r.safetyFlags.length > 0 ? html`<p class="govuk-inset-text">Safety: ${r.safetyFlags.map((f) => f.replaceAll('_', ' ')).join(', ')}.</p>` : ''}
    <h2 class="govuk-heading-m">The plan</h2>
    ${timeline(r)}
    <h2 class="govuk-heading-m">Register</h2>
    ${table({
      caption: 'Attendance register',
      isCaptionHidden: true,
      head: ['Who', 'Planned', 'Arrived', 'Left'],
      rows: r.people.map((p) => [
        `${p.givenName ?? 'Someone'} (${KIND_WORDS[p.kind] ?? p.kind})`,
        `${time(p.arrivesAt)} to ${time(p.leavesAt)}`,
        time(p.arrivedAt) || (isOpen ? 'Not yet' : 'Not recorded'),
        time(p.departedAt) || (p.arrivedAt ? (isOpen ? 'Not yet' : 'Not recorded') : ''),
      ]),
      empty: 'Nobody is planned to come.',
    })}
    <p class="govuk-body">Sign people in and out at the door, on ${link('/my-sessions', 'My sessions')}.</p>
    ${
      input.isCaseWorker && isOpen && input.workers.length > 0
        ? html`<h2 class="govuk-heading-m">Workers</h2>
        ${postForm(
          `/sessions/${s.id}/workers`,
          input.csrf,
          html`${selectField({
            name: 'accountId',
            label: 'Assign a worker to this session',
            hint: 'Haven checks their checks and that they do not know the family',
            options: [
              ['', 'Choose a worker'],
              ...input.workers.map((w) => [w.accountId, w.displayName] as const),
            ],
            error: input.error,
          })}${button('Assign', 'secondary')}`,
        )}`
        : ''
    }
    ${
      input.isCaseWorker && isOpen
        ? html`<h2 class="govuk-heading-m">Close the session</h2>
        ${postForm(
          `/sessions/${s.id}/close`,
          input.csrf,
          html`<input type="hidden" name="version" value="${String(s.version)}">
          ${choiceField({
            kind: 'radios',
            name: 'outcome',
            label: 'What happened?',
            options: [
              ['cancelled:resident_parent', 'Cancelled by the parent the children live with'],
              ['cancelled:non_resident_parent', 'Cancelled by the visiting parent'],
              ['cancelled:centre', 'Cancelled by the centre'],
              ['did_not_attend', 'Did not attend'],
            ],
            error: input.error,
          })}${button('Close the session', 'warning')}`,
        )}`
        : ''
    }`
}

/** Booking a session for an accepted family: the plan follows from the centre's stagger. */
export function bookingBody(input: {
  form: Readonly<Record<string, string>>
  csrf: string
  families: readonly { id: string; reference: string }[]
  rooms: readonly { id: string; name: string }[]
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${errorSummary(e)}<h1 class="govuk-heading-l">Book a session</h1>
    <p class="govuk-body">Where the parents must be kept apart, Haven staggers their arrivals and departures by the centre's interval, and shows the plan as a timeline once booked.</p>
    ${postForm(
      '/sessions',
      input.csrf,
      html`${selectField({ name: 'familyId', label: 'Family', value: f.familyId, options: [['', 'Choose a family'], ...input.families.map((x) => [x.id, x.reference] as const)], error: e })}
      ${selectField({ name: 'roomId', label: 'Room', value: f.roomId, options: [['', 'Choose a room'], ...input.rooms.map((x) => [x.id, x.name] as const)], error: e })}
      ${choiceField({
        kind: 'radios',
        name: 'kind',
        label: 'Kind of session',
        options: [
          ['supported', 'Supported'],
          ['supervised', 'Supervised'],
          ['handover', 'Handover'],
        ],
        values: [f.kind ?? 'supported'],
        isInline: true,
        error: e,
      })}
      ${textField({ name: 'date', label: 'Date', type: 'date', value: f.date, error: e, width: 'govuk-input--width-10' })}
      ${textField({ name: 'startsAt', label: 'Starts at', type: 'time', value: f.startsAt, error: e, width: 'govuk-input--width-5' })}
      ${textField({ name: 'endsAt', label: 'Ends at', type: 'time', value: f.endsAt, error: e, width: 'govuk-input--width-5' })}
      ${button('Book the session')}`,
    )}`
}
