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
      <a class="govuk-link" href="/sessions/month?month=${input.monday.slice(0, 7)}">The month</a>
    </div>
    ${input.days.map(
      (
        d,
      ) => html`<h2 class="govuk-heading-m"><a class="govuk-link" href="/sessions/day-sheet?date=${d.date}">${longDate(d.date)}</a></h2>
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

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']
const MONTH_WORDS = new Intl.DateTimeFormat('en-GB', {
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

/**
 * A month of sessions: a grid of weeks from Monday on a wide screen, a list of the month's
 * days on a phone (haven.scss). Each session links to its register; each day to its sheet.
 */
export function monthBody(input: {
  /** The first of the month, YYYY-MM-01. */
  first: string
  today: string
  /** The days shown: the whole weeks around the month. */
  days: readonly { date: string; sessions: readonly DaySession[] }[]
}): Html {
  const month = input.first.slice(0, 7)
  const title = MONTH_WORDS.format(new Date(`${input.first}T00:00:00Z`))
  const previous = addDays(input.first, -1).slice(0, 7)
  const next = addDays(input.first, 32).slice(0, 7)
  return html`<span class="govuk-caption-l">Sessions</span>
    <h1 class="govuk-heading-l">${title}</h1>
    <div class="govuk-button-group haven-no-print">
      <a class="govuk-button" href="/sessions/new" role="button" draggable="false">Book a session</a>
      <a class="govuk-link" href="/sessions/month?month=${previous}">Previous month</a>
      <a class="govuk-link" href="/sessions/month?month=${next}">Next month</a>
      <a class="govuk-link" href="/sessions">This week as a list</a>
    </div>
    <ol class="haven-month" aria-label="${title}">
      ${WEEKDAYS.map((w) => html`<li class="haven-month__day haven-month__weekdays" aria-hidden="true"><strong>${w}</strong></li>`)}
      ${input.days.map((d) => {
        const isOutside = d.date.slice(0, 7) !== month
        return html`<li class="haven-month__day${isOutside ? ' haven-month__day--outside' : ''}${d.date === input.today ? ' haven-month__day--today' : ''}">
        <span class="haven-month__date">${(() => {
          const words = html`<span class="haven-month__number" aria-hidden="true">${String(Number(d.date.slice(8, 10)))}</span><span class="haven-month__long">${longDate(d.date)}</span>`
          return isOutside
            ? words
            : html`<a class="govuk-link" href="/sessions/day-sheet?date=${d.date}">${words}</a>`
        })()}${d.date === input.today ? ' (today)' : ''}</span>
        ${
          d.sessions.length === 0
            ? isOutside
              ? ''
              : html`<span class="govuk-visually-hidden">No sessions</span>`
            : html`<ul class="haven-month__sessions">${d.sessions.map(
                (s) =>
                  html`<li>${link(`/sessions/${s.sessionId}`, `${time(s.startsAt)} ${s.family.reference}`)}<span class="haven-month__room">, ${s.room}</span>${s.status === 'cancelled' ? ' (cancelled)' : ''}</li>`,
              )}</ul>`
        }</li>`
      })}
    </ol>`
}

/**
 * The day sheet for the door, made to be printed: each session's time and room, who is on
 * duty, the separation warning and safety flags, and every named person's arrival and
 * departure in order, by first name. No surname, address, phone or note: a sheet left on a
 * desk names no one further.
 */
export function daySheetBody(input: { date: string; sessions: readonly DaySession[] }): Html {
  return html`<div class="haven-day-sheet">
    <span class="govuk-caption-l">Day sheet</span>
    <h1 class="govuk-heading-l">${longDate(input.date)}</h1>
    <div class="govuk-button-group haven-no-print">
      <a class="govuk-link" href="/sessions/day-sheet?date=${addDays(input.date, -1)}">Previous day</a>
      <a class="govuk-link" href="/sessions/day-sheet?date=${addDays(input.date, 1)}">Next day</a>
      <a class="govuk-link" href="/sessions/month?month=${input.date.slice(0, 7)}">The month</a>
    </div>
    <p class="govuk-body haven-no-print">Print this page for the door (your browser's Print, or Ctrl and P). It shows first names and times only.</p>
    ${
      input.sessions.length === 0
        ? html`<p class="govuk-body">No sessions.</p>`
        : input.sessions.map(
            (
              s,
            ) => html`<section class="haven-day-sheet__session" aria-labelledby="s-${s.sessionId}">
      <h2 class="govuk-heading-m" id="s-${s.sessionId}">${time(s.startsAt)} to ${time(s.endsAt)}, ${s.room}: family ${s.family.reference}</h2>
      <p class="govuk-body">${s.kind.charAt(0).toUpperCase()}${s.kind.slice(1)} session${s.status === 'cancelled' ? ', cancelled' : ''}. On duty: ${s.workers.length === 0 ? 'no one assigned yet' : s.workers.join(', ')}.</p>
      ${
        s.family.isSeparationRequired
          ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
        <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> The parents must not meet. Keep to these times.</strong></div>`
          : ''
      }
      ${s.family.safetyFlags.length === 0 ? '' : html`<p class="govuk-body"><strong>Remember:</strong> ${s.family.safetyFlags.map((f) => f.replaceAll('_', ' ')).join('; ')}</p>`}
      ${table({
        caption: `Arrivals and departures, ${time(s.startsAt)} ${s.room}`,
        isCaptionHidden: true,
        head: ['Who', 'Arrives', 'Leaves'],
        rows: [...s.people]
          .sort((a, b) => a.arrivesAt.localeCompare(b.arrivesAt))
          .map((p) => [
            `${p.givenName} (${KIND_WORDS[p.kind] ?? 'named adult'})`,
            time(p.arrivesAt),
            time(p.leavesAt),
          ]),
        empty: 'No one named for this session.',
      })}
    </section>`,
          )
    }</div>`
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
