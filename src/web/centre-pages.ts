import { HOST_ID, OPERATOR_ID } from '../app/actor.ts'
import type {
  DisposalItemState,
  DisposalItemView,
  DisposalRunView,
  reviewDisposalRun,
} from '../app/disposal-views.ts'
import type { SubjectAccessView } from '../app/subject-access.ts'
import type { WorkerView } from '../app/workers.ts'
import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import { html, type Html } from './html.ts'
import { RECEIVED_VIA_WORDS } from './subject-access-pages.ts'
import {
  button,
  choiceField,
  errorSummary,
  link,
  pagination,
  postForm,
  selectField,
  shortDate,
  ukShortDateTime,
  successBanner,
  summaryList,
  table,
  tag,
  textArea,
  textField,
  type FormError,
} from './page-kit.ts'

/**
 * The centre's administration, reached from one page: each section its roles may open; for
 * the coordinator, whether the centre is named on Haven's public front page.
 */
export function centreHubBody(
  sections: readonly { href: string; title: string; about: string }[],
  listing?: { listed: boolean; slug: string; csrf: string; done: boolean },
): Html {
  return html`${successBanner(listing?.done ? ['Listing on the front page changed.'] : [])}<h1 class="govuk-heading-l">Centre</h1>
    <ul class="govuk-list">${sections.map(
      (s) =>
        html`<li><h2 class="govuk-heading-s govuk-!-margin-bottom-1">${link(s.href, s.title)}</h2><p class="govuk-body">${s.about}</p></li>`,
    )}</ul>
    ${
      listing
        ? html`<h2 class="govuk-heading-m">The public front page</h2>
          <p class="govuk-body">${
            listing.listed
              ? 'The centre is named on the front page, with a link to its confidentiality policy.'
              : 'The centre is not named on the front page. People reach it by its own address.'
          } Its policy is public at ${link(`/centres/${listing.slug}/policy`, `/centres/${listing.slug}/policy`)} either way.</p>
          ${postForm(
            '/centre/listing',
            listing.csrf,
            html`${choiceField({
              kind: 'radios',
              name: 'listed',
              label: 'Name the centre on the front page?',
              hint: 'Only its name and a link to its policy are shown; nothing about its families or sessions.',
              options: [
                ['yes', 'Yes, name it'],
                ['no', 'No, leave it off'],
              ],
              values: [listing.listed ? 'yes' : 'no'],
              isInline: true,
            })}${button('Save', 'secondary')}`,
          )}`
        : ''
    }`
}

