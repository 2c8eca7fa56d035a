import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { answerInput } from '../app/contracts/records.ts'
import { checkForm } from './contract-form.ts'
import { answerGuidance, listGuidance, type GuidanceView } from '../app/guidance.ts'
import { listIncidents, type IncidentView } from '../app/incidents.ts'
import { centreSections } from './navigation.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { html, type Html } from './html.ts'
import {
  button,
  errorSummary,
  formFields,
  link,
  pageCsrf,
  postForm,
  pageAbilities,
  requirePage,
  shortDate,
  signedInPage,
  successBanner,
  table,
  textArea,
  tryForm,
  type FormError,
  unlessForbidden,
  signedInGet,
  clockTime,
} from './page-kit.ts'

const when = (at: string) => `${shortDate(at)} ${clockTime(at)}`

function incidentTable(caption: string, rows: readonly IncidentView[], mayDisclose: boolean): Html {
  return html`<h2 class="govuk-heading-m">${caption}</h2>${table({
    caption,
    isCaptionHidden: true,
    head: ['When', 'Family', 'What happened', ''],
    rows: rows.map((r) => [
      when(r.occurredAt),
      r.familyReference ?? 'None',
      r.summary,
      mayDisclose && r.kind === 'safeguarding_concern' && r.familyId
        ? link(
            `/disclosures/new?familyId=${r.familyId}&concernId=${r.id}`,
            'Share under the exception',
          )
        : '',
    ]),
    empty: 'None recorded.',
  })}`
}

/**
 * Incidents, safeguarding concerns, the accident book and workers' questions, for those the
 * policy lets read them (EXCEPT: concerns only for the roles it names; GUIDE: questions for
 * those who answer). A concern leads to a disclosure under the exception, linked to it.
 */
export function recordRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const render = async (
    c: Context<HavenEnv>,
    actor: Actor,
    extra: {
      done?: string
      error?: FormError & { id?: string }
      status?: 200 | 400 | 403 | 409
    } = {},
  ) => {
    const concerns = await unlessForbidden(() => listIncidents(ctx, actor, 'safeguarding_concern'))
    const incidents = await unlessForbidden(() => listIncidents(ctx, actor, 'incident'))
    const accidents = await unlessForbidden(() => listIncidents(ctx, actor, 'accident'))
    const questions = await unlessForbidden(() => listGuidance(ctx, actor))
    const abilities = await pageAbilities(ctx, actor)
    const mayAnswer = abilities.has('answer_guidance')
    // A concern leads to a disclosure under the exception, raised by those who authorise it.
    const mayDisclose = abilities.has('authorise_disclosures')
    const question = (q: GuidanceView) =>
      html`<div class="govuk-summary-card"><div class="govuk-summary-card__title-wrapper"><h3 class="govuk-summary-card__title">${when(q.askedAt)}${q.familyReference ? `, family ${q.familyReference}` : ''}</h3></div>
      <div class="govuk-summary-card__content"><p class="govuk-body">${q.question}</p>
      ${
        q.answer !== null
          ? html`<p class="govuk-body"><strong>Answer${q.answeredAt ? ` (${shortDate(q.answeredAt)})` : ''}:</strong> ${q.answer}</p>`
          : mayAnswer
            ? postForm(
                `/records/questions/${q.id}/answer`,
                pageCsrf(c),
                html`${textArea({ name: `answer-${q.id}`, label: 'Your answer', error: extra.error?.id === q.id ? { field: `answer-${q.id}`, message: extra.error.message } : undefined, rows: 3 })}${button('Send the answer', 'secondary')}`,
              )
            : html`<p class="govuk-body">Not answered yet.</p>`
      }</div></div>`
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Incidents, concerns and questions`,
      current: centreSections(abilities).some((s) => s.href === '/records')
        ? '/centre'
        : '/my-sessions',
      status: extra.status ?? 200,
      body: html`${successBanner(extra.done ? [extra.done] : [])}${errorSummary(extra.error)}
        <h1 class="govuk-heading-l">Incidents, concerns and questions</h1>
        ${concerns ? incidentTable('Safeguarding concerns', concerns, mayDisclose) : ''}
        ${incidents ? incidentTable('Incidents', incidents, false) : ''}
        ${accidents ? incidentTable('Accident book', accidents, false) : ''}
        ${
          questions
            ? html`<h2 class="govuk-heading-m">${mayAnswer ? "Workers' questions" : 'Your questions'}</h2>
              ${questions.length === 0 ? html`<p class="govuk-body">No questions yet.</p>` : questions.map(question)}`
            : ''
        }
        ${abilities.has('record_incidents') ? html`<p class="govuk-body">${link('/report', 'Record an incident, raise a concern or ask a question')}</p>` : ''}`,
    })
  }

  pages.get(
    '/records',
    signedInGet(async (c, actor) => {
      await requirePage(
        ctx,
        actor,
        'record_incidents',
        'read:incident',
        'read:safeguarding_concern',
        'answer_guidance',
      )
      return render(c, actor, c.req.query('done') === 'answered' ? { done: 'Answer sent.' } : {})
    }),
  )

  pages.post('/records/questions/:questionId/answer', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const id = c.req.param('questionId')
    const answer = fields.get(`answer-${id}`)
    // The use case's own contract decides every limit, as it does for the API (decision 0026).
    const read = checkForm(answerInput, { answer }, () => ({
      field: `answer-${id}`,
      label: 'The answer',
    }))
    if (!read.ok) return render(c, actor, { error: { ...read.error, id }, status: 400 })
    const done = await tryForm(() => answerGuidance(ctx, actor, id, read.input.answer))
    if (!done.ok)
      return render(c, actor, {
        error: { ...done.error, field: `answer-${id}`, id },
        status: done.status,
      })
    return c.redirect('/records?done=answered', 303)
  })
  return pages
}
