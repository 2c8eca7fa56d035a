import type { ContactDetails } from '../app/contact-details.ts'
import type { FamilyActions } from '../app/families.ts'
import type { FamilyView } from '../domain/cases/family-view.ts'
import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  clockTime,
  errorSummary,
  link,
  pagination,
  postForm,
  shortDate,
  successBanner,
  table,
  textArea,
  textField,
  type FormError,
} from './page-kit.ts'

const KIND_WORDS: Readonly<Record<string, string>> = {
  resident_parent: 'Parent the children live with',
  non_resident_parent: 'Visiting parent',
  child: 'Child',
  other_adult: 'Named adult',
}
const FIELD_WORDS: Readonly<Record<string, string>> = {
  first_names: 'names',
  full_names: 'full names',
  children: 'the children',
  court_order: 'the court order',
  separation_plan: 'the separation plan',
  safety_flags: 'safety flags',
  session_times: 'sessions',
  history: 'history',
}

/**
 * The families this reader may see, by reference (as the policy lets them see each), and a
 * box to find one. The search is a POST with the page's CSRF token, not a GET: what is typed
 * is a name, a postcode or a number, and must not stay in an address bar, the browser's
 * history or a proxy's log.
 */
export function familyListBody(
  families: readonly FamilyView[],
  page: { number: number; hasNext: boolean } = { number: 1, hasNext: false },
  search?: { csrf: string; query?: string; isCapped?: boolean; error?: FormError },
): Html {
  const query = search?.query
  return html`<h1 class="govuk-heading-l">${query === undefined ? 'Families' : 'Families found'}</h1>
    ${errorSummary(search?.error)}
    ${
      search
        ? html`<form method="post" action="/families/search" class="haven-filter" novalidate>
      <input type="hidden" name="_csrf" value="${search.csrf}">
      ${textField({ name: 'q', label: 'Find a family', hint: 'By reference (F-0012), a name, a postcode or a phone number', value: query ?? '', error: search.error, width: 'govuk-input--width-20' })}
      <button type="submit" class="govuk-button govuk-button--secondary">Find</button></form>`
        : ''
    }
    ${query === undefined ? '' : html`<p class="govuk-body">${families.length === 0 ? 'No family you may see matches.' : `${String(families.length)} ${families.length === 1 ? 'family matches' : 'families match'}${search?.isCapped ? ' (the first; add a word to narrow the search)' : ''}.`} ${link('/families', 'All families')}</p>`}
    ${
      families.length === 0
        ? query === undefined
          ? html`<p class="govuk-body">No families you may see.</p>`
          : ''
        : table({
            caption: 'Families',
            isCaptionHidden: true,
            head: ['Reference', 'People', 'Status'],
            rows: families.map((f) => [
              html`<a class="govuk-link" href="/families/${f.id}">${f.reference}</a>`,
              f.people
                .map((p) => p.givenName ?? '')
                .filter((n) => n !== '')
                .join(', '),
              (f.status ?? '').replaceAll('_', ' '),
            ]),
            empty: '',
          })
    }
    ${query === undefined ? pagination('Pages of families', page, (n) => `/families?page=${String(n)}`) : ''}`
}

/**
 * A family's record as the policy lets this reader see it. Contact details are masked: each
 * person with details has a reveal form that asks why (CONTACT); the reason is kept and the
 * reveal audited. What was revealed shows on this response only, never cached.
 */
