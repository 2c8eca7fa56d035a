import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import { todayAtCentre } from '../app/case-access.ts'
import type { AppContext } from '../app/context.ts'
import { openInput } from '../app/contracts/subject-access.ts'
import { readFamilyByReference } from '../app/families.ts'
import { openSubjectAccessRequest, type SubjectAccessView } from '../app/subject-access.ts'
import { isHavenError } from '../domain/errors.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { checkForm } from './contract-form.ts'
import { html, type Html } from './html.ts'
import {
  button,
  choiceField,
  errorSummary,
  formFields,
  link,
  pageCsrf,
  refusedField,
  requirePage,
  signedInGet,
  signedInPage,
  tryForm,
  pagination,
  postForm,
  shortDate,
  table,
  tag,
  textArea,
  textField,
  type FormError,
} from './page-kit.ts'

type Status = 200 | 400 | 403 | 404 | 409

/** How a request made outside Haven came, in words. */
export const RECEIVED_VIA_WORDS: Readonly<Record<string, string>> = {
  letter: 'By letter',
  phone: 'By phone',
  email: 'By e-mail',
  in_person: 'In person at the centre',
}

const KIND_WORDS: Readonly<Record<string, string>> = {
  resident_parent: 'parent the children live with',
  non_resident_parent: 'visiting parent',
  child: 'child',
  other_adult: 'named adult',
}

/**
 * Recording a subject access request made outside Haven (SAR): the family found by its
 * reference, then whose request it is, the day it was received (the month runs from it), how
 * it came, identity if already checked, and a note.
 */
export function newRequestBody(input: {
  reference: string
  family:
    | {
        id: string
        reference: string
        people: readonly { id: string; name: string; kind: string }[]
      }
    | undefined
  form: Readonly<Record<string, string>>
  csrf: string
  today: string
  error?: FormError | undefined
}): Html {
  const f = input.form
  const e = input.error
  const family = input.family
  return html`${errorSummary(e)}
    <span class="govuk-caption-l">Subject access requests</span>
    <h1 class="govuk-heading-l">Record a request made by letter or phone</h1>
    <p class="govuk-body">For a request made outside Haven: by letter, by phone, by e-mail or in person. One calendar month to answer runs from the day it was received, once identity is checked.</p>
    <form method="get" action="/centre/subject-access/new" class="haven-filter" novalidate>
      ${textField({ name: 'reference', label: 'Family reference', hint: 'For example, F-0012', value: input.reference, error: family ? undefined : e, width: 'govuk-input--width-10' })}
      ${button(family ? 'Find another family' : 'Find the family', 'secondary')}
    </form>
    ${
      family
        ? postForm(
            '/centre/subject-access',
            input.csrf,
            html`<input type="hidden" name="reference" value="${family.reference}">
      ${choiceField({
        kind: 'radios',
        name: 'personId',
        label: `Who made the request? (family ${family.reference})`,
        options: family.people.map((p) => [p.id, `${p.name}, ${KIND_WORDS[p.kind] ?? p.kind}`]),
        values: [f.personId ?? ''],
        error: e,
      })}
      ${textField({ name: 'receivedOn', label: 'Received on', hint: 'The day the letter, call or e-mail reached the centre', type: 'date', value: f.receivedOn ?? input.today, error: e, width: 'govuk-input--width-10' })}
      ${choiceField({
        kind: 'radios',
        name: 'receivedVia',
        label: 'How did it come?',
        options: Object.entries(RECEIVED_VIA_WORDS),
        values: [f.receivedVia ?? ''],
        error: e,
      })}
      ${textField({ name: 'identityMethod', label: 'How was identity checked? (optional)', hint: 'Leave empty if it has not been checked yet: the clock starts once it is', value: f.identityMethod, error: e })}
      ${textArea({ name: 'note', label: 'Note (optional)', hint: 'What was asked for, for example "all records since 2024"', value: f.note, error: e, rows: 3 })}
      <div class="govuk-button-group">${button('Record the request')}${link('/centre/subject-access', 'Cancel')}</div>`,
            'Record the request',
          )
        : ''
    }`
}

/**
 * Below the open requests: a link to record one made outside Haven (for those who handle
 * requests), and the answered requests, the latest first, each on time or late by how many
 * days, a page at a time.
 */
