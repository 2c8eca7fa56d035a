import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import { readAuditLog } from '../app/audit-trail.ts'
import type { AppContext } from '../app/context.ts'
import { listDisposalRuns, readDisposalRun } from '../app/disposal-views.ts'
import { listMembers } from '../app/members.ts'
import { centreListing, setCentreListing } from '../app/overview.ts'
import { approveDisposalRun } from '../app/retention.ts'
import {
  changeSubjectAccessRequest,
  listSubjectAccess,
  readSubjectAccess,
} from '../app/subject-access.ts'
import { listWorkers, recordCheck } from '../app/workers.ts'
import { HavenError } from '../domain/errors.ts'
import { checkInput } from '../app/contracts/sessions.ts'
import { eventInput, releaseInput } from '../app/contracts/subject-access.ts'
import { releaseWithheldItem } from '../app/subject-access-bundle.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { centreSections } from './navigation.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  auditBody,
  centreHubBody,
  disposalRunBody,
  disposalsBody,
  subjectAccessBody,
  subjectAccessRequestBody,
  whoAsked,
  workersBody,
} from './centre-pages.ts'
import { html } from './html.ts'
import { answeredRequestsBody } from './subject-access-pages.ts'
import {
  formFields,
  pageCsrf,
  pageNumberOf,
  pageAbilities,
  requirePage,
  signedInPage,
  tryForm,
  type FormError,
  unlessForbidden,
  signedInGet,
} from './page-kit.ts'

const DONE: Readonly<Record<string, string>> = {
  check: 'Check recorded.',
  moved: 'Request updated.',
  opened: 'Request recorded. The month to answer runs from the day it was received.',
  released: 'Released. The bundle includes it from now on; the reason is kept with it.',
  approved: 'Approved. The records have been destroyed and the certificate is ready.',
}

/** Answered subject access requests a page. */
const ANSWERED_PAGE = 50

