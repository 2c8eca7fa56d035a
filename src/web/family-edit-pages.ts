import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  link,
  postForm,
  textArea,
  textField,
  type FormError,
} from './page-kit.ts'

/** A child added to a family after its referral: names, date of birth, whether they come. */
export function childFormBody(input: {
  family: { id: string; reference: string }
  form: Readonly<Record<string, string>>
  csrf: string
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${errorSummary(e)}
    <span class="govuk-caption-l">Family ${input.family.reference}</span>
    <h1 class="govuk-heading-l">Add a child</h1>
    ${postForm(
      `/families/${input.family.id}/children`,
      input.csrf,
      html`${textField({ name: 'givenName', label: 'First name', value: f.givenName, error: e })}
      ${textField({ name: 'familyName', label: 'Last name', value: f.familyName, error: e })}
      ${textField({ name: 'dateOfBirth', label: 'Date of birth', hint: 'For example, 2019-05-02. The child is under 18.', type: 'date', value: f.dateOfBirth, error: e, width: 'govuk-input--width-10' })}
      ${choiceField({
        kind: 'radios',
        name: 'mayAttend',
        label: 'May they come to sessions?',
        options: [
          ['yes', 'Yes'],
          ['no', 'No'],
        ],
        values: [f.mayAttend ?? 'yes'],
        isInline: true,
        error: e,
      })}
      <div class="govuk-button-group">${button('Add the child')}${link(`/families/${input.family.id}`, 'Cancel')}</div>`,
    )}`
}

/** A flag as words: "no_photographs" reads "no photographs". */
export const flagWords = (flag: string): string => flag.replaceAll('_', ' ')

/**
 * What the door needs to know about a family: whether the parents must be kept apart, and
 * the safety flags (short notes such as "no photographs", one a line). The version the form
 * was drawn from goes with it: a change made meanwhile is refused.
 */
export function doorDetailsBody(input: {
  family: { id: string; reference: string }
  form: Readonly<Record<string, string>>
  staggerMinutes: number | undefined
  csrf: string
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${errorSummary(e)}
    <span class="govuk-caption-l">Family ${input.family.reference}</span>
    <h1 class="govuk-heading-l">Safety and keeping apart</h1>
    <p class="govuk-body">What the door and the session's workers see before the family arrives.</p>
    ${postForm(
      `/families/${input.family.id}/safety`,
      input.csrf,
      html`<input type="hidden" name="version" value="${f.version ?? ''}">
      ${choiceField({
        kind: 'radios',
        name: 'separation',
        label: 'Must the parents be kept apart?',
        hint:
          input.staggerMinutes === undefined
            ? undefined
            : `If so, they arrive and leave ${String(input.staggerMinutes)} minutes apart at sessions booked or changed from now on.`,
        options: [
          ['yes', 'Yes, they must not meet'],
          ['no', 'No'],
        ],
        values: [f.separation ?? ''],
        isInline: true,
        error: e,
      })}
      ${textArea({ name: 'flags', label: 'Safety flags', hint: 'One a line, a few words each, for example "no photographs" or "escort to car". Leave it empty for none.', value: f.flags, error: e, rows: 5 })}
      <div class="govuk-button-group">${button('Save')}${link(`/families/${input.family.id}`, 'Cancel')}</div>`,
    )}`
}
