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
  type TransactionSettings,
} from 'kysely'
import { SqliteWorkerThread, type SqliteStatementResult } from './sqlite-worker-thread.ts'

/**
 * A Kysely dialect over Node's built-in `node:sqlite` (docs/decisions/0002-sqlite-driver.md),
 * whose connection lives in a worker thread (docs/decisions/0028-sqlite-in-a-worker-thread.md):
 * the event loop never waits for SQLite, only the requests that need the database do.
 *
 * - One connection that writes, used by one query or transaction at a time (a mutex, as
 *   Kysely's own SqliteDriver has): another request's statement never lands inside a
 *   transaction that is not its own.
 * - Transactions begin IMMEDIATE: the write lock is taken at BEGIN, so two processes never
 *   deadlock upgrading a read to a write; the other waits up to the busy timeout.
 * - DDL is transactional in SQLite, so migrations run inside that one transaction and two
 *   processes migrating at once apply each migration exactly once.
 * - A reader (a backup's own connection) begins DEFERRED instead: its first read fixes its
 *   snapshot of the WAL, and writers on other connections go on beside it.
 * - With `readers` (the server's; decision 0048), a transaction begun read only, and a lone
 *   SELECT outside any transaction, run on one of several connections that only read, in a
 *   thread of their own: each read transaction is one snapshot of the WAL, as the write
 *   transaction was, but reads no longer wait for one another or for a write, and the
 *   connection that writes is no longer held while a read's next statement is being built.
 */
export class NodeSqliteDialect implements Dialect {
  readonly #thread: SqliteWorkerThread
  readonly #begin: 'immediate' | 'deferred'
  readonly #readers: SqliteReaders | undefined

  constructor(
    thread: SqliteWorkerThread,
    begin: 'immediate' | 'deferred' = 'immediate',
    readers?: SqliteReaders,
  ) {
    this.#thread = thread
    this.#begin = begin
    this.#readers = readers
  }

