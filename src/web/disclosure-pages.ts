import type { RegisterEntryView } from '../app/disclosure-register.ts'
import type { FamilyView } from '../domain/cases/family-view.ts'
import { CLAUSE_TITLES, type ClauseId } from '../domain/policy/clauses.ts'
import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  link,
  postForm,
  selectField,
  shortDate,
  successBanner,
  summaryList,
  table,
  tag,
  textArea,
  textField,
  type FormError,
} from './page-kit.ts'

export const CATEGORY_WORDS: Readonly<Record<string, string>> = {
  attendance: 'Dates and times of attendance',
  contact_details: 'Contact details (address and phone)',
  notes_or_reports: 'Notes or a report about the family',
  other: 'Other information',
}
export const PURPOSE_WORDS: Readonly<Record<string, string>> = {
  family_proceedings: 'Family court proceedings',
  safeguarding_child: 'A child is at risk of harm',
  risk_of_violence: 'Someone is at risk of violence',
  required_by_law: 'Required by law',
  other: 'Another purpose',
}
export const RECIPIENT_WORDS: Readonly<Record<string, string>> = {
  referring_agency: 'The referring agency',
  former_partner: 'The other parent',
  other_person: 'Another person',
  other_agency: 'Another agency',
  childrens_services: "Children's services",
  police: 'The police',
  cafcass: 'Cafcass',
  other_child_agency: 'Another agency protecting children',
}
const STATUS: Readonly<Record<string, [string, string]>> = {
  awaiting_confirmation: ['Waiting for the coordinator', 'yellow'],
  awaiting_sign_off: ['Waiting for a second person', 'orange'],
  released: ['Released', 'green'],
  refused: ['Refused by the policy', 'red'],
  declined: ['Declined by the centre', 'grey'],
}

export const disclosureTag = (status: string): Html => {
  const [words, colour] = STATUS[status] ?? [status, 'grey']
  return tag(words, colour)
}

/** The policy's clauses by their titles, each with its id, so a reader can find it. */
export function clauseList(clauses: readonly string[]): Html {
  return html`<ul class="govuk-list govuk-list--bullet">${clauses.map(
    (id) =>
      html`<li><strong>${id}</strong>: ${(CLAUSE_TITLES as Readonly<Record<string, string>>)[id as ClauseId] ?? 'a clause of the policy'}</li>`,
  )}</ul>`
}

/** The register: every entry for the coordinator and committee; a referrer's own agency's. */
export function registerBody(input: {
  entries: readonly RegisterEntryView[]
  mayAsk: boolean
  isReferrer: boolean
}): Html {
  return html`<h1 class="govuk-heading-l">${input.isReferrer ? 'Requests for information' : 'Disclosure register'}</h1>
    ${
      input.isReferrer
        ? html`<p class="govuk-body">You may ask for the dates and times a family attended, and nothing else (ATTEND).</p>`
        : html`<p class="govuk-body">Every request to share a family's information, decided by the centre's policy.</p>`
    }
    ${input.mayAsk ? html`<a class="govuk-button" href="/disclosures/new" role="button" draggable="false">${input.isReferrer ? 'Ask for dates of attendance' : 'Record a request'}</a>` : ''}
    ${table({
      caption: 'Requests',
      isCaptionHidden: true,
      head: ['Asked', 'Family', 'What', 'For', 'Status'],
      rows: input.entries.map((e) => [
        shortDate(e.requestedAt),
        link(`/disclosures/${e.id}`, e.familyReference),
        CATEGORY_WORDS[e.category] ?? e.category,
        e.recipient.name || (RECIPIENT_WORDS[e.recipient.kind] ?? e.recipient.kind),
        disclosureTag(e.status),
      ]),
      empty: 'No requests yet.',
    })}`
}

/** The decision in plain words: what the policy said, why, and by which clauses. */
function decisionSummary(e: RegisterEntryView): Html {
  const said =
    e.decision.effect === 'deny'
      ? 'The policy does not allow this.'
      : e.status === 'awaiting_sign_off'
        ? 'The policy allows this once a second person has signed it off.'
        : e.status === 'released'
          ? 'The policy allowed this, and it was released.'
          : e.status === 'declined'
            ? 'The policy would allow this, but the centre declined it.'
            : 'The policy allows this once the coordinator confirms it.'
  return html`<div class="govuk-inset-text haven-decision">
    <h2 class="govuk-heading-m">The decision</h2>
    <p class="govuk-body-l">${said}</p>
    ${e.decision.reasons.length > 0 ? html`<ul class="govuk-list govuk-list--bullet">${e.decision.reasons.map((r) => html`<li>${r}</li>`)}</ul>` : ''}
    <h3 class="govuk-heading-s">Under these clauses of the policy (version ${String(e.decision.policyVersion)})</h3>
    ${clauseList(e.decision.clauses)}</div>`
}