export function familyBody(input: {
  family: FamilyView
  csrf: string
  /** What this reader may do from the record, as the policy decides. */
  actions?: FamilyActions
  revealed?: { personId: string; details: ContactDetails } | undefined
  error?: { personId: string; message: string } | undefined
  done?: string | undefined
}): Html {
  const f = input.family
  return html`${
    input.error
      ? errorSummary({ field: `reason-${input.error.personId}`, message: input.error.message })
      : ''
  }${input.done ? successBanner([input.done]) : ''}<span class="govuk-caption-l">Family</span>
    <h1 class="govuk-heading-l">${f.reference}</h1>
    ${
      f.separationPlan?.isRequired === true
        ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span>
          <strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> The parents must not meet: arrivals and departures are ${String(f.separationPlan.staggerMinutes)} minutes apart.</strong></div>`
        : ''
    }
    ${
      f.withheld.length > 0
        ? html`<p class="govuk-inset-text">Not shown to you, as the policy says: ${f.withheld.map((w) => FIELD_WORDS[w] ?? w).join(', ')}.</p>`
        : ''
    }
    ${
      f.safetyFlags !== undefined && f.safetyFlags.length > 0
        ? html`<p class="govuk-inset-text">Safety: ${f.safetyFlags.map((flag) => flag.replaceAll('_', ' ')).join(', ')}.</p>`
        : ''
    }
    ${
      input.actions &&
      (input.actions.bookSessions ||
        input.actions.recordDisclosure ||
        input.actions.recordConsents ||
        input.actions.holdRecords ||
        input.actions.correctPeople ||
        input.actions.changeDoorDetails)
        ? html`<ul class="govuk-list haven-actions">
          ${input.actions.bookSessions ? html`<li><a class="govuk-link" href="/sessions/new?familyId=${f.id}">Book a session</a></li>` : ''}
          ${input.actions.recordDisclosure ? html`<li><a class="govuk-link" href="/disclosures/new?familyId=${f.id}">Record a request to disclose</a></li>` : ''}
          ${input.actions.recordConsents ? html`<li><a class="govuk-link" href="/families/${f.id}/consents">Consents</a></li>` : ''}
          ${input.actions.changeDoorDetails ? html`<li><a class="govuk-link" href="/families/${f.id}/safety">Safety and keeping apart</a></li>` : ''}
          ${input.actions.correctPeople ? html`<li><a class="govuk-link" href="/families/${f.id}/children/new">Add a child</a></li>` : ''}
          ${input.actions.holdRecords ? html`<li><a class="govuk-link" href="/families/${f.id}/legal-hold">Legal hold</a></li>` : ''}</ul>`
        : ''
    }
    <h2 class="govuk-heading-m">People</h2>
    ${f.people.map((p) => personCard(p, input))}
    ${
      f.sessions === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">Sessions</h2>
          <ul class="govuk-list">${f.sessions.map(
            (s) =>
              html`<li>${shortDate(s.startsAt)} ${clockTime(s.startsAt)} to ${clockTime(s.endsAt)}, ${s.room}: ${s.status.replaceAll('_', ' ')}</li>`,
          )}</ul>`
    }`
}

function personCard(
  p: FamilyView['people'][number],
  input: Parameters<typeof familyBody>[0],
): Html {
  const name = [p.givenName, p.familyName].filter(Boolean).join(' ') || 'Name not shown'
  const revealed = input.revealed?.personId === p.id ? input.revealed.details : undefined
  const error = input.error?.personId === p.id ? input.error.message : undefined
  return html`<div class="govuk-summary-card">
    <div class="govuk-summary-card__title-wrapper"><h3 class="govuk-summary-card__title">${name}</h3>${
      input.actions?.correctPeople === true && p.version !== undefined
        ? html`<ul class="govuk-summary-card__actions"><li class="govuk-summary-card__action"><a class="govuk-link" href="/families/${input.family.id}/people/${p.id}/edit">Change<span class="govuk-visually-hidden"> ${name}'s details</span></a></li></ul>`
        : ''
    }</div>
    <div class="govuk-summary-card__content"><dl class="govuk-summary-list">
      <div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Who</dt>
        <dd class="govuk-summary-list__value">${KIND_WORDS[p.kind] ?? p.kind}${p.relationship ? html` (${p.relationship})` : ''}</dd></div>
      ${p.dateOfBirth === undefined ? '' : html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Date of birth</dt><dd class="govuk-summary-list__value">${p.dateOfBirth}</dd></div>`}
      ${
        p.hasContactDetails !== true
          ? ''
          : html`<div class="govuk-summary-list__row"><dt class="govuk-summary-list__key">Contact details</dt>
            <dd class="govuk-summary-list__value">${
              revealed
                ? html`<ul class="govuk-list">${revealed.address ? html`<li>${revealed.address}</li>` : ''}${revealed.phone ? html`<li>${revealed.phone}</li>` : ''}${revealed.email ? html`<li>${revealed.email}</li>` : ''}</ul>`
                : html`<span aria-label="hidden">••••••</span>`
            }</dd></div>`
      }
    </dl>
    ${
      p.hasContactDetails === true && !revealed && input.actions?.reveal.includes(p.id) === true
        ? html`<form method="post" action="/families/${input.family.id}/people/${p.id}/reveal" novalidate>
          <input type="hidden" name="_csrf" value="${input.csrf}">
          <div class="govuk-form-group${error ? ' govuk-form-group--error' : ''}">
            <label class="govuk-label" for="reason-${p.id}">Why do you need ${p.givenName ?? 'their'}${p.givenName ? "'s" : ''} contact details?</label>
            ${error ? html`<p class="govuk-error-message" id="reason-${p.id}-error"><span class="govuk-visually-hidden">Error:</span> ${error}</p>` : ''}
            <input class="govuk-input${error ? ' govuk-input--error' : ''}" id="reason-${p.id}" name="reason" type="text" autocomplete="off"${error ? html` aria-describedby="reason-${p.id}-error"` : ''}>
          </div>
          <button type="submit" class="govuk-button govuk-button--secondary">Show contact details</button>
        </form>`
        : ''
    }
    </div></div>`
}

