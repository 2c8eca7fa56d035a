import type { Kysely } from 'kysely'

/**
 * Which Havens have migrated this database, and when each last did: written by every
 * migration run (src/storage/migrate.ts). An older Haven that meets migrations it does not
 * know reads the newest row to say which Haven the database belongs to, and refuses to go
 * on. Not centre data: no centre_id, not in backups (a restore writes its own row).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('haven_versions')
    .addColumn('version', 'text', (col) => col.primaryKey())
    .addColumn('first_migrated_at', 'text', (col) => col.notNull())
    .addColumn('last_migrated_at', 'text', (col) => col.notNull())
    .execute()
}
