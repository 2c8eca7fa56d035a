import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Each centre's policy versions and reviews (REVIEW, AWARE). A published version is never
 * changed or removed: a trigger refuses it on both engines, whatever the caller does.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('policy_versions')
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('document', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('published_by', 'text')
    .addPrimaryKeyConstraint('policy_versions_pk', ['centre_id', 'version'])
    .execute()

  await db.schema
    .createTable('policy_reviews')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('reviewed_on', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('notes', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('policy_reviews_centre_idx')
    .on('policy_reviews')
    .columns(['centre_id', 'reviewed_on'])
    .execute()

  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function haven_refuse_change() returns trigger language plpgsql as $$
      begin raise exception '% rows are never changed or removed', tg_table_name; end $$`.execute(
      db,
    )
    await sql`create trigger policy_versions_immutable before update or delete on policy_versions
      for each row execute function haven_refuse_change()`.execute(db)
    for (const table of ['policy_versions', 'policy_reviews']) {
      await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
      await sql`alter table ${sql.table(table)} force row level security`.execute(db)
      await sql`create policy centre_isolation on ${sql.table(table)}
        using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
        with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))`.execute(
        db,
      )
    }
  } else {
    await sql`create trigger policy_versions_no_update before update on policy_versions
      begin select raise(abort, 'policy_versions rows are never changed or removed'); end`.execute(
      db,
    )
    await sql`create trigger policy_versions_no_delete before delete on policy_versions
      begin select raise(abort, 'policy_versions rows are never changed or removed'); end`.execute(
      db,
    )
  }
}
