import { Hono } from 'hono'
import { z } from 'zod'
import { findCentreBySlugOrThrow } from '../app/centres.ts'
import {
  currentPolicy,
  policyHistory,
  publishPolicy,
  recordPolicyReview,
} from '../app/centre-policy.ts'
import type { AppContext } from '../app/context.ts'
import { renderPolicyMarkdown } from '../domain/policy/render.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { readJson, text } from './validation.ts'

/** The centre's policy: read by everyone (AWARE), published and reviewed (REVIEW). */
export function policyRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  api.get('/api/policy', async (c) => {
    const actor = requireActor(c)
    const policy = await currentPolicy(ctx, actor.centreId)
    return c.json({
      version: policy.version,
      hash: policy.hash,
      publishedAt: policy.publishedAt,
      lastReviewedOn: policy.lastReviewedOn,
      nextReviewDue: policy.nextReviewDue,
      isReviewOverdue: policy.isReviewOverdue,
      document: policy.document,
      markdown: renderPolicyMarkdown(policy.document),
    })
  })

  api.get('/api/policy/history', async (c) => {
    const actor = requireActor(c)
    return c.json(await policyHistory(ctx, actor.centreId))
  })

  api.post('/api/policy/versions', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, z.strictObject({ document: z.unknown() }))
    return c.json(await publishPolicy(ctx, actor, body.document), 201)
  })

  api.post('/api/policy/reviews', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, z.strictObject({ notes: text(2000) }))
    return c.json(await recordPolicyReview(ctx, actor, body.notes), 201)
  })

  /** Public: each centre's current policy, for families, referrers and anyone who asks. */
  api.get('/api/centres/:slug/policy', async (c) => {
    const centre = await findCentreBySlugOrThrow(ctx, c.req.param('slug'))
    const policy = await currentPolicy(ctx, centre.id)
    c.header('Cache-Control', 'public, max-age=300')
    return c.json({
      centreName: centre.name,
      version: policy.version,
      hash: policy.hash,
      markdown: renderPolicyMarkdown(policy.document),
    })
  })

  return api
}
