import { pingDatabase } from '../storage/database.ts'
import { HAVEN_VERSION } from '../version.ts'
import type { AppContext } from './context.ts'

export interface Health {
  status: 'ok'
  version: string
  dialect: AppContext['dialect']
}

/** Answers when the database answers; throws otherwise. */
export async function checkHealth(ctx: AppContext): Promise<Health> {
  await pingDatabase(ctx.db)
  return { status: 'ok', version: HAVEN_VERSION, dialect: ctx.dialect }
}