export function answeredRequestsBody(input: {
  mayRecord: boolean
  answered: readonly SubjectAccessView[]
  page: { number: number; hasNext: boolean }
  whoAsked: (r: SubjectAccessView) => string
}): Html {
  return html`${
    input.mayRecord
      ? html`<p class="govuk-body">${link('/centre/subject-access/new', 'Record a request made by letter or phone')}</p>`
      : ''
  }
    <h2 class="govuk-heading-m" id="answered">Answered requests</h2>
    ${table({
      caption: 'Answered requests',
      isCaptionHidden: true,
      head: ['Received', 'Who', 'Due', 'Answered', 'On time'],
      rows: input.answered.map((r) => [
        link(`/centre/subject-access/${r.id}`, shortDate(r.receivedOn)),
        input.whoAsked(r),
        shortDate(r.dueOn),
        r.completedOn === null ? '' : shortDate(r.completedOn),
        r.daysLeft < 0
          ? tag(`${String(-r.daysLeft)} ${r.daysLeft === -1 ? 'day' : 'days'} late`, 'red')
          : tag('on time', 'green'),
      ]),
      empty: 'No requests answered yet.',
    })}
    ${pagination(
      'Pages of answered requests',
      input.page,
      (n) => `/centre/subject-access?answered=${String(n)}#answered`,
    )}`
}

const VIA_FIELDS: Readonly<Record<string, string>> = {
  personId: 'Who made the request',
  receivedOn: 'The day it was received',
  receivedVia: 'How it came',
  identityMethod: 'How identity was checked',
  note: 'The note',
}

/** Recording a subject access request made outside Haven (handle_subject_access). */
export function subjectAccessFormRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const newPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    reference: string,
    form: Record<string, string>,
    extra: { error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'handle_subject_access')
    let error = extra.error
    let family: Parameters<typeof newRequestBody>[0]['family']
    if (reference.trim() !== '') {
      try {
        const found = await readFamilyByReference(ctx, actor, reference)
        family = {
          id: found.id,
          reference: found.reference,
          people: found.people.map((p) => ({
            id: p.id,
            name: [p.givenName, p.familyName].filter(Boolean).join(' ') || 'Name not shown',
            kind: p.kind,
          })),
        }
      } catch (problem) {
        if (!isHavenError(problem) || problem.code !== 'not_found') throw problem
        error = { field: 'reference', message: `no family has the reference ${reference.trim()}` }
      }
    }
    return signedInPage(ctx, c, actor, {
      title: `${error ? 'Error: ' : ''}Record a subject access request`,
      current: '/centre',
      status: extra.status ?? (error && !extra.error ? 404 : 200),
      body: newRequestBody({
        reference,
        family,
        form,
        csrf: pageCsrf(c),
        today: todayAtCentre(ctx),
        error,
      }),
    })
  }

  pages.get(
    '/centre/subject-access/new',
    signedInGet((c, actor) => newPage(c, actor, c.req.query('reference') ?? '', {})),
  )

  pages.post('/centre/subject-access', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    // This form is the handlers'; a parent asks for their own from their page.
    await requirePage(ctx, actor, 'handle_subject_access')
    const form = fields.record()
    const reference = fields.get('reference')
    const fail = (f: { error: FormError; status: Status }) =>
      newPage(c, actor, reference, form, { error: f.error, status: f.status })
    if (fields.get('personId') === '')
      return fail(refusedField('personId', 'choose who made the request'))
    if (fields.get('receivedOn').trim() === '')
      return fail(refusedField('receivedOn', 'enter the day it was received'))
    if (fields.get('receivedVia') === '')
      return fail(refusedField('receivedVia', 'choose how it came'))
    const optional = (name: string) => {
      const value = fields.get(name).trim()
      return value === '' ? {} : { [name]: value }
    }
    const read = checkForm(
      openInput,
      {
        personId: fields.get('personId'),
        receivedOn: fields.get('receivedOn').trim(),
        receivedVia: fields.get('receivedVia'),
        ...optional('identityMethod'),
        ...optional('note'),
      },
      (path) => {
        const first = String(path[0])
        const label = VIA_FIELDS[first]
        return label === undefined ? undefined : { field: first, label }
      },
    )
    if (!read.ok) return fail({ error: read.error, status: 400 })
    const done = await tryForm(() => openSubjectAccessRequest(ctx, actor, read.input))
    if (!done.ok) return fail(done)
    return c.redirect(`/centre/subject-access/${done.value.id}?done=opened`, 303)
  })

  return pages
}
