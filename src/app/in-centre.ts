import { scopeToCentre } from '../storage/centre-scope.ts'
import type { Db } from '../storage/database.ts'
import type { AppContext } from './context.ts'

/**
 * Runs a use case as one transaction scoped to a centre: what a signed-in actor does can
 * touch no other centre's rows, even through a query that forgot its centre condition
 * (PostgreSQL row-level security; see src/storage/centre-scope.ts).
 */
export async function inCentre<T>(
  ctx: AppContext,
  centreId: string,
  work: (trx: Db) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    await scopeToCentre(trx, centreId)
    return work(trx)
  })
}

/**
 * A long read scoped to a centre that must not hold everyone else up. On SQLite a transaction
 * holds the process's one connection from BEGIN to COMMIT, so here each query runs on its own
 * and other requests go on between them; on PostgreSQL, where reads block no one, it is a
 * transaction scoped by row-level security as usual. The reads are not one snapshot: use it
 * only where what was read is decided again before anything is done with it.
 */
export async function readInCentre<T>(
  ctx: AppContext,
  centreId: string,
  work: (db: Db) => Promise<T>,
): Promise<T> {
  if (ctx.dialect === 'postgres') return inCentre(ctx, centreId, work)
  return work(ctx.db)
}
