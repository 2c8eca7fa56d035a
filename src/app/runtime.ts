import { randomUUID } from 'node:crypto'
import type { Config } from '../config.ts'
import { openDatabase, type Database } from '../storage/database.ts'
import { migrateToLatest, type MigrationOutcome } from '../storage/migrate.ts'
import { keepFilePrivate, keepFolderPrivate } from '../storage/private-files.ts'
import type { AppContext } from './context.ts'
import { loadAuditSigningKey } from './audit-keys.ts'
import { loadMasterKey } from './master-key.ts'

export interface OpenHaven {
  ctx: AppContext
  database: Database
  migrations: MigrationOutcome
  close(): Promise<void>
}

/** Opens the configured database without touching its schema (for `haven migrate`). */
export async function openConfiguredDatabase(config: Config): Promise<Database> {
  return openDatabase({
    dataDir: config.dataDir,
    mayCreateDataDir: config.isDefaultDataDir,
    databaseUrl: config.databaseUrl,
    pool: config.databasePool,
  })
}

/**
 * Opens the database, brings its schema up to date, and loads the master key: what every
 * command that works on records needs. The data folder, database, keys and disposal ledger
 * are made private to Haven's user on the way (src/storage/private-files.ts). Any failure
 * closes what was opened and rethrows.
 */
export async function openHaven(
  config: Config,
  now: () => Date = () => new Date(),
): Promise<OpenHaven> {
  const database = await openConfiguredDatabase(config)
  try {
    const migrations = await migrateToLatest(database.db)
    // On PostgreSQL the data folder holds no database, but by default it holds the keys.
    keepFolderPrivate(config.dataDir, 'data folder')
    const masterKey = await loadMasterKey(database.db, config.masterKeyFile, now())
    keepFilePrivate(config.disposalLedgerFile, 'disposal ledger file')
    const ctx: AppContext = {
      db: database.db,
      dialect: database.dialect,
      now,
      newId: randomUUID,
      masterKey,
      publicUrl: config.publicUrl,
      compiledPolicies: new Map(),
      auditKey: loadAuditSigningKey(config.auditKeyFile),
      disposalLedgerFile: config.disposalLedgerFile,
    }
    return { ctx, database, migrations, close: () => database.close() }
  } catch (error) {
    await database.close()
    throw error
  }
}
