import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { sessionsOfDay } from '../app/day-sessions.ts'
import { readRegister, recordAtDoor } from '../app/door.ts'
import { addRoom, listRooms, setStagger } from '../app/rooms.ts'
import { bookSession, closeSession, replanSession } from '../app/sessions.ts'
import { assignWorker, declareAcquaintance, listWorkers, recordCheck } from '../app/workers.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput, readJson } from './validation.ts'
import {
  bookInput,
  replanInput,
  closeInput,
  doorInput,
  register,
  assignInput,
  dayQuery,
  checkInput,
  acquaintanceInput,
  roomInput,
  staggerInput,
  room,
  workerList,
  staggerOutput,
  daySessionList,
  roomList,
  bookedSession,
  replannedSession,
  closedSession,
  doorOutput,
  assignedWorker,
  recordedCheck,
} from '../app/contracts/sessions.ts'
import { id } from '../app/contracts/common.ts'

const spec = signedInRoute

export const SESSION_ROUTES: readonly RouteSpec[] = [
  spec(
    'put',
    '/api/centre/stagger',
    'How many minutes apart parents who must not meet arrive and leave',
    'sessions',
    200,
    {
      body: staggerInput,
      response: staggerOutput,
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
        response: daySessionList,
      },
    ),
    query: dayQuery,
  },
  spec('get', '/api/rooms', "The centre's rooms", 'sessions', 200, {
    response: roomList,
  }),
  spec('post', '/api/rooms', 'Add a room', 'sessions', 201, { body: roomInput, response: room }),
  spec(
    'post',
    '/api/sessions',
    'Book a session; refused when the plan would bring the parents together',
    'sessions',
    201,
    {
      body: bookInput,
      response: bookedSession,
    },
  ),
  spec(
    'put',
    '/api/sessions/:sessionId/plan',
    'Change who comes when; refused when the change would bring the parents together',
    'sessions',
    200,
    {
      body: replanInput,
      response: replannedSession,
    },
  ),
  spec(
    'post',
    '/api/sessions/:sessionId/close',
    'Cancel a session (saying who cancelled) or mark it not attended',
    'sessions',
    200,
    {
      body: closeInput,
      response: closedSession,
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
      body: doorInput,
      response: doorOutput,
    },
  ),
  spec(
    'post',
    '/api/sessions/:sessionId/workers',
    'Assign a worker; refused, with the clause, without the checks the policy asks',
    'workers',
    200,
    {
      body: assignInput,
      response: assignedWorker,
    },
  ),
  spec(
    'get',
    '/api/workers',
    'Workers and their renewal dates; their checks only for the roles the policy names',
    'workers',
    200,
    { response: workerList },
  ),
  spec('post', '/api/workers/:accountId/checks', "Record a worker's check", 'workers', 201, {
    body: checkInput,
    response: recordedCheck,
  }),
  spec(
    'post',
    '/api/families/:familyId/acquaintances',
    'A worker declares they know the family',
    'workers',
    204,
    {
      body: acquaintanceInput,
    },
  ),
]

/** Rooms, sessions, the door, workers and their checks. */
export function sessionRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  const param = (value: string | undefined, name: string) => parseInput(id, value, `path.${name}`)

  api.put('/api/centre/stagger', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, staggerInput)
    return c.json(await setStagger(ctx, actor, body.minutes))
  })

  api.get('/api/rooms', async (c) => c.json({ rooms: await listRooms(ctx, requireActor(c)) }))

  api.post('/api/rooms', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, roomInput)
    return c.json(await addRoom(ctx, actor, body.name), 201)
  })

  api.get('/api/sessions', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(dayQuery, c.req.query(), 'query')
    return c.json({ sessions: await sessionsOfDay(ctx, actor, query.date) })
  })

  api.post('/api/sessions', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, bookInput)
    return c.json(await bookSession(ctx, actor, body), 201)
  })

  api.put('/api/sessions/:sessionId/plan', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, replanInput)
    return c.json(await replanSession(ctx, actor, sessionId, body))
  })

  api.post('/api/sessions/:sessionId/close', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, closeInput)
    return c.json(await closeSession(ctx, actor, sessionId, body))
  })

  api.get('/api/sessions/:sessionId/register', async (c) => {
    const actor = requireActor(c)
    return c.json(await readRegister(ctx, actor, param(c.req.param('sessionId'), 'sessionId')))
  })

  api.post('/api/sessions/:sessionId/door', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, doorInput)
    return c.json(await recordAtDoor(ctx, actor, sessionId, body))
  })

  api.post('/api/sessions/:sessionId/workers', async (c) => {
    const actor = requireActor(c)
    const sessionId = param(c.req.param('sessionId'), 'sessionId')
    const body = await readJson(c, assignInput)
    return c.json(await assignWorker(ctx, actor, sessionId, body.accountId))
  })

  api.get('/api/workers', async (c) => c.json({ workers: await listWorkers(ctx, requireActor(c)) }))

  api.post('/api/workers/:accountId/checks', async (c) => {
    const actor = requireActor(c)
    const accountId = param(c.req.param('accountId'), 'accountId')
    const body = await readJson(c, checkInput)
    return c.json(await recordCheck(ctx, actor, { ...body, accountId }), 201)
  })

  api.post('/api/families/:familyId/acquaintances', async (c) => {
    const actor = requireActor(c)
    const familyId = param(c.req.param('familyId'), 'familyId')
    const body = await readJson(c, acquaintanceInput)
    await declareAcquaintance(ctx, actor, familyId, body.accountId)
    return c.body(null, 204)
  })

  return api
}
