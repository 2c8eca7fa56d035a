import { closeSync, mkdirSync, openSync, readSync, statSync } from 'node:fs'
import path from 'node:path'
import { Kysely, PostgresDialect, sql, type Dialect, type PostgresPool } from 'kysely'
import pg from 'pg'
import { DatabaseBusyError } from './database-errors.ts'
import { keepFirstError } from './first-error.ts'
import { NodeSqliteDialect, SqliteReaders } from './node-sqlite-dialect.ts'
import { tuneClient } from './pg-client.ts'
import { SqliteStartError, SqliteWorkerThread } from './sqlite-worker-thread.ts'
import { keepFilePrivate, keepFolderPrivate, PRIVATE_FILE_MODE } from './private-files.ts'
import type { Tables } from './schema.ts'

export type DialectName = 'sqlite' | 'postgres'
export type Db = Kysely<Tables>

/** An open database: the query builder, which engine it is, and how to close it. */
export interface Database {
  db: Db
  dialect: DialectName
  /** Where the data is, with no password: a file path or a PostgreSQL URL. */
  location: string
  close(): Promise<void>
  /**
   * PostgreSQL, from now on (decision 0052): the database cancels a statement, or a wait for
   * a lock, that takes longer than `ms` (busy, 503); one with no answer at all after a quarter
   * more closes its connection and fails as `unavailable`. 0 stops both. The server calls it
   * once migrated. SQLite: nothing (its statements run in this process's own threads).
   */
  watchAnswers?(ms: number): void
}

/** A database that cannot be opened; the message is one line, safe to print. */
export class DatabaseOpenError extends Error {
  override name = 'DatabaseOpenError'
}

export interface DatabaseOptions {
  dataDir: string
  /** The data folder may be created when missing (only the default one). */
  mayCreateDataDir: boolean
  databaseUrl: string | undefined
  /** How long a writer waits for another process's write lock, in milliseconds. */
  busyTimeoutMs?: number
  /** PostgreSQL's connection pool; DEFAULT_POOL_LIMITS when not given. */
  pool?: PoolLimits
  /**
   * SQLite: how many connections that only read, beside the one that writes (decision 0048);
   * none when not given, and every statement then takes the one connection in turn. The
   * server opens SERVER_SQLITE_READERS; a command, which asks one thing at a time, none.
   */
  sqliteReaders?: number | undefined
  /**
   * Opened only to be looked at (`haven doctor`): SQLite's folder and file are neither made
   * nor tightened (a missing one is an error), and a PostgreSQL role that bypasses row-level
   * security is let in, so that what is wrong can be reported rather than refused.
   */
  isInspection?: boolean
}

/**
 * PostgreSQL's connection pool (docs/decisions/0029-overload-and-faults.md): `size`
 * connections at most; a request finding them all in use waits up to `waitMs` for one, in a
 * queue of at most `maxWaiting`; past either bound it fails with DatabaseBusyError, which the
 * server answers 503 with Retry-After.
 */
export interface PoolLimits {
  size: number
  waitMs: number
  maxWaiting: number
  /**
   * Statements with parameters go as named prepared statements (src/storage/prepared-statements.ts,
   * decision 0050); true when not given.
   */
  preparesStatements?: boolean
}

/** The server's readers on SQLite (see DatabaseOptions.sqliteReaders). */
export const SERVER_SQLITE_READERS = 4

export const DEFAULT_POOL_LIMITS: PoolLimits = { size: 10, waitMs: 3_000, maxWaiting: 500 }

export const SQLITE_FILE_NAME = 'haven.db'
const SQLITE_HEADER = 'SQLite format 3\0'

