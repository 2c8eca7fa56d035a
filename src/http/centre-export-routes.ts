import { Hono } from 'hono'
import type { Context } from 'hono'
import type { Actor } from '../app/actor.ts'
import type { AppContext } from '../app/context.ts'
import { prepareCentreExport } from '../app/centre-export.ts'
import type { RouteSpec } from './api-spec.ts'
import { requireActor, type HavenEnv } from './session.ts'

export const CENTRE_EXPORT_ROUTES: readonly RouteSpec[] = [
  {
    method: 'post',
    path: '/api/centre/export',
    summary:
      "The centre's export, for when it leaves this installation: every record of the centre with contact details opened, and its audit chain with signed checkpoints (export_centre; JSON lines, docs/decisions/0046)",
    tag: 'centre',
    access: 'signed_in',
    success: 200,
    produces: 'application/x-ndjson',
    // The answer holds every contact detail of the centre: it is not kept to be replayed.
    idempotencyKey: false,
  },
]

/**
 * Streams a prepared export as the answer: decided and recorded before the first byte (so a
 * refusal is a 403), then written as it is read, waiting for the client as it goes.
 */
export async function centreExportResponse(
  ctx: AppContext,
  c: Context<HavenEnv>,
  actor: Actor,
): Promise<Response> {
  const prepared = await prepareCentreExport(ctx, actor)
  const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>()
  const writer = writable.getWriter()
  const encoder = new TextEncoder()
  prepared
    .writeTo(async (text) => {
      await writer.ready
      await writer.write(encoder.encode(text))
    })
    .then(
      () => writer.close(),
      (error: unknown) => writer.abort(error),
    )
    .catch(() => undefined)
  c.header('Cache-Control', 'no-store')
  c.header('Content-Disposition', `attachment; filename="${prepared.fileName}"`)
  c.header('Content-Type', 'application/x-ndjson; charset=utf-8')
  return c.body(readable)
}

/** The centre's export as the API gives it. */
export function centreExportRoutes(ctx: AppContext): Hono<HavenEnv> {
  const api = new Hono<HavenEnv>()
  api.post('/api/centre/export', (c) => centreExportResponse(ctx, c, requireActor(c)))
  return api
}
