import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type DialectAdapter,
  type Driver,
  type Kysely,
  type QueryCompiler,
  type QueryResult,
} from 'kysely'
import type { SqliteWorkerThread } from './sqlite-worker-thread.ts'

/**
 * A Kysely dialect over Node's built-in `node:sqlite` (docs/decisions/0002-sqlite-driver.md),
 * whose connection lives in a worker thread (docs/decisions/0028-sqlite-in-a-worker-thread.md):
 * the event loop never waits for SQLite, only the requests that need the database do.
 *
 * - One connection per process, used by one query or transaction at a time (a mutex, as
 *   Kysely's own SqliteDriver has): another request's statement never lands inside a
 *   transaction that is not its own.
 * - Transactions begin IMMEDIATE: the write lock is taken at BEGIN, so two processes never
 *   deadlock upgrading a read to a write; the other waits up to the busy timeout.
 * - DDL is transactional in SQLite, so migrations run inside that one transaction and two
 *   processes migrating at once apply each migration exactly once.
 * - A reader (a backup's own connection) begins DEFERRED instead: its first read fixes its
 *   snapshot of the WAL, and writers on other connections go on beside it.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #thread: SqliteWorkerThread
  readonly #begin: 'immediate' | 'deferred'

  constructor(thread: SqliteWorkerThread, begin: 'immediate' | 'deferred' = 'immediate') {
    this.#thread = thread
    this.#begin = begin
  }

  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
  createDriver(): Driver {
    return new NodeSqliteDriver(this.#thread, this.#begin)
  }
  createQueryCompiler(): QueryCompiler {
    return new SqliteQueryCompiler()
  }
  createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SqliteIntrospector(db)
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

class NodeSqliteDriver implements Driver {
  readonly #thread: SqliteWorkerThread
  readonly #connection: NodeSqliteConnection
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  readonly #begin: 'immediate' | 'deferred'

  constructor(thread: SqliteWorkerThread, begin: 'immediate' | 'deferred') {
    this.#thread = thread
    this.#begin = begin
    this.#connection = new NodeSqliteConnection(thread)
  }

  init(): Promise<void> {
    return Promise.resolve()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise((resolve) => (release = resolve))
    await previous
    this.#release = release
    return this.#connection
  }

  releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
    return Promise.resolve()
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw(`begin ${this.#begin}`))
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  destroy(): Promise<void> {
    return this.#thread.close()
  }
}

/** The one connection, in the worker thread: each statement is a message there and back. */
class NodeSqliteConnection implements DatabaseConnection {
  readonly #thread: SqliteWorkerThread

  constructor(thread: SqliteWorkerThread) {
    this.#thread = thread
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const result = await this.#thread.execute(compiledQuery.sql, compiledQuery.parameters)
    if (result.rows !== undefined) return { rows: result.rows as R[] }
    return {
      rows: [],
      numAffectedRows: BigInt(result.changes ?? 0),
      insertId: result.lastInsertRowid ?? 0n,
    }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery)
    for (const row of rows) yield { rows: [row] }
  }
}
