import { Hono, type Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { holdInput } from '../app/contracts/retention.ts'
import { id } from '../app/contracts/common.ts'
import { readLegalHold, setLegalHold } from '../app/disposal-views.ts'
import { HavenError } from '../domain/errors.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import { checkForm } from './contract-form.ts'
import { html, type Html } from './html.ts'
import {
  button,
  errorSummary,
  formFields,
  pageCsrf,
  postForm,
  requirePage,
  signedInGet,
  signedInPage,
  successBanner,
  summaryList,
  textArea,
  tryForm,
  type FormError,
} from './page-kit.ts'

const DONE: Record<string, string> = {
  held: 'The family is on legal hold: no disposal run destroys its records until the hold is lifted.',
  lifted: 'The hold is lifted: the family’s records are kept or destroyed by the policy again.',
}

function holdBody(input: {
  familyId: string
  hold: { reference: string; isOnHold: boolean; reason: string | undefined }
  csrf: string
  reason: string
  error?: FormError | undefined
  done?: string | undefined
}): Html {
  const { hold } = input
  const action = `/families/${input.familyId}/legal-hold`
  return html`${input.done ? successBanner([input.done]) : ''}${errorSummary(input.error)}
    <span class="govuk-caption-l">Family ${hold.reference}</span>
    <h1 class="govuk-heading-l">Legal hold</h1>
    <p class="govuk-body">A family on legal hold is kept out of every disposal run, whatever the policy says of its age, until the hold is lifted: for a court case, an investigation or a complaint that needs its records.</p>
    ${summaryList([
      ['On legal hold', hold.isOnHold ? 'Yes' : 'No'],
      ...(hold.isOnHold ? [['Why', hold.reason ?? ''] as const] : []),
    ])}
    ${
      hold.isOnHold
        ? postForm(
            action,
            input.csrf,
            html`<input type="hidden" name="isOnHold" value="no">${button('Lift the hold', 'secondary')}`,
            'Lift the hold',
          )
        : postForm(
            action,
            input.csrf,
            html`<input type="hidden" name="isOnHold" value="yes">
              ${textArea({
                name: 'reason',
                label: 'Why the family is held',
                hint: 'For example, the court case or the complaint, and until when. Shown to those who plan disposal; the audit log records only that a reason was given.',
                value: input.reason,
                error: input.error,
              })}
              ${button('Put on legal hold')}`,
            'Put on legal hold',
          )
    }
    <p class="govuk-body"><a class="govuk-link" href="/families/${input.familyId}">Back to the family</a></p>`
}

/** A family's legal hold from the pages: put on with a reason, lifted (issue 17). */
export function legalHoldRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  const page = async (
    c: Context<HavenEnv>,
    actor: Actor,
    extra: { reason?: string; error?: FormError; status?: 400 | 403 | 409 } = {},
  ) => {
    await requirePage(ctx, actor, 'read_disposals')
    const familyId = c.req.param('familyId') ?? ''
    if (!id.safeParse(familyId).success) throw new HavenError('not_found', 'no such family')
    const hold = await readLegalHold(ctx, actor, familyId)
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}Legal hold, family ${hold.reference}`,
      current: '/families',
      status: extra.status ?? 200,
      body: holdBody({
        familyId,
        hold,
        csrf: pageCsrf(c),
        reason: extra.reason ?? '',
        error: extra.error,
        done: DONE[c.req.query('done') ?? ''],
      }),
    })
  }
  pages.get(
    '/families/:familyId/legal-hold',
    signedInGet(async (c, actor) => page(c, actor)),
  )
  pages.post('/families/:familyId/legal-hold', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const familyId = c.req.param('familyId')
    const isOnHold = fields.get('isOnHold') === 'yes'
    const reason = fields.get('reason')
    const checked = checkForm(holdInput, { isOnHold, ...(isOnHold ? { reason } : {}) }, (path) =>
      path[0] === 'reason' ? { field: 'reason', label: 'The reason' } : undefined,
    )
    if (!checked.ok) return page(c, actor, { reason, error: checked.error, status: 400 })
    const done = await tryForm(() => setLegalHold(ctx, actor, familyId, checked.input))
    if (!done.ok) return page(c, actor, { reason, error: done.error, status: done.status })
    return c.redirect(`/families/${familyId}/legal-hold?done=${isOnHold ? 'held' : 'lifted'}`, 303)
  })
  return pages
}
