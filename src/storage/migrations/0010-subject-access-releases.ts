import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 14, SAR item by item: a withheld item of a subject access bundle (another person's
 * data, a safeguarding record, data held to prevent violent crime where the policy has that
 * exemption) may be released after review, by the roles who compile bundles, with a reason.
 * The release outlives the bundle's compilation (which lists what it withheld afresh each time)
 * and goes with the request when the family is disposed of. Row-level security on PostgreSQL,
 * as every table of one centre.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('subject_access_releases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('request_id', 'text', (c) => c.notNull())
    /** The kind of item (the engine's), and which record: an id, never its content. */
    .addColumn('item', 'text', (c) => c.notNull())
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('released_by', 'text', (c) => c.notNull())
    /** JSON: the roles the release was decided for. */
    .addColumn('released_roles', 'text', (c) => c.notNull())
    .addColumn('released_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('sar_releases_record_key', ['centre_id', 'request_id', 'record_id'])
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table subject_access_releases enable row level security`.execute(db)
    await sql`alter table subject_access_releases force row level security`.execute(db)
    await sql`
      create policy centre_isolation on subject_access_releases
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