/** One entry: what was asked, the engine's decision and clauses, and what may be done next. */
export function disclosureBody(input: {
  entry: RegisterEntryView
  csrf: string
  mayConfirm: boolean
  done?: string | undefined
  error?: FormError | undefined
  released?: Html | undefined
}): Html {
  const e = input.entry
  const waiting = e.status === 'awaiting_confirmation' || e.status === 'awaiting_sign_off'
  const downloads: Html[] = []
  if (e.status === 'released' && e.category === 'attendance')
    downloads.push(
      html`<li>${link(`/api/disclosures/${e.id}/statement.pdf`, 'Attendance statement (PDF)')}</li>`,
      html`<li>${link(`/api/disclosures/${e.id}/statement.csv`, 'Attendance statement (CSV)')}</li>`,
    )
  if (e.status === 'refused')
    downloads.push(
      html`<li>${link(`/api/disclosures/${e.id}/letter.pdf`, 'Letter explaining the refusal (PDF)')}</li>`,
    )
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <span class="govuk-caption-l">Request to disclose, family ${e.familyReference}</span>
    <h1 class="govuk-heading-l">${CATEGORY_WORDS[e.category] ?? e.category}</h1>
    ${summaryList([
      ['Status', disclosureTag(e.status)],
      ['Asked on', shortDate(e.requestedAt)],
      [
        'For',
        `${e.recipient.name}${e.recipient.name ? ' (' : ''}${RECIPIENT_WORDS[e.recipient.kind] ?? e.recipient.kind}${e.recipient.name ? ')' : ''}`,
      ],
      ['Purpose', PURPOSE_WORDS[e.purpose] ?? e.purpose],
      ...(e.period
        ? [['Period', `${shortDate(e.period.from)} to ${shortDate(e.period.to)}`] as const]
        : []),
      ...(e.legalBasis ? [['Legal basis', e.legalBasis] as const] : []),
      ...(e.reason ? [['Why', e.reason] as const] : []),
      ...(e.decidedAt ? [['Decided on', shortDate(e.decidedAt)] as const] : []),
      ...(e.personTold === null
        ? []
        : [['Person told', e.personTold ? 'Yes' : `No: ${e.notToldReason ?? ''}`] as const]),
    ])}
    ${decisionSummary(e)}
    ${input.released ?? ''}
    ${downloads.length > 0 ? html`<h2 class="govuk-heading-m">Documents</h2><ul class="govuk-list">${downloads}</ul>` : ''}
    ${
      input.mayConfirm && waiting
        ? html`<h2 class="govuk-heading-m">${e.status === 'awaiting_sign_off' ? 'Sign off and release' : 'Confirm and release'}</h2>
        <p class="govuk-body">Haven decides again on today's facts when you confirm: a consent withdrawn since, or a policy changed, refuses it now.</p>
        ${postForm(
          `/disclosures/${e.id}/confirm`,
          input.csrf,
          html`<input type="hidden" name="version" value="${String(e.version)}">
          ${choiceField({
            kind: 'radios',
            name: 'personTold',
            label: 'Has the person concerned been told? (where the policy asks)',
            hint: 'Leave this unanswered if the policy does not ask it',
            options: [
              ['yes', 'Yes'],
              ['no', 'No'],
            ],
            isInline: true,
            error: input.error,
          })}
          ${textArea({ name: 'notToldReason', label: 'If not, why not', value: '', error: input.error, rows: 2 })}
          <div class="govuk-button-group">${button(e.status === 'awaiting_sign_off' ? 'Sign off and release' : 'Confirm and release')}</div>`,
        )}
        ${postForm(
          `/disclosures/${e.id}/decline`,
          input.csrf,
          html`<input type="hidden" name="version" value="${String(e.version)}">${button('Decline the request', 'warning')}`,
        )}`
        : ''
    }
    <p class="govuk-body">${link('/disclosures', 'Back to the register')}</p>`
}

export type DisclosureForm = Readonly<Record<string, string>>

/**
 * The form to ask: a referrer asks for dates of attendance for a family their agency
 * referred; the coordinator records any request (from an agency or anyone else) about the
 * family chosen, for a person's contact details too.
 */
export function disclosureFormBody(input: {
  form: DisclosureForm
  csrf: string
  isReferrer: boolean
  families: readonly { id: string; reference: string }[]
  family?: FamilyView | undefined
  agencies: readonly { id: string; name: string }[]
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  const period = html`<fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Which period? (optional: leave empty for every session)</legend>
    ${textField({ name: 'from', label: 'From', type: 'date', value: f.from, error: e, width: 'govuk-input--width-10' })}
    ${textField({ name: 'to', label: 'To', type: 'date', value: f.to, error: e, width: 'govuk-input--width-10' })}</fieldset>`
  if (input.isReferrer)
    return html`${errorSummary(e)}<h1 class="govuk-heading-l">Ask for dates of attendance</h1>
      <p class="govuk-body">The centre gives dates and times of attendance, and nothing else: no notes, no reports, no addresses.</p>
      ${postForm(
        '/disclosures',
        input.csrf,
        html`${selectField({
          name: 'familyId',
          label: 'Which family?',
          value: f.familyId,
          options: [
            ['', 'Choose a family'],
            ...input.families.map((x) => [x.id, x.reference] as const),
          ],
          error: e,
        })}
        ${choiceField({
          kind: 'radios',
          name: 'purpose',
          label: 'What is it for?',
          options: [
            ['family_proceedings', PURPOSE_WORDS.family_proceedings ?? ''],
            ['other', PURPOSE_WORDS.other ?? ''],
          ],
          values: [f.purpose ?? ''],
          error: e,
        })}
        ${period}${button('Send the request')}`,
      )}`
  const family = input.family
  if (!family)
    return html`${errorSummary(e)}<h1 class="govuk-heading-l">Record a request to disclose</h1>
      <form method="get" action="/disclosures/new" novalidate>
        ${selectField({ name: 'familyId', label: 'Which family is it about?', value: f.familyId, options: [['', 'Choose a family'], ...input.families.map((x) => [x.id, x.reference] as const)], error: e })}
        <button type="submit" class="govuk-button">Continue</button></form>`
  const adults = family.people.filter((p) => p.kind !== 'child')
  return html`${errorSummary(e)}<span class="govuk-caption-l">Family ${family.reference}</span>
    <h1 class="govuk-heading-l">Record a request to disclose</h1>
    ${postForm(
      '/disclosures',
      input.csrf,
      html`<input type="hidden" name="familyId" value="${family.id}">
      ${f.concernId ? html`<input type="hidden" name="concernId" value="${f.concernId}"><p class="govuk-inset-text">This answers a safeguarding concern raised by a worker (EXCEPT): the register links the two.</p>` : ''}
      ${choiceField({ kind: 'radios', name: 'category', label: 'What is asked for?', options: Object.entries(CATEGORY_WORDS), values: [f.category ?? ''], error: e })}
      ${selectField({ name: 'personId', label: 'Whose contact details? (for contact details)', value: f.personId, options: [['', 'Nobody in particular'], ...adults.map((p) => [p.id, [p.givenName, p.familyName].filter(Boolean).join(' ') || p.kind.replaceAll('_', ' ')] as const)], error: e })}
      ${choiceField({ kind: 'radios', name: 'purpose', label: 'What is it for?', options: Object.entries(PURPOSE_WORDS), values: [f.purpose ?? ''], error: e })}
      ${selectField({ name: 'agencyId', label: 'Asked by one of the centre’s agencies', hint: 'Or leave this and say who is asking below', value: f.agencyId, options: [['', 'Not an agency of the centre'], ...input.agencies.map((a) => [a.id, a.name] as const)], error: e })}
      ${selectField({ name: 'recipientKind', label: 'Otherwise, who is asking?', value: f.recipientKind, options: [['', 'Choose'], ...Object.entries(RECIPIENT_WORDS).filter(([k]) => k !== 'referring_agency')], error: e })}
      ${textField({ name: 'recipientName', label: 'Their name', value: f.recipientName, error: e })}
      ${choiceField({
        kind: 'radios',
        name: 'atRisk',
        label: 'Who is at risk? (when a child or someone is at risk)',
        options: [
          ['child', 'A child'],
          ['users', 'Someone using the centre'],
          ['volunteers', 'A volunteer'],
          ['staff', 'A member of staff'],
        ],
        values: [f.atRisk ?? ''],
        error: e,
      })}
      ${textArea({ name: 'reason', label: 'Why (when someone is at risk, or the law requires it)', value: f.reason, error: e, rows: 3 })}
      ${textField({ name: 'legalBasis', label: 'Legal basis (when the law requires it)', hint: 'For example, the reference of a court order', value: f.legalBasis, error: e })}
      ${period}${button('Record and decide')}`,
    )}`
}
