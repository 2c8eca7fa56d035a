import { Worker } from 'node:worker_threads'

/**
 * The main thread's side of the SQLite worker (src/storage/sqlite-worker.js;
 * docs/decisions/0028-sqlite-in-a-worker-thread.md): it starts the thread that opens the
 * file, sends it one statement at a time and hands back what it answers. Who may send the
 * next statement (one query or one transaction at a time) is the dialect's mutex
 * (src/storage/node-sqlite-dialect.ts); this only carries messages.
 */
export interface SqliteStatementResult {
  rows?: Record<string, unknown>[]
  changes?: number
  lastInsertRowid?: bigint
}

/** Why the worker could not open the file: it could not, it stayed locked, or it is damaged. */
export class SqliteStartError extends Error {
  override name = 'SqliteStartError'
  readonly reason: 'open' | 'busy' | 'damaged'

  constructor(reason: 'open' | 'busy' | 'damaged', message: string) {
    super(message)
    this.reason = reason
  }
}

interface Answer extends SqliteStatementResult {
  id: number
  error?: { name: string; message: string; code?: unknown; errcode?: unknown; errstr?: unknown }
}

type StartMessage =
  { kind: 'ready' } | { kind: 'failed'; reason: 'open' | 'busy' | 'damaged'; message: string }

interface Waiting {
  resolve: (answer: Answer) => void
  reject: (error: Error) => void
}

export class SqliteWorkerThread {
  readonly #worker: Worker
  readonly #waiting = new Map<number, Waiting>()
  #nextId = 1
  #stopped: Error | undefined
  #closing: Promise<void> | undefined

  private constructor(worker: Worker) {
    this.#worker = worker
    worker.on('message', (message: Answer) => {
      this.#settle(message)
    })
    worker.on('error', (error: Error) => {
      this.#stop(new Error(`the SQLite worker thread failed: ${error.message}`))
    })
    worker.on('exit', () => {
      this.#stop(new Error('the SQLite worker thread has stopped'))
    })
    // An idle connection does not keep the process alive, as an open DatabaseSync did not;
    // the thread is held only while a statement is on its way (after the listeners, which
    // would hold it again).
    worker.unref()
  }

  /**
   * Starts the thread and waits until it has opened and prepared the file: its one connection,
   * which reads and writes, or with `readers`, that many connections that only read.
   */
  static async start(
    file: string,
    busyTimeoutMs: number,
    readers?: number,
  ): Promise<SqliteWorkerThread> {
    const worker = new Worker(new URL('./sqlite-worker.js', import.meta.url), {
      workerData: { file, busyTimeoutMs, readers },
    })
    let stopListening = (): void => undefined
    const started = await new Promise<StartMessage>((resolve, reject) => {
      const stopped = (): void => {
        reject(new Error('the SQLite worker thread stopped while opening the database'))
      }
      worker.once('message', resolve)
      worker.once('error', reject)
      worker.once('exit', stopped)
      stopListening = () => {
        worker.off('message', resolve)
        worker.off('error', reject)
        worker.off('exit', stopped)
      }
    }).finally(() => {
      stopListening()
    })
    if (started.kind === 'failed') {
      await worker.terminate()
      throw new SqliteStartError(started.reason, started.message)
    }
    return new SqliteWorkerThread(worker)
  }

  /**
   * Runs one statement on the connection (a reader thread's `conn`th), as it comes: inside
   * whatever transaction is open on it; with `begin`, first begins one (the BEGIN goes with the
   * transaction's first statement: one message, and one wait, fewer).
   */
  async execute(
    sql: string,
    parameters: readonly unknown[],
    conn = 0,
    begin?: 'deferred' | 'immediate',
  ): Promise<SqliteStatementResult> {
    const answer = await this.#send({ op: 'query', sql, parameters, conn, begin })
    if (answer.error !== undefined) throw rebuildError(answer.error)
    return answer
  }

  /**
   * Ends the `conn`th connection's transaction, if one is open, without waiting for an answer:
   * what is sent on that connection next runs after it. For a reader's transaction, which
   * changed nothing: it cannot fail in a way the caller could act on (the thread rolls back if
   * the commit fails), and one message saved is one turn of every page's read.
   */
  end(conn: number, how: 'commit' | 'rollback'): void {
    if (this.#stopped === undefined) this.#worker.postMessage({ op: 'end', conn, how })
  }

  /**
   * Whether the thread answers and its connection is open. It does not wait for the
   * connection's current transaction, only for the statement running now, if any.
   */
  async ping(): Promise<void> {
    const answer = await this.#send({ op: 'ping' })
    if (answer.error !== undefined) throw rebuildError(answer.error)
  }

  /** The thread has stopped (it failed, ended, or was closed): it answers nothing more. */
  get hasStopped(): boolean {
    return this.#stopped !== undefined
  }

  /**
   * Ends the thread at once, as a crash would: statements on their way fail, the connection is
   * not closed (SQLite's log keeps what was committed). For tests of what follows a crash.
   */
  async terminate(): Promise<void> {
    await this.#worker.terminate()
  }

  /** Closes the connection (SQLite checkpoints its log), then ends the thread. Idempotent. */
  async close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#stopped === undefined) await this.#send({ op: 'close' })
      this.#stop(new Error('the database is closed'))
      await this.#worker.terminate()
    })()
    return this.#closing
  }

  #send(request: {
    op: 'query' | 'ping' | 'close'
    conn?: number
    sql?: string
    parameters?: readonly unknown[]
    begin?: 'deferred' | 'immediate' | undefined
  }) {
    if (this.#stopped !== undefined) return Promise.reject(this.#stopped)
    const id = this.#nextId++
    return new Promise<Answer>((resolve, reject) => {
      if (this.#waiting.size === 0) this.#worker.ref()
      this.#waiting.set(id, { resolve, reject })
      this.#worker.postMessage({ id, ...request })
    })
  }

  #settle(answer: Answer): void {
    const waiting = this.#waiting.get(answer.id)
    if (waiting === undefined) return
    this.#waiting.delete(answer.id)
    if (this.#waiting.size === 0) this.#worker.unref()
    waiting.resolve(answer)
  }

  #stop(reason: Error): void {
    this.#stopped ??= reason
    for (const waiting of this.#waiting.values()) waiting.reject(reason)
    this.#waiting.clear()
  }
}

/** The error as node:sqlite threw it in the worker: name, message, code, errcode, errstr. */
function rebuildError(described: NonNullable<Answer['error']>): Error {
  const error = new Error(described.message)
  error.name = described.name
  for (const key of ['code', 'errcode', 'errstr'] as const)
    if (described[key] !== undefined) Object.assign(error, { [key]: described[key] })
  return error
}
