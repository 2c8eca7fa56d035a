import type { ReferralDetail, ReferralSummary } from '../app/referral-views.ts'
import type { ReferralInput } from '../app/referrals.ts'
import { isIsoDate } from '../domain/calendar.ts'
import { referralInput } from '../app/contracts/cases.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import {
  isReferralStatus,
  nextStatuses,
  REFERRAL_STATUSES,
} from '../domain/cases/referral-lifecycle.ts'
import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  link,
  pagination,
  postForm,
  selectField,
  shortDate,
  successBanner,
  summaryList,
  table,
  tag,
  textArea,
  textField,
  formErrorOf,
  problemsOf,
  type FormError,
  type FormProblem,
  clockTime,
} from './page-kit.ts'

const STATUS_WORDS: Readonly<Record<string, string>> = {
  received: 'Received',
  pre_visits: 'Pre-visits',
  risk_assessed: 'Risk assessed',
  accepted: 'Accepted',
  declined: 'Declined',
  waiting: 'Waiting for a place',
  active: 'Sessions running',
  closed: 'Closed',
}
const STATUS_COLOURS: Readonly<Record<string, string>> = {
  received: 'blue',
  pre_visits: 'light-blue',
  risk_assessed: 'purple',
  accepted: 'green',
  declined: 'red',
  waiting: 'yellow',
  active: 'turquoise',
  closed: 'grey',
}

export const statusTag = (status: string): Html =>
  tag(STATUS_WORDS[status] ?? status, STATUS_COLOURS[status])

/** The referrals inbox (coordinator and staff) or a referrer's and parent's own. */
export function referralListBody(input: {
  referrals: readonly ReferralSummary[]
  status: string | undefined
  page: { number: number; hasNext: boolean }
  mayRefer: boolean
  isInbox: boolean
}): Html {
  const pageLink = (n: number) =>
    `/referrals?${input.status ? `status=${input.status}&` : ''}page=${String(n)}`
  const counts = new Map<string, number>()
  for (const r of input.referrals) counts.set(r.status, (counts.get(r.status) ?? 0) + 1)
  return html`<h1 class="govuk-heading-l">${input.isInbox ? 'Referrals' : 'Your referrals'}</h1>
    ${input.mayRefer ? html`<a class="govuk-button" href="/referrals/new" role="button" draggable="false">Make a referral</a>` : ''}
    ${
      input.isInbox
        ? html`<form method="get" action="/referrals" class="haven-filter">
          ${selectField({
            name: 'status',
            label: 'Show',
            value: input.status ?? '',
            options: [
              ['', 'Every status'],
              ...REFERRAL_STATUSES.map((s) => [s, STATUS_WORDS[s] ?? s] as const),
            ],
          })}
          <button type="submit" class="govuk-button govuk-button--secondary">Show</button></form>`
        : ''
    }
    ${table({
      caption: input.status ? (STATUS_WORDS[input.status] ?? input.status) : 'Every referral',
      head: ['Family', 'Received', 'From', 'Status'],
      rows: input.referrals.map((r) => [
        link(`/referrals/${r.id}`, r.reference),
        shortDate(r.receivedOn),
        r.agency?.name ?? 'Self-referral',
        statusTag(r.status),
      ]),
      empty: input.status ? 'No referrals with that status.' : 'No referrals yet.',
    })}
    ${pagination('Pages of referrals', input.page, pageLink)}`
}

