import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 17, moving in (decision 0038). Each check of a centre's files that passed is sealed
 * into the page with an id of its own; the import that uses it records the id here, in its
 * own transaction, so the same checked files are imported once however often "Import" is
 * sent (a new form token, none, a replay). Nothing of the files is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('import_checks')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('check_id', 'text', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('import_checks_pkey', ['centre_id', 'check_id'])
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table import_checks enable row level security`.execute(db)
    await sql`alter table import_checks force row level security`.execute(db)
    await sql`
      create policy centre_isolation on import_checks
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
