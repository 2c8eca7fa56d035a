import type { Kysely } from 'kysely'

/**
 * Whether a centre is named on Haven's public front page (issue 13): the centre's own choice,
 * off until its coordinator turns it on. A flag (0 or 1, as every flag here). `centres` is
 * the tenant table itself and has no row-level security (0003 covers the tables that belong
 * to a centre), so the front page, which runs before anyone is signed in, reads the flag
 * outside any centre's scope, and a coordinator's change inside their own.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('centres')
    .addColumn('publicly_listed', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}