/** Workers and their checks (CHECKS): results only for the roles the policy names. */
export function workersBody(input: {
  workers: readonly WorkerView[]
  csrf: string
  mayRecord: boolean
  form: Readonly<Record<string, string>>
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(e)}
    <h1 class="govuk-heading-l">Workers and their checks</h1>
    ${table({
      caption: 'Workers',
      isCaptionHidden: true,
      head: ['Worker', 'Roles', 'Renewal due', 'Checks'],
      rows: input.workers.map((w) => [
        w.displayName,
        w.roles.join(', '),
        w.renewalDueOn === null
          ? tag('no clear check', 'red')
          : html`${shortDate(w.renewalDueOn)}${w.isRenewalDueSoon ? html` ${tag('due soon', 'yellow')}` : ''}`,
        w.checks === undefined
          ? 'Not shown to you'
          : w.checks.length === 0
            ? 'None recorded'
            : html`<ul class="govuk-list">${w.checks.map(
                (c) =>
                  html`<li>${c.kind.toUpperCase()} ${c.level}, ${c.outcome}, issued ${shortDate(c.issuedOn)}</li>`,
              )}</ul>`,
      ]),
      empty: 'No workers yet.',
    })}
    ${
      input.mayRecord
        ? html`<h2 class="govuk-heading-m">Record a check</h2>
        ${postForm(
          '/centre/workers/checks',
          input.csrf,
          html`${selectField({ name: 'accountId', label: 'Worker', value: f.accountId, options: [['', 'Choose a worker'], ...input.workers.map((w) => [w.accountId, w.displayName] as const)], error: e })}
          ${choiceField({
            kind: 'radios',
            name: 'kind',
            label: 'Kind of check',
            options: [
              ['dbs', 'DBS'],
              ['crb', 'CRB (older)'],
            ],
            values: [f.kind ?? 'dbs'],
            isInline: true,
            error: e,
          })}
          ${choiceField({
            kind: 'radios',
            name: 'level',
            label: 'Level',
            options: [
              ['basic', 'Basic'],
              ['standard', 'Standard'],
              ['enhanced', 'Enhanced'],
            ],
            values: [f.level ?? 'enhanced'],
            isInline: true,
            error: e,
          })}
          ${choiceField({
            kind: 'radios',
            name: 'outcome',
            label: 'Result',
            options: [
              ['clear', 'Clear'],
              ['pending', 'Pending'],
              ['concerns', 'Concerns'],
            ],
            values: [f.outcome ?? ''],
            isInline: true,
            error: e,
          })}
          ${textField({ name: 'certificateReference', label: 'Certificate number (optional)', hint: 'Kept sealed', value: f.certificateReference, error: e, width: 'govuk-input--width-20' })}
          ${textField({ name: 'issuedOn', label: 'Issued on', type: 'date', value: f.issuedOn, error: e, width: 'govuk-input--width-10' })}
          ${textField({ name: 'renewalDueOn', label: 'Renewal due on', type: 'date', value: f.renewalDueOn, error: e, width: 'govuk-input--width-10' })}
          ${button('Record the check')}`,
        )}`
        : ''
    }`
}

const SAR_STATUS: Readonly<Record<string, string>> = {
  awaiting_identity: 'Waiting for identity',
  open: 'Open',
  paused: 'Clock stopped',
  completed: 'Completed',
}

/** Subject access requests by days left (SAR), with what moves each on. */
export function subjectAccessBody(input: {
  requests: readonly SubjectAccessView[]
  done?: string | undefined
}): Html {
  return html`${successBanner(input.done ? [input.done] : [])}
    <h1 class="govuk-heading-l">Subject access requests</h1>
    <p class="govuk-body">Open requests, the nearest due first. One calendar month from the day identity is checked; the clock stops while a clarification is awaited.</p>
    ${table({
      caption: 'Open requests',
      isCaptionHidden: true,
      head: ['Received', 'Who', 'Due', 'Days left', 'Status'],
      rows: input.requests.map((r) => [
        link(`/centre/subject-access/${r.id}`, shortDate(r.receivedOn)),
        whoAsked(r),
        shortDate(r.dueOn),
        r.daysLeft < 0 ? tag(`${String(-r.daysLeft)} days late`, 'red') : String(r.daysLeft),
        tag(r.isPaused ? 'clock stopped' : (SAR_STATUS[r.status] ?? r.status)),
      ]),
      empty: 'No open requests.',
    })}`
}

/** One request: its clock, its pauses, and the forms that move it on. */
/** The subject as "name (family reference)". */
export const whoAsked = (r: SubjectAccessView): string =>
  r.subject ? `${r.subject.name} (${r.subject.familyReference})` : 'A person of the centre'

export function subjectAccessRequestBody(input: {
  request: SubjectAccessView
  csrf: string
  /** Whether the reader may release a withheld item (the policy's export roles, SAR). */
  mayRelease: boolean
  /** Whether the reader moves requests on (handle_subject_access). */
  mayHandle: boolean
  /** Whether the reader may compile the bundle (an export, NDX). */
  mayCompile: boolean
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const r = input.request
  const e = input.error
  const open = r.completedOn === null
  const withheld = r.withheld ?? []
  const released = r.released ?? []
  // The other parent's contact details are never released (CONTACT); anything else withheld
  // from a record may be, once, with a reason.
  const isContact = (w: (typeof withheld)[number]) => w.clause.split(', ').includes('CONTACT')
  const isReleased = (w: (typeof withheld)[number]) =>
    !isContact(w) && released.some((x) => x.recordId === w.recordId)
  const stillWithheld = withheld.filter((w) => !isReleased(w))
  const releasable = stillWithheld.filter(
    (w): w is typeof w & { recordId: string } => w.recordId !== null && !isContact(w),
  )
  const labelOf = (recordId: string, kind: string) =>
    withheld.find((w) => w.recordId === recordId && !isContact(w))?.item ??
    RELEASED_WORDS[kind] ??
    kind.replaceAll('_', ' ')
  const event = (
    kind: string,
    words: string,
    fields: Html = html``,
    kindOfButton: 'primary' | 'secondary' = 'secondary',
  ) =>
    postForm(
      `/centre/subject-access/${r.id}/events`,
      input.csrf,
      html`<input type="hidden" name="version" value="${String(r.version)}"><input type="hidden" name="kind" value="${kind}">${fields}${button(words, kindOfButton)}`,
    )
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(e)}
    <span class="govuk-caption-l">Subject access request</span>
    <h1 class="govuk-heading-l">${whoAsked(r)}</h1>
    ${summaryList([
      ['Received', shortDate(r.receivedOn)],
      ...(r.receivedVia === null
        ? []
        : [['How it came', RECEIVED_VIA_WORDS[r.receivedVia] ?? r.receivedVia] as const]),
      ...(r.note === undefined ? [] : [['Note', r.note] as const]),
      [
        'Identity',
        r.identity.status === 'verified'
          ? `Checked on ${shortDate(r.identity.checkedOn ?? r.receivedOn)} (${r.identity.method ?? ''})`
          : 'Not checked yet: the clock has not started',
      ],
      [
        'Due',
        html`${shortDate(r.dueOn)} (${r.daysLeft < 0 ? `${String(-r.daysLeft)} days late` : `${String(r.daysLeft)} days left`})`,
      ],
      ...(r.extension.months > 0
        ? [
            [
              'Extended',
              `${String(r.extension.months)} month(s): ${r.extension.reason ?? ''}`,
            ] as const,
          ]
        : []),
      ...(r.pauses.length > 0
        ? [
            [
              'Clock stopped',
              html`<ul class="govuk-list">${r.pauses.map((p) => html`<li>${p.reason.replaceAll('_', ' ')} from ${shortDate(p.fromOn)}${p.toOn ? ` to ${shortDate(p.toOn)}` : ' (still stopped)'}</li>`)}</ul>`,
            ] as const,
          ]
        : []),
      [
        'Status',
        r.completedOn
          ? `Completed on ${shortDate(r.completedOn)}`
          : (SAR_STATUS[r.status] ?? r.status),
      ],
    ])}
    ${
      input.mayCompile
        ? html`<h2 class="govuk-heading-m">The bundle</h2>
    <p class="govuk-body">The subject's own data, third parties withheld and each withholding recorded: ${link(`/api/subject-access/${r.id}/bundle.pdf`, 'PDF')} or ${link(`/api/subject-access/${r.id}/bundle.json`, 'JSON')}.</p>`
        : ''
    }
    ${
      open && input.mayHandle
        ? html`<h2 class="govuk-heading-m">Move it on</h2>
        ${r.identity.status !== 'verified' ? event('identity_verified', 'Record identity checked', textField({ name: 'method', label: 'How was identity checked?', hint: 'For example, passport seen in person', error: e })) : ''}
        ${r.isPaused ? event('clarification_received', 'Clarification received: restart the clock') : event('clarification_asked', 'Asked for clarification: stop the clock')}
        ${event(
          'extended',
          'Extend',
          html`${choiceField({
            kind: 'radios',
            name: 'months',
            label: 'Extend by',
            options: [
              ['1', 'One month'],
              ['2', 'Two months'],
            ],
            isInline: true,
            error: e,
          })}${textField({ name: 'reason', label: 'Why (complex or many requests)', error: e })}`,
        )}
        ${event('completed', 'Mark as completed', html``, 'primary')}`
        : ''
    }
    ${
      stillWithheld.length > 0
        ? table({
            caption: 'Withheld from the bundle',
            head: ['What', 'Why', 'Clause'],
            rows: stillWithheld.map((w) => [w.item, w.ground, w.clause]),
            empty: '',
          })
        : ''
    }
    ${
      released.length > 0
        ? table({
            caption: 'Released after review',
            head: ['What', 'Why it was released', 'On'],
            rows: released.map((x) => [
              labelOf(x.recordId, x.item),
              x.reason,
              shortDate(x.releasedOn),
            ]),
            empty: '',
          })
        : ''
    }
    ${
      open && input.mayRelease && releasable.length > 0
        ? html`<h2 class="govuk-heading-m">Release a withheld item</h2>
        <p class="govuk-body">After review, an item withheld from the bundle may be released to the person asking. Your reason is kept with the release; the bundle includes the item from then on.</p>
        ${postForm(
          `/centre/subject-access/${r.id}/releases`,
          input.csrf,
          html`${selectField({ name: 'recordId', label: 'Which item?', options: [['', 'Choose an item'], ...releasable.map((w) => [w.recordId, w.item] as const)], error: e })}
          ${textArea({ name: 'releaseReason', label: 'Why may it be released?', hint: 'For example, the other person agreed, or it is already known to the person asking', error: e, rows: 3 })}
          ${button('Release it', 'secondary')}`,
        )}`
        : ''
    }`
}

/** What a release was of, where the withheld list no longer names the record. */
const RELEASED_WORDS: Readonly<Record<string, string>> = {
  third_party_data: "another person's data",
  violence_prevention: 'data held to prevent violent crime',
  safeguarding_record: 'a safeguarding record',
}

/** Disposal runs (RETAIN): what waits for approval, and certificates of what was destroyed. */
export function disposalsBody(input: {
  runs: readonly DisposalRunView[]
  /** The form that plans a run now, for those who may plan one. */
  plan?: { csrf: string; years: number; isAutomatic: boolean } | undefined
  done?: string | undefined
}): Html {
  const plan = input.plan
  return html`${successBanner(input.done ? [input.done] : [])}<h1 class="govuk-heading-l">Retention and disposal</h1>
    <p class="govuk-body">Records unused for the policy's period are destroyed, except what the policy keeps. Each run is decided record by record and approved by the roles the policy names.</p>
    ${
      plan
        ? postForm(
            '/centre/disposals/plan',
            plan.csrf,
            html`<p class="govuk-body">The server plans a run every day. Plan one now to see, family by family, what is due: records unused for ${plural(plan.years, 'year')} (RETAIN).</p>${
              plan.isAutomatic
                ? warningText(
                    'The policy makes disposal automatic: a run planned now is carried out at once, without approval.',
                  )
                : ''
            }${button('Plan a run now', plan.isAutomatic ? 'warning' : 'secondary')}`,
            'Plan a disposal run',
          )
        : ''
    }
    ${table({
      caption: 'Disposal runs',
      isCaptionHidden: true,
      head: ['Planned', 'As of', 'Status', 'Approved'],
      rows: input.runs.map((r) => [
        link(`/centre/disposals/${r.id}`, shortDate(r.plannedAt)),
        shortDate(r.asOf),
        tag(
          r.status,
          r.status === 'awaiting_approval'
            ? 'yellow'
            : r.status === 'completed'
              ? 'green'
              : undefined,
        ),
        r.isAutomatic
          ? 'Automatic'
          : r.approved
            ? `${r.approved.role ?? ''} on ${shortDate(r.approved.at)}`
            : 'Not yet',
      ]),
      empty: 'No disposal runs yet.',
    })}`
}

/** GOV.UK's warning text: something that cannot be undone. */
function warningText(words: string): Html {
  return html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> ${words}</strong></div>`
}

