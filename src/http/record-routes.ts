import { Hono } from 'hono'
import { acknowledgementsOfPolicy, acknowledgePolicy } from '../app/acknowledgements.ts'
import { approveAssessment, bookAssessment, proposeAssessment } from '../app/assessments.ts'
import { readAuditLog } from '../app/audit-trail.ts'
import type { AppContext } from '../app/context.ts'
import { answerGuidance, askGuidance, listGuidance } from '../app/guidance.ts'
import { listIncidents, raiseIncident } from '../app/incidents.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson } from './validation.ts'
import {
  incidentInput,
  incidentQuery,
  askInput,
  answerInput,
  assessmentInput,
  auditQuery,
  acknowledgementsOutput,
  auditOutput,
  acknowledgedOutput,
  createdOutput,
  incidentList,
  guidanceList,
  bookedAssessment,
} from '../app/contracts/records.ts'
import { id } from '../app/contracts/common.ts'

const spec = signedInRoute

export const RECORD_ROUTES: readonly RouteSpec[] = [
  spec(
    'post',
    '/api/incidents',
    'Record an accident, an incident or a safeguarding concern',
    'incidents',
    201,
    {
      body: incidentInput,
      response: createdOutput,
    },
  ),
  spec(
    'get',
    '/api/incidents',
    'One kind of record, as far as the policy lets this reader see',
    'incidents',
    200,
    {
      query: incidentQuery,
      response: incidentList,
    },
  ),
  spec(
    'post',
    '/api/guidance',
    'Ask the coordinator for guidance (never by e-mail)',
    'guidance',
    201,
    {
      body: askInput,
      response: createdOutput,
    },
  ),
  spec(
    'get',
    '/api/guidance',
    'Guidance requests: all for those who answer, one’s own otherwise',
    'guidance',
    200,
    {
      response: guidanceList,
    },
  ),
  spec('post', '/api/guidance/:requestId/answer', 'Answer a guidance request', 'guidance', 204, {
    body: answerInput,
  }),
  spec(
    'post',
    '/api/policy/acknowledgements',
    'Acknowledge the version of the policy in force',
    'policy',
    200,
    {
      response: acknowledgedOutput,
    },
  ),
  spec(
    'get',
    '/api/policy/acknowledgements',
    'Who has acknowledged the version in force',
    'policy',
    200,
    { response: acknowledgementsOutput },
  ),
  spec(
    'post',
    '/api/assessments',
    'Propose an assessment on the premises (ASSESS)',
    'assessments',
    201,
    {
      body: assessmentInput,
      response: createdOutput,
    },
  ),
  spec(
    'post',
    '/api/assessments/:assessmentId/approve',
    'Approve its agreement: the role the policy names',
    'assessments',
    204,
  ),
  spec(
    'post',
    '/api/assessments/:assessmentId/book',
    'Book it; refused, citing ASSESS, without an approved agreement',
    'assessments',
    200,
    {
      response: bookedAssessment,
    },
  ),
  spec(
    'get',
    '/api/audit',
    "This centre's audit entries, newest first, and the signed checkpoints",
    'audit',
    200,
    {
      query: auditQuery,
      response: auditOutput,
    },
  ),
]

/** The accident book, incidents and concerns; guidance; acknowledgements; the audit log. */
export function recordRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()

  api.post('/api/incidents', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, incidentInput)
    return c.json(await raiseIncident(ctx, actor, body), 201)
  })

  api.get('/api/incidents', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(incidentQuery, c.req.query(), 'query')
    return c.json({ incidents: await listIncidents(ctx, actor, query.kind) })
  })

  api.post('/api/guidance', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, askInput)
    return c.json(await askGuidance(ctx, actor, body), 201)
  })

  api.get('/api/guidance', async (c) =>
    c.json({ requests: await listGuidance(ctx, requireActor(c)) }),
  )

  api.post('/api/guidance/:requestId/answer', async (c) => {
    const actor = requireActor(c)
    const requestId = parseInput(id, c.req.param('requestId'), 'path.requestId')
    const body = await readJson(c, answerInput)
    await answerGuidance(ctx, actor, requestId, body.answer)
    return c.body(null, 204)
  })

  api.post('/api/policy/acknowledgements', async (c) =>
    c.json(await acknowledgePolicy(ctx, requireActor(c))),
  )

  api.get('/api/policy/acknowledgements', async (c) =>
    c.json(await acknowledgementsOfPolicy(ctx, requireActor(c))),
  )

  api.post('/api/assessments', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, assessmentInput)
    return c.json(await proposeAssessment(ctx, actor, body), 201)
  })

  api.post('/api/assessments/:assessmentId/approve', async (c) => {
    const actor = requireActor(c)
    await approveAssessment(
      ctx,
      actor,
      parseInput(id, c.req.param('assessmentId'), 'path.assessmentId'),
    )
    return c.body(null, 204)
  })

  api.post('/api/assessments/:assessmentId/book', async (c) => {
    const actor = requireActor(c)
    return c.json(
      await bookAssessment(
        ctx,
        actor,
        parseInput(id, c.req.param('assessmentId'), 'path.assessmentId'),
      ),
    )
  })

  api.get('/api/audit', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(auditQuery, c.req.query(), 'query')
    const log = await readAuditLog(ctx, actor, query)
    return c.json({
      entries: log.entries.map((e) => ({
        seq: e.seq,
        at: e.at,
        type: e.type,
        actorId: e.actorId ?? null,
        subjectId: e.subjectId ?? null,
        details: JSON.parse(e.details) as unknown,
        hash: e.hash,
      })),
      checkpoints: log.checkpoints.map((k) => ({
        chain: k.chain,
        seq: k.seq,
        hash: k.hash,
        at: k.at,
        keyId: k.keyId,
        signature: k.signature,
        version: k.version,
      })),
    })
  })

  return api
}