  createAdapter(): DialectAdapter {
    return new TransactionalDdlSqliteAdapter()
  }
  createDriver(): Driver {
    return new NodeSqliteDriver(this.#thread, this.#begin, this.#readers)
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
  /**
   * Kysely would otherwise hold its own lock from acquire to release, one connection at a
   * time: the driver decides instead (the one that writes, in turn; readers beside it).
   */
  override get supportsMultipleConnections(): boolean {
    return true
  }
}

/**
 * The connections that only read: `size` of them in one worker thread, started on first use
 * (a command that never reads beside a write does not pay for the thread). A read transaction
 * holds one from BEGIN to COMMIT; a lone statement, for itself. When all are held, the next
 * waits for one, in turn.
 */
export class SqliteReaders {
  readonly #file: string
  readonly #busyTimeoutMs: number
  readonly #size: number
  readonly #free: number[]
  readonly #waiting: ((conn: number) => void)[] = []
  #thread: Promise<SqliteWorkerThread> | undefined
  /** The thread once started: what `end` posts to without waiting. */
  #started: SqliteWorkerThread | undefined
  #closed = false
  /**
   * The thread each reader's open transaction began on (see `execute`); undefined when its
   * first statement found no thread (it failed to start): nothing may run in it then.
   */
  readonly #openOn = new Map<number, SqliteWorkerThread | undefined>()
  #paused: Promise<void> | undefined
  #allFree: (() => void) | undefined

  constructor(file: string, busyTimeoutMs: number, size: number) {
    this.#file = file
    this.#busyTimeoutMs = busyTimeoutMs
    this.#size = size
    this.#free = Array.from({ length: size }, (_, i) => size - 1 - i)
  }

  take(): Promise<number> {
    const free = this.#paused === undefined ? this.#free.pop() : undefined
    if (free !== undefined) return Promise.resolve(free)
    return new Promise((resolve) => this.#waiting.push(resolve))
  }

  give(conn: number): void {
    const next = this.#paused === undefined ? this.#waiting.shift() : undefined
    if (next) next(conn)
    else {
      this.#free.push(conn)
      if (this.#free.length === this.#size) this.#allFree?.()
    }
  }

  /**
   * Runs `work` while no reader is in a transaction: new reads wait, those under way finish
   * first. For a checkpoint that empties the WAL (`wal_checkpoint(truncate)`, after a
   * disposal), which SQLite cannot do while a reader still reads from the log: it would wait
   * up to the busy timeout, holding every write, and then leave the old pages there.
   */
  async whilePaused<T>(work: () => Promise<T>): Promise<T> {
    while (this.#paused !== undefined) await this.#paused
    let resume!: () => void
    this.#paused = new Promise<void>((resolve) => (resume = resolve))
    try {
      if (this.#free.length < this.#size)
        await new Promise<void>((resolve) => (this.#allFree = resolve))
      this.#allFree = undefined
      // A connection given back may still have its transaction's end on the way (see `end`):
      // the thread answers in order, so once it answers this, every reader has left the WAL.
      if (this.#started?.hasStopped === false) await this.#started.ping()
      return await work()
    } finally {
      this.#paused = undefined
      resume()
      while (this.#waiting.length > 0 && this.#free.length > 0) {
        const next = this.#waiting.shift()
        const conn = this.#free.pop()
        if (next !== undefined && conn !== undefined) next(conn)
      }
    }
  }

  async execute<R>(
    conn: number,
    compiled: CompiledQuery,
    begin?: 'deferred' | 'immediate',
  ): Promise<QueryResult<R>> {
    if (this.#closed) throw new Error('the database is closed')
    // A thread that stopped (it crashed, or was ended) is replaced by a new one: the reads on
    // their way when it stopped failed, the next ones go to the new thread.
    if (this.#started?.hasStopped === true) {
      this.#thread = undefined
      this.#started = undefined
    }
    const started = (this.#thread ??= SqliteWorkerThread.start(
      this.#file,
      this.#busyTimeoutMs,
      this.#size,
    ))
    if (begin !== undefined) this.#openOn.set(conn, undefined)
    let thread: SqliteWorkerThread
    try {
      thread = await started
      // Not a thread that stopped and was replaced while this read waited for it.
      if (this.#thread === started) this.#started = thread
    } catch (error) {
      // The next read tries again: a file busy at this moment may not be at the next.
      if (this.#thread === started) this.#thread = undefined
      throw error
    }
    // A transaction is one snapshot on one thread's connection: a statement of a transaction
    // begun on a thread that has since stopped must not run, outside it, on the new one.
    if (begin !== undefined) this.#openOn.set(conn, thread)
    else if (this.#openOn.has(conn) && this.#openOn.get(conn) !== thread)
      throw new Error("the SQLite readers' thread stopped during this read")
    return resultOf<R>(await thread.execute(compiled.sql, compiled.parameters, conn, begin))
  }

  /** Ends the `conn`th reader's transaction without waiting (SqliteWorkerThread.end). */
  end(conn: number, how: 'commit' | 'rollback'): void {
    const on = this.#openOn.get(conn) ?? this.#started
    this.#openOn.delete(conn)
    on?.end(conn, how)
  }

  /** The thread now serving reads, once started (for tests of what follows a crash). */
  get thread(): SqliteWorkerThread | undefined {
    return this.#started
  }

  async close(): Promise<void> {
    this.#closed = true
    const thread = await this.#thread?.catch(() => undefined)
    await thread?.close()
  }
}

/** A statement that only reads: what may run on a reader outside any transaction. */
function isLoneRead(sql: string): boolean {
  return /^\s*select\b/i.test(sql)
}

/** A checkpoint that must wait for every reader to leave the WAL (see whilePaused). */
function isLogEmptied(sql: string): boolean {
  return /^\s*pragma\s+wal_checkpoint\s*\(\s*(truncate|restart)\s*\)/i.test(sql)
}

class NodeSqliteDriver implements Driver {
  readonly #thread: SqliteWorkerThread
  readonly #readers: SqliteReaders | undefined
  #queue: Promise<void> = Promise.resolve()

  readonly #begin: 'immediate' | 'deferred'

  constructor(
    thread: SqliteWorkerThread,
    begin: 'immediate' | 'deferred',
    readers: SqliteReaders | undefined,
  ) {
    this.#thread = thread
    this.#begin = begin
    this.#readers = readers
  }

  init(): Promise<void> {
    return Promise.resolve()
  }

  /** Waits for the connection that writes; the returned function lets the next one have it. */
  async takeWriter(): Promise<() => void> {
    const previous = this.#queue
    let release!: () => void
    this.#queue = new Promise((resolve) => (release = resolve))
    await previous
    return release
  }

  acquireConnection(): Promise<DatabaseConnection> {
    // Which connection is decided by what is asked of it first (see Lease).
    return Promise.resolve(new Lease(this, this.#thread, this.#readers))
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    leaseOf(connection).release()
    return Promise.resolve()
  }

  async beginTransaction(
    connection: DatabaseConnection,
    settings: TransactionSettings,
  ): Promise<void> {
    const lease = leaseOf(connection)
    if (settings.accessMode === 'read only' && this.#readers !== undefined) {
      await lease.onReader()
      lease.beginWithFirstStatement('deferred')
    } else {
      await lease.onWriter()
      lease.beginWithFirstStatement(this.#begin)
    }
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await leaseOf(connection).end('commit')
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await leaseOf(connection).end('rollback')
  }

  async destroy(): Promise<void> {
    await this.#readers?.close()
    await this.#thread.close()
  }
}

/**
 * What Kysely holds from acquire to release. It is bound to a connection by its first use: a
 * transaction begun read only takes a reader until it ends; anything else takes the connection
 * that writes (a lone SELECT, when there are readers, borrows one for itself and stays unbound).
 */
class Lease implements DatabaseConnection {
  readonly #driver: NodeSqliteDriver
  readonly #thread: SqliteWorkerThread
  readonly #readers: SqliteReaders | undefined
  #writer: (() => void) | undefined
  #reader: number | undefined
  /** A transaction begun whose BEGIN goes with its first statement (one message less). */
  #beginPending: 'deferred' | 'immediate' | undefined

  constructor(
    driver: NodeSqliteDriver,
    thread: SqliteWorkerThread,
    readers: SqliteReaders | undefined,
  ) {
    this.#driver = driver
    this.#thread = thread
    this.#readers = readers
  }

  async onWriter(): Promise<void> {
    if (this.#writer === undefined && this.#reader === undefined)
      this.#writer = await this.#driver.takeWriter()
  }

  async onReader(): Promise<void> {
    if (this.#writer === undefined && this.#reader === undefined && this.#readers !== undefined)
      this.#reader = await this.#readers.take()
  }

  beginWithFirstStatement(how: 'deferred' | 'immediate'): void {
    this.#beginPending = how
  }

  /**
   * Ends the transaction: nothing to send when no statement ran in it (its BEGIN was never
   * sent). A reader's ends without waiting for the thread: it changed nothing, and what is sent
   * on the connection next comes after it. The writer's commit is waited for: the write is
   * durable only once it answers.
   */
  async end(how: 'commit' | 'rollback'): Promise<void> {
    if (this.#beginPending !== undefined) {
      this.#beginPending = undefined
      return
    }
    if (this.#reader !== undefined && this.#readers !== undefined)
      this.#readers.end(this.#reader, how)
    else await this.executeQuery(CompiledQuery.raw(how))
  }

  release(): void {
    if (this.#writer !== undefined) this.#writer()
    if (this.#reader !== undefined) this.#readers?.give(this.#reader)
    this.#writer = undefined
    this.#reader = undefined
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const readers = this.#readers
    const begin = this.#beginPending
    this.#beginPending = undefined
    if (this.#reader !== undefined && readers !== undefined)
      return readers.execute<R>(this.#reader, compiledQuery, begin)
    if (this.#writer === undefined && readers !== undefined && isLoneRead(compiledQuery.sql)) {
      const conn = await readers.take()
      try {
        return await readers.execute<R>(conn, compiledQuery)
      } finally {
        readers.give(conn)
      }
    }
    await this.onWriter()
    const run = async () =>
      resultOf<R>(await this.#thread.execute(compiledQuery.sql, compiledQuery.parameters, 0, begin))
    if (readers !== undefined && isLogEmptied(compiledQuery.sql)) return readers.whilePaused(run)
    return run()
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const { rows } = await this.executeQuery<R>(compiledQuery)
    for (const row of rows) yield { rows: [row] }
  }
}

function leaseOf(connection: DatabaseConnection): Lease {
  if (!(connection instanceof Lease)) throw new Error('not a connection of this driver')
  return connection
}

function resultOf<R>(result: SqliteStatementResult): QueryResult<R> {
  if (result.rows !== undefined) return { rows: result.rows as R[] }
  return {
    rows: [],
    numAffectedRows: BigInt(result.changes ?? 0),
    insertId: result.lastInsertRowid ?? 0n,
  }
}