/** "1 family", "3 families". */
const plural = (n: number, one: string, many = `${one}s`): string =>
  `${String(n)} ${n === 1 ? one : many}`

/** A category of records counted in plain words: "2 referrals", "1 accident book entry". */
const CATEGORY_COUNTS: Readonly<Record<string, readonly [string, string]>> = {
  referral: ['referral', 'referrals'],
  session_record: ['session', 'sessions'],
  consent: ['consent', 'consents'],
  disclosure_register: ['disclosure in the register', 'disclosures in the register'],
  incident: ['incident', 'incidents'],
  safeguarding: ['safeguarding record', 'safeguarding records'],
  child_protection: ['child protection record', 'child protection records'],
  accident_book: ['accident book entry', 'accident book entries'],
  guidance_request: ['question to the coordinator', 'questions to the coordinator'],
}

function countWords(
  counts: Readonly<Record<string, number>>,
  people: number | undefined,
): string[] {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([category, n]) => {
      if (category === 'family_record')
        return people === undefined
          ? 'the family record, its people and their contact details'
          : `the family record with ${plural(people, 'person', 'people')} and their contact details`
      const [one, many] = CATEGORY_COUNTS[category] ?? [
        category.replaceAll('_', ' '),
        category.replaceAll('_', ' '),
      ]
      return plural(n, one, many)
    })
}

