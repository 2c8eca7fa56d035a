import { randomUUID } from 'node:crypto'
import { statSync } from 'node:fs'
import path from 'node:path'
import type { Config } from '../config.ts'
import { HavenError, isHavenError } from '../domain/errors.ts'
import { latestCheckpointKeyId } from '../storage/audit-log.ts'
import { openDatabase, SQLITE_FILE_NAME, type Database } from '../storage/database.ts'
import { hasHavenSchema, migrateToLatest, type MigrationOutcome } from '../storage/migrate.ts'
import { keepFilePrivate, keepFolderPrivate } from '../storage/private-files.ts'
import type { AppContext } from './context.ts'
import {
  ephemeralAuditSigningKey,
  loadAuditSigningKey,
  type AuditSigningKey,
} from './audit-keys.ts'
import { loadMasterKey } from './master-key.ts'

export interface OpenHaven {
  ctx: AppContext
  database: Database
  migrations: MigrationOutcome
  close(): Promise<void>
}

/** What opening may do that it otherwise refuses. */
export interface OpenOptions {
  /**
   * A new, empty database beside keys that already exist is what is wanted: `haven restore`,
   * which fills it from a backup made under those keys. Otherwise refused (see below).
   */
  isNewDatabaseExpected?: boolean
  /**
   * The audit signing key may be missing or another: a check of the log against a public key
   * given from outside (`haven audit verify --public-key`) signs nothing, and is what an
   * auditor runs when the key is lost. The context is then given a key of its own, in memory.
   */
  isAuditKeyOptional?: boolean
  /** SQLite's connections that only read, beside the one that writes (the server's). */
  sqliteReaders?: number
}

/**
 * The key files of the configured data folder that exist and hold something: a data folder
 * that has them has held a database.
 */
function existingKeyFiles(config: Config): string[] {
  return [config.masterKeyFile, config.auditKeyFile, config.disposalLedgerFile].filter(
    (file) => (sizeOf(file) ?? 0) > 0,
  )
}

/** A file's size in bytes; undefined when there is no such file. */
function sizeOf(file: string): number | undefined {
  try {
    return statSync(file).size
  } catch {
    return undefined
  }
}

function noNewDatabase(what: string, keys: readonly string[]): HavenError {
  return new HavenError(
    'unavailable',
    `${what}, but ${keys.join(' and ')} ${keys.length === 1 ? 'is' : 'are'} there: this installation has had a database, and Haven will not start a new, empty one in its place. Put the database back, or restore a backup into it with haven restore`,
  )
}

/**
 * Opens the configured database without touching its schema (for `haven migrate`). A missing
 * or empty SQLite file beside existing keys is refused before anything is created (issue 16).
 */
export async function openConfiguredDatabase(
  config: Config,
  options: OpenOptions = {},
): Promise<Database> {
  if (config.databaseUrl === undefined && options.isNewDatabaseExpected !== true) {
    const keys = existingKeyFiles(config)
    const file = path.join(config.dataDir, SQLITE_FILE_NAME)
    const size = sizeOf(file)
    if (keys.length > 0 && (size === undefined || size === 0))
      throw noNewDatabase(
        `the database file ${file} is ${size === undefined ? 'missing' : 'empty'}`,
        keys,
      )
  }
  return openDatabase({
    dataDir: config.dataDir,
    mayCreateDataDir: config.isDefaultDataDir,
    databaseUrl: config.databaseUrl,
    pool: config.databasePool,
    sqliteReaders: options.sqliteReaders,
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
  options: OpenOptions = {},
): Promise<OpenHaven> {
  const database = await openConfiguredDatabase(config, options)
  try {
    await refuseNewDatabaseBesideKeys(database, config, options)
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
      auditKey: await auditKeyFor(database, config, options),
      disposalLedgerFile: config.disposalLedgerFile,
      auditCheckpointing: {
        minutes: config.auditCheckpointMinutes,
        file: config.auditCheckpointFile,
      },
    }
    return { ctx, database, migrations, close: () => database.close() }
  } catch (error) {
    await database.close()
    throw error
  }
}

async function auditKeyFor(
  database: Database,
  config: Config,
  options: OpenOptions,
): Promise<AuditSigningKey> {
  try {
    return loadAuditSigningKey(config.auditKeyFile, await latestCheckpointKeyId(database.db))
  } catch (error) {
    if (options.isAuditKeyOptional === true && isHavenError(error))
      return ephemeralAuditSigningKey()
    throw error
  }
}

/**
 * A database with no schema yet (a new SQLite file, an empty PostgreSQL database) beside keys
 * that exist: the database was lost or the configuration points at the wrong one. Refused
 * unless a restore is about to fill it.
 */
export async function refuseNewDatabaseBesideKeys(
  database: Database,
  config: Config,
  options: OpenOptions = {},
): Promise<void> {
  if (options.isNewDatabaseExpected === true) return
  const keys = existingKeyFiles(config)
  if (keys.length === 0 || (await hasHavenSchema(database.db))) return
  throw noNewDatabase(
    config.databaseUrl === undefined
      ? `the database file ${path.join(config.dataDir, SQLITE_FILE_NAME)} holds no Haven schema`
      : 'the PostgreSQL database that DATABASE_URL names holds no Haven schema',
    keys,
  )
}
