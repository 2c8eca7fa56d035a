import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite'
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

/**
 * A Kysely dialect over Node's built-in `node:sqlite` (docs/decisions/0002-sqlite-driver.md).
 *
 * - One connection per process, used by one query or transaction at a time (a mutex).
 * - Transactions begin IMMEDIATE: the write lock is taken at BEGIN, so two processes never
 *   deadlock upgrading a read to a write; the other waits up to the busy timeout.
 * - DDL is transactional in SQLite, so migrations run inside that one transaction and two
 *   processes migrating at once apply each migration exactly once.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #open: () => DatabaseSync

  constructor(open: () => DatabaseSync) {
    this.#open = open
  }

  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
  createDriver(): Driver {
    return new NodeSqliteDriver(this.#open)
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
  readonly #open: () => DatabaseSync
  #connection: NodeSqliteConnection | undefined
  #queue: Promise<void> = Promise.resolve()
  #release: (() => void) | undefined

  constructor(open: () => DatabaseSync) {
    this.#open = open
  }

  init(): Promise<void> {
    this.#connection = new NodeSqliteConnection(this.#open())
    return Promise.resolve()
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise((resolve) => (release = resolve))
    await previous
    this.#release = release
    if (!this.#connection) throw new Error('the SQLite driver was used before init')
    return this.#connection
  }

  releaseConnection(): Promise<void> {
    const release = this.#release
    this.#release = undefined
    release?.()
    return Promise.resolve()
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }

  destroy(): Promise<void> {
    this.#connection?.close()
    this.#connection = undefined
    return Promise.resolve()
  }
}

const STATEMENT_CACHE_SIZE = 200

class NodeSqliteConnection implements DatabaseConnection {
  readonly #db: DatabaseSync
  readonly #statements = new Map<string, StatementSync>()

  constructor(db: DatabaseSync) {
    this.#db = db
  }

  executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql)
    const parameters = compiledQuery.parameters.map(toSqlite)
    if (statement.columns().length > 0) {
      // node:sqlite makes rows with a null prototype; hand on plain objects, as pg does.
      return Promise.resolve({ rows: statement.all(...parameters).map((row) => ({ ...row }) as R) })
    }
    const { changes, lastInsertRowid } = statement.run(...parameters)
    return Promise.resolve({
      rows: [],
      numAffectedRows: BigInt(changes),
      insertId: BigInt(lastInsertRowid),
    })
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const statement = this.#prepare(compiledQuery.sql)
    for (const row of statement.iterate(...compiledQuery.parameters.map(toSqlite))) {
      yield await Promise.resolve({ rows: [{ ...(row as object) } as R] })
    }
  }

  close(): void {
    this.#statements.clear()
    if (this.#db.isOpen) this.#db.close()
  }

  #prepare(sql: string): StatementSync {
    const cached = this.#statements.get(sql)
    if (cached) return cached
    const statement = this.#db.prepare(sql)
    if (this.#statements.size >= STATEMENT_CACHE_SIZE) {
      const oldest = this.#statements.keys().next()
      if (!oldest.done) this.#statements.delete(oldest.value)
    }
    this.#statements.set(sql, statement)
    return statement
  }
}

/** node:sqlite binds no booleans; store them as 0 and 1, as PostgreSQL's driver reads them back. */
function toSqlite(value: unknown): SQLInputValue {
  if (typeof value === 'boolean') return value ? 1 : 0
  return value as SQLInputValue
}
