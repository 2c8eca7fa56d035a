import { Hono } from 'hono'
import { findOpenCentreBySlugOrThrow } from '../app/centres.ts'
import {
  currentPolicy,
  policyHistory,
  publishPolicy,
  publishPreset,
  recordPolicyReview,
} from '../app/centre-policy.ts'
import type { AppContext } from '../app/context.ts'
import { renderPolicyMarkdown } from '../domain/policy/render.ts'
import { requireActor, type HavenEnv } from './session.ts'
import type { RouteSpec } from './api-spec.ts'
import { readJson } from './validation.ts'
import {
  publishInput,
  reviewInput,
  policyOutput,
  policyHistoryOutput,
  publishedOutput,
  reviewedOutput,
  publicPolicyOutput,
} from '../app/contracts/policy.ts'

export const POLICY_ROUTES: readonly RouteSpec[] = [
  {
    method: 'get',
    path: '/api/policy',
    summary: "The centre's policy in force, as data and as text",
    tag: 'policy',
    access: 'signed_in',
    response: policyOutput,
    success: 200,
  },
  {
    method: 'get',
    path: '/api/policy/history',
    summary: 'Every published version and review',
    tag: 'policy',
    access: 'signed_in',
    response: policyHistoryOutput,
    success: 200,
  },
  {
    method: 'post',
    path: '/api/policy/versions',
    summary: 'Publish a new version of the policy',
    tag: 'policy',
    access: 'signed_in',
    body: publishInput,
    response: publishedOutput,
    success: 201,
  },
  {
    method: 'post',
    path: '/api/policy/reviews',
    summary: 'Record a review of the policy',
    tag: 'policy',
    access: 'signed_in',
    body: reviewInput,
    response: reviewedOutput,
    success: 201,
  },
  {
    method: 'get',
    path: '/api/centres/:slug/policy',
    summary: "A centre's current policy, for anyone",
    tag: 'policy',
    access: 'public',
    response: publicPolicyOutput,
    success: 200,
  },
]

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
    const body = await readJson(c, publishInput)
    return c.json(
      body.preset === undefined
        ? await publishPolicy(ctx, actor, body.document)
        : await publishPreset(ctx, actor, body.preset),
      201,
    )
  })

  api.post('/api/policy/reviews', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, reviewInput)
    return c.json(await recordPolicyReview(ctx, actor, body.notes), 201)
  })

  /** Public: each centre's current policy, for families, referrers and anyone who asks. */
  api.get('/api/centres/:slug/policy', async (c) => {
    const centre = await findOpenCentreBySlugOrThrow(ctx, c.req.param('slug'))
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
