import type { ConsentView } from '../app/consents.ts'
import type { RegisterEntryView } from '../app/disclosure-register.ts'
import type { DisposalRunView } from '../app/disposal-views.ts'
import type { SubjectAccessView } from '../app/subject-access.ts'
import {
  CATEGORY_WORDS,
  disclosureTag,
  PURPOSE_WORDS,
  RECIPIENT_WORDS,
} from './disclosure-pages.ts'
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
  table,
  tag,
  textArea,
  textField,
  type FormError,
  clockTime,
} from './page-kit.ts'

export const REPORT_KINDS = [
  ['incident', 'An incident (something went wrong during a session)'],
  ['accident', 'An accident (someone was hurt)'],
  ['safeguarding_concern', 'A safeguarding concern (a child or someone may be at risk)'],
  ['question', 'A question for the coordinator'],
] as const

/**
 * A worker's report, on a phone: an incident, an accident, a safeguarding concern (every
 * worker's duty, EXCEPT) or a question for the coordinator (GUIDE: asked here, never by
 * e-mail). Nothing of it goes into a message; those who must know are told one is waiting.
 */
export function reportBody(input: {
  form: Readonly<Record<string, string>>
  csrf: string
  families: readonly { id: string; reference: string }[]
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(e)}
    <h1 class="govuk-heading-l">Report or ask</h1>
    <p class="govuk-body">If a child is in immediate danger, call 999 first.</p>
    ${postForm(
      '/report',
      input.csrf,
      html`${choiceField({ kind: 'radios', name: 'kind', label: 'What is it?', options: REPORT_KINDS, values: [f.kind ?? ''], error: e })}
      ${selectField({ name: 'familyId', label: 'Which family? (optional)', value: f.familyId, options: [['', 'No family in particular'], ...input.families.map((x) => [x.id, x.reference] as const)], error: e })}
      ${textField({ name: 'occurredAt', label: 'When did it happen? (not for a question)', type: 'datetime-local', value: f.occurredAt, error: e })}
      ${textArea({ name: 'summary', label: 'What happened, or your question', hint: 'Facts only: what you saw and heard, and who was there', value: f.summary, error: e, rows: 6 })}
      ${button('Send')}`,
    )}
    <p class="govuk-body"><a class="govuk-link" href="/records">Your questions and their answers, and what you have recorded</a></p>`
}

/** What waits for the chair or management: agreements, disclosures, disposals. */
export function approvalsBody(input: {
  assessments:
    | readonly {
        id: string
        familyReference: string
        assessor: string
        place: string
        startsAt: string
      }[]
    | undefined
  disclosures: readonly RegisterEntryView[] | undefined
  disposals: readonly DisposalRunView[] | undefined
  csrf: string
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <h1 class="govuk-heading-l">Approvals</h1>
    ${
      input.assessments === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">Assessment agreements (ASSESS)</h2>${table({
            caption: 'Agreements waiting for approval',
            isCaptionHidden: true,
            head: ['When', 'Family', 'Assessor', 'Where', ''],
            rows: input.assessments.map((a) => [
              `${shortDate(a.startsAt)} ${clockTime(a.startsAt)}`,
              a.familyReference,
              a.assessor,
              a.place.replaceAll('_', ' '),
              postForm(
                `/approvals/assessments/${a.id}`,
                input.csrf,
                button('Approve', 'secondary'),
                `Approve the agreement for ${a.familyReference}`,
              ),
            ]),
            empty: 'No agreements waiting.',
          })}`
    }
    ${
      input.disclosures === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">Disclosures waiting</h2>${table({
            caption: 'Disclosures waiting',
            isCaptionHidden: true,
            head: ['Asked', 'Family', 'What', 'Status'],
            rows: input.disclosures.map((d) => [
              shortDate(d.requestedAt),
              link(`/disclosures/${d.id}`, d.familyReference),
              CATEGORY_WORDS[d.category] ?? d.category,
              disclosureTag(d.status),
            ]),
            empty: 'No disclosures waiting.',
          })}`
    }
    ${
      input.disposals === undefined
        ? ''
        : html`<h2 class="govuk-heading-m">Disposal runs (RETAIN)</h2>${table({
            caption: 'Disposal runs',
            isCaptionHidden: true,
            head: ['As of', 'Status', ''],
            rows: input.disposals.map((r) => [
              link(`/centre/disposals/${r.id}`, shortDate(r.asOf)),
              tag(r.status),
              r.certificate
                ? link(`/api/disposals/${r.id}/certificate.pdf`, 'Certificate (PDF)')
                : '',
            ]),
            empty: 'No disposal runs.',
          })}`
    }
    <p class="govuk-body">${link('/centre/workers', 'Workers and their check results')} · ${link('/centre/audit', 'The audit log and its checkpoints')}</p>`
}

/**
 * A parent's own information: the policy, the consents they gave (and withdrawing one), and
 * asking for a copy of what the centre holds about them (SAR).
 */
export function myInformationBody(input: {
  people: readonly { personId: string; familyReference: string; consents: readonly ConsentView[] }[]
  requests: readonly SubjectAccessView[]
  centreSlug: string
  csrf: string
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <h1 class="govuk-heading-l">Your information</h1>
    <p class="govuk-body">Read the centre's ${link(`/centres/${input.centreSlug}/policy`, 'confidentiality policy')}: it says who may see what about you.</p>
    <h2 class="govuk-heading-m">Your consents</h2>
    <p class="govuk-body">Your address and phone number go to no one without your permission. You can withdraw a permission at any time.</p>
    ${input.people.map((p) =>
      table({
        caption: `Family ${p.familyReference}`,
        head: ['What', 'To', 'For', 'Given', 'Now', ''],
        rows: p.consents.map((c) => [
          CATEGORY_WORDS[c.category] ?? c.category,
          c.recipient.name || (RECIPIENT_WORDS[c.recipient.kind] ?? c.recipient.kind),
          PURPOSE_WORDS[c.purpose] ?? c.purpose,
          shortDate(c.givenOn),
          tag(c.state, c.state === 'live' ? 'green' : 'grey'),
          c.state === 'live'
            ? postForm(
                `/my-information/consents/${c.id}/withdraw`,
                input.csrf,
                button('Withdraw', 'warning'),
                `Withdraw consent to ${c.recipient.name}`,
              )
            : '',
        ]),
        empty: 'You have given no consents.',
      }),
    )}
    <h2 class="govuk-heading-m">Ask for a copy of your information</h2>
    <p class="govuk-body">The centre answers within one calendar month. Information about other people is left out.</p>
    ${
      input.requests.length > 0
        ? table({
            caption: 'Your requests',
            head: ['Asked', 'Due', 'Status'],
            rows: input.requests.map((r) => [
              shortDate(r.receivedOn),
              shortDate(r.dueOn),
              r.completedOn ? `Answered ${shortDate(r.completedOn)}` : 'Open',
            ]),
            empty: '',
          })
        : ''
    }
    ${input.people.map((p) =>
      postForm(
        '/my-information/subject-access',
        input.csrf,
        html`<input type="hidden" name="personId" value="${p.personId}">${button(input.people.length > 1 ? `Ask for a copy (family ${p.familyReference})` : 'Ask for a copy', 'secondary')}`,
      ),
    )}`
}
