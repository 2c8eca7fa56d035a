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
