import { PostgresAdapter, sql } from 'kysely'
import type { Db } from './database.ts'

/**
 * Scopes the rest of the transaction to one centre: on PostgreSQL, row-level security then
 * hides and refuses every row of any other centre (migration 0003). On SQLite, a no-op: the
 * centre condition every storage function takes is the wall there.
 */
export async function scopeToCentre(trx: Db, centreId: string): Promise<void> {
  // The text is CENTRE_SCOPE_STATEMENT's, which the PostgreSQL client recognises.
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select set_config('haven.centre_id', ${centreId}, true)`.execute(trx)
  }
}

/**
 * The statement scopeToCentre sends on PostgreSQL, as it reaches the driver. At the start of a
 * read-only transaction the client (src/storage/pg-client.ts) sends it with the transaction's
 * BEGIN and first statement, in one write.
 */
export const CENTRE_SCOPE_STATEMENT = "select set_config('haven.centre_id', $1, true)"
