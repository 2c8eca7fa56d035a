import { sql, type Kysely } from 'kysely'

/**
 * Issue: disposal you can see before you approve (decision 0041). A run's version, moved on
 * by every change to what it will destroy (a family held back or excluded), which an approval
 * must name; the retention period the run was planned under. Each item carries the family's
 * reference (never a name), and, where the coordinator kept the family out of the run, how
 * (`held`: a legal hold; `excluded`: this run only), why, by whom and when. The reason is
 * free text and may name someone: it is cleared when the family is later destroyed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('disposal_runs')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema.alterTable('disposal_runs').addColumn('retention_years', 'integer').execute()
  for (const column of ['reference', 'kept_as', 'kept_reason', 'kept_by', 'kept_at'])
    await db.schema.alterTable('disposal_items').addColumn(column, 'text').execute()
  // Items planned before this migration name their family by its reference where it is held.
  await sql`
    update disposal_items set reference = (
      select f.reference from families f
      where f.centre_id = disposal_items.centre_id and f.id = disposal_items.item_id
    )
    where item_kind = 'family'
  `.execute(db)
  await db.schema
    .createIndex('disposal_items_run_reference_idx')
    .on('disposal_items')
    .columns(['centre_id', 'run_id', 'reference', 'item_id'])
    .execute()
}
