import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 16, an outbox that keeps going. Each message has its own next attempt (exponential
 * backoff after each failure), the class of its last error (never the message, which may
 * name the recipient) and, once it has failed too often or was refused for good, the moment
 * it was set aside for the coordinator to see. Delivery picks only messages that are due, so
 * one that keeps failing never holds the others up.
 *
 * And reminders that remember: one row per centre, kind and day a reminder was worked out
 * for, so a restart on the same day sends nothing twice and a day the server was down is
 * caught up on the next. Row-level security on PostgreSQL, as every table of one centre.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('outbox').addColumn('next_attempt_at', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('last_error', 'text').execute()
  await db.schema.alterTable('outbox').addColumn('set_aside_at', 'text').execute()
  await db.schema
    .createIndex('outbox_unsent_idx')
    .on('outbox')
    .columns(['sent_at', 'set_aside_at', 'next_attempt_at'])
    .execute()
  await db.schema
    .createTable('reminder_days')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    /** The centre's calendar day the reminder was worked out for (YYYY-MM-DD, UK). */
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_days_pkey', ['centre_id', 'kind', 'day'])
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table reminder_days enable row level security`.execute(db)
    await sql`alter table reminder_days force row level security`.execute(db)
    await sql`
      create policy centre_isolation on reminder_days
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
