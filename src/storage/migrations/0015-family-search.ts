import { PostgresAdapter, sql, type Kysely } from 'kysely'

/**
 * Issue 17, finding a family. A keyed blind index: for each family, the HMACs of its
 * normalised search terms (name words and their beginnings, postcodes, phone numbers, the
 * children's names with their dates of birth) under a key of the centre's own. Equality on a
 * term finds the family; the table holds no name, postcode or number in clear, and a term of
 * one centre says nothing at another. The key is random, one per centre, sealed under the
 * master key like a family key, so a rotation of the master key reseals it and the index
 * stays valid. `search_indexed_at` marks the families indexed, so the families held before
 * this migration are indexed by a background job, a few hundred at a time.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('search_keys')
    .addColumn('centre_id', 'text', (c) => c.primaryKey())
    /** 32 random bytes sealed under the master key (purpose `search:<centre id>`). */
    .addColumn('sealed_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('family_search_terms')
    .addColumn('centre_id', 'text', (c) => c.notNull())
    .addColumn('family_id', 'text', (c) => c.notNull())
    /** HMAC-SHA256 of a normalised term under the centre's search key, hex, first 32 digits. */
    .addColumn('term', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('family_search_terms_pkey', ['centre_id', 'term', 'family_id'])
    .execute()
  await db.schema
    .createIndex('family_search_terms_family_idx')
    .on('family_search_terms')
    .columns(['centre_id', 'family_id'])
    .execute()
  await db.schema.alterTable('families').addColumn('search_indexed_at', 'text').execute()
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    for (const table of ['search_keys', 'family_search_terms']) {
      await sql`alter table ${sql.table(table)} enable row level security`.execute(db)
      await sql`alter table ${sql.table(table)} force row level security`.execute(db)
      await sql`
        create policy centre_isolation on ${sql.table(table)}
        using (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
        with check (coalesce(current_setting('haven.centre_id', true), '') = '' or centre_id = current_setting('haven.centre_id', true))
      `.execute(db)
    }
}
