import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import pg from 'pg'
import {
  classifyDatabaseError,
  DatabaseBusyError,
  describeDatabaseFault,
  type DatabaseFault,
} from './database-errors.ts'

function withCode(code: string, message = 'failed'): Error {
  return Object.assign(new Error(message), { code })
}

function sqliteError(errcode: number, errstr: string): Error {
  return Object.assign(new Error(errstr), { code: 'ERR_SQLITE_ERROR', errcode, errstr })
}

const CASES: readonly (readonly [string, unknown, DatabaseFault | undefined])[] = [
  ['PostgreSQL stopping or the backend terminated', withCode('57P01'), 'unavailable'],
  ['PostgreSQL crashed', withCode('57P02'), 'unavailable'],
  ['PostgreSQL starting up', withCode('57P03'), 'unavailable'],
  ['a connection exception (class 08)', withCode('08006'), 'unavailable'],
  ['a connection refused', withCode('08001'), 'unavailable'],
  ['PostgreSQL out of disk', withCode('53100'), 'disk_full'],
  ['PostgreSQL out of connections', withCode('53300'), 'busy'],
  ['PostgreSQL out of memory', withCode('53200'), 'busy'],
  ['a statement timeout', withCode('57014'), 'busy'],
  ['a lock not available', withCode('55P03'), 'busy'],
  ['PostgreSQL I/O error', withCode('58030'), 'io_error'],
  ['a serialization failure', withCode('40001'), 'conflict'],
  ['a deadlock', withCode('40P01'), 'conflict'],
  ['the server refusing the socket', withCode('ECONNREFUSED'), 'unavailable'],
  ['the socket reset', withCode('ECONNRESET'), 'unavailable'],
  ['the socket timing out', withCode('ETIMEDOUT'), 'unavailable'],
  ['a host that does not resolve', withCode('ENOTFOUND'), 'unavailable'],
  ['the pool waited too long', new DatabaseBusyError('pool_timeout', 'waited'), 'busy'],
  ['the pool queue was full', new DatabaseBusyError('pool_queue_full', 'full'), 'busy'],
  ['pg: connection ended', new Error('Connection terminated unexpectedly'), 'unavailable'],
  [
    'pg: a dead client used',
    new Error('Client has encountered a connection error and is not queryable'),
    'unavailable',
  ],
  [
    'pg: a closed pool',
    new Error('Cannot use a pool after calling end on the pool'),
    'unavailable',
  ],
  ['pg: its own pool timeout', new Error('timeout exceeded when trying to connect'), 'busy'],
  ['SQLITE_FULL', sqliteError(13, 'database or disk is full'), 'disk_full'],
  ['SQLITE_IOERR', sqliteError(10, 'disk I/O error'), 'io_error'],
  ['SQLITE_IOERR_WRITE (extended)', sqliteError(778, 'disk I/O error'), 'io_error'],
  ['SQLITE_BUSY', sqliteError(5, 'database is locked'), 'busy'],
  ['SQLITE_CANTOPEN', sqliteError(14, 'unable to open database file'), 'unavailable'],
  ['SQLITE_FULL by message only', new Error('database or disk is full'), 'disk_full'],
  [
    'a closed SQLite database',
    withCode('ERR_INVALID_STATE', 'database is not open'),
    'unavailable',
  ],
  ['a wrapped fault', new Error('outer', { cause: withCode('57P01') }), 'unavailable'],
  // Not faults: bugs and broken rules stay 500s (or are answered by the code that expects them).
  ['a unique violation', withCode('23505'), undefined],
  ['a syntax error', withCode('42601'), undefined],
  ['a SQLite constraint', sqliteError(2067, 'constraint failed'), undefined],
  ['a SQLite logic error', sqliteError(1, 'SQL logic error'), undefined],
  ['an ordinary error', new Error('something else'), undefined],
  ['a TypeError', new TypeError('x is undefined'), undefined],
  ['not an error at all', 'a string', undefined],
  ['nothing', undefined, undefined],
]

describe('classifyDatabaseError', () => {
  for (const [what, error, expected] of CASES) {
    it(`${what}: ${expected ?? 'not a fault'}`, () => {
      assert.equal(classifyDatabaseError(error), expected)
    })
  }

  it('logs the engine code and SQLite text, never a PostgreSQL message (it can quote values)', () => {
    const pgError = withCode('57P01', 'terminating connection: key (phone)=(07700 900123)')
    const fields = describeDatabaseFault(pgError)
    assert.deepEqual(fields, { fault: 'unavailable', faultName: 'Error', faultCode: '57P01' })
    assert.ok(!JSON.stringify(fields).includes('07700'))
    assert.deepEqual(describeDatabaseFault(sqliteError(13, 'database or disk is full')), {
      fault: 'disk_full',
      faultName: 'Error',
      faultCode: 'ERR_SQLITE_ERROR',
      sqliteCode: 13,
      sqliteName: 'SQLITE_FULL',
      sqliteError: 'database or disk is full',
    })
    assert.deepEqual(describeDatabaseFault(new Error('a bug')), {})
  })
})

describe('classifyDatabaseError on errors the engines really raise', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-faults-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  it('SQLite out of room (max_page_count reached) is disk_full', () => {
    const db = new DatabaseSync(path.join(dir, 'full.db'))
    db.exec('create table t (x text)')
    const { page_count: pages } = db.prepare('pragma page_count').get() as { page_count: number }
    db.exec(`pragma max_page_count = ${pages + 1}`)
    const insert = db.prepare('insert into t values (?)')
    const error = catchError(() => {
      for (let i = 0; i < 100; i++) insert.run('x'.repeat(2000))
    })
    db.close()
    assert.equal(classifyDatabaseError(error), 'disk_full')
    assert.equal(describeDatabaseFault(error).sqliteName, 'SQLITE_FULL')
  })

  it('SQLite locked by another writer past the busy timeout is busy', () => {
    const file = path.join(dir, 'busy.db')
    const holder = new DatabaseSync(file)
    holder.exec('create table t (x text); begin immediate')
    const waiter = new DatabaseSync(file, { timeout: 1 })
    const error = catchError(() => {
      waiter.exec('begin immediate')
    })
    holder.exec('rollback')
    holder.close()
    waiter.close()
    assert.equal(classifyDatabaseError(error), 'busy')
  })

  it('a PostgreSQL server that is not there is unavailable', async () => {
    // Port 1 on this machine: nothing listens there, so the connection is refused.
    const client = new pg.Client({ connectionString: 'postgres://nobody@127.0.0.1:1/none' })
    const error = await client.connect().then(
      () => undefined,
      (caught: unknown) => caught,
    )
    assert.equal(classifyDatabaseError(error), 'unavailable')
  })
})

function catchError(work: () => void): unknown {
  try {
    work()
  } catch (error) {
    return error
  }
  assert.fail('expected an error')
}