/** When the family can come and the court order, as they should now stand. */
export function arrangementsBody(input: {
  referral: ReferralDetail
  form: Record<string, string>
  csrf: string
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${errorSummary(e)}
    <span class="govuk-caption-l">Referral ${input.referral.reference}</span>
    <h1 class="govuk-heading-l">The arrangements</h1>
    ${postForm(
      `/referrals/${input.referral.id}/arrangements`,
      input.csrf,
      html`<input type="hidden" name="version" value="${f.version ?? ''}">
      ${textArea({ name: 'availability', label: 'When can the family come?', hint: 'For example, Saturday mornings; not the first weekend of the month', value: f.availability, error: e, rows: 3 })}
      <h2 class="govuk-heading-m">Court order</h2>
      ${textField({ name: 'court_kind', label: 'Kind of order (optional)', hint: 'For example, child arrangements order; leave empty when there is none', value: f.court_kind, error: e })}
      ${textField({ name: 'court_reference', label: "The order's reference (optional)", value: f.court_reference, error: e, width: 'govuk-input--width-20' })}
      ${textField({ name: 'court_madeOn', label: 'Made on (optional)', type: 'date', value: f.court_madeOn, error: e, width: 'govuk-input--width-10' })}
      ${textField({ name: 'court_court', label: 'Court (optional)', value: f.court_court, error: e })}
      ${textArea({ name: 'court_conditions', label: 'Conditions that bear on contact (optional)', value: f.court_conditions, error: e, rows: 3 })}
      <div class="govuk-button-group">${button('Save the arrangements')}
        <a class="govuk-link" href="/referrals/${input.referral.id}">Cancel</a></div>`,
    )}`
}

/** One referral: its progress, its sessions' dates and times, and (for the centre) its history. */
export function referralBody(input: {
  referral: ReferralDetail
  csrf: string
  mayMove: boolean
  isCaseWorker: boolean
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const r = input.referral
  const next = isReferralStatus(r.status) ? nextStatuses(r.status) : []
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <span class="govuk-caption-l">Referral</span>
    <h1 class="govuk-heading-l">${r.reference}</h1>
    ${summaryList([
      ['Status', statusTag(r.status)],
      ['Received', shortDate(r.receivedOn)],
      ['From', r.agency?.name ?? 'Self-referral'],
      ...(r.availability === undefined
        ? []
        : [['When the family can come', r.availability ?? 'Not recorded'] as const]),
      ...(r.courtOrder === undefined
        ? []
        : [
            [
              'Court order',
              r.courtOrder === null
                ? 'None recorded'
                : [r.courtOrder.kind, r.courtOrder.reference, r.courtOrder.court]
                    .filter(Boolean)
                    .join(', '),
            ] as const,
          ]),
    ])}
    ${input.mayMove && r.availability !== undefined ? html`<p class="govuk-body">${link(`/referrals/${r.id}/arrangements`, 'Change when the family can come or the court order')}</p>` : ''}
    ${input.isCaseWorker ? html`<p class="govuk-body">${link(`/families/${r.familyId}`, 'Open the family record')}</p>` : ''}
    ${
      input.mayMove && next.length > 0
        ? postForm(
            `/referrals/${r.id}/status`,
            input.csrf,
            html`<input type="hidden" name="version" value="${String(r.version)}">
            ${choiceField({
              kind: 'radios',
              name: 'to',
              label: 'Move the referral on',
              options: next.map((s) => [s, STATUS_WORDS[s] ?? s] as const),
              error: input.error,
            })}${button('Move on')}`,
          )
        : ''
    }
    ${
      r.sessions === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">Sessions</h2>${table({
            caption: 'Dates and times of sessions',
            isCaptionHidden: true,
            head: ['Date', 'From', 'To', 'Status'],
            rows: r.sessions.map((s) => [
              shortDate(s.startsAt),
              clockTime(s.startsAt),
              clockTime(s.endsAt),
              s.status.replaceAll('_', ' '),
            ]),
            empty: 'No sessions yet.',
          })}`
    }
    ${
      r.history === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">History</h2>
        <ol class="govuk-list">${r.history.map(
          (h) =>
            html`<li>${shortDate(h.at)} ${clockTime(h.at)}: ${h.from ? `${STATUS_WORDS[h.from] ?? h.from} to ` : ''}${STATUS_WORDS[h.to] ?? h.to}</li>`,
        )}</ol>`
    }`
}

/** What the referral form holds, as typed (kept when the form comes back with an error). */
export type ReferralForm = Readonly<Record<string, string>>

const PARENTS = [
  ['rp', 'resident_parent', 'The parent the children live with'],
  ['nrp', 'non_resident_parent', 'The parent the children will visit'],
] as const
const CHILD_SLOTS = [1, 2, 3, 4] as const

/** The referral form: one page, the questions a centre's referral form asks. */
export function referralFormBody(input: {
  form: ReferralForm
  csrf: string
  agencies: readonly { id: string; name: string }[]
  isCaseWorker: boolean
  error?: FormError | undefined
  /** Families already held that this referral looks like: asked before it is saved. */
  duplicates?: readonly { id: string; reference: string }[] | undefined
}): Html {
  const f = input.form
  const duplicates = input.duplicates ?? []
  const e = input.error
  const parent = ([prefix, , words]: (typeof PARENTS)[number]) => html`
    <h2 class="govuk-heading-m">${words}</h2>
    ${textField({ name: `${prefix}_given`, label: 'First name', value: f[`${prefix}_given`], error: e, autocomplete: 'off' })}
    ${textField({ name: `${prefix}_family`, label: 'Last name', value: f[`${prefix}_family`], error: e })}
    ${textField({ name: `${prefix}_relationship`, label: 'Relationship to the children', hint: 'For example, mother or father', value: f[`${prefix}_relationship`], error: e, width: 'govuk-input--width-20' })}
    ${choiceField({
      kind: 'radios',
      name: `${prefix}_pr`,
      label: 'Do they have parental responsibility?',
      options: [
        ['yes', 'Yes'],
        ['no', 'No'],
      ],
      values: [f[`${prefix}_pr`] ?? ''],
      isInline: true,
      error: e,
    })}
    ${textArea({ name: `${prefix}_address`, label: 'Address (optional)', hint: 'Kept sealed; never shown to the other parent', value: f[`${prefix}_address`], error: e, rows: 3 })}
    ${textField({ name: `${prefix}_phone`, label: 'Phone (optional)', value: f[`${prefix}_phone`], error: e, width: 'govuk-input--width-20' })}
    ${textField({ name: `${prefix}_email`, label: 'Email (optional)', type: 'email', value: f[`${prefix}_email`], error: e })}`
  return html`${errorSummary(e)}
    <h1 class="govuk-heading-l">Make a referral</h1>
    ${
      duplicates.length === 0
        ? ''
        : html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
      <div class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span>
      <h2 class="govuk-heading-s" id="duplicates">This looks like a family already held</h2>
      <p class="govuk-body">The same child's name and date of birth, or a parent's name at the same postcode or phone number, is in ${duplicates.map((d, i) => html`${i > 0 ? ', ' : ''}${link(`/families/${d.id}`, `family ${d.reference}`)}`)}. Nothing has been saved. If it is the same family, open it instead; if it is a new family, check the answers below and save it as new.</p></div></div>`
    }
    ${postForm(
      '/referrals',
      input.csrf,
      html`
      ${duplicates.length === 0 ? '' : html`<input type="hidden" name="_new_family" value="yes">`}
      ${
        input.isCaseWorker
          ? html`${selectField({
              name: 'agencyId',
              label: 'Referred by',
              value: f.agencyId,
              options: [
                ['', 'Self-referral (no agency)'],
                ...input.agencies.map((a) => [a.id, a.name] as const),
              ],
              error: e,
            })}
            ${textField({ name: 'receivedOn', label: 'Received on', type: 'date', value: f.receivedOn, error: e, width: 'govuk-input--width-10' })}`
          : html`<p class="govuk-body">Referred by ${input.agencies[0]?.name ?? 'your agency'}.</p>`
      }
      ${PARENTS.map(parent)}
      <h2 class="govuk-heading-m">Children</h2>
      <p class="govuk-body">At least one child. Leave the rest empty.</p>
      ${CHILD_SLOTS.map(
        (
          n,
        ) => html`<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Child ${String(n)}</legend>
        ${textField({ name: `child${String(n)}_given`, label: 'First name', value: f[`child${String(n)}_given`], error: e })}
        ${textField({ name: `child${String(n)}_family`, label: 'Last name', value: f[`child${String(n)}_family`], error: e })}
        ${textField({ name: `child${String(n)}_dob`, label: 'Date of birth', type: 'date', value: f[`child${String(n)}_dob`], error: e, width: 'govuk-input--width-10' })}</fieldset>`,
      )}
      <h2 class="govuk-heading-m">Someone else who may come (optional)</h2>
      ${textField({ name: 'named_given', label: 'First name', value: f.named_given, error: e })}
      ${textField({ name: 'named_family', label: 'Last name', value: f.named_family, error: e })}
      ${textField({ name: 'named_relationship', label: 'Relationship to the children', hint: 'For example, grandmother', value: f.named_relationship, error: e, width: 'govuk-input--width-20' })}
      <h2 class="govuk-heading-m">The arrangements</h2>
      ${textField({ name: 'court_kind', label: 'Court order (optional)', hint: 'For example, child arrangements order', value: f.court_kind, error: e })}
      ${textField({ name: 'court_reference', label: "The order's reference (optional)", value: f.court_reference, error: e, width: 'govuk-input--width-20' })}
      ${textArea({ name: 'availability', label: 'When can the family come? (optional)', value: f.availability, error: e, rows: 2 })}
      ${choiceField({
        kind: 'radios',
        name: 'separation',
        label: 'Must the parents be kept apart?',
        hint: 'Arrivals and departures are then staggered so they never meet',
        options: [
          ['yes', 'Yes'],
          ['no', 'No'],
        ],
        values: [f.separation ?? ''],
        isInline: true,
        error: e,
      })}
      ${button(duplicates.length === 0 ? 'Send the referral' : 'Save as a new family')}`,
    )}`
}

const trimmed = (f: ReferralForm, name: string): string => (f[name] ?? '').trim()
const optional = (f: ReferralForm, name: string): string | undefined =>
  trimmed(f, name) === '' ? undefined : trimmed(f, name)

/**
 * The form as the use case's input, or the first problem with the field it belongs to (in
 * the order the form asks). The use case checks again; this only words the errors for a
 * person at a form.
 */
export function parseReferralForm(
  f: ReferralForm,
  isCaseWorker: boolean,
): { ok: true; input: ReferralInput } | { ok: false; error: FormError } {
  // Every problem at once, in the order of the form: an empty form is one round, not eleven.
  const problems: FormProblem[] = []
  const fail = (field: string, message: string): void => {
    problems.push({ field, message })
  }
  if (isCaseWorker && optional(f, 'receivedOn') && !isIsoDate(trimmed(f, 'receivedOn')))
    fail('receivedOn', 'enter a real date')
  const parents: ReferralInput['parents'] = []
  for (const [prefix, kind, words] of PARENTS) {
    const given = trimmed(f, `${prefix}_given`)
    const family = trimmed(f, `${prefix}_family`)
    if (given === '') fail(`${prefix}_given`, `enter the first name of ${words.toLowerCase()}`)
    if (family === '') fail(`${prefix}_family`, `enter the last name of ${words.toLowerCase()}`)
    const pr = f[`${prefix}_pr`]
    if (pr !== 'yes' && pr !== 'no')
      fail(`${prefix}_pr`, 'say whether they have parental responsibility')
    const email = optional(f, `${prefix}_email`)
    const address = optional(f, `${prefix}_address`)
    const phone = optional(f, `${prefix}_phone`)
    parents.push({
      kind,
      givenName: given,
      familyName: family,
      relationship: optional(f, `${prefix}_relationship`),
      hasParentalResponsibility: pr === 'yes',
      ...(address || phone || email ? { contactDetails: { address, phone, email } } : {}),
    })
  }
  const children: ReferralInput['children'] = []
  /** The form's slot of each child in the input, for placing an error beside its field. */
  const slots: number[] = []
  for (const n of CHILD_SLOTS) {
    const p = `child${String(n)}`
    const given = trimmed(f, `${p}_given`)
    const family = trimmed(f, `${p}_family`)
    const dob = trimmed(f, `${p}_dob`)
    if (given === '' && family === '' && dob === '') continue
    if (given === '') fail(`${p}_given`, `enter child ${String(n)}'s first name`)
    if (family === '') fail(`${p}_family`, `enter child ${String(n)}'s last name`)
    if (!isIsoDate(dob)) fail(`${p}_dob`, `enter child ${String(n)}'s date of birth`)
    children.push({ givenName: given, familyName: family, dateOfBirth: dob })
    slots.push(n)
  }
  if (children.length === 0) fail('child1_given', 'name at least one child')
  const named = ['named_given', 'named_family', 'named_relationship'].map((n) => trimmed(f, n))
  if (named.some((v) => v !== '') && named.some((v) => v === ''))
    fail(
      named.findIndex((v) => v === '') === 0
        ? 'named_given'
        : named[1] === ''
          ? 'named_family'
          : 'named_relationship',
      'give the first name, last name and relationship of the other person, or none of them',
    )
  const separation = f.separation
  if (separation !== 'yes' && separation !== 'no')
    fail('separation', 'say whether the parents must be kept apart')
  const courtKind = optional(f, 'court_kind')
  if (!courtKind && optional(f, 'court_reference'))
    fail('court_kind', 'say what kind of order the reference is for')
  // The use case's own contract decides every limit, as it does for the API.
  const checked = checkForm(
    referralInput,
    {
      ...(isCaseWorker && optional(f, 'agencyId') ? { agencyId: trimmed(f, 'agencyId') } : {}),
      ...(isCaseWorker && optional(f, 'receivedOn')
        ? { receivedOn: trimmed(f, 'receivedOn') }
        : {}),
      parents,
      children,
      ...(named[0]
        ? {
            namedPeople: [
              { givenName: named[0], familyName: named[1] ?? '', relationship: named[2] ?? '' },
            ],
          }
        : {}),
      ...(courtKind
        ? { courtOrder: { kind: courtKind, reference: optional(f, 'court_reference') } }
        : {}),
      availability: optional(f, 'availability'),
      isSeparationRequired: separation === 'yes',
    },
    (path) => referralFormPlace(path, slots),
  )
  if (problems.length === 0) return checked
  // The contract's problems with fields the form has not already named, in the form's order.
  const contract = checked.ok ? [] : problemsOf(checked.error)
  const fresh = contract.filter((c) => !problems.some((p) => p.field === c.field))
  const error = formErrorOf([...problems, ...fresh])
  return error ? { ok: false, error } : checked
}