/** Opens SQLite in the data folder, or PostgreSQL when a URL is given. Does not migrate. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  return options.databaseUrl === undefined
    ? openSqlite(options)
    : openPostgres(
        options.databaseUrl,
        options.pool ?? DEFAULT_POOL_LIMITS,
        options.isInspection === true,
      )
}

async function openSqlite(options: DatabaseOptions): Promise<Database> {
  const file = path.join(options.dataDir, SQLITE_FILE_NAME)
  if (options.isInspection === true) {
    if (!statSync(file, { throwIfNoEntry: false })?.isFile())
      throw new DatabaseOpenError(`there is no database file ${file}`)
  } else ensureDataDir(options.dataDir, options.mayCreateDataDir)
  assertSqliteHeader(file)
  if (options.isInspection !== true) keepDatabaseFilesPrivate(file)
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000
  let thread: SqliteWorkerThread
  try {
    thread = await SqliteWorkerThread.start(file, busyTimeoutMs)
  } catch (error) {
    throw new DatabaseOpenError(startFailure(file, busyTimeoutMs, error))
  }
  const readers =
    (options.sqliteReaders ?? 0) > 0
      ? new SqliteReaders(file, busyTimeoutMs, options.sqliteReaders ?? 0)
      : undefined
  const db = new SqliteKysely(
    thread,
    keepFirstError(new NodeSqliteDialect(thread, 'immediate', readers)),
    {
      file,
      busyTimeoutMs,
    },
  )
  // Kysely destroys a driver only once it has been used; the threads are closed either way.
  const close = async (): Promise<void> => {
    await db.destroy()
    await readers?.close()
    await thread.close()
  }
  return { db, dialect: 'sqlite', location: file, close }
}

/**
 * The query builder over the SQLite worker thread, which can also be asked whether the thread
 * answers without queueing behind the transaction that holds the connection (a backup, a page
 * of a disposal run): what /healthz needs to know (src/app/health.ts).
 */
class SqliteKysely extends Kysely<Tables> {
  readonly #thread: SqliteWorkerThread
  readonly #source: { file: string; busyTimeoutMs: number }

  constructor(
    thread: SqliteWorkerThread,
    dialect: Dialect,
    source: { file: string; busyTimeoutMs: number },
  ) {
    super({ dialect })
    this.#thread = thread
    this.#source = source
  }

  ping(): Promise<void> {
    return this.#thread.ping()
  }

  /** A second connection to the same file, in its own thread, whose transactions only read. */
  async openReader(): Promise<{ db: Db; close: () => Promise<void> }> {
    const thread = await SqliteWorkerThread.start(this.#source.file, this.#source.busyTimeoutMs)
    const db = new Kysely<Tables>({
      dialect: keepFirstError(new NodeSqliteDialect(thread, 'deferred')),
    })
    return {
      db,
      close: async () => {
        await db.destroy()
        await thread.close()
      },
    }
  }
}

/**
 * A connection for a long read that must hold no one up (a backup): on SQLite a second
 * connection whose transaction is a WAL snapshot, so the process's own connection goes on
 * serving writes; undefined on PostgreSQL, whose pool already gives one (read only,
 * repeatable read).
 */
export async function openSnapshotReader(
  db: Db,
): Promise<{ db: Db; close: () => Promise<void> } | undefined> {
  return db instanceof SqliteKysely ? db.openReader() : undefined
}

function startFailure(file: string, busyTimeoutMs: number, error: unknown): string {
  if (!(error instanceof SqliteStartError))
    return `cannot open the database ${file}: ${messageOf(error)}`
  if (error.reason === 'open') return `cannot open the database ${file}: ${error.message}`
  if (error.reason === 'busy')
    return `the database ${file} stayed locked by another process for ${busyTimeoutMs} ms`
  return `the database ${file} is damaged or not a Haven database: ${error.message}`
}

function ensureDataDir(dir: string, mayCreate: boolean): void {
  let stats
  try {
    stats = statSync(dir)
  } catch {
    if (!mayCreate) {
      throw new DatabaseOpenError(
        `the data folder ${dir} does not exist; create it, or set HAVEN_DATA_DIR to the right folder`,
      )
    }
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 })
    } catch (error) {
      throw new DatabaseOpenError(`cannot create the data folder ${dir}: ${messageOf(error)}`)
    }
    return
  }
  if (!stats.isDirectory()) throw new DatabaseOpenError(`the data folder ${dir} is not a folder`)
  keepFolderPrivate(dir, 'data folder')
}

