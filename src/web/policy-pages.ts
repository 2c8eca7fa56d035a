import type { CurrentPolicy } from '../app/centre-policy.ts'
import { PRESET_NAMES } from '../domain/policy/presets.ts'
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
  textField,
  type FormError,
} from './page-kit.ts'

const PRESET_WORDS: Readonly<Record<string, string>> = {
  cordomus: 'Cordomus model policy',
  'st-marys': "St Mary's",
  chichester: 'Chichester',
  preston: 'Preston',
  birmingham: 'Birmingham',
}

/** The settings a centre changes most, as form fields over the policy's parameters. */
export const SETTINGS = [
  {
    name: 'retentionYears',
    path: ['retention', 'years'],
    label: 'Years unused before records are destroyed (RETAIN)',
    kind: 'number',
  },
  {
    name: 'retentionAutomatic',
    path: ['retention', 'isAutomatic'],
    label: 'Destroy without an approval each time (RETAIN)',
    kind: 'boolean',
  },
  {
    name: 'checkRenewalMonths',
    path: ['checks', 'renewalMonths'],
    label: 'Months before a check is renewed (CHECKS)',
    kind: 'number',
  },
  {
    name: 'reviewMonths',
    path: ['review', 'intervalMonths'],
    label: 'Months between reviews of the policy (REVIEW)',
    kind: 'number',
  },
] as const

export type SettingValues = Readonly<Record<string, string>>

/** The policy page: the policy in force, its review, acknowledgement and (for its editors) change. */
export function policyBody(input: {
  policy: CurrentPolicy
  csrf: string
  own: { version: number; acknowledgedAt: string | null } | undefined
  mayAcknowledge: boolean
  mayManage: boolean
  acknowledgements: { displayName: string; acknowledgedAt: string | null }[] | undefined
  settings: SettingValues
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
          <h2 class="govuk-heading-m">Change the settings</h2>
          ${postForm(
            '/policy/settings',
            input.csrf,
            html`<input type="hidden" name="version" value="${String(p.version)}">
            ${SETTINGS.map((s) =>
              s.kind === 'number'
                ? textField({
                    name: s.name,
                    label: s.label,
                    type: 'number',
                    value: input.settings[s.name],
                    error: e,
                    width: 'govuk-input--width-5',
                  })
                : choiceField({
                    kind: 'radios',
                    name: s.name,
                    label: s.label,
                    options: [
                      ['yes', 'Yes'],
                      ['no', 'No'],
                    ],
                    values: [input.settings[s.name] ?? ''],
                    isInline: true,
                    error: e,
                  }),
            )}${button('Publish a new version')}`,
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

/** Reads the settings' current values from a policy document. */
export function settingsOf(document: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  for (const s of SETTINGS) {
    let value: unknown = (document as { parameters: unknown }).parameters
    for (const key of s.path) value = (value as Record<string, unknown>)[key]
    out[s.name] = typeof value === 'boolean' ? (value ? 'yes' : 'no') : String(value)
  }
  return out
}

/** The next version's document: the current one with the form's settings, or the field in error. */
export function withSettings(
  document: Record<string, unknown>,
  form: SettingValues,
): { ok: true; document: Record<string, unknown> } | { ok: false; error: FormError } {
  const next = structuredClone(document) as {
    parameters: Record<string, Record<string, unknown>>
    version: number
  }
  for (const s of SETTINGS) {
    const raw = (form[s.name] ?? '').trim()
    const [group, key] = s.path
    const target = next.parameters[group]
    if (!target) continue
    if (s.kind === 'number') {
      if (!/^\d{1,3}$/.test(raw))
        return { ok: false, error: { field: s.name, message: 'enter a whole number' } }
      target[key] = Number(raw)
    } else {
      if (raw !== 'yes' && raw !== 'no')
        return { ok: false, error: { field: s.name, message: 'choose yes or no' } }
      target[key] = raw === 'yes'
    }
  }
  next.version += 1
  return { ok: true, document: next }
}
