import type { CurrentPolicy } from '../app/centre-policy.ts'
import { PRESET_NAMES } from '../domain/policy/presets.ts'
import type { PolicyDocument } from '../domain/policy/document.ts'
import type { DecisionChange } from '../domain/policy/preview.ts'
import { renderPolicyHtml } from '../domain/policy/render.ts'
import { Html, html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  postForm,
  shortDate,
  successBanner,
  table,
  textArea,
  type FormError,
} from './page-kit.ts'
import { hiddenValues, policyFields, type PolicyFormValues } from './policy-form.ts'

const PRESET_WORDS: Readonly<Record<string, string>> = {
  cordomus: 'Cordomus model policy',
  'st-marys': "St Mary's",
  chichester: 'Chichester',
  preston: 'Preston',
  birmingham: 'Birmingham',
}

/** The policy page: the policy in force, its review, acknowledgement and (for its editors) change. */
export function policyBody(input: {
  policy: CurrentPolicy
  csrf: string
  own: { version: number; acknowledgedAt: string | null } | undefined
  mayAcknowledge: boolean
  mayManage: boolean
  acknowledgements: { displayName: string; acknowledgedAt: string | null }[] | undefined
  settings: PolicyFormValues
  done?: readonly string[] | undefined
  error?: FormError | undefined
}): Html {
  const p = input.policy
  const e = input.error
  return html`${successBanner(input.done ?? [])}${errorSummary(e)}
    <span class="govuk-caption-l">Version ${String(p.version)}, published ${shortDate(p.publishedAt)}</span>
    <h1 class="govuk-heading-l">The confidentiality policy</h1>
    ${
      p.isReviewOverdue
        ? html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> The review was due on ${shortDate(p.nextReviewDue)}.</strong></div>`
        : html`<p class="govuk-body">Last reviewed ${shortDate(p.lastReviewedOn)}; next review due ${shortDate(p.nextReviewDue)}.</p>`
    }
    ${
      input.mayAcknowledge && input.own
        ? input.own.acknowledgedAt
          ? html`<p class="govuk-inset-text">You acknowledged version ${String(input.own.version)} on ${shortDate(input.own.acknowledgedAt)}.</p>`
          : postForm(
              '/policy/acknowledge',
              input.csrf,
              html`<p class="govuk-body">Read the policy below, then say you have read it.</p>${button('I have read and will follow this policy')}`,
            )
        : ''
    }
    ${
      input.mayManage
        ? html`<details class="govuk-details"${e ? ' open' : ''}><summary class="govuk-details__summary"><span class="govuk-details__summary-text">Change the policy</span></summary>
          <div class="govuk-details__text">
          <h2 class="govuk-heading-m">Change the policy's settings</h2>
          <p class="govuk-body">Every setting below changes what Haven allows or refuses. You will see the new policy and the decisions that change before anything is published.</p>
          ${postForm(
            '/policy/settings/check',
            input.csrf,
            html`<input type="hidden" name="version" value="${String(p.version)}">
            ${policyFields(input.settings, e)}${button('Check your changes')}`,
          )}
          <h2 class="govuk-heading-m">Start again from a model policy</h2>
          ${postForm(
            '/policy/preset',
            input.csrf,
            html`${choiceField({ kind: 'radios', name: 'preset', label: 'Which model?', options: PRESET_NAMES.map((n) => [n, PRESET_WORDS[n] ?? n] as const), error: e })}${button('Publish it as the next version', 'secondary')}`,
          )}
          <h2 class="govuk-heading-m">Record a review</h2>
          ${postForm(
            '/policy/review',
            input.csrf,
            html`${textArea({ name: 'notes', label: 'What the review found', hint: 'The review found nothing to change: the next review falls due from today', error: e, rows: 3 })}${button('Record the review', 'secondary')}`,
          )}
          </div></details>`
        : ''
    }
    ${
      input.acknowledgements
        ? html`<h2 class="govuk-heading-m">Who has acknowledged version ${String(p.version)}</h2>${table(
            {
              caption: 'Acknowledgements',
              isCaptionHidden: true,
              head: ['Worker', 'Acknowledged'],
              rows: input.acknowledgements.map((a) => [
                a.displayName,
                a.acknowledgedAt ? shortDate(a.acknowledgedAt) : 'Not yet',
              ]),
              empty: 'No workers yet.',
            },
          )}`
        : ''
    }
    <div class="haven-policy">${new Html(renderPolicyHtml(p.document))}</div>`
}

/**
 * "Check your changes": what changes in words, the decisions that would differ, and the new
 * policy as it will read; then publish it, or go back and change the answers.
 */
export function checkChangesBody(input: {
  csrf: string
  version: number
  document: PolicyDocument
  changes: readonly string[]
  decisions: readonly DecisionChange[]
  values: PolicyFormValues
}): Html {
  return html`<span class="govuk-caption-l">The confidentiality policy</span>
    <h1 class="govuk-heading-l">Check your changes</h1>
    <h2 class="govuk-heading-m">What changes</h2>
    ${
      input.changes.length === 0
        ? html`<p class="govuk-body">Nothing: the new version would say the same as version ${String(input.version - 1)}.</p>`
        : html`<ul class="govuk-list govuk-list--bullet">${input.changes.map((c) => html`<li>${c}</li>`)}</ul>`
    }
    <h2 class="govuk-heading-m">Decisions that change</h2>
    ${table({
      caption: 'Decisions that change',
      isCaptionHidden: true,
      head: ['When', 'Now', 'From this version'],
      rows: input.decisions.map((d) => [d.what, d.before, d.after]),
      empty: 'No decision changes.',
    })}
    <h2 class="govuk-heading-m">The policy as it will read</h2>
    <div class="haven-policy govuk-inset-text">${new Html(renderPolicyHtml(input.document).replace(/<(\/?)h1>/g, '<$1h3>'))}</div>
    ${postForm(
      '/policy/settings',
      input.csrf,
      html`<input type="hidden" name="version" value="${String(input.version - 1)}">${hiddenValues(input.values)}${button(`Publish version ${String(input.version)}`)}`,
      'Publish',
    )}
    ${postForm(
      '/policy/settings/edit',
      input.csrf,
      html`<input type="hidden" name="version" value="${String(input.version - 1)}">${hiddenValues(input.values)}${button('Change your answers', 'secondary')}`,
      'Change your answers',
    )}`
}