/** What a record standing alone is, without a reference. */
const STANDALONE_WORDS: Readonly<Record<string, string>> = {
  accident_book: 'An accident book entry',
  incident: 'An incident',
  safeguarding: 'A safeguarding record',
  guidance_request: 'A question to the coordinator',
}

const STATE_TAGS: Readonly<Record<DisposalItemState, readonly [string, string]>> = {
  to_destroy: ['To destroy', 'red'],
  held: ['Held', 'blue'],
  excluded: ['Excluded', 'grey'],
  disposed: ['Destroyed', 'green'],
  skipped: ['Skipped: used since', 'grey'],
}

function itemName(item: DisposalItemView): string {
  if (item.reference !== undefined) return item.reference
  if (item.itemKind === 'family') return 'A family'
  const category = Object.keys(item.destroy)[0] ?? 'incident'
  return STANDALONE_WORDS[category] ?? 'A record with no family'
}

/** Why an item is due: last used, the rule (years, RETAIN), the day it fell due. */
function dueWords(item: DisposalItemView, years: number | null): string {
  const rule =
    years === null ? 'Unused for the policy’s years' : `Unused for ${plural(years, 'year')}`
  return `Last used ${shortDate(item.lastUsedOn)}. ${rule} (RETAIN): due ${shortDate(item.dueOn)}.`
}

