// The thread that owns Haven's SQLite connection (docs/decisions/0028-sqlite-in-a-worker-thread.md).
// node:sqlite is synchronous: run on the main thread, a long query, a busy wait for another
// process's write lock, a disposal page or a backup would stop every request, /healthz
// included. Here they stop only this thread. The main thread sends one message per statement
// (src/storage/sqlite-worker-thread.ts) and gets rows, counts or the error back; a reader's
// transaction is ended by a message that gets no answer (decision 0049).
//
// Plain JavaScript on purpose: a worker does not share the main thread's TypeScript loader,
// and starting one that strips types took about 100 ms more, which every CLI command paid.
import { DatabaseSync } from 'node:sqlite'
import { parentPort, workerData } from 'node:worker_threads'

const STATEMENT_CACHE_SIZE = 200

/**
 * `readers`: when set, this thread holds that many connections that only read (the server's
 * readers, beside the one thread that writes: see src/storage/node-sqlite-dialect.ts); each
 * request names its connection. Otherwise it holds the one connection, which reads and writes.
 *
 * @type {{ file: string, busyTimeoutMs: number, readers?: number }}
 */
const { file, busyTimeoutMs, readers } = workerData
const port = parentPort
if (port === null) throw new Error('sqlite-worker.js runs only as a worker thread')

const connections = openAll(readers ?? 0)
if (connections !== undefined) {
  /** @type {Map<string, import('node:sqlite').StatementSync>[]} */
  const statements = connections.map(() => new Map())
  port.on('message', (request) => {
    if (request.op === 'end') endQuietly(connections, request)
    else port.postMessage(answer(connections, statements, request))
  })
  port.postMessage({ kind: 'ready' })
}

/**
 * The one connection that writes, or `readers` connections that only read; undefined (and the
 * reason sent) when one could not be opened.
 *
 * @param {number} readerCount
 */
function openAll(readerCount) {
  if (readerCount === 0) {
    const writer = openAndPrepare(prepareConnection)
    return writer === undefined ? undefined : [writer]
  }
  /** @type {DatabaseSync[]} */
  const opened = []
  for (let i = 0; i < readerCount; i += 1) {
    const reader = openAndPrepare(prepareReader)
    if (reader === undefined) {
      for (const done of opened) done.close()
      return undefined
    }
    opened.push(reader)
  }
  return opened
}

/**
 * Opens the file and sets the connection up; on failure says why and lets the thread end.
 *
 * @param {(raw: DatabaseSync) => void} prepare
 */
function openAndPrepare(prepare) {
  let opened
  try {
    opened = new DatabaseSync(file, { timeout: busyTimeoutMs, enableForeignKeyConstraints: true })
  } catch (error) {
    port.postMessage({ kind: 'failed', reason: 'open', message: messageOf(error) })
    return undefined
  }
  try {
    prepare(opened)
    return opened
  } catch (error) {
    opened.close()
    port.postMessage({
      kind: 'failed',
      reason: isBusy(error) ? 'busy' : 'damaged',
      message: messageOf(error),
    })
    return undefined
  }
}

/**
 * Checks the file cheaply and sets the connection up. The schema read fails on a damaged file
 * (and SQLite refuses one shorter than its header says) before any pragma writes to it; the
 * whole-file check is not made here: it reads every page, which on a large file took longer
 * than everything else at start (`haven check` and `haven backup` make it). Switching a new
 * file to WAL takes a lock that SQLite does not wait for, so when another process is opening
 * the same file at that moment the step is retried until the busy timeout.
 *
 * @param {DatabaseSync} raw
 */
function prepareConnection(raw) {
  const deadline = Date.now() + busyTimeoutMs
  for (;;) {
    try {
      raw.prepare('select count(*) from sqlite_schema').get()
      raw.exec('pragma journal_mode = wal')
      raw.exec('pragma synchronous = full')
      raw.exec('pragma foreign_keys = on')
      // RETAIN: a deleted row's bytes are overwritten, not left in free pages of the file.
      raw.exec('pragma secure_delete = on')
      raw.exec(`pragma busy_timeout = ${String(busyTimeoutMs)}`)
      return
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 25)
    }
  }
}

