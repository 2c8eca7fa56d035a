import type { Kysely } from 'kysely'

/**
 * When a centre was closed on this installation (issue 18, docs/decisions/0047): null while it
 * is open. A closed centre's records stay until the operator erases them or reopens it, but no
 * one signs in to it, no session of it acts, it takes no referral and it is not listed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('centres').addColumn('closed_at', 'text').execute()
}
