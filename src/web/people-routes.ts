import { Hono } from 'hono'
import type { Context } from 'hono'
import { findAccountSummary } from '../app/account-summary.ts'
import type { Actor } from '../app/actor.ts'
import { approveAssessment, listAssessmentsToApprove } from '../app/assessments.ts'
import { listConsents, withdrawConsent } from '../app/consents.ts'
import type { AppContext } from '../app/context.ts'
import { listRegister } from '../app/disclosure-register.ts'
import { listDisposalRuns } from '../app/disposal-views.ts'
import { listFamilies } from '../app/families.ts'
import { askGuidance } from '../app/guidance.ts'
import { raiseIncident } from '../app/incidents.ts'
import { ownPeople } from '../app/parent-accounts.ts'
import { listSubjectAccess, openSubjectAccessRequest } from '../app/subject-access.ts'
import { ukDateTime } from '../domain/calendar.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  formFields,
  pageCsrf,
  requirePage,
  signedInPage,
  tryForm,
  type FormError,
  unlessForbidden,
  signedInGet,
} from './page-kit.ts'
import { askInput, incidentInput } from '../app/contracts/records.ts'
import { checkForm, type FormPlace } from './contract-form.ts'
import { approvalsBody, myInformationBody, reportBody } from './people-pages.ts'

type Status = 200 | 400 | 403 | 409

/** A worker's report or question; the committee's approvals; a parent's own information. */
export function peopleRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const reportPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    form: Record<string, string>,
    extra: { done?: string; error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'record_incidents')
    const families = await listFamilies(ctx, actor, { limit: 500, offset: 0 })
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Report or ask`,
      current: '/my-sessions',
      status: extra.status ?? 200,
      body: reportBody({
        form,
        csrf: pageCsrf(c),
        families: families.map((f) => ({ id: f.id, reference: f.reference })),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/report',
    signedInGet(async (c, actor) => {
      const done = c.req.query('done')
      return reportPage(
        c,
        actor,
        { familyId: c.req.query('familyId') ?? '', occurredAt: ukDateTime(ctx.now()) },
        done === 'question'
          ? { done: 'Sent to the coordinator. The answer will be waiting for you in Haven.' }
          : done === 'report'
            ? { done: 'Recorded. Those who must know have been told one is waiting.' }
            : {},
      )
    }),
  )

  pages.post('/report', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const fail = (field: string, message: string) =>
      reportPage(c, actor, form, { error: { field, message }, status: 400 })
    const kind = form.kind ?? ''
    const summary = (form.summary ?? '').trim()
    if (!['incident', 'accident', 'safeguarding_concern', 'question'].includes(kind))
      return fail('kind', 'choose what it is')
    if (summary === '')
      return fail('summary', kind === 'question' ? 'ask your question' : 'say what happened')
    const familyId = form.familyId ? { familyId: form.familyId } : {}
    // The use cases' own contracts decide every limit, as they do for the API (decision 0026).
    if (kind === 'question') {
      const asked = checkForm(askInput, { ...familyId, question: summary }, reportPlace)
      if (!asked.ok) return reportPage(c, actor, form, { error: asked.error, status: 400 })
      const done = await tryForm(() => askGuidance(ctx, actor, asked.input))
      if (!done.ok) return reportPage(c, actor, form, { error: done.error, status: done.status })
      return c.redirect('/report?done=question', 303)
    }
    if ((form.occurredAt ?? '') === '') return fail('occurredAt', 'enter when it happened')
    const read = checkForm(
      incidentInput,
      // A browser may send seconds; the contract takes the minute.
      { kind, ...familyId, occurredAt: (form.occurredAt ?? '').slice(0, 16), summary },
      reportPlace,
    )
    if (!read.ok) return reportPage(c, actor, form, { error: read.error, status: 400 })
    const done = await tryForm(() => raiseIncident(ctx, actor, read.input))
    if (!done.ok) return reportPage(c, actor, form, { error: done.error, status: done.status })
    return c.redirect('/report?done=report', 303)
  })

  const approvalsPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    extra: { done?: string; error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(
      ctx,
      actor,
      'approve_assessments',
      'authorise_disclosures',
      'approve_disposals',
    )
    const register = await unlessForbidden(() => listRegister(ctx, actor, { limit: 500 }))
    const runs = await unlessForbidden(() => listDisposalRuns(ctx, actor))
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Approvals`,
      current: '/approvals',
      status: extra.status ?? 200,
      body: approvalsBody({
        assessments: await unlessForbidden(() => listAssessmentsToApprove(ctx, actor)),
        disclosures: register?.filter((d) => d.status.startsWith('awaiting')),
        disposals: runs,
        csrf: pageCsrf(c),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/approvals',
    signedInGet(async (c, actor) => {
      return approvalsPage(
        c,
        actor,
        c.req.query('done') === 'approved' ? { done: 'Agreement approved.' } : {},
      )
    }),
  )

  pages.post('/approvals/assessments/:assessmentId', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const done = await tryForm(() => approveAssessment(ctx, actor, c.req.param('assessmentId')))
    if (!done.ok) return approvalsPage(c, actor, { error: done.error, status: done.status })
    return c.redirect('/approvals?done=approved', 303)
  })

  const myPage = async (
    c: Context<HavenEnv>,
    actor: Actor,
    extra: { done?: string; error?: FormError; status?: Status } = {},
  ) => {
    await requirePage(ctx, actor, 'see_own_information')
    const people = []
    for (const own of await ownPeople(ctx, actor))
      people.push({ ...own, consents: await listConsents(ctx, actor, own.personId) })
    const summary = await findAccountSummary(ctx, actor)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Your information`,
      current: '/my-information',
      status: extra.status ?? 200,
      body: myInformationBody({
        people,
        requests: await listSubjectAccess(ctx, actor, {}),
        centreSlug: summary.centreSlug,
        csrf: pageCsrf(c),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/my-information',
    signedInGet(async (c, actor) => {
      const done = c.req.query('done')
      return myPage(
        c,
        actor,
        done === 'withdrawn'
          ? { done: 'Consent withdrawn. Nothing more will be shared under it.' }
          : done === 'asked'
            ? { done: 'Request sent. The centre will answer within one calendar month.' }
            : {},
      )
    }),
  )

  pages.post('/my-information/consents/:consentId/withdraw', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const done = await tryForm(() =>
      withdrawConsent(ctx, actor, c.req.param('consentId'), { evidence: 'in_haven' }),
    )
    if (!done.ok) return myPage(c, actor, { error: done.error, status: done.status })
    return c.redirect('/my-information?done=withdrawn', 303)
  })

  pages.post('/my-information/subject-access', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const done = await tryForm(() =>
      openSubjectAccessRequest(ctx, actor, { personId: fields.get('personId') }),
    )
    if (!done.ok) return myPage(c, actor, { error: done.error, status: done.status })
    return c.redirect('/my-information?done=asked', 303)
  })
  return pages
}

/** Where a path of the report's or the question's input sits on the form. */
function reportPlace(path: readonly PropertyKey[]): FormPlace | undefined {
  const [first] = path.map(String)
  if (first === 'summary') return { field: 'summary', label: 'What happened' }
  if (first === 'question') return { field: 'summary', label: 'Your question' }
  if (first === 'occurredAt') return { field: 'occurredAt', label: 'When it happened' }
  if (first === 'familyId') return { field: 'familyId', label: 'The family' }
  if (first === 'kind') return { field: 'kind', label: 'What it is' }
  return undefined
}
