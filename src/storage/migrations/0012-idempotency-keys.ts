import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 15, safe retries (docs/decisions/0030-idempotency-keys.md): a POST sent with an
 * Idempotency-Key is reserved here before it runs, and its answer kept for a day, so that a
 * retry gets the first answer and writes nothing. The key is held as a keyed hash (a client
 * chooses it, and may put anything in it); one key per account and centre, the unique
 * constraint being what lets only one of many copies sent at once run. The answer is sealed
 * under the master key (it may hold what the first answer showed). Row-level security on
 * PostgreSQL, as every table of one centre.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull())
    /** A keyed hash of the Idempotency-Key header's value. */
    .addColumn('key_hash', 'text', (c) => c.notNull())
    /** A keyed hash of the method, the path and the body: a reused key is caught by it. */
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    /** 'running' until the answer is kept, then 'done'. */
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('status', 'integer')
    .addColumn('content_type', 'text')
    /** Where a page's answer sent the browser (a 303), for a form sent twice. */
    .addColumn('location', 'text')
    /** The first answer's body, AES-256-GCM under the master key. */
    .addColumn('body_ciphertext', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addUniqueConstraint('idempotency_keys_key', ['centre_id', 'account_id', 'key_hash'])
    .execute()
  await db.schema
    .createIndex('idempotency_keys_created_idx')
    .on('idempotency_keys')
    .columns(['created_at'])
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table idempotency_keys enable row level security`.execute(db)
    await sql`alter table idempotency_keys force row level security`.execute(db)
    await sql`
      create policy centre_isolation on idempotency_keys
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
