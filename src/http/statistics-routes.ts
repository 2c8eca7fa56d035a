import { Hono } from 'hono'
import { todayAtCentre } from '../app/case-access.ts'
import type { AppContext } from '../app/context.ts'
import { statisticsOutput, statisticsQuery } from '../app/contracts/statistics.ts'
import { readQuarterReturn } from '../app/statistics.ts'
import { previousQuarter, quarterOf } from '../domain/statistics.ts'
import { signedInRoute, type RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'
import { parseInput } from './validation.ts'

export const STATISTICS_ROUTES: readonly RouteSpec[] = [
  signedInRoute(
    'get',
    '/api/statistics',
    "The quarter's figures for the national association (default: the last whole quarter), small numbers hidden: a hidden figure has no count",
    'centre',
    200,
    { query: statisticsQuery, response: statisticsOutput },
  ),
]

/** The quarterly return as data, for a spreadsheet or the national association's own tools. */
export function statisticsRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  api.get('/api/statistics', async (c) => {
    const actor = requireActor(c)
    const query = parseInput(statisticsQuery, c.req.query(), 'query')
    const label = query.quarter ?? previousQuarter(quarterOf(todayAtCentre(ctx)))
    const r = await readQuarterReturn(ctx, actor, label)
    return c.json({
      quarter: r.quarter,
      sections: r.sections.map((s) => ({
        title: s.title,
        ...(s.note === undefined ? {} : { note: s.note }),
        figures: s.figures.map((f) => ({
          label: f.label,
          shown: f.shown,
          count: f.shown === String(f.value) ? f.value : null,
        })),
      })),
    })
  })
  return api
}
