import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import {
  disposalCertificatePdf,
  keepFamilyOutOfRun,
  listDisposalRuns,
  readDisposalRun,
  setLegalHold,
} from '../app/disposal-views.ts'
import { approveDisposalRun, planDisposalRunNow } from '../app/retention.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson } from './validation.ts'
import {
  holdInput,
  runQuery,
  disposalRunList,
  plannedOutput,
  disposalRunDetail,
  approvedOutput,
  approveInput,
  holdOutput,
  keepInput,
  keptOutput,
} from '../app/contracts/retention.ts'
import { id } from '../app/contracts/common.ts'

const spec = (
  method: RouteSpec['method'],
  path: string,
  summary: string,
  success: RouteSpec['success'],
  extra: Pick<RouteSpec, 'body' | 'response' | 'query' | 'produces'> = {},
): RouteSpec => signedInRoute(method, path, summary, 'retention', success, extra)

export const RETENTION_ROUTES: readonly RouteSpec[] = [
  spec('get', '/api/disposals', 'Disposal runs, newest first (RETAIN)', 200, {
    response: disposalRunList,
  }),
  spec('post', '/api/disposals', 'Plan a disposal run now (the server also does daily)', 200, {
    response: plannedOutput,
  }),
  spec('get', '/api/disposals/:runId', 'One run and a page of what it destroys', 200, {
    query: runQuery,
    response: disposalRunDetail,
  }),
  spec(
    'post',
    '/api/disposals/:runId/approve',
    'Approve a run (the roles the policy names), naming how many families it destroys, and carry it out; 409 when that is not the run’s number now, or the run changed since the version named',
    200,
    { body: approveInput, response: approvedOutput },
  ),
  spec(
    'post',
    '/api/disposals/:runId/families/:familyId/keep',
    'Keep a family out of a waiting run, with a reason: on legal hold, or excluded from this run only',
    200,
    { body: keepInput, response: keptOutput },
  ),
  spec(
    'get',
    '/api/disposals/:runId/certificate.pdf',
    'The certificate of a completed run: counts, categories, clause, who, when',
    200,
    { produces: 'application/pdf' },
  ),
  spec(
    'put',
    '/api/families/:familyId/legal-hold',
    'Hold a family against disposal, with a reason, or lift the hold',
    200,
    { body: holdInput, response: holdOutput },
  ),
]

/** Retention and disposal: runs, approval, certificates, legal holds. */
export function retentionRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  const runId = (value: string | undefined) => parseInput(id, value, 'path.runId')

  api.get('/api/disposals', async (c) =>
    c.json({ runs: await listDisposalRuns(ctx, requireActor(c)) }),
  )
  api.post('/api/disposals', async (c) => c.json(await planDisposalRunNow(ctx, requireActor(c))))
  api.get('/api/disposals/:runId', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(runQuery, c.req.query(), 'query')
    return c.json(
      await readDisposalRun(ctx, actor, runId(c.req.param('runId')), {
        afterId: query.after,
        limit: query.limit,
      }),
    )
  })
  api.post('/api/disposals/:runId/approve', async (c) => {
    const actor = requireActor(c)
    const run = runId(c.req.param('runId'))
    const confirmation = await readJson(c, approveInput)
    return c.json({ certificate: await approveDisposalRun(ctx, actor, run, confirmation) })
  })
  api.post('/api/disposals/:runId/families/:familyId/keep', async (c) => {
    const actor = requireActor(c)
    const run = runId(c.req.param('runId'))
    const familyId = parseInput(id, c.req.param('familyId'), 'path.familyId')
    const input = await readJson(c, keepInput)
    return c.json(await keepFamilyOutOfRun(ctx, actor, run, familyId, input))
  })
  api.get('/api/disposals/:runId/certificate.pdf', async (c) => {
    const actor = requireActor(c)
    const file = await disposalCertificatePdf(ctx, actor, runId(c.req.param('runId')))
    return c.body(file.body.slice().buffer, 200, {
      'content-type': 'application/pdf',
      'content-disposition': `attachment; filename="${file.fileName}"`,
    })
  })
  api.put('/api/families/:familyId/legal-hold', async (c) => {
    const actor = requireActor(c)
    const familyId = parseInput(id, c.req.param('familyId'), 'path.familyId')
    return c.json(await setLegalHold(ctx, actor, familyId, await readJson(c, holdInput)))
  })
  return api
}