/** The form's field for a path of the referral's input, as the use case names it. */
export function referralFieldOf(form: ReferralForm, path: readonly string[]): string | undefined {
  const slots = CHILD_SLOTS.filter((n) =>
    ['given', 'family', 'dob'].some((s) => trimmed(form, `child${String(n)}_${s}`) !== ''),
  )
  return referralFormPlace(path, slots)?.field
}

const PERSON_WORDS: Readonly<Record<string, readonly [suffix: string, words: string]>> = {
  givenName: ['given', 'first name'],
  familyName: ['family', 'last name'],
  relationship: ['relationship', 'relationship'],
  dateOfBirth: ['dob', 'date of birth'],
  address: ['address', 'address'],
  phone: ['phone', 'phone number'],
  email: ['email', 'email address'],
}

/** Where a path of the referral's input sits on the form, and what the form calls it. */
function referralFormPlace(
  path: readonly PropertyKey[],
  slots: readonly number[],
): FormPlace | undefined {
  const [first, index, ...rest] = path.map(String)
  const last = rest.at(-1) ?? ''
  const person = PERSON_WORDS[last]
  if (first === 'parents' && person) {
    const parent = PARENTS[Number(index)]
    if (parent)
      return {
        field: `${parent[0]}_${person[0]}`,
        label: `The ${person[1]} of ${parent[2].toLowerCase()}`,
      }
  }
  if (first === 'children' && person) {
    const slot = String(slots[Number(index)] ?? 1)
    return { field: `child${slot}_${person[0]}`, label: `Child ${slot}'s ${person[1]}` }
  }
  if (first === 'namedPeople' && person)
    return { field: `named_${person[0]}`, label: `The other person's ${person[1]}` }
  if (first === 'courtOrder')
    return index === 'reference'
      ? { field: 'court_reference', label: "The order's reference" }
      : { field: 'court_kind', label: 'The kind of order' }
  if (first === 'availability') return { field: 'availability', label: 'Availability' }
  if (first === 'receivedOn') return { field: 'receivedOn', label: 'The date received' }
  if (first === 'agencyId') return { field: 'agencyId', label: 'The agency' }
  if (first === 'children') return { field: 'child1_given', label: 'The referral' }
  return undefined
}