/**
 * The database and the files SQLite keeps beside it are private to Haven's user (0600): a new
 * database file is made so before SQLite opens it (SQLite gives its WAL and shared-memory
 * files the database file's mode), and existing ones are tightened
 * (src/storage/private-files.ts).
 */
function keepDatabaseFilesPrivate(file: string): void {
  try {
    closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
      throw new DatabaseOpenError(`cannot create the database ${file}: ${messageOf(error)}`)
  }
  for (const suffix of ['', '-wal', '-shm', '-journal'])
    keepFilePrivate(`${file}${suffix}`, 'database file')
}

/** Refuses, without writing a byte, a file that exists but is not an SQLite database. */
function assertSqliteHeader(file: string): void {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return
    throw new DatabaseOpenError(`cannot read the database ${file}: ${messageOf(error)}`)
  }
  try {
    const header = Buffer.alloc(16)
    const read = readSync(fd, header, 0, 16, 0)
    if (read === 0) return
    if (read < 16 || header.toString('latin1') !== SQLITE_HEADER) {
      throw new DatabaseOpenError(
        `the database ${file} is not an SQLite database; it was left untouched`,
      )
    }
  } finally {
    closeSync(fd)
  }
}

async function openPostgres(
  url: string,
  limits: PoolLimits,
  isInspection: boolean,
): Promise<Database> {
  const location = describeUrl(url)
  // The watch on answers (decision 0052): off until the server asks for it, after migrating.
  const watch = { ms: 0 }
  const pool = new pg.Pool({
    connectionString: url,
    max: limits.size,
    // How long a request waits for a connection: a free one, or a new one being opened.
    connectionTimeoutMillis: limits.waitMs,
    keepAlive: true,
    types: bigintAsNumber(),
    // A page's parts ask their statements at once on its one connection (pageTogether):
    // pipelined, they go to the server together rather than each after the last one's answer
    // (docs/decisions/0049-page-reads-together.md). Haven uses no cursors, which pipelining
    // refuses.
    pipeline: true,
  })
  // A connection that fails (the server stopped or restarted, an administrator ended the
  // backend, the network went) emits 'error' on its client, and on the pool while idle. With no
  // listener Node would end the process; the query in flight, if any, fails on its own, and
  // the pool drops the dead connection and opens a new one on the next request.
  pool.on('error', () => {
    // An idle client lost its connection; the pool has already removed it.
  })
  pool.on('connect', (client) => {
    client.on('error', () => {
      // A client in use lost its connection: its query fails and it is not reused.
    })
  })
  const db = new Kysely<Tables>({
    dialect: keepFirstError(new PostgresDialect({ pool: boundedPool(pool, limits, watch) })),
  })
  let role: RoleRights | undefined
  try {
    role = await roleRights(db)
  } catch (error) {
    await db.destroy()
    throw new DatabaseOpenError(
      `cannot reach the PostgreSQL database at ${location}: ${messageOf(error)}`,
    )
  }
  const refusal = roleRefusal(role)
  if (refusal !== undefined && !isInspection) {
    await db.destroy()
    throw new DatabaseOpenError(refusal)
  }
  return {
    db,
    dialect: 'postgres',
    location,
    close: () => db.destroy(),
    watchAnswers: (ms) => {
      watch.ms = ms
    },
  }
}

/** The client's watch on answers fires this much later than PostgreSQL's own timeouts. */
const ANSWER_BACKSTOP = 1.25

/** The statement and lock timeouts each connection was last given, by client. */
const LIMITED = new WeakMap<pg.PoolClient, number>()

/**
 * Once the server watches its answers (decision 0052), PostgreSQL itself cancels a statement,
 * or a wait for a lock, that takes longer (57014 or 55P03, answered 503 as busy): its backend
 * is then free at once, where closing the connection alone would leave it running or queued
 * for the lock. Set for the session on each connection as it is handed out, outside any
 * transaction, once per connection and value; never during the migrations before.
 */
