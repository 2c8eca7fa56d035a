import { PostgresAdapter, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import type { Db } from './database.ts'
import { migrations } from './migrations/index.ts'

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export interface MigrationOutcome {
  applied: string[]
  /** Every migration the database now has. */
  current: string[]
}

/**
 * Brings the schema up to date. Safe to run from several processes at once: each migration
 * is applied exactly once, inside a transaction (PostgreSQL: advisory lock; SQLite: the
 * write lock taken at BEGIN IMMEDIATE). Refuses a database migrated by a newer Haven.
 */
export async function migrateToLatest(db: Db): Promise<MigrationOutcome> {
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    migrationTableName: 'haven_migrations',
    migrationLockTableName: 'haven_migration_lock',
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error'
    throw new MigrationError(
      failed ? `migration ${failed} failed: ${reason}` : `migrations could not run: ${reason}`,
    )
  }
  const known = await migrator.getMigrations()
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    current: known.filter((m) => m.executedAt !== undefined).map((m) => m.name),
  }
}

/**
 * Whether Haven's schema has ever been made in this database (any migration applied). Asked
 * at every start, so one small query: never an introspection of every table.
 */
export async function hasHavenSchema(db: Db): Promise<boolean> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const { rows } = isPostgres
    ? await sql<{ found: number }>`select 1 as found from pg_class
        where oid = to_regclass('haven_migrations')`.execute(db)
    : await sql<{ found: number }>`select 1 as found from sqlite_master
        where type = 'table' and name = 'haven_migrations'`.execute(db)
  if (rows.length === 0) return false
  const { rows: applied } = await sql<{ found: number }>`
    select 1 as found from haven_migrations limit 1`.execute(db)
  return applied.length > 0
}
