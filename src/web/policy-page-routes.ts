import { Hono } from 'hono'
import type { Context } from 'hono'
import {
  acknowledgePolicy,
  acknowledgementsOfPolicy,
  ownAcknowledgement,
} from '../app/acknowledgements.ts'
import type { Actor } from '../app/actor.ts'
import { todayAtCentre } from '../app/case-access.ts'
import {
  currentPolicy,
  publishPolicy,
  publishPreset,
  recordPolicyReview,
} from '../app/centre-policy.ts'
import type { AppContext } from '../app/context.ts'
import { requireActor, type HavenEnv } from '../http/session.ts'
import {
  formFields,
  pageCsrf,
  signedInPage,
  tryForm,
  type FormError,
  pageAbilities,
  unlessForbidden,
  signedInGet,
} from './page-kit.ts'
import { policyBody, settingsOf, withSettings } from './policy-pages.ts'

/**
 * The policy for a signed-in reader (AWARE): everyone reads it; workers acknowledge it; the
 * roles the policy lets publish change its settings, move to a model policy, record a
 * review, and see who has acknowledged the version in force.
 */
export function policyPageRoutes(ctx: AppContext): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()

  const render = async (
    c: Context<HavenEnv>,
    actor: Actor,
    extra: {
      done?: string[]
      error?: FormError
      status?: 200 | 400 | 403 | 409
      settings?: Record<string, string>
    } = {},
  ) => {
    const policy = await currentPolicy(ctx, actor.centreId)
    const abilities = await pageAbilities(ctx, actor)
    const mayAcknowledge = abilities.has('acknowledge_policy')
    const acknowledgements = await unlessForbidden(() => acknowledgementsOfPolicy(ctx, actor))
    return signedInPage(ctx, c, actor, {
      title: `${extra.error ? 'Error: ' : ''}The policy`,
      current: '/policy',
      status: extra.status ?? 200,
      body: policyBody({
        policy,
        csrf: pageCsrf(c),
        own: mayAcknowledge ? await ownAcknowledgement(ctx, actor) : undefined,
        mayAcknowledge,
        mayManage: abilities.has('publish_policy'),
        acknowledgements: acknowledgements?.people,
        settings: extra.settings ?? settingsOf(policy.document),
        done: extra.done,
        error: extra.error,
      }),
    })
  }

  pages.get(
    '/policy',
    signedInGet(async (c, actor) => {
      const done = c.req.query('done')
      return render(
        c,
        actor,
        done === 'acknowledged'
          ? { done: ['Thank you: your acknowledgement is recorded.'] }
          : done === 'reviewed'
            ? { done: ['Review recorded.'] }
            : {},
      )
    }),
  )

  pages.post('/policy/acknowledge', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const done = await tryForm(() => acknowledgePolicy(ctx, actor))
    if (!done.ok) return render(c, actor, { error: done.error, status: done.status })
    return c.redirect('/policy?done=acknowledged', 303)
  })

  pages.post('/policy/settings', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const form = fields.record()
    const policy = await currentPolicy(ctx, actor.centreId)
    if (Number(form.version) !== policy.version)
      return render(c, actor, {
        error: {
          field: undefined,
          message: `someone published version ${String(policy.version)} since you opened this page; check it and try again`,
        },
        status: 409,
      })
    const next = withSettings({ ...policy.document, adopted: todayAtCentre(ctx) }, form)
    if (!next.ok) return render(c, actor, { error: next.error, status: 400, settings: form })
    const done = await tryForm(() => publishPolicy(ctx, actor, next.document))
    if (!done.ok)
      return render(c, actor, { error: done.error, status: done.status, settings: form })
    return render(c, actor, {
      done: [`Version ${String(done.value.version)} published.`, ...done.value.changes],
    })
  })

  pages.post('/policy/preset', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    if (fields.get('preset') === '')
      return render(c, actor, {
        error: { field: 'preset', message: 'choose a model policy' },
        status: 400,
      })
    const done = await tryForm(() => publishPreset(ctx, actor, fields.get('preset')))
    if (!done.ok)
      return render(c, actor, { error: { ...done.error, field: 'preset' }, status: done.status })
    return render(c, actor, {
      done: [`Version ${String(done.value.version)} published.`, ...done.value.changes],
    })
  })

  pages.post('/policy/review', async (c) => {
    const fields = await formFields(c)
    const actor = requireActor(c, fields.get('_csrf'))
    const notes = fields.get('notes').trim()
    if (notes === '')
      return render(c, actor, {
        error: { field: 'notes', message: 'say what the review found' },
        status: 400,
      })
    const done = await tryForm(() => recordPolicyReview(ctx, actor, notes))
    if (!done.ok)
      return render(c, actor, { error: { ...done.error, field: 'notes' }, status: done.status })
    return c.redirect('/policy?done=reviewed', 303)
  })
  return pages
}
