import { Hono } from 'hono'
import { z } from 'zod'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDay } from '../app/day-sessions.ts'
import { readRegister, recordAtDoor } from '../app/door.ts'
import { addRoom, listRooms, setStagger } from '../app/rooms.ts'
import { bookSession, closeSession, replanSession, SESSION_KINDS } from '../app/sessions.ts'
import { assignWorker, declareAcquaintance, listWorkers, recordCheck } from '../app/workers.ts'
import { CHECK_LEVELS } from '../domain/policy/document.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson, text } from './validation.ts'

const id = z.uuid()
const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'YYYY-MM-DDTHH:MM')
const date = z.iso.date()

const bookBody = z.strictObject({
  familyId: id,
  roomId: id,
  kind: z.enum(SESSION_KINDS),
  startsAt: localTime,
  endsAt: localTime,
  plan: z
    .array(
      z.strictObject({
        personId: id,
        arrivesAt: localTime.optional(),
        leavesAt: localTime.optional(),
        waitingRoomId: id.optional(),
      }),
    )
    .max(30)
    .optional(),
})
const planEntry = z.object({
  personId: id,
  arrivesAt: localTime,
  leavesAt: localTime,
  waitingRoomId: id.optional(),
})
const replanBody = z.strictObject({
  plan: bookBody.shape.plan.unwrap().min(1),
  version: z.int().min(1),
})
const closeBody = z.strictObject({
  outcome: z.enum(['cancelled', 'did_not_attend']),
  cancelledBy: z.enum(['resident_parent', 'non_resident_parent', 'centre']).optional(),
  version: z.int().min(1),
})
const doorBody = z.strictObject({
  what: z.enum(['arrived', 'departed']),
  personId: id.optional(),
  visitor: text(120).optional(),
  overrideReason: text(500).optional(),
})
const register = z.object({
  session: z.object({
    id,
    startsAt: z.string(),
    endsAt: z.string(),
    room: z.string(),
    kind: z.string(),
    status: z.string(),
    version: z.int(),
  }),
  isSeparationRequired: z.boolean(),
  safetyFlags: z.array(z.string()),
  people: z.array(
    z.object({
      personId: id,
      kind: z.string(),
      givenName: z.string().optional(),
      arrivesAt: z.string(),
      leavesAt: z.string(),
      arrivedAt: z.string().nullable(),
      departedAt: z.string().nullable(),
    }),
  ),
})
const assignBody = z.strictObject({ accountId: id })
const dayQuery = z.strictObject({ date: date.optional() })
const daySession = z.object({
  sessionId: id,
  startsAt: z.string(),
  endsAt: z.string(),
  room: z.string(),
  kind: z.string(),
  status: z.string(),
  family: z.object({
    id,
    reference: z.string(),
    isSeparationRequired: z.boolean(),
    safetyFlags: z.array(z.string()),
  }),
  people: z.array(
    z.object({
      personId: id,
      kind: z.string(),
      givenName: z.string(),
      arrivesAt: z.string(),
      leavesAt: z.string(),
      arrivedAt: z.string().nullable(),
      departedAt: z.string().nullable(),
    }),
  ),
})
const checkBody = z.strictObject({
  kind: z.enum(['dbs', 'crb']),
  level: z.enum(CHECK_LEVELS),
  certificateReference: text(40).optional(),
  issuedOn: date,
  renewalDueOn: date,
  outcome: z.enum(['clear', 'pending', 'concerns']),
})
const acquaintanceBody = z.strictObject({ accountId: id.optional() })
const roomBody = z.strictObject({ name: text(60) })
const staggerBody = z.strictObject({ minutes: z.int().min(5).max(60) })
const room = z.object({ id, name: z.string() })

const spec = signedInRoute

