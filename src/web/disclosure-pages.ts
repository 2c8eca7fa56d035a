import type { ConsentView } from '../app/consents.ts'
import type { RegisterEntryView } from '../app/disclosure-register.ts'
import type { FamilyView } from '../domain/cases/family-view.ts'
import { CLAUSE_TITLES, type ClauseId } from '../domain/policy/clauses.ts'
import { AT_RISK, type AtRisk } from '../domain/policy/request.ts'
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
/** EXCEPT: who is at risk: a child, or anyone using the centre or working there. */
const AT_RISK_PAGE_WORDS: Readonly<Record<AtRisk, string>> = {
  child: 'A child',
  users: 'Someone using the centre',
  volunteers: 'A volunteer',
  staff: 'A member of staff',
  coordinator: 'The coordinator',
}
const STATUS: Readonly<Record<string, [string, string]>> = {
  awaiting_confirmation: ['Waiting for the coordinator', 'yellow'],
  awaiting_sign_off: ['Waiting for a second person', 'orange'],
  released: ['Released', 'green'],
  refused: ['Refused by the policy', 'red'],
  declined: ['Declined by the centre', 'grey'],
}

const EVIDENCE_WORDS: Readonly<Record<string, string>> = {
  written: 'in writing',
  verbal: 'spoken, recorded by the centre',
  in_haven: 'in Haven, by the parent',
}

/** A clear warning, in GOV.UK's style. */
export const warningText = (words: string): Html =>
  html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> ${words}</strong></div>`

/** Said wherever a parent's contact details could be released to their former partner (CONTACT). */
export const FORMER_PARTNER_WARNING =
  "A parent's address and phone number go to their former partner only with that parent's own consent, naming the former partner and the purpose. The former partner may be the person the parent needs protecting from: check the consent with the parent, and if there is any doubt, do not release."

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
  entry: RegisterEntryView & { consent?: ConsentView | null }
  csrf: string
  mayConfirm: boolean
  done?: string | undefined
  error?: FormError | undefined
  released?: Html | undefined
}): Html {
  const e = input.entry
  const waiting = e.status === 'awaiting_confirmation' || e.status === 'awaiting_sign_off'
  const toFormerPartner = e.category === 'contact_details' && e.recipient.kind === 'former_partner'
  const consent = input.entry.consent ?? null
  const consentWords = consent
    ? `given on ${shortDate(consent.givenOn)}, ${EVIDENCE_WORDS[consent.evidence] ?? consent.evidence}${consent.evidenceReference ? ` (${consent.evidenceReference})` : ''}, to ${consent.recipient.name}, for ${(PURPOSE_WORDS[consent.purpose] ?? consent.purpose).toLowerCase()}${consent.expiresOn ? `, until ${shortDate(consent.expiresOn)}` : ''}`
    : ''
  // CONTACT: releasing to the former partner, the confirmer confirms the very consent relied on.
  const confirmConsent =
    toFormerPartner && consent && consent.state === 'live'
      ? choiceField({
          kind: 'checkboxes',
          name: 'consentId',
          label: "The parent's consent you rely on",
          hint: 'Read it again before you confirm: only this consent allows the release',
          options: [[consent.id, `I have checked this consent and rely on it: ${consentWords}`]],
          error: input.error,
        })
      : ''
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
      ...(consent ? [['Consent relied on', `${consentWords} (${consent.state})`] as const] : []),
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
        ${toFormerPartner ? warningText(FORMER_PARTNER_WARNING) : ''}
        <p class="govuk-body">Haven decides again on today's facts when you confirm: a consent withdrawn since, or a policy changed, refuses it now.</p>
        ${postForm(
          `/disclosures/${e.id}/confirm`,
          input.csrf,
          html`<input type="hidden" name="version" value="${String(e.version)}">
          ${confirmConsent}
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
  /** The family's safeguarding concerns, one of which an exception disclosure answers. */
  concerns?: readonly { id: string; words: string }[]
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
      ${
        f.concernId
          ? html`<input type="hidden" name="concernId" value="${f.concernId}"><p class="govuk-inset-text">This answers a safeguarding concern raised by a worker (EXCEPT): the register links the two.</p>`
          : selectField({
              name: 'concernId',
              label: 'The safeguarding concern this answers (when a child or someone is at risk)',
              hint: 'A disclosure because someone is at risk always answers a concern recorded at the centre: record the concern first',
              value: f.concernId,
              options: [
                ['', 'None'],
                ...(input.concerns ?? []).map((c) => [c.id, c.words] as const),
              ],
              error: e,
            })
      }
      ${choiceField({ kind: 'radios', name: 'category', label: 'What is asked for?', options: Object.entries(CATEGORY_WORDS), values: [f.category ?? ''], error: e })}
      ${warningText(FORMER_PARTNER_WARNING)}
      ${selectField({ name: 'personId', label: 'Whose contact details? (for contact details)', value: f.personId, options: [['', 'Nobody in particular'], ...adults.map((p) => [p.id, [p.givenName, p.familyName].filter(Boolean).join(' ') || p.kind.replaceAll('_', ' ')] as const)], error: e })}
      ${choiceField({ kind: 'radios', name: 'purpose', label: 'What is it for?', options: Object.entries(PURPOSE_WORDS), values: [f.purpose ?? ''], error: e })}
      ${selectField({ name: 'agencyId', label: 'Asked by one of the centre’s agencies', hint: 'Or leave this and say who is asking below', value: f.agencyId, options: [['', 'Not an agency of the centre'], ...input.agencies.map((a) => [a.id, a.name] as const)], error: e })}
      ${selectField({ name: 'recipientKind', label: 'Otherwise, who is asking?', value: f.recipientKind, options: [['', 'Choose'], ...Object.entries(RECIPIENT_WORDS).filter(([k]) => k !== 'referring_agency')], error: e })}
      ${textField({ name: 'recipientName', label: 'Their name', value: f.recipientName, error: e })}
      ${choiceField({
        kind: 'radios',
        name: 'atRisk',
        label: 'Who is at risk? (when a child or someone is at risk)',
        options: AT_RISK.map((value) => [value, AT_RISK_PAGE_WORDS[value]] as const),
        values: [f.atRisk ?? ''],
        error: e,
      })}
      ${textArea({ name: 'reason', label: 'Why (required when a child or someone is at risk; when the law requires it)', hint: 'What was seen or heard, and who is at risk', value: f.reason, error: e, rows: 3 })}
      ${textField({ name: 'legalBasis', label: 'Legal basis (when the law requires it)', hint: 'For example, the reference of a court order', value: f.legalBasis, error: e })}
      ${period}${button('Record and decide')}`,
    )}`
}
