import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { Kysely, PostgresDialect, sql, type Dialect } from 'kysely'
import pg from 'pg'
import {
  createScratchDatabase,
  dialectsUnderTest,
  POSTGRES_ADMIN_URL,
} from '../../test/support/databases.ts'
import { classifyDatabaseError } from './database-errors.ts'
import { keepFirstError } from './first-error.ts'
import { NodeSqliteDialect } from './node-sqlite-dialect.ts'
import { SqliteWorkerThread } from './sqlite-worker-thread.ts'

/**
 * The error that ended a transaction is the one thrown, even when the ROLLBACK after it fails
 * too (decision 0029). Each case runs the same failure without the wrapper as well, to show
 * that the failure is real: there Kysely throws the rollback's error and the cause is lost.
 */

async function failingTransaction(
  db: Kysely<unknown>,
  work: (trx: Kysely<unknown>) => Promise<void>,
): Promise<unknown> {
  return db
    .transaction()
    .execute(work)
    .then(
      () => assert.fail('the transaction should have failed'),
      (error: unknown) => error,
    )
}

describe('keepFirstError on SQLite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-first-error-'))
  after(() => {
    rmSync(dir, { recursive: true, force: true })
  })

  /** A database file that may not grow by one more page, opened through `wrap`. */
  async function fullDatabase(
    name: string,
    wrap: (dialect: Dialect) => Dialect,
  ): Promise<{ db: Kysely<unknown>; close: () => Promise<void> }> {
    const file = path.join(dir, name)
    const raw = new DatabaseSync(file)
    raw.exec('pragma journal_mode = wal; create table notes (body text)')
    const { page_count: pages } = raw.prepare('pragma page_count').get() as { page_count: number }
    raw.close()
    const thread = await SqliteWorkerThread.start(file, 1_000)
    const db = new Kysely<unknown>({ dialect: wrap(new NodeSqliteDialect(thread)) })
    // The limit is the connection's, so it is set on the worker's own connection.
    await sql.raw(`pragma max_page_count = ${String(pages + 1)}`).execute(db)
    return {
      db,
      close: async () => {
        await db.destroy()
        await thread.close()
      },
    }
  }

  // Single-row inserts keep no statement journal, so on SQLITE_FULL SQLite rolls back the
  // whole transaction itself, and the ROLLBACK that follows finds none to undo.
  const fillUp = async (trx: Kysely<unknown>): Promise<void> => {
    for (let n = 0; n < 100; n++)
      await sql`insert into notes values (${'x'.repeat(2000)})`.execute(trx)
  }

  it('throws SQLITE_FULL, not the failed ROLLBACK', async () => {
    const { db, close } = await fullDatabase('wrapped.db', keepFirstError)
    const error = await failingTransaction(db, fillUp)
    assert.equal((error as { errcode?: number }).errcode, 13)
    assert.equal(classifyDatabaseError(error), 'disk_full')
    // The connection is usable afterwards: nothing is left half-open.
    const { rows } = await sql<{ n: number }>`select count(*) as n from notes`.execute(db)
    assert.equal(rows[0]?.n, 0)
    await close()
  })

  it('(without it, the ROLLBACK error hides SQLITE_FULL)', async () => {
    const { db, close } = await fullDatabase('plain.db', (dialect) => dialect)
    const error = await failingTransaction(db, fillUp)
    assert.match((error as Error).message, /cannot rollback/)
    assert.equal(classifyDatabaseError(error), undefined)
    await close()
  })
})

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

describe('keepFirstError on PostgreSQL', { skip: postgres?.skip }, () => {
  /** A transaction whose backend an administrator ends half-way: the error it throws. */
  async function cutOff(wrap: (dialect: Dialect) => Dialect): Promise<unknown> {
    const scratch = await createScratchDatabase('postgres')
    const pool = new pg.Pool({ connectionString: scratch.url, max: 1 })
    pool.on('connect', (client) => client.on('error', () => undefined))
    pool.on('error', () => undefined)
    const db = new Kysely<unknown>({ dialect: wrap(new PostgresDialect({ pool })) })
    const admin = new URL(POSTGRES_ADMIN_URL)
    admin.pathname = new URL(scratch.url ?? '').pathname
    const adminClient = new pg.Client({ connectionString: admin.toString() })
    await adminClient.connect()
    try {
      return await failingTransaction(db, async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx)
        const pid = rows[0]?.pid
        // Ended while a statement runs, the backend's 57P01 reaches that statement.
        const sleeping = sql`select pg_sleep(30)`.execute(trx)
        // It may fail before it is awaited: not an unhandled rejection.
        sleeping.catch(() => undefined)
        for (;;) {
          const { rows: active } = await adminClient.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity where pid = $1 and wait_event = 'PgSleep'`,
            [pid],
          )
          if ((active[0]?.n ?? 0) > 0) break
        }
        await adminClient.query('select pg_terminate_backend($1)', [pid])
        await sleeping
      })
    } finally {
      await adminClient.end()
      await db.destroy()
      await scratch.drop()
    }
  }

  it('throws the backend being ended (57P01), not the dead connection refusing ROLLBACK', async () => {
    const error = await cutOff(keepFirstError)
    assert.equal((error as { code?: string }).code, '57P01')
  })

  it('(without it, the ROLLBACK error hides 57P01)', async () => {
    const error = await cutOff((dialect) => dialect)
    // The ROLLBACK's own failure: "not queryable", or the socket's ECONNRESET.
    assert.notEqual((error as { code?: string }).code, '57P01')
  })
})
