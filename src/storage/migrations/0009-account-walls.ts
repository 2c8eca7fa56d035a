import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 13, accounts that hold against an attacker:
 * - `auth_attempts`: every guess of a password, a second-factor code or a one-time link is
 *   charged, before it is checked, to each key it counts against (the account, the source
 *   address, or a device that signed in before), as keyed hashes only. A guess that succeeds
 *   is refunded. It replaces `sign_in_failures`, whose count-then-insert let twenty guesses
 *   sent at once all be checked.
 * - invitations a coordinator makes are finished from the address they were sent to: their
 *   link, which the coordinator saw, only sends a confirmation there (`answered_at`, the
 *   confirmation's token hash), so what it leads to tells the coordinator nothing.
 * - `member_access_stops`: a coordinator stops a person's access to their own centre only;
 *   the account's other centres are not touched (row-level security on PostgreSQL, as every
 *   table of one centre).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('auth_attempts')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('key_hash', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('auth_attempts_pk', ['id', 'key_hash'])
    .execute()
  await db.schema
    .createIndex('auth_attempts_key_idx')
    .on('auth_attempts')
    .columns(['key_hash', 'at'])
    .execute()
  // Every guess forgets the charges older than the longest window: by this index, not a scan.
  await db.schema.createIndex('auth_attempts_at_idx').on('auth_attempts').column('at').execute()
  await db.schema.dropTable('sign_in_failures').execute()

  await db.schema.alterTable('invitations').addColumn('answered_at', 'text').execute()
  await db.schema.alterTable('invitations').addColumn('confirm_token_hash', 'text').execute()
  await db.schema
    .createIndex('invitations_confirm_idx')
    .on('invitations')
    .column('confirm_token_hash')
    .execute()

  await db.schema
    .createTable('member_access_stops')
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('centre_id', 'text', (c) => c.notNull().references('centres.id'))
    .addColumn('stopped_at', 'text', (c) => c.notNull())
    .addColumn('stopped_by', 'text')
    .addPrimaryKeyConstraint('member_access_stops_pk', ['account_id', 'centre_id'])
    .execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table member_access_stops enable row level security`.execute(db)
    await sql`alter table member_access_stops force row level security`.execute(db)
    await sql`
      create policy centre_isolation on member_access_stops
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
