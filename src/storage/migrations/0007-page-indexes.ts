import type { Kysely } from 'kysely'

/**
 * Indexes for the pages (issue 7): a family's sessions in time order (its record, its
 * statement) read by one index that both filters and orders, so neither engine's planner
 * walks every session of the centre by date to find one family's. (It replaces the index on
 * centre and family alone, which it covers.)
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('contact_sessions_family_starts_idx')
    .on('contact_sessions')
    .columns(['centre_id', 'family_id', 'starts_at'])
    .execute()
  await db.schema.dropIndex('contact_sessions_family_idx').execute()
}
