import { PostgresAdapter, sql, type Kysely } from 'kysely'

/** Every table that belongs to one centre through its centre_id column. */
export const CENTRE_TABLES = [
  'families',
  'people',
  'rooms',
  'contact_sessions',
  'account_roles',
  'invitations',
  'auth_sessions',
] as const

/**
 * PostgreSQL row-level security as a second wall between centres (the first is that every
 * storage function takes the centre). Inside a transaction scoped to a centre
 * (`scopeToCentre`), rows of any other centre can be neither seen nor written, whatever the
 * query says. Outside a scope (start-up, sign-in before the centre is known, operator
 * commands) the policy lets the query's own conditions decide. FORCE makes the policy bind
 * the tables' owner too; only a superuser bypasses it, so Haven must not connect as one.
 * SQLite has no row-level security: there this migration does nothing.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof PostgresAdapter)) return
  for (const table of CENTRE_TABLES) {
    await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
    await sql`alter table ${sql.table(table)} force row level security`.execute(db)
    await sql`
      create policy centre_isolation on ${sql.table(table)}
      using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
    `.execute(db)
  }
}
