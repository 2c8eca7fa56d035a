import { html, type Html } from './html.ts'
import {
  button,
  errorSummary,
  link,
  postForm,
  selectField,
  successBanner,
  table,
  textField,
  type FormError,
} from './page-kit.ts'

/**
 * The rooms and the time between the parents (the coordinator's: manage_rooms): each room
 * with a link to rename it, a form to add one, and the stagger in minutes.
 */
export function roomsBody(input: {
  rooms: readonly { id: string; name: string }[]
  staggerMinutes: number
  csrf: string
  form: Readonly<Record<string, string>>
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(e)}
    <h1 class="govuk-heading-l">Rooms and arrival times</h1>
    ${table({
      caption: 'Rooms',
      head: ['Room', 'Change'],
      rows: input.rooms.map((r) => [
        r.name,
        html`<a class="govuk-link" href="/centre/rooms/${r.id}">Rename<span class="govuk-visually-hidden"> ${r.name}</span></a>`,
      ]),
      empty: 'No rooms yet: add the first below.',
    })}
    <h2 class="govuk-heading-m">Add a room</h2>
    ${postForm(
      '/centre/rooms',
      input.csrf,
      html`${textField({ name: 'name', label: 'Name of the room', hint: 'For example, Willow Room', value: f.name, error: e, width: 'govuk-input--width-20' })}
      ${button('Add the room', 'secondary')}`,
      'Add a room',
    )}
    <h2 class="govuk-heading-m">Time between the parents</h2>
    <p class="govuk-body">Where the parents must not meet, one arrives this many minutes before the other and leaves this many minutes after. It applies to sessions booked or changed from now on.</p>
    ${postForm(
      '/centre/stagger',
      input.csrf,
      html`${textField({ name: 'minutes', label: 'Minutes between arrivals', hint: 'From 5 to 60', value: f.minutes ?? String(input.staggerMinutes), error: e, width: 'govuk-input--width-5', type: 'number' })}
      ${button('Save the time', 'secondary')}`,
      'Time between the parents',
    )}`
}

/** Renaming one room: its name now, kept in the form to tell a rename made meanwhile. */
export function roomRenameBody(input: {
  room: { id: string; name: string }
  csrf: string
  form: Readonly<Record<string, string>>
  error?: FormError | undefined
}): Html {
  const f = input.form
  return html`${errorSummary(input.error)}
    <span class="govuk-caption-l">Rooms</span>
    <h1 class="govuk-heading-l">Rename ${input.room.name}</h1>
    ${postForm(
      `/centre/rooms/${input.room.id}`,
      input.csrf,
      html`<input type="hidden" name="heldName" value="${f.heldName ?? input.room.name}">
      ${textField({ name: 'name', label: 'New name', value: f.name ?? input.room.name, error: input.error, width: 'govuk-input--width-20' })}
      <div class="govuk-button-group">${button('Rename the room')}${link('/centre/rooms', 'Cancel')}</div>`,
    )}`
}

/** Agency kinds in words, in the order of AGENCY_KINDS. */
export const AGENCY_KIND_WORDS: Readonly<Record<string, string>> = {
  solicitor: 'Solicitor',
  mediator: 'Mediator',
  cafcass: 'Cafcass',
  social_worker: 'Social worker',
  court: 'Court',
  other: 'Other',
}

/**
 * The referring agencies the centre knows (record_referrals): each with its kind and how many
 * referrals it made, a link to change it, and a form to add one that has no account in Haven
 * (a solicitor who refers on paper), so that a referral recorded for it can name it.
 */
export function agenciesBody(input: {
  agencies: readonly { id: string; name: string; kind: string; referrals: number }[]
  kinds: readonly string[]
  csrf: string
  form: Readonly<Record<string, string>>
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(e)}
    <h1 class="govuk-heading-l">Referring agencies</h1>
    <p class="govuk-body">The agencies a referral can come from. A referrer invited to Haven brings their agency with them; add here one that refers on paper, by e-mail or by phone.</p>
    ${table({
      caption: 'Agencies',
      isCaptionHidden: true,
      head: ['Agency', 'Kind', 'Referrals', 'Change'],
      rows: input.agencies.map((a) => [
        a.name,
        AGENCY_KIND_WORDS[a.kind] ?? a.kind,
        String(a.referrals),
        html`<a class="govuk-link" href="/centre/agencies/${a.id}">Change<span class="govuk-visually-hidden"> ${a.name}</span></a>`,
      ]),
      empty: 'No agencies yet.',
    })}
    <h2 class="govuk-heading-m">Add an agency</h2>
    ${postForm(
      '/centre/agencies',
      input.csrf,
      html`${agencyFields(input.kinds, f, e)}${button('Add the agency', 'secondary')}`,
      'Add an agency',
    )}`
}

function agencyFields(
  kinds: readonly string[],
  f: Readonly<Record<string, string>>,
  e: FormError | undefined,
): Html {
  return html`${textField({ name: 'name', label: 'Name of the agency', hint: 'For example, Hollis & Co Solicitors', value: f.name, error: e })}
    ${selectField({
      name: 'kind',
      label: 'Kind of agency',
      value: f.kind,
      options: [
        ['', 'Choose a kind'],
        ...kinds.map((k) => [k, AGENCY_KIND_WORDS[k] ?? k] as const),
      ],
      error: e,
    })}`
}

/** Changing an agency's name or kind: what it was is kept in the form to tell a change meanwhile. */
export function agencyChangeBody(input: {
  agency: { id: string; name: string; kind: string }
  kinds: readonly string[]
  csrf: string
  form: Readonly<Record<string, string>>
  error?: FormError | undefined
}): Html {
  const a = input.agency
  const f = {
    name: input.form.name ?? a.name,
    kind: input.form.kind ?? a.kind,
    heldName: input.form.heldName ?? a.name,
    heldKind: input.form.heldKind ?? a.kind,
  }
  return html`${errorSummary(input.error)}
    <span class="govuk-caption-l">Referring agencies</span>
    <h1 class="govuk-heading-l">Change ${a.name}</h1>
    ${postForm(
      `/centre/agencies/${a.id}`,
      input.csrf,
      html`<input type="hidden" name="heldName" value="${f.heldName}"><input type="hidden" name="heldKind" value="${f.heldKind}">
      ${agencyFields(input.kinds, f, input.error)}
      <div class="govuk-button-group">${button('Save the changes')}${link('/centre/agencies', 'Cancel')}</div>`,
    )}`
}