/**
 * Correcting a person's record (DPA): names, relationship, parental responsibility, whether
 * they may come, and new contact details. What is held is not shown here (that is a reveal,
 * with a reason): a new address, phone or e-mail replaces the one held, an empty box keeps
 * it, and "remove" takes it away. New details are sealed as they arrive.
 */
export function personFormBody(input: {
  family: { id: string; reference: string }
  person: FamilyView['people'][number]
  form: Record<string, string>
  csrf: string
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  const p = input.person
  const name = [p.givenName, p.familyName].filter(Boolean).join(' ')
  const isChild = p.kind === 'child'
  return html`${errorSummary(e)}
    <span class="govuk-caption-l">Family ${input.family.reference}</span>
    <h1 class="govuk-heading-l">Change ${name}'s details</h1>
    ${postForm(
      `/families/${input.family.id}/people/${p.id}/edit`,
      input.csrf,
      html`<input type="hidden" name="version" value="${f.version ?? ''}">
      ${textField({ name: 'givenName', label: 'First name', value: f.givenName, error: e })}
      ${textField({ name: 'familyName', label: 'Last name', value: f.familyName, error: e })}
      ${
        isChild
          ? textField({
              name: 'dateOfBirth',
              label: 'Date of birth',
              hint: 'For example, 2019-05-02',
              type: 'date',
              value: f.dateOfBirth,
              error: e,
              width: 'govuk-input--width-10',
            })
          : textField({
              name: 'relationship',
              label: 'Relationship to the children (optional)',
              value: f.relationship,
              error: e,
              width: 'govuk-input--width-20',
            })
      }
      ${
        isChild
          ? ''
          : choiceField({
              kind: 'radios',
              name: 'hasParentalResponsibility',
              label: 'Do they have parental responsibility?',
              options: [
                ['yes', 'Yes'],
                ['no', 'No'],
              ],
              values: [f.hasParentalResponsibility ?? ''],
              isInline: true,
              error: e,
            })
      }
      ${choiceField({
        kind: 'radios',
        name: 'mayAttend',
        label: 'May they come to sessions?',
        options: [
          ['yes', 'Yes'],
          ['no', 'No'],
        ],
        values: [f.mayAttend ?? ''],
        isInline: true,
        error: e,
      })}
      ${
        isChild
          ? ''
          : html`      <h2 class="govuk-heading-m">Contact details</h2>
      <p class="govuk-body">What is held is not shown here. Type only what changes; an empty box keeps what is held.</p>
      ${textArea({ name: 'address', label: 'New address (optional)', hint: 'Kept sealed; never shown to the other parent', value: f.address, error: e, rows: 3 })}
      ${textField({ name: 'phone', label: 'New phone number (optional)', value: f.phone, error: e, width: 'govuk-input--width-20' })}
      ${textField({ name: 'email', label: 'New email address (optional)', type: 'email', value: f.email, error: e })}
      ${choiceField({
        kind: 'checkboxes',
        name: 'remove',
        label: 'Remove what is held',
        hint: 'For details that are no longer right and have no replacement',
        options: [
          ['address', 'The address'],
          ['phone', 'The phone number'],
          ['email', 'The email address'],
        ],
        values: (f.remove ?? '').split(',').filter(Boolean),
        error: e,
      })}
`
      }
      <div class="govuk-button-group">${button('Save the changes')}
        <a class="govuk-link" href="/families/${input.family.id}">Cancel</a></div>`,
    )}`
}
