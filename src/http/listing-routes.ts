import { Hono } from 'hono'
import type { AppContext } from '../app/context.ts'
import { setCentreListing } from '../app/overview.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { readJson } from './validation.ts'
import { listingInput, listingOutput } from '../app/contracts/listing.ts'

export const LISTING_ROUTES: readonly RouteSpec[] = [
  signedInRoute(
    'put',
    '/api/centre/listing',
    "Name the centre on Haven's public front page, with a link to its policy, or take it off (the coordinator; off until turned on)",
    'centre',
    200,
    { body: listingInput, response: listingOutput },
  ),
]

/** The centre's choice to be named on the public front page. */
export function listingRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  api.put('/api/centre/listing', async (c) => {
    const actor = requireActor(c)
    const body = await readJson(c, listingInput)
    return c.json(await setCentreListing(ctx, actor, body.listed))
  })
  return api
}
