import { pingDatabase } from '../storage/database.ts'
import type { AppContext } from './context.ts'

/**
 * The health check's answer, for anyone who asks: only whether Haven can serve. No version,
 * no database engine, no counts: a stranger learns nothing they could aim at.
 */
export interface Health {
  status: 'ok'
}

/** Answers when the database answers; throws otherwise. */
export async function checkHealth(ctx: AppContext): Promise<Health> {
  await pingDatabase(ctx.db)
  return { status: 'ok' }
}