/** One run: its families by reference, what goes and what stays, why; keeping back; approval. */
export function disposalRunBody(input: {
  run: Awaited<ReturnType<typeof reviewDisposalRun>>
  page: number
  csrf: string
  mayApprove: boolean
  mayKeep: boolean
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const r = input.run
  const isWaiting = r.status === 'awaiting_approval'
  const keptBack = (r.certificate?.keptBack ?? []) as readonly { reference: string; as: string }[]
  const confirmWords = `Destroy the records of ${plural(r.familiesToDestroy, 'family', 'families')}${r.standaloneRecords > 0 ? ` and ${plural(r.standaloneRecords, 'record')} with no family` : ''}`
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <span class="govuk-caption-l">Disposal run</span>
    <h1 class="govuk-heading-l">As of ${shortDate(r.asOf)}</h1>
    ${summaryList([
      ['Status', tag(r.status)],
      [
        'Rule',
        `Records unused for ${r.retentionYears === null ? 'the policy’s years' : plural(r.retentionYears, 'year')} are destroyed, except what the policy keeps (RETAIN, policy version ${String(r.policyVersion)})`,
      ],
      [
        'Approved',
        r.isAutomatic
          ? 'Automatic (the policy allows it)'
          : r.approved
            ? `${r.approved.role ?? ''} on ${shortDate(r.approved.at)}`
            : 'Not yet',
      ],
      ...(r.completedAt ? [['Completed', shortDate(r.completedAt)] as const] : []),
      ...(isWaiting
        ? [
            [
              'To destroy',
              `${plural(r.familiesToDestroy, 'family', 'families')}${r.standaloneRecords > 0 ? `, and ${plural(r.standaloneRecords, 'record')} with no family` : ''}`,
            ] as const,
          ]
        : []),
    ])}
    ${
      r.certificate
        ? html`<h2 class="govuk-heading-m">Certificate</h2>
          <p class="govuk-body">${link(`/api/disposals/${r.id}/certificate.pdf`, 'Certificate of destruction (PDF)')}</p>
          ${table({
            caption: 'Families kept back by the centre',
            head: ['Family', 'Kept'],
            rows: keptBack.map((f) => [
              f.reference,
              f.as === 'held'
                ? 'On legal hold: kept until the hold is lifted'
                : 'Excluded from this run',
            ]),
            empty: 'No family was kept back from this run.',
          })}`
        : ''
    }
    <h2 class="govuk-heading-m">What the run covers</h2>
    <p class="govuk-body">For each family to destroy: its key first (nothing sealed under it can be read again), then its record, its people and their contact details, its subject access requests, assessments and the reasons given for seeing contact details, and the records listed against it.</p>
    <p class="govuk-body">Kept whatever happens: the audit log's entries (ids and codes, never what was written), the disposal ledger (ids and categories, so that a restored backup destroys them again) and this run's certificate; and what the policy keeps indefinitely, shown against each family.</p>
    ${table({
      caption: 'Families and records in this run',
      isCaptionHidden: true,
      head: ['Family', 'Why it is due', 'Destroyed', 'Kept', 'Status'],
      rows: r.items.map((item) => [
        itemName(item),
        dueWords(item, r.retentionYears),
        countWords(item.destroy, item.people).join('; ') || 'Nothing',
        countWords(item.keep, undefined)
          .map((words) => `${words}, kept indefinitely (RETAIN)`)
          .join('; ') || 'Nothing of it',
        html`${tag(STATE_TAGS[item.state][0], STATE_TAGS[item.state][1])}${
          item.kept?.reason
            ? html`<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0">Why: ${item.kept.reason}</p>`
            : ''
        }${
          input.mayKeep && isWaiting && item.state === 'to_destroy' && item.itemKind === 'family'
            ? html`<p class="govuk-body-s govuk-!-margin-top-1 govuk-!-margin-bottom-0"><a class="govuk-link" href="/centre/disposals/${r.id}/families/${item.itemId}">Hold or exclude<span class="govuk-visually-hidden"> ${itemName(item)}</span></a></p>`
            : ''
        }`,
      ]),
      empty: input.page > 1 ? 'Nothing more on this page.' : 'Nothing is due.',
    })}
    ${pagination(
      'Pages of this run',
      { number: input.page, hasNext: r.hasNext },
      (n) => `/centre/disposals/${r.id}?page=${String(n)}`,
    )}
    ${
      input.mayApprove && isWaiting
        ? postForm(
            `/centre/disposals/${r.id}/approve`,
            input.csrf,
            html`<h2 class="govuk-heading-m">Approve</h2>
            ${warningText('Approving destroys the records of every family marked “To destroy”, on every page of this run. It cannot be undone.')}
            <input type="hidden" name="version" value="${String(r.version)}">
            ${choiceField({
              kind: 'checkboxes',
              name: 'familiesToDestroy',
              label: 'Confirm what is destroyed',
              hint: 'Hold or exclude a family first if it must be kept.',
              options: [[String(r.familiesToDestroy), confirmWords]],
              error: input.error,
            })}${button('Approve and destroy', 'warning')}`,
            'Approve the disposal run',
          )
        : ''
    }`
}

/** Keeping one family of a run out of it: a legal hold, or this run only, with a reason. */
export function keepFamilyBody(input: {
  run: DisposalRunView
  item: DisposalItemView
  csrf: string
  form: Record<string, string>
  error?: FormError | undefined
}): Html {
  const { run, item } = input
  const name = itemName(item)
  const isOpen = run.status === 'awaiting_approval' && item.state === 'to_destroy'
  return html`${errorSummary(input.error)}
    <span class="govuk-caption-l">Disposal run as of ${shortDate(run.asOf)}</span>
    <h1 class="govuk-heading-l">Keep ${name} out of this disposal</h1>
    ${summaryList([
      ['Why it is due', dueWords(item, run.retentionYears)],
      ['Destroyed', countWords(item.destroy, item.people).join('; ') || 'Nothing'],
      ['Status', tag(STATE_TAGS[item.state][0], STATE_TAGS[item.state][1])],
    ])}
    ${
      isOpen
        ? postForm(
            `/centre/disposals/${run.id}/families/${item.itemId}`,
            input.csrf,
            html`${choiceField({
              kind: 'radios',
              name: 'as',
              label: 'How should it be kept?',
              options: [
                [
                  'held',
                  'Hold it: a legal hold keeps it from every disposal until the hold is lifted',
                ],
                ['excluded', 'Leave it out of this run only: it is due again at the next run'],
              ],
              values: input.form.as ? [input.form.as] : [],
              error: input.error,
            })}${textArea({
              name: 'reason',
              label: 'Why',
              hint: 'Required, up to 500 characters. Give the reason, not names or contact details: it is kept with the run and shown to those who see disposal runs.',
              value: input.form.reason,
              error: input.error,
              rows: 3,
            })}${button('Keep it out')}`,
            `Keep ${name} out of this disposal`,
          )
        : html`<p class="govuk-body">This family can no longer be kept out of this run: the run is ${run.status.replaceAll('_', ' ')}${item.state === 'to_destroy' ? '' : `, and the family is ${STATE_TAGS[item.state][0].toLowerCase()}`}.</p>`
    }
    <p class="govuk-body">${link(`/centre/disposals/${run.id}`, 'Back to the run')}</p>`
}

/** Plain words for the log's commonest entries; any other shows its code. */
const EVENT_WORDS: Readonly<Record<string, string>> = {
  'record.read': 'Read a record',
  'records.listed': 'Listed records',
  'contact.revealed': 'Revealed contact details (with a reason)',
  'contact.reveal_refused': 'Was refused contact details',
  'disclosure.requested': 'Asked to disclose',
  'disclosure.refused': 'Disclosure refused by the policy',
  'disclosure.released': 'Disclosure released',
  'disclosure.downloaded': 'Downloaded a disclosure document',
  'consent.given': 'Recorded a consent',
  'consent.withdrawn': 'Recorded a consent withdrawn',
  'referral.received': 'Received a referral',
  'referral.moved': 'Moved a referral on',
  'session.booked': 'Booked a session',
  'session.closed': 'Closed a session',
  'incident.recorded': 'Recorded an incident or concern',
  'guidance.asked': 'Asked the coordinator',
  'guidance.answered': 'Answered a question',
  'policy.published': 'Published the policy',
  'policy.acknowledged': 'Acknowledged the policy',
  'policy.reviewed': 'Recorded a policy review',
  'subject_access.opened': 'Opened a subject access request',
  'subject_access.compiled': 'Compiled a subject access bundle',
  'disposal.planned': 'Planned a disposal run',
  'disposal.approved': 'Approved a disposal run',
  'disposal.family_kept': 'Kept a family out of a disposal run (with a reason)',
  'family.legal_hold': 'Changed a legal hold',
  'disposal.completed': 'Completed a disposal run',
  'sign_in.succeeded': 'Signed in',
  'sign_in.failed': 'Failed to sign in',
  'session.ended': 'Session ended',
  'check.recorded': 'Recorded a check',
}

/** The audit log: entries (ids and codes, no personal data) and the signed checkpoints. */
export function auditBody(input: {
  entries: readonly {
    seq: number
    at: string
    type: string
    actorId?: string | undefined
    subjectId?: string | undefined
  }[]
  checkpoints: readonly AuditCheckpoint[]
  names: ReadonlyMap<string, string>
  nextBefore: number | undefined
  /** The newest entries are shown: the window since the last checkpoint can be told. */
  isFirstPage?: boolean
  checkpointing?: { minutes: number; file: string | undefined } | undefined
}): Html {
  return html`<h1 class="govuk-heading-l">Audit log</h1>
    <p class="govuk-body">Every read and change, in a chain of hashes that cannot be quietly changed; checkpoints are signed so a copy kept elsewhere proves it.</p>
    ${input.isFirstPage === true ? unanchoredWindow(input.entries, input.checkpoints, input.checkpointing) : ''}
    ${table({
      caption: 'Signed checkpoints',
      head: ['Up to entry', 'At', 'Key', 'Hash'],
      rows: input.checkpoints.map((c) => [
        String(c.seq),
        ukShortDateTime(c.at),
        c.keyId,
        html`<code>${c.hash.slice(0, 16)}…</code>`,
      ]),
      empty: 'No checkpoints yet.',
    })}
    ${table({
      caption: 'Entries, newest first',
      head: ['Entry', 'At', 'What', 'Who'],
      rows: input.entries.map((e) => [
        String(e.seq),
        ukShortDateTime(e.at),
        html`${EVENT_WORDS[e.type] ?? e.type} <span class="govuk-hint govuk-!-display-inline govuk-!-font-size-16">${e.type}</span>`,
        e.actorId === undefined
          ? 'Haven'
          : e.actorId === OPERATOR_ID
            ? 'The operator (command line)'
            : e.actorId === HOST_ID
              ? "The host's operator (command line)"
              : (input.names.get(e.actorId) ??
                (input.names.size > 0 ? 'Someone no longer at the centre' : 'A person')),
      ]),
      empty: 'No entries.',
    })}
    ${input.nextBefore === undefined ? '' : html`<p class="govuk-body">${link(`/centre/audit?before=${String(input.nextBefore)}`, 'Older entries')}</p>`}
    <p class="govuk-body">To check the whole chain and the signatures, run <code>haven audit verify</code> on the server.</p>`
}

/**
 * What the checkpoints do not yet cover (issue 16): entries written since the centre's last
 * signed checkpoint could be rewritten, with the checkpoints in the database, by someone who
 * can write to it; only checkpoints held outside (handed out to a file, or exported) cannot.
 */
function unanchoredWindow(
  entries: readonly { seq: number; at: string }[],
  checkpoints: readonly AuditCheckpoint[],
  checkpointing: { minutes: number; file: string | undefined } | undefined,
): Html {
  const newest = entries[0]
  const latest = checkpoints.filter((c) => c.chain !== '').at(-1)
  const since = newest === undefined ? 0 : newest.seq - (latest?.seq ?? 0)
  const how =
    checkpointing === undefined
      ? ''
      : checkpointing.minutes === 0
        ? ' Checkpoints are signed only when the operator runs haven audit checkpoint.'
        : ` Checkpoints are signed every ${String(checkpointing.minutes)} minutes and when the server stops.`
  const where =
    checkpointing === undefined
      ? ''
      : checkpointing.file === undefined
        ? ' They are not handed out automatically: the operator should set HAVEN_AUDIT_CHECKPOINT_FILE to a file on another volume, or export them regularly.'
        : ' Each is also written to a file outside the database as it is signed.'
  return html`<div class="govuk-inset-text" id="window">${
    latest === undefined
      ? `No checkpoint covers this centre's log yet: its ${String(newest?.seq ?? 0)} entries rest on the database alone.`
      : `The last checkpoint (${ukShortDateTime(latest.at)}) covers entries up to ${String(latest.seq)}; ${String(Math.max(0, since))} ${since === 1 ? 'entry has' : 'entries have'} been written since; until the next, ${since === 1 ? 'it rests' : 'they rest'} on the database alone.`
  }${how}${where}</div>`
}