async function limitStatements(client: pg.PoolClient, ms: number): Promise<void> {
  if ((LIMITED.get(client) ?? 0) === ms) return
  try {
    await client.query(
      "select set_config('statement_timeout', $1, false), set_config('lock_timeout', $1, false)",
      [String(ms)],
    )
  } catch (error) {
    client.release(error instanceof Error ? error : true)
    throw error
  }
  LIMITED.set(client, ms)
}

/**
 * The pool as Kysely sees it, with the queue of waiters bounded: past `maxWaiting` a request
 * is refused at once rather than queued, and one that waited `waitMs` in vain fails as busy
 * (pg's own timeout message names neither the pool nor the wait).
 */
function boundedPool(pool: pg.Pool, limits: PoolLimits, watch: { ms: number }): PostgresPool {
  return {
    options: pool.options,
    end: () => pool.end(),
    connect: async () => {
      const isFull = pool.idleCount === 0 && pool.totalCount >= limits.size
      if (isFull && pool.waitingCount >= limits.maxWaiting) {
        throw new DatabaseBusyError(
          'pool_queue_full',
          `all ${limits.size} database connections are in use and ${pool.waitingCount} requests are waiting`,
        )
      }
      try {
        const client = await pool.connect()
        tuneClient(client, {
          names: limits.preparesStatements !== false,
          // The backstop: PostgreSQL's own timeouts below act first on a server that answers.
          answerMs: () => Math.ceil(watch.ms * ANSWER_BACKSTOP),
        })
        await limitStatements(client, watch.ms)
        return client
      } catch (error) {
        if (error instanceof Error && error.message === 'timeout exceeded when trying to connect') {
          throw new DatabaseBusyError(
            'pool_timeout',
            `all ${limits.size} database connections stayed in use for ${limits.waitMs} ms`,
            { cause: error },
          )
        }
        throw error
      }
    },
  }
}

export interface RoleRights {
  name: string
  isSuperuser: boolean
  bypassesRls: boolean
}

/** The PostgreSQL role Haven is connected as, and whether row-level security binds it. */
export async function roleRights(db: Db): Promise<RoleRights | undefined> {
  const { rows } = await sql<{ name: string; rolsuper: boolean; rolbypassrls: boolean }>`
    select rolname as name, rolsuper, rolbypassrls from pg_roles where rolname = current_user
  `.execute(db)
  const row = rows[0]
  return row && { name: row.name, isSuperuser: row.rolsuper, bypassesRls: row.rolbypassrls }
}

/**
 * Haven refuses to run as a role that row-level security does not bind (a superuser, or a
 * role with BYPASSRLS): the policies that keep one centre's rows from another's
 * (docs/decisions/0010-row-level-security.md) would not apply to it.
 */
export function roleRefusal(role: RoleRights | undefined): string | undefined {
  if (role === undefined) return 'cannot find the PostgreSQL role Haven connects as in pg_roles'
  const what = role.isSuperuser ? 'a superuser' : role.bypassesRls ? 'a role with BYPASSRLS' : ''
  if (what === '') return undefined
  return `the PostgreSQL role ${role.name} is ${what}, which bypasses the row-level security that keeps centres apart; connect as an ordinary role that owns the database (see the README)`
}

/** count(*) and bigint columns come back as numbers, as they do from SQLite. */
function bigintAsNumber(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides()
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value))
  return types
}

function describeUrl(raw: string): string {
  const url = new URL(raw)
  if (url.password) url.password = '***'
  return url.toString()
}

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0] ?? 'unknown error'
}

/**
 * Proves the database answers. On SQLite, the worker thread is asked directly: it answers
 * between two statements of whatever transaction holds the connection, so a long backup or
 * disposal run does not make Haven look down. On PostgreSQL, a query on a pooled connection.
 */
export async function pingDatabase(db: Db): Promise<void> {
  if (db instanceof SqliteKysely) return db.ping()
  await sql`select 1`.execute(db)
}