export const SESSION_ROUTES: readonly RouteSpec[] = [
  spec(
    'put',
    '/api/centre/stagger',
    'How many minutes apart parents who must not meet arrive and leave',
    'sessions',
    200,
    {
      body: staggerBody,
      response: z.object({ minutes: z.int() }),
    },
  ),
  {
    ...spec(
      'get',
      '/api/sessions',
      "A day's sessions: all for the centre's staff, a volunteer's own from the day before to the day after",
      'sessions',
      200,
      {
        response: z.object({ sessions: z.array(daySession) }),
      },
    ),
    query: dayQuery,
  },
  spec('get', '/api/rooms', "The centre's rooms", 'sessions', 200, {
    response: z.object({ rooms: z.array(room) }),
  }),
  spec('post', '/api/rooms', 'Add a room', 'sessions', 201, { body: roomBody, response: room }),
  spec(
    'post',
    '/api/sessions',
    'Book a session; refused when the plan would bring the parents together',
    'sessions',
    201,
    {
      body: bookBody,
      response: z.object({ sessionId: id, plan: z.array(planEntry) }),
    },
  ),
  spec(
    'put',
    '/api/sessions/:sessionId/plan',
    'Change who comes when; refused when the change would bring the parents together',
    'sessions',
    200,
    {
      body: replanBody,
      response: z.object({ sessionId: id, version: z.int(), plan: z.array(planEntry) }),
    },
  ),
  spec(
    'post',
    '/api/sessions/:sessionId/close',
    'Cancel a session (saying who cancelled) or mark it not attended',
    'sessions',
    200,
    {
      body: closeBody,
      response: z.object({ status: z.string(), version: z.int() }),
    },
  ),
  spec(
    'get',
    '/api/sessions/:sessionId/register',
    'The attendance register, in the order people should come and go',
    'sessions',
    200,
    {
      response: register,
    },
  ),
  spec(
    'post',
    '/api/sessions/:sessionId/door',
    'Sign someone in or out at the door (the named-people check)',
    'sessions',
    200,
    {
      body: doorBody,
      response: z.object({ warnings: z.array(z.string()) }),
    },
  ),
  spec(
    'post',
    '/api/sessions/:sessionId/workers',
    'Assign a worker; refused, with the clause, without the checks the policy asks',
    'workers',
    200,
    {
      body: assignBody,
      response: z.object({ clauses: z.array(z.string()) }),
    },
  ),
  spec(
    'get',
    '/api/workers',
    'Workers and their renewal dates; their checks only for the roles the policy names',
    'workers',
    200,
  ),
  spec('post', '/api/workers/:accountId/checks', "Record a worker's check", 'workers', 201, {
    body: checkBody,
    response: z.object({ checkId: id }),
  }),
  spec(
    'post',
    '/api/families/:familyId/acquaintances',
    'A worker declares they know the family',
    'workers',
    204,
    {
      body: acquaintanceBody,
    },
  ),
]

/** Rooms, sessions, the door, workers and their checks. */
export function sessionRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  const param = (value: string | undefined, name: string) => parseInput(id, value, `path.${name}`)

  api.put('/api/centre/stagger', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, staggerBody)
    return c.json(await setStagger(ctx, actor, body.minutes))
  })

  api.get('/api/rooms', async (c) => c.json({ rooms: await listRooms(ctx, requireActor(c)) }))

  api.post('/api/rooms', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, roomBody)
    return c.json(await addRoom(ctx, actor, body.name), 201)
  })

  api.get('/api/sessions', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(dayQuery, c.req.query(), 'query')
    return c.json({ sessions: await sessionsOfDay(ctx, actor, query.date) })
  })

  api.post('/api/sessions', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, bookBody)
    return c.json(await bookSession(ctx, actor, body), 201)
  })

  api.put('/api/sessions/:sessionId/plan', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, replanBody)
    return c.json(await replanSession(ctx, actor, sessionId, body))
  })

  api.post('/api/sessions/:sessionId/close', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, closeBody)
    return c.json(await closeSession(ctx, actor, sessionId, body))
  })

  api.get('/api/sessions/:sessionId/register', async (c) => {
    const actor = requireActor(c)
    return c.json(await readRegister(ctx, actor, param(c.req.param('sessionId'), 'sessionId')))
  })

  api.post('/api/sessions/:sessionId/door', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, doorBody)
    return c.json(await recordAtDoor(ctx, actor, sessionId, body))
  })

  api.post('/api/sessions/:sessionId/workers', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, assignBody)
    return c.json(await assignWorker(ctx, actor, sessionId, body.accountId))
  })

  api.get('/api/workers', async (c) => c.json({ workers: await listWorkers(ctx, requireActor(c)) }))

  api.post('/api/workers/:accountId/checks', async (c) => {
    const actor = requireActor(c)
    const accountId = param(c.req.param('accountId'), 'accountId')
    const body = await readJson(c, checkBody)
    return c.json(await recordCheck(ctx, actor, { ...body, accountId }), 201)
  })

  api.post('/api/families/:familyId/acquaintances', async (c) => {
    const actor = requireActor(c)
    const familyId = param(c.req.param('familyId'), 'familyId')
    const body = await readJson(c, acquaintanceBody)
    await declareAcquaintance(ctx, actor, familyId, body.accountId)
    return c.body(null, 204)
  })

  return api
}
