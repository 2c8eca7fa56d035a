/**
 * What a failure of the database means for the person waiting, decided in one place
 * (docs/decisions/0029-overload-and-faults.md). The outer layers answer each kind the same way
 * (503 with Retry-After, or 409), whichever engine and driver raised it.
 *
 * - `busy`: every connection was in use for longer than Haven waits, or too many were waiting;
 *   a lock another writer held stayed held. Trying again shortly is likely to work.
 * - `unavailable`: the database cannot be reached, or it closed the connection (restarted,
 *   stopped, a connection ended by an administrator, the network gone).
 * - `disk_full`: the database has no room left to write.
 * - `io_error`: the disk failed to read or write.
 * - `conflict`: two transactions collided and PostgreSQL chose this one to fail (serialization
 *   failure, deadlock), or a prepared statement met a table another server had just changed;
 *   the same request sent again is expected to succeed.
 */
import { isStalePlan } from './prepared-statements.ts'

export type DatabaseFault = 'busy' | 'unavailable' | 'disk_full' | 'io_error' | 'conflict'

/** Every connection stayed in use for the whole wait, or the queue of waiters was full. */
export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError'
  /** `pool_timeout` (waited the whole time) or `pool_queue_full` (not queued at all). */
  readonly code: 'pool_timeout' | 'pool_queue_full'

  constructor(code: 'pool_timeout' | 'pool_queue_full', message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}

/** PostgreSQL's SQLSTATE codes and classes (Appendix A of its manual), by what they mean here. */
const POSTGRES_CODES: Readonly<Record<string, DatabaseFault>> = {
  '57P01': 'unavailable', // admin_shutdown: the server is stopping, or the backend was terminated
  '57P02': 'unavailable', // crash_shutdown
  '57P03': 'unavailable', // cannot_connect_now: starting up or in recovery
  '57P05': 'unavailable', // idle_session_timeout
  '53100': 'disk_full', // disk_full
  '53200': 'busy', // out_of_memory
  '53300': 'busy', // too_many_connections
  '53400': 'busy', // configuration_limit_exceeded
  '55P03': 'busy', // lock_not_available
  '57014': 'busy', // query_canceled (a statement timeout)
  '58030': 'io_error', // io_error
  '40001': 'conflict', // serialization_failure
  '40P01': 'conflict', // deadlock_detected
}

/** Class 08: connection exceptions. */
const POSTGRES_CONNECTION_CLASS = '08'

/** Errors of the socket under a PostgreSQL client. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/** SQLite's primary result codes (https://sqlite.org/rescode.html). */
const SQLITE_RESULT_CODES: Readonly<Record<number, DatabaseFault>> = {
  5: 'busy', // SQLITE_BUSY: another process held the write lock past the busy timeout
  6: 'busy', // SQLITE_LOCKED
  10: 'io_error', // SQLITE_IOERR
  13: 'disk_full', // SQLITE_FULL
  14: 'unavailable', // SQLITE_CANTOPEN
}

const SQLITE_NAMES: Readonly<Record<number, string>> = {
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  10: 'SQLITE_IOERR',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
}

/**
 * What drivers say without a code (pg and Kysely make plain Errors when the connection is gone;
 * a driver in another thread may hand on only the message). SQLite's messages are its own
 * fixed text for a result code (sqlite3_errstr), never a value.
 */
const MESSAGES: readonly (readonly [RegExp, DatabaseFault])[] = [
  [/^Connection terminated/, 'unavailable'],
  [/is not queryable/, 'unavailable'],
  [/^Cannot use a pool after calling end/, 'unavailable'],
  [/^Postgres connection has been discarded/, 'unavailable'],
  [/^driver has already been destroyed/, 'unavailable'],
  [/^database is not open/, 'unavailable'],
  [/^the SQLite worker thread (has stopped|failed)/, 'unavailable'],
  [/^the SQLite readers' thread stopped/, 'unavailable'],
  [/^timeout exceeded when trying to connect/, 'busy'],
  [/^database or disk is full/, 'disk_full'],
  [/^disk I\/O error/, 'io_error'],
  [/^database is (locked|busy)/, 'busy'],
]

/**
 * What a database failure means (see DatabaseFault), or undefined when it is not one of these
 * (a bug, a constraint the code should have checked): those stay 500s and are fixed in code.
 * Looks through `cause` chains, as drivers and Kysely sometimes wrap the driver's error.
 */
export function classifyDatabaseError(error: unknown): DatabaseFault | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const fault = classifyOne(current)
    if (fault !== undefined) return fault
    current = current.cause
  }
  return undefined
}

function classifyOne(error: Error): DatabaseFault | undefined {
  if (error instanceof DatabaseBusyError) return 'busy'
  // A prepared statement whose tables another server changed: its connection is closed on
  // release (src/storage/prepared-statements.ts), so the request sent again succeeds.
  if (isStalePlan(error)) return 'conflict'
  const code = stringCode(error)
  if (code !== undefined) {
    const known = POSTGRES_CODES[code]
    if (known !== undefined) return known
    if (/^[0-9A-Z]{5}$/.test(code) && code.startsWith(POSTGRES_CONNECTION_CLASS))
      return 'unavailable'
    if (NETWORK_CODES.has(code)) return 'unavailable'
  }
  const result = sqliteResultCode(error)
  if (result !== undefined) {
    const known = SQLITE_RESULT_CODES[result]
    if (known !== undefined) return known
  }
  return MESSAGES.find(([pattern]) => pattern.test(error.message))?.[1]
}

/**
 * What may be logged of a database fault: the kind and the engine's own code, never the
 * message of a PostgreSQL error (it can quote values) nor the statement or its parameters.
 * SQLite's `errstr` is the fixed text of its result code.
 */
export function describeDatabaseFault(error: unknown): Record<string, string | number> {
  const fields: Record<string, string | number> = {}
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    const fault = classifyOne(current)
    if (fault !== undefined) {
      fields.fault = fault
      fields.faultName = current.name
      const code = stringCode(current)
      if (code !== undefined) fields.faultCode = code
      const result = sqliteResultCode(current)
      if (result !== undefined) {
        fields.sqliteCode = (current as Error & { errcode: number }).errcode
        fields.sqliteName = SQLITE_NAMES[result] ?? `SQLITE_${result}`
        const text = (current as { errstr?: unknown }).errstr
        if (typeof text === 'string') fields.sqliteError = text
      }
      return fields
    }
    current = current.cause
  }
  return fields
}

function stringCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code
  return typeof code === 'string' ? code : undefined
}

/** node:sqlite puts the (possibly extended) result code in `errcode`; the low byte is primary. */
function sqliteResultCode(error: Error): number | undefined {
  const code = (error as { errcode?: unknown }).errcode
  return typeof code === 'number' ? code & 0xff : undefined
}
