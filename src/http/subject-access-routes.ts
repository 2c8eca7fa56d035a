import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import {
  changeSubjectAccessRequest,
  listSubjectAccess,
  openSubjectAccessRequest,
  readSubjectAccess,
} from '../app/subject-access.ts'
import { compileSubjectAccessBundle, releaseWithheldItem } from '../app/subject-access-bundle.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson } from './validation.ts'
import {
  openInput,
  listQuery,
  eventInput,
  view,
  requestList,
  bundleOutput,
  releaseInput,
  releaseOutput,
} from '../app/contracts/subject-access.ts'
import { id } from '../app/contracts/common.ts'

const spec = (
  method: RouteSpec['method'],
  path: string,
  summary: string,
  success: RouteSpec['success'],
  extra: Pick<RouteSpec, 'body' | 'response' | 'query' | 'produces'> = {},
): RouteSpec => signedInRoute(method, path, summary, 'subject access', success, extra)

export const SUBJECT_ACCESS_ROUTES: readonly RouteSpec[] = [
  spec('post', '/api/subject-access', 'Record a subject access request (SAR)', 201, {
    body: openInput,
    response: view,
  }),
  spec('get', '/api/subject-access', 'Requests by days left, fewest first', 200, {
    query: listQuery,
    response: requestList,
  }),
  spec(
    'get',
    '/api/subject-access/:requestId',
    'One request, its clock and what was withheld',
    200,
    { response: view },
  ),
  spec(
    'post',
    '/api/subject-access/:requestId/events',
    'Identity checked, clarification asked or received, extended, completed',
    200,
    { body: eventInput, response: view },
  ),
  spec(
    'post',
    '/api/subject-access/:requestId/releases',
    'Release a withheld item after review, with a reason (SAR)',
    201,
    { body: releaseInput, response: releaseOutput },
  ),
  spec('get', '/api/subject-access/:requestId/bundle.pdf', 'The bundle, as PDF', 200, {
    produces: 'application/pdf',
  }),
  spec('get', '/api/subject-access/:requestId/bundle.json', 'The bundle, machine-readable', 200, {
    response: bundleOutput,
  }),
]

/** Subject access requests: the workflow and the bundle. */
export function subjectAccessRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  const requestId = (value: string | undefined) => parseInput(id, value, 'path.requestId')

  api.post('/api/subject-access', async (c) => {
    const actor = requireActor(c)
    return c.json(await openSubjectAccessRequest(ctx, actor, await readJson(c, openInput)), 201)
  })
  api.get('/api/subject-access', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(listQuery, c.req.query(), 'query')
    return c.json({ requests: await listSubjectAccess(ctx, actor, query) })
  })
  api.get('/api/subject-access/:requestId', async (c) => {
    const actor = requireActor(c)
    return c.json(await readSubjectAccess(ctx, actor, requestId(c.req.param('requestId'))))
  })
  api.post('/api/subject-access/:requestId/events', async (c) => {
    const actor = requireActor(c)
    const target = requestId(c.req.param('requestId'))
    const body = await readJson(c, eventInput)
    return c.json(await changeSubjectAccessRequest(ctx, actor, target, body.version, body.event))
  })
  api.post('/api/subject-access/:requestId/releases', async (c) => {
    const actor = requireActor(c)
    const target = requestId(c.req.param('requestId'))
    return c.json(
      await releaseWithheldItem(ctx, actor, target, await readJson(c, releaseInput)),
      201,
    )
  })
  for (const format of ['pdf', 'json'] as const) {
    api.get(`/api/subject-access/:requestId/bundle.${format}`, async (c) => {
      const actor = requireActor(c)
      const file = await compileSubjectAccessBundle(
        ctx,
        actor,
        requestId(c.req.param('requestId')),
        format,
      )
      return c.body(file.body.slice().buffer, 200, {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.fileName}"`,
      })
    })
  }
  return api
}
