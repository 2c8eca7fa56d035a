import { sql, type Kysely } from 'kysely'

/**
 * Issue 15, check-then-write (docs/decisions/0032). A centre counts its family references:
 * the next one is the counter moved on in one statement, rather than the highest reference
 * read and one added (a read of every family of the centre, and a race without the centre's
 * lock). A reference is never given twice, even after the family that had it is disposed of.
 * The counter starts at the highest F- reference each centre has; the unique constraint on
 * (centre, reference) from 0001 stays as the backstop.
 *
 * With it, an index of people by account: a booking checks where every person of its plan is
 * due, and a parent's account may be linked to records in two families.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('centres')
    .addColumn('last_family_number', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  const { rows } = await sql<{ centre_id: string; reference: string }>`
    select centre_id, reference from families where reference like 'F-%'`.execute(db)
  const highest = new Map<string, number>()
  for (const row of rows) {
    const match = /^F-(\d+)$/.exec(row.reference)
    if (!match) continue
    const n = Number(match[1])
    if (n > (highest.get(row.centre_id) ?? 0)) highest.set(row.centre_id, n)
  }
  for (const [centreId, n] of highest) {
    await sql`update centres set last_family_number = ${n} where id = ${centreId}`.execute(db)
  }
  await db.schema
    .createIndex('people_account_idx')
    .on('people')
    .columns(['centre_id', 'account_id'])
    .execute()
}
