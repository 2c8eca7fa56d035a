import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import { readAuditLog } from '../app/audit-trail.ts'
import type { AppContext } from '../app/context.ts'
import { pageTogether } from '../app/in-centre.ts'
import {
  keepFamilyOutOfRun,
  listDisposalRuns,
  readRunFamily,
  retentionInForce,
  reviewDisposalRun,
} from '../app/disposal-views.ts'
import { listMembers } from '../app/members.ts'
import { centreListing, setCentreListing } from '../app/overview.ts'
import { approveDisposalRun, planDisposalRunNow } from '../app/retention.ts'
import {
  changeSubjectAccessRequest,
  listSubjectAccess,
  readSubjectAccess,
} from '../app/subject-access.ts'
import { listWorkers, recordCheck } from '../app/workers.ts'
import { HavenError } from '../domain/errors.ts'
import { checkInput } from '../app/contracts/sessions.ts'
import { eventInput, releaseInput } from '../app/contracts/subject-access.ts'
import { keepInput } from '../app/contracts/retention.ts'
import { releaseWithheldItem } from '../app/subject-access-bundle.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { centreSections } from './navigation.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  auditBody,
  centreHubBody,
  disposalRunBody,
  disposalsBody,
  keepFamilyBody,
  subjectAccessBody,
  subjectAccessRequestBody,
  whoAsked,
  workersBody,
} from './centre-pages.ts'
import { html } from './html.ts'
import { answeredRequestsBody } from './subject-access-pages.ts'
import {
  formErrorOf,
  formFields,
  pageCsrf,
  pageNumberOf,
  pageAbilities,
  readPage,
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
  awaiting_approval: 'Run planned. Check each family before you approve it.',
  unchanged:
    'Nothing has changed since the run waiting for approval was planned: this is that run.',
  completed: 'The policy makes disposal automatic: the run was planned and carried out.',
  nothing_due: 'Nothing is due for disposal today.',
  held: 'Held. The family is on legal hold: no run destroys it until the hold is lifted.',
  excluded: 'Excluded. This run does not destroy the family.',
}

/** Families and records listed on one page of a run. */
const RUN_PAGE = 100
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
  ) => {
    const [[workers, abilities], frame] = await readPage(ctx, actor, (p) =>
      pageTogether(
        p,
        (q) => listWorkers(q, actor),
        (q) => pageAbilities(q, actor),
      ),
    )
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Workers and their checks`,
      current: '/centre',
      status: extra.status ?? 200,
      frame,
      body: workersBody({
        workers,
        csrf: pageCsrf(c),
        mayRecord: abilities.has('record_checks'),
        form,
        done: extra.done,
        error: extra.error,
      }),
    })
  }

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
      const runs = await listDisposalRuns(ctx, actor)
      const retention = await retentionInForce(ctx, actor)
      return signedInPage(ctx, c, actor, {
        title: 'Retention and disposal',
        current: '/centre',
        body: disposalsBody({
          runs,
          // Whoever sees the runs may plan one (read_disposals: "see, plan, hold").
          plan: { csrf: pageCsrf(c), ...retention },
          done: DONE[c.req.query('done') ?? ''],
        }),
      })
    }),
  )

  // Plans a run now (the server plans one daily too) and lands on it.
  pages.post('/centre/disposals/plan', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const outcome = await planDisposalRunNow(ctx, actor)
    if (outcome.runId === undefined) return c.redirect('/centre/disposals?done=nothing_due', 303)
    return c.redirect(`/centre/disposals/${outcome.runId}?done=${outcome.status}`, 303)
  })

  const runPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    id: string,
    extra: { done?: string | undefined; error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) => {
    const page = pageNumberOf(c.req.query('page'))
    const abilities = await pageAbilities(ctx, actor)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Disposal run`,
      current: '/centre',
      status: extra.status ?? 200,
      body: disposalRunBody({
        run: await reviewDisposalRun(ctx, actor, id, { number: page, size: RUN_PAGE }),
        page,
        csrf: pageCsrf(c),
        mayApprove: abilities.has('approve_disposals'),
        mayKeep: abilities.has('read_disposals'),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

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
    const fail = (message: string) =>
      runPage(c, actor, id, { error: { field: 'familiesToDestroy', message }, status: 400 })
    const confirmed = fields.get('familiesToDestroy')
    const version = Number(fields.get('version'))
    if (confirmed === '')
      return fail('tick the box to confirm how many families’ records are destroyed')
    if (!/^\d{1,9}$/.test(confirmed) || !Number.isInteger(version) || version < 1)
      return fail('this form was not drawn from the run: load the run again')
    const done = await tryForm(() =>
      approveDisposalRun(ctx, actor, id, { familiesToDestroy: Number(confirmed), version }),
    )
    if (!done.ok)
      return runPage(c, actor, id, {
        error: { ...done.error, field: 'familiesToDestroy' },
        status: done.status,
      })
    return c.redirect(`/centre/disposals/${id}?done=approved`, 303)
  })

  const keepPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    runId: string,
    familyId: string,
    form: Record<string, string>,
    extra: { error?: FormError; status?: 200 | 400 | 403 | 409 } = {},
  ) => {
    const { run, item } = await readRunFamily(ctx, actor, runId, familyId)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Keep a family out of a disposal run`,
      current: '/centre',
      status: extra.status ?? 200,
      body: keepFamilyBody({ run, item, csrf: pageCsrf(c), form, error: extra.error }),
    })
  }

  pages.get(
    '/centre/disposals/:runId/families/:familyId',
    signedInGet(async (c, actor) =>
      keepPage(c, actor, c.req.param('runId') ?? '', c.req.param('familyId') ?? '', {}),
    ),
  )

  pages.post('/centre/disposals/:runId/families/:familyId', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const runId = c.req.param('runId')
    const familyId = c.req.param('familyId')
    const form = { as: fields.get('as'), reason: fields.get('reason') }
    const fail = (error: FormError, status: 400 | 403 | 409 = 400) =>
      keepPage(c, actor, runId, familyId, form, { error, status })
    const problems = [
      ...(form.as === 'held' || form.as === 'excluded'
        ? []
        : [{ field: 'as', message: 'choose how the family is kept' }]),
      ...(form.reason.trim() === ''
        ? [{ field: 'reason', message: 'say why the family is kept out of the run' }]
        : []),
    ]
    const missing = formErrorOf(problems)
    if (missing) return fail(missing)
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(keepInput, { as: form.as, reason: form.reason.trim() }, (path) =>
      path[0] === 'reason'
        ? { field: 'reason', label: 'Why' }
        : path[0] === 'as'
          ? { field: 'as', label: 'How it is kept' }
          : undefined,
    )
    if (!read.ok) return fail(read.error)
    const done = await tryForm(() => keepFamilyOutOfRun(ctx, actor, runId, familyId, read.input))
    if (!done.ok) return fail(done.error, done.status)
    return c.redirect(`/centre/disposals/${runId}?done=${done.value.as}`, 303)
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