/** The centre's administration: workers and checks, subject access, disposal, the audit log. */
export function centreRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  pages.get(
    '/centre',
    signedInGet(async (c, actor) => {
      const abilities = await pageAbilities(ctx, actor)
      const sections = centreSections(abilities)
      if (sections.length === 0)
        throw new HavenError('forbidden', 'the centre’s policy gives you no part of this page')
      const listing = abilities.has('set_listing') ? await centreListing(ctx, actor) : undefined
      return signedInPage(ctx, c, actor, {
        title: 'Centre',
        current: '/centre',
        body: centreHubBody(
          sections,
          listing && {
            listed: listing.listed,
            slug: listing.slug,
            csrf: pageCsrf(c),
            done: c.req.query('done') === 'listing',
          },
        ),
      })
    }),
  )

  // The coordinator names the centre on the public front page, or takes it off.
  pages.post('/centre/listing', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const listed = fields.get('listed')
    if (listed !== 'yes' && listed !== 'no')
      throw new HavenError('invalid_input', 'choose yes or no', 'listed')
    await setCentreListing(ctx, actor, listed === 'yes')
    return c.redirect('/centre?done=listing', 303)
  })

  const workersPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { done?: string | undefined; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) =>
    signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Workers and their checks`,
      current: '/centre',
      status: extra.status ?? 200,
      body: workersBody({
        workers: await listWorkers(ctx, actor),
        csrf: pageCsrf(c),
        mayRecord: (await pageAbilities(ctx, actor)).has('record_checks'),
        form,
        done: extra.done,
        error: extra.error,
      }),
    })

  pages.get(
    '/centre/workers',
    signedInGet(async (c, actor) => {
      return workersPage(c, actor, {}, { done: DONE[c.req.query('done') ?? ''] })
    }),
  )

  pages.post('/centre/workers/checks', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const fail = (field: string, message: string) =>
      workersPage(c, actor, form, { error: { field, message }, status: 400 })
    if (!form.accountId) return fail('accountId', 'choose the worker')
    if (form.outcome !== 'clear' && form.outcome !== 'pending' && form.outcome !== 'concerns')
      return fail('outcome', 'choose the result')
    if (!form.issuedOn) return fail('issuedOn', 'enter the date it was issued')
    if (!form.renewalDueOn) return fail('renewalDueOn', 'enter the date it is due for renewal')
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(
      checkInput,
      {
        kind: form.kind || 'dbs',
        level: form.level || 'enhanced',
        outcome: form.outcome,
        issuedOn: form.issuedOn,
        renewalDueOn: form.renewalDueOn,
        ...(form.certificateReference?.trim()
          ? { certificateReference: form.certificateReference.trim() }
          : {}),
      },
      checkPlace,
    )
    if (!read.ok) return workersPage(c, actor, form, { error: read.error, status: 400 })
    const accountId = form.accountId
    const done = await tryForm(() => recordCheck(ctx, actor, { ...read.input, accountId }))
    if (!done.ok) return workersPage(c, actor, form, { error: done.error, status: done.status })
    return c.redirect('/centre/workers?done=check', 303)
  })

  pages.get(
    '/centre/subject-access',
    signedInGet(async (c, actor) => {
      const abilities = await requirePage(ctx, actor, 'read_subject_access')
      // The answered requests, a page at a time (src/web/subject-access-pages.ts).
      const number = pageNumberOf(c.req.query('answered'))
      const answered = await listSubjectAccess(ctx, actor, {
        status: 'completed',
        page: { limit: ANSWERED_PAGE + 1, offset: (number - 1) * ANSWERED_PAGE },
      })
      return signedInPage(ctx, c, actor, {
        title: 'Subject access requests',
        current: '/centre',
        body: html`${subjectAccessBody({
          requests: await listSubjectAccess(ctx, actor, { status: 'open' }),
        })}${answeredRequestsBody({
          mayRecord: abilities.has('handle_subject_access'),
          answered: answered.slice(0, ANSWERED_PAGE),
          page: { number, hasNext: answered.length > ANSWERED_PAGE },
          whoAsked,
        })}`,
      })
    }),
  )

  const requestPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    id: string,
    extra: { done?: string | undefined; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) => {
    const abilities = await requirePage(ctx, actor, 'read_subject_access')
    const request = await readSubjectAccess(ctx, actor, id)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Subject access request`,
      current: '/centre',
      status: extra.status ?? 200,
      body: subjectAccessRequestBody({
        request,
        csrf: pageCsrf(c),
        // Releasing is the export roles' (SAR); the use case asks the engine again.
        mayRelease: abilities.has('export'),
        mayHandle: abilities.has('handle_subject_access'),
        mayCompile: abilities.has('export'),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/centre/subject-access/:requestId',
    signedInGet(async (c, actor) => {
      return requestPage(c, actor, c.req.param('requestId') ?? '', {
        done: DONE[c.req.query('done') ?? ''],
      })
    }),
  )

  pages.post('/centre/subject-access/:requestId/events', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const id = c.req.param('requestId')
    const kind = fields.get('kind')
    const fail = (field: string, message: string) =>
      requestPage(c, actor, id, { error: { field, message }, status: 400 })
    let event: Record<string, unknown>
    if (kind === 'identity_verified') {
      if (fields.get('method').trim() === '') return fail('method', 'say how identity was checked')
      event = { kind, method: fields.get('method').trim() }
    } else if (kind === 'extended') {
      const months = fields.get('months')
      if (months !== '1' && months !== '2') return fail('months', 'choose how long to extend by')
      if (fields.get('reason').trim() === '')
        return fail('reason', 'say why the request needs longer')
      event = { kind, months: Number(months), reason: fields.get('reason').trim() }
    } else if (
      kind === 'clarification_asked' ||
      kind === 'clarification_received' ||
      kind === 'completed'
    ) {
      event = { kind }
    } else return fail('kind', 'choose what happened')
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(
      eventInput,
      { version: Number(fields.get('version')), event },
      eventPlace,
    )
    if (!read.ok) return requestPage(c, actor, id, { error: read.error, status: 400 })
    const done = await tryForm(() =>
      changeSubjectAccessRequest(ctx, actor, id, read.input.version, read.input.event),
    )
    if (!done.ok) return requestPage(c, actor, id, { error: done.error, status: done.status })
    return c.redirect(`/centre/subject-access/${id}?done=moved`, 303)
  })

  pages.post('/centre/subject-access/:requestId/releases', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const id = c.req.param('requestId')
    const fail = (field: string, message: string) =>
      requestPage(c, actor, id, { error: { field, message }, status: 400 })
    if (fields.get('recordId') === '') return fail('recordId', 'choose the item to release')
    const reason = fields.get('releaseReason').trim()
    if (reason === '') return fail('releaseReason', 'say why it may be released')
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(releaseInput, { recordId: fields.get('recordId'), reason }, (path) =>
      path[0] === 'reason'
        ? { field: 'releaseReason', label: 'Why it may be released' }
        : { field: 'recordId', label: 'The item' },
    )
    if (!read.ok) return requestPage(c, actor, id, { error: read.error, status: 400 })
    const done = await tryForm(() => releaseWithheldItem(ctx, actor, id, read.input))
    if (!done.ok)
      return requestPage(c, actor, id, {
        error: { ...done.error, field: done.error.field === 'recordId' ? 'recordId' : undefined },
        status: done.status,
      })
    return c.redirect(`/centre/subject-access/${id}?done=released`, 303)
  })

  pages.get(
    '/centre/disposals',
    signedInGet(async (c, actor) => {
      return signedInPage(ctx, c, actor, {
        title: 'Retention and disposal',
        current: '/centre',
        body: disposalsBody({ runs: await listDisposalRuns(ctx, actor) }),
      })
    }),
  )

  const runPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    id: string,
    extra: { done?: string | undefined; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) =>
    signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Disposal run`,
      current: '/centre',
      status: extra.status ?? 200,
      body: disposalRunBody({
        run: await readDisposalRun(ctx, actor, id, { afterId: '', limit: 500 }),
        csrf: pageCsrf(c),
        mayApprove: (await pageAbilities(ctx, actor)).has('approve_disposals'),
        done: extra.done,
        error: extra.error,
      }),
    })

  pages.get(
    '/centre/disposals/:runId',
    signedInGet(async (c, actor) => {
      return runPage(c, actor, c.req.param('runId') ?? '', {
        done: DONE[c.req.query('done') ?? ''],
      })
    }),
  )

  pages.post('/centre/disposals/:runId/approve', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const id = c.req.param('runId')
    const done = await tryForm(() => approveDisposalRun(ctx, actor, id))
    if (!done.ok) return runPage(c, actor, id, { error: done.error, status: done.status })
    return c.redirect(`/centre/disposals/${id}?done=approved`, 303)
  })

  pages.get(
    '/centre/audit',
    signedInGet(async (c, actor) => {
      // A position in the log: a 32-bit integer on PostgreSQL; anything else is the first page.
      const asked = Number(c.req.query('before'))
      const before = asked <= 2_147_483_647 ? asked : Number.NaN
      const log = await readAuditLog(ctx, actor, {
        limit: 100,
        ...(Number.isInteger(before) && before > 0 ? { beforeSeq: before } : {}),
      })
      const names = new Map(
        ((await unlessForbidden(() => listMembers(ctx, actor))) ?? []).map((m) => [
          m.accountId,
          m.displayName,
        ]),
      )
      const last = log.entries.at(-1)
      return signedInPage(ctx, c, actor, {
        title: 'Audit log',
        current: '/centre',
        body: auditBody({
          entries: log.entries,
          checkpoints: log.checkpoints,
          names,
          // The next page is by place in the whole log, which is what `before` filters on.
          nextBefore: log.entries.length === 100 && last ? last.logSeq : undefined,
          isFirstPage: !(Number.isInteger(before) && before > 0),
          checkpointing: ctx.auditCheckpointing,
        }),
      })
    }),
  )
  return pages
}

const CHECK_FIELDS: Readonly<Record<string, string>> = {
  kind: 'The kind of check',
  level: 'The level',
  outcome: 'The result',
  certificateReference: 'The certificate number',
  issuedOn: 'The date it was issued',
  renewalDueOn: 'The date it is due for renewal',
}

/** Where a path of a subject access event's input sits on the request's forms. */
function eventPlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first, second] = path.map(String)
  if (first !== 'event') return undefined
  if (second === 'method') return { field: 'method', label: 'How identity was checked' }
  if (second === 'reason') return { field: 'reason', label: 'Why it needs longer' }
  if (second === 'months') return { field: 'months', label: 'The extension' }
  return undefined
}

/** Where a path of the check's input sits on the form: each field is named as the input is. */
function checkPlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first] = path.map(String)
  const label = first === undefined ? undefined : CHECK_FIELDS[first]
  return first !== undefined && label !== undefined ? { field: first, label } : undefined
}