/**
 * A connection that only reads: the writer has made the file WAL already, so each reader's
 * transaction reads one snapshot while the writer commits beside it. `query_only` refuses any
 * write on it, as PostgreSQL refuses one in a read-only transaction.
 *
 * @param {DatabaseSync} raw
 */
function prepareReader(raw) {
  raw.prepare('select count(*) from sqlite_schema').get()
  raw.exec('pragma foreign_keys = on')
  raw.exec(`pragma busy_timeout = ${String(busyTimeoutMs)}`)
  raw.exec('pragma query_only = on')
}

/**
 * One request, one answer, in order. A statement's error goes back with its message and
 * node:sqlite's `code`, `errcode` and `errstr`, so callers classify it as before.
 *
 * @param {DatabaseSync[]} all
 * @param {Map<string, import('node:sqlite').StatementSync>[]} caches
 * @param {{ id: number, op: 'query' | 'ping' | 'close', conn?: number, sql?: string, parameters?: unknown[], begin?: 'deferred' | 'immediate' }} request
 */
function answer(all, caches, request) {
  const { id } = request
  try {
    const raw = all[request.conn ?? 0]
    const statements = caches[request.conn ?? 0]
    if (raw === undefined || statements === undefined) throw new Error('no such connection')
    if (request.op === 'ping') return { id, ping: raw.isOpen }
    if (request.op === 'close') {
      for (const cache of caches) cache.clear()
      for (const each of all) if (each.isOpen) each.close()
      return { id, closed: true }
    }
    const statement = prepare(raw, statements, request.sql ?? '')
    const parameters = (request.parameters ?? []).map(toSqlite)
    if (request.begin !== undefined) raw.exec(`begin ${request.begin}`)
    if (statement.columns().length > 0) return { id, rows: statement.all(...parameters) }
    const { changes, lastInsertRowid } = statement.run(...parameters)
    return { id, changes: Number(changes), lastInsertRowid: BigInt(lastInsertRowid) }
  } catch (error) {
    return { id, error: describeError(error) }
  }
}

/**
 * Ends a reader's transaction (commits, or with `how: 'rollback'` rolls back) without an
 * answer (`op: 'end'`): the main thread has already given the connection back, and what it
 * sends next on it comes after this. A read-only transaction that cannot commit is rolled
 * back, so the connection is left outside any transaction either way; nothing here may throw,
 * which would end the thread and every read with it.
 *
 * @param {DatabaseSync[]} all
 * @param {{ conn?: number, how?: 'commit' | 'rollback' }} request
 */
function endQuietly(all, request) {
  const raw = all[request.conn ?? 0]
  try {
    if (raw === undefined || !raw.isOpen || !raw.isTransaction) return
    raw.exec(request.how === 'rollback' ? 'rollback' : 'commit')
  } catch {
    try {
      if (raw?.isTransaction) raw.exec('rollback')
    } catch {
      // Still open: the next BEGIN on this connection fails and says so.
    }
  }
}

/**
 * @param {DatabaseSync} raw
 * @param {Map<string, import('node:sqlite').StatementSync>} statements
 * @param {string} sql
 */
function prepare(raw, statements, sql) {
  const cached = statements.get(sql)
  if (cached) return cached
  const statement = raw.prepare(sql)
  if (statements.size >= STATEMENT_CACHE_SIZE) {
    const oldest = statements.keys().next()
    if (!oldest.done) statements.delete(oldest.value)
  }
  statements.set(sql, statement)
  return statement
}

/** node:sqlite binds no booleans; store them as 0 and 1, as PostgreSQL's driver reads them back. */
function toSqlite(/** @type {unknown} */ value) {
  if (typeof value === 'boolean') return value ? 1 : 0
  return value
}

/** @param {unknown} error */
function describeError(error) {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) }
  const { code, errcode, errstr } = /** @type {Record<string, unknown>} */ (error)
  return { name: error.name, message: error.message, code, errcode, errstr }
}

/** @param {unknown} error */
function isBusy(error) {
  const text = error instanceof Error ? error.message : ''
  return /database is locked|database is busy/i.test(text)
}

/** @param {unknown} error */
function messageOf(error) {
  const text = error instanceof Error ? error.message : String(error)
  return text.split('\n')[0] ?? 'unknown error'
}
