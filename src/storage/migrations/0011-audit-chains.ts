import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 15, one audit chain per centre (docs/decisions/0031-a-chain-and-a-writer-per-centre.md). An entry
 * names its chain: the centre's id, or '' for the installation's own events. `chain_seq` is
 * its place in that chain, the number its hash covers; entries written before this migration
 * keep it empty and stay, with `seq` as their place, the start of the installation chain,
 * so every hash already written still verifies. `seq` stays the entry's place in the whole
 * log (for paging), now given by the database: on PostgreSQL a sequence, on SQLite the rowid.
 *
 * A checkpoint names its chain and the entry's place in it (v2 of the signed text); the old
 * ones, with `position` empty, keep their v1 text. No row is updated: the audit tables are
 * append-only, and new columns with defaults need no update.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('audit_log')
    .addColumn('chain', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.alterTable('audit_log').addColumn('chain_seq', 'integer').execute()
  await db.schema
    .createIndex('audit_log_chain_idx')
    .on('audit_log')
    .columns(['chain', 'seq'])
    .execute()
  await db.schema
    .createIndex('audit_log_chain_seq_key')
    .on('audit_log')
    .columns(['chain', 'chain_seq'])
    .unique()
    .execute()
  await db.schema
    .alterTable('audit_checkpoints')
    .addColumn('chain', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.alterTable('audit_checkpoints').addColumn('position', 'integer').execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create sequence audit_log_seq_seq owned by audit_log.seq`.execute(db)
    await sql`select setval('audit_log_seq_seq', coalesce((select max(seq) from audit_log), 0) + 1, false)`.execute(
      db,
    )
    await sql`alter table audit_log alter column seq set default nextval('audit_log_seq_seq')`.execute(
      db,
    )
  }
}
