import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { sql } from 'kysely'
import pg from 'pg'
import type { AppContext } from '../../src/app/context.ts'
import { ephemeralAuditSigningKey } from '../../src/app/audit-keys.ts'
import { masterKeyFrom, newMasterKeyBytes } from '../../src/app/field-crypto.ts'
import {
  openDatabase,
  SERVER_SQLITE_READERS,
  type Database,
  type Db,
  type DialectName,
} from '../../src/storage/database.ts'
import { migrateToLatest } from '../../src/storage/migrate.ts'

/**
 * Every storage, app and HTTP suite runs once per dialect: SQLite always; PostgreSQL when a
 * server answers at HAVEN_TEST_POSTGRES_URL (default: the local server), and always in CI,
 * where an unreachable server fails the run instead of skipping.
 */
export const POSTGRES_ADMIN_URL =
  process.env.HAVEN_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export interface DialectUnderTest {
  name: DialectName
  /** Why this dialect is skipped here, or undefined when it runs. */
  skip: string | undefined
}

let postgresProbe: Promise<string | undefined> | undefined

function probePostgres(): Promise<string | undefined> {
  postgresProbe ??= (async () => {
    const client = new pg.Client({
      connectionString: POSTGRES_ADMIN_URL,
      connectionTimeoutMillis: 3000,
    })
    try {
      await client.connect()
      await client.query('select 1')
      return undefined
    } catch (error) {
      const reason = `PostgreSQL is not reachable at ${redact(POSTGRES_ADMIN_URL)}: ${(error as Error).message}`
      if (process.env.CI === 'true') {
        throw new Error(`${reason} (CI runs every suite on PostgreSQL)`, { cause: error })
      }
      return reason
    } finally {
      await client.end().catch(() => undefined)
    }
  })()
  return postgresProbe
}

export async function dialectsUnderTest(): Promise<DialectUnderTest[]> {
  return [
    { name: 'sqlite', skip: undefined },
    { name: 'postgres', skip: await probePostgres() },
  ]
}

/** A fresh, empty database of the dialect; `url` or `dataDir` says where it is. */
export interface ScratchDatabase {
  dialect: DialectName
  dataDir: string
  url: string | undefined
  open(): Promise<Database>
  drop(): Promise<void>
}

export async function createScratchDatabase(dialect: DialectName): Promise<ScratchDatabase> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'haven-test-'))
  if (dialect === 'sqlite') {
    return {
      dialect,
      dataDir,
      url: undefined,
      // As the server opens it: reads on their own connections beside the one that writes.
      open: () =>
        openDatabase({
          dataDir,
          mayCreateDataDir: false,
          databaseUrl: undefined,
          sqliteReaders: SERVER_SQLITE_READERS,
        }),
      drop: () => {
        rmSync(dataDir, { recursive: true, force: true })
        return Promise.resolve()
      },
    }
  }
  const name = `haven_t_${randomBytes(6).toString('hex')}`
  await ensureAppRole()
  await adminQuery(`create database ${name} owner ${APP_ROLE}`)
  const url = new URL(POSTGRES_ADMIN_URL)
  url.pathname = `/${name}`
  url.username = APP_ROLE
  url.password = APP_ROLE_PASSWORD
  return {
    dialect,
    dataDir,
    url: url.toString(),
    open: () => openDatabase({ dataDir, mayCreateDataDir: false, databaseUrl: url.toString() }),
    drop: async () => {
      await adminQuery(`drop database if exists ${name} with (force)`)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/**
 * Haven's tests connect as an ordinary role that owns its database, as a deployment should:
 * a superuser would bypass row-level security.
 */
const APP_ROLE = 'haven_app_test'
const APP_ROLE_PASSWORD = 'haven-app-test'
let appRole: Promise<void> | undefined

function ensureAppRole(): Promise<void> {
  appRole ??= (async () => {
    try {
      await adminQuery(
        `create role ${APP_ROLE} login nosuperuser nobypassrls password '${APP_ROLE_PASSWORD}'`,
      )
    } catch (error) {
      // Another test process made it first.
      if (
        (error as { code?: string }).code !== '42710' &&
        (error as { code?: string }).code !== '23505'
      )
        throw error
    }
  })()
  return appRole
}

async function adminQuery(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
  await client.connect()
  try {
    await client.query(text)
  } finally {
    await client.end()
  }
}

/** Runs `work` with a migrated scratch database, and drops it afterwards. */
export async function withMigratedDatabase<T>(
  dialect: DialectName,
  work: (database: Database, scratch: ScratchDatabase) => Promise<T>,
): Promise<T> {
  const scratch = await createScratchDatabase(dialect)
  const database = await scratch.open()
  try {
    await migrateToLatest(database.db)
    return await work(database, scratch)
  } finally {
    await database.close()
    await scratch.drop()
  }
}

/** A clock a test can move forward. */
export class TestClock {
  #ms: number
  constructor(start = '2026-03-14T10:00:00Z') {
    this.#ms = Date.parse(start)
  }
  now = (): Date => new Date(this.#ms)
  advance(ms: number): void {
    this.#ms += ms
  }
}

/** An AppContext over the database with a fresh master key and a fixed or movable clock. */
export function testContext(
  database: Database,
  clock: Date | TestClock = new Date('2026-03-14T10:00:00Z'),
): AppContext {
  return {
    db: database.db,
    dialect: database.dialect,
    now: clock instanceof TestClock ? clock.now : () => clock,
    newId: randomUUID,
    masterKey: masterKeyFrom(newMasterKeyBytes()),
    publicUrl: 'http://haven.test',
    compiledPolicies: new Map(),
    auditKey: ephemeralAuditSigningKey(),
  }
}

function redact(raw: string): string {
  const url = new URL(raw)
  if (url.password) url.password = '***'
  return url.toString()
}

/** Every row of the account tables as text, to search for secrets stored in clear. */
const TABLES = [
  'centres',
  'accounts',
  'account_roles',
  'invitations',
  'auth_sessions',
  'password_resets',
  'recovery_codes',
  'auth_attempts',
  'member_access_stops',
  'outbox',
  'audit_log',
  'key_check',
] as const

export async function dumpTables(db: Db): Promise<string> {
  const parts: string[] = []
  for (const table of TABLES) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(table)}`.execute(
      db,
    )
    parts.push(JSON.stringify(rows))
  }
  return parts.join('\n')
}

/** Every row of every table, as text: to prove something is held nowhere in clear. */
export async function dumpEveryTable(database: Database): Promise<string> {
  const { db } = database
  const { rows: tables } =
    database.dialect === 'postgres'
      ? await sql<{ name: string }>`
          select table_name as name from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE'`.execute(db)
      : await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db)
  const parts: string[] = []
  for (const { name } of tables) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(
      db,
    )
    parts.push(`${name}: ${JSON.stringify(rows)}`)
  }
  return parts.join('\n')
}
