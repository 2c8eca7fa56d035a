import { OPERATOR_ID } from '../app/actor.ts'
import type { DisposalRunView, readDisposalRun } from '../app/disposal-views.ts'
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
  done?: string | undefined
}): Html {
  return html`${successBanner(input.done ? [input.done] : [])}<h1 class="govuk-heading-l">Retention and disposal</h1>
    <p class="govuk-body">Records unused for the policy's period are destroyed, except what the policy keeps. Each run is decided record by record and approved by the roles the policy names.</p>
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

/** One run: its items by family, counts by category, approval, certificate. */
export function disposalRunBody(input: {
  run: Awaited<ReturnType<typeof readDisposalRun>>
  csrf: string
  mayApprove: boolean
  done?: string | undefined
  error?: FormError | undefined
}): Html {
  const r = input.run
  const counts = (c: Record<string, number>) =>
    Object.entries(c)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${String(n)} ${k.replaceAll('_', ' ')}`)
      .join(', ') || 'nothing'
  return html`${successBanner(input.done ? [input.done] : [])}${errorSummary(input.error)}
    <span class="govuk-caption-l">Disposal run</span>
    <h1 class="govuk-heading-l">As of ${shortDate(r.asOf)}</h1>
    ${summaryList([
      ['Status', tag(r.status)],
      ['Policy version', String(r.policyVersion)],
      [
        'Approved',
        r.isAutomatic
          ? 'Automatic (the policy allows it)'
          : r.approved
            ? `${r.approved.role ?? ''} on ${shortDate(r.approved.at)}`
            : 'Not yet',
      ],
      ...(r.completedAt ? [['Completed', shortDate(r.completedAt)] as const] : []),
    ])}
    ${r.certificate ? html`<p class="govuk-body">${link(`/api/disposals/${r.id}/certificate.pdf`, 'Certificate of destruction (PDF)')}</p>` : ''}
    ${table({
      caption: 'What the run covers',
      head: ['Record', 'Last used', 'Due', 'Destroyed', 'Kept', 'Outcome'],
      rows: r.items.map((i) => [
        i.itemKind,
        shortDate(i.lastUsedOn),
        shortDate(i.dueOn),
        counts(i.counts.destroy),
        counts(i.counts.keep),
        i.outcome ?? 'to do',
      ]),
      empty: 'Nothing is due.',
    })}
    ${
      input.mayApprove && r.status === 'awaiting_approval'
        ? postForm(
            `/centre/disposals/${r.id}/approve`,
            input.csrf,
            html`<div class="govuk-warning-text"><span class="govuk-warning-text__icon" aria-hidden="true">!</span><strong class="govuk-warning-text__text"><span class="govuk-visually-hidden">Warning</span> This destroys the records above. It cannot be undone.</strong></div>${button('Approve and destroy', 'warning')}`,
          )
        : ''
    }`
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
