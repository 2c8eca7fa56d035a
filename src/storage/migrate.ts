import { PostgresAdapter, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import type { Db } from './database.ts'
import { migrations } from './migrations/index.ts'
import { HAVEN_VERSION } from '../version.ts'

export class MigrationError extends Error {
  override name = 'MigrationError'
}

/**
 * The database has migrations this Haven does not know: a newer Haven migrated it. Nothing
 * is run and nothing is dropped (an older Haven's code would misread a newer schema).
 */
export class NewerDatabaseError extends MigrationError {
  override name = 'NewerDatabaseError'
}

export interface MigrationOutcome {
  applied: string[]
  /** Every migration the database now has. */
  current: string[]
}

export const MIGRATION_TABLE = 'haven_migrations'
export const MIGRATION_LOCK_TABLE = 'haven_migration_lock'

export interface MigrateOptions {
  /** The Haven doing it, recorded in haven_versions; this one's by default. */
  version?: string
  now?: () => Date
}

/**
 * Brings the schema up to date. Safe to run from several processes at once: each migration
 * is applied exactly once, inside a transaction (PostgreSQL: advisory lock; SQLite: the
 * write lock taken at BEGIN IMMEDIATE). Forward only: a database that has a migration this
 * Haven does not know was migrated by a newer Haven, and is refused before anything runs
 * (NewerDatabaseError, naming that Haven and its newest migration). Each run records which
 * Haven migrated and when (haven_versions, migration 0019), so that refusal can say.
 */
export async function migrateToLatest(
  db: Db,
  options: MigrateOptions = {},
): Promise<MigrationOutcome> {
  await refuseNewerDatabase(db)
  const migrator = new Migrator({
    db,
    provider: { getMigrations: () => Promise.resolve({ ...migrations }) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    // A newer Haven that migrated between the check above and the migrator's lock: Kysely
    // calls that "corrupted migrations"; say what it is.
    await refuseNewerDatabase(db)
    const failed = results?.find((result) => result.status === 'Error')?.migrationName
    const reason = error instanceof Error ? (error.message.split('\n')[0] ?? '') : 'unknown error'
    throw new MigrationError(
      failed ? `migration ${failed} failed: ${reason}` : `migrations could not run: ${reason}`,
    )
  }
  const at = (options.now ?? (() => new Date()))().toISOString()
  await sql`insert into haven_versions (version, first_migrated_at, last_migrated_at)
    values (${options.version ?? HAVEN_VERSION}, ${at}, ${at})
    on conflict (version) do update set last_migrated_at = excluded.last_migrated_at`.execute(db)
  const known = await migrator.getMigrations()
  return {
    applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName),
    current: known.filter((m) => m.executedAt !== undefined).map((m) => m.name),
  }
}

/**
 * Throws NewerDatabaseError when the database has had a migration this Haven does not know.
 * Two small reads; a database with no migration table yet passes.
 */
export async function refuseNewerDatabase(db: Db): Promise<void> {
  if (!(await hasTable(db, MIGRATION_TABLE))) return
  const { rows } = await sql<{ name: string }>`select name from haven_migrations`.execute(db)
  const applied = rows.map((r) => r.name).sort()
  if (applied.every((name) => Object.hasOwn(migrations, name))) return
  const newest = applied.at(-1) ?? ''
  const last = await lastHavenVersion(db)
  const by = last === undefined ? 'a newer Haven' : `Haven ${last}`
  throw new NewerDatabaseError(
    `this database was last used by ${by} (its newest migration is ${newest}, which Haven ${HAVEN_VERSION} does not know): it will not run backwards, and nothing was changed; run ${last === undefined ? 'the newer Haven' : `Haven ${last} or newer`}, or restore the backup taken before upgrading`,
  )
}

/** The Haven that migrated this database last; undefined before migration 0019. */
export async function lastHavenVersion(db: Db): Promise<string | undefined> {
  if (!(await hasTable(db, 'haven_versions'))) return undefined
  const { rows } = await sql<{ version: string }>`select version from haven_versions
    order by last_migrated_at desc limit 1`.execute(db)
  return rows[0]?.version
}

async function hasTable(db: Db, name: string): Promise<boolean> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const { rows } = isPostgres
    ? await sql<{ found: number }>`select 1 as found from pg_class
        where oid = to_regclass(${name})`.execute(db)
    : await sql<{ found: number }>`select 1 as found from sqlite_master
        where type = 'table' and name = ${name}`.execute(db)
  return rows.length > 0
}

/**
 * Whether Haven's schema has ever been made in this database (any migration applied). Asked
 * at every start, so one small query: never an introspection of every table.
 */
export async function hasHavenSchema(db: Db): Promise<boolean> {
  if (!(await hasTable(db, MIGRATION_TABLE))) return false
  const { rows: applied } = await sql<{ found: number }>`
    select 1 as found from haven_migrations limit 1`.execute(db)
  return applied.length > 0
}
