import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import {
  createScratchDatabase,
  dialectsUnderTest,
  type ScratchDatabase,
} from '../../test/support/databases.ts'
import { canSignal } from '../../test/support/processes.ts'
import { classifyDatabaseError } from './database-errors.ts'
import { openDatabase, type Database } from './database.ts'

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

/** The backend process serving the pool's one connection. */
const backendOf = async (database: Database) =>
  (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(database.db)).rows[0]?.pid ??
  0

/**
 * A database that stops answering without closing the connection (its process frozen, its
 * host lost with the network) must not hold the server's pool for good (decision 0052): the
 * statement fails as `unavailable` once the server's watch runs out, and the next one goes on a
 * new connection. The backend is frozen for real, with SIGSTOP.
 */
describe('PostgreSQL that stops answering', { skip: postgres?.skip }, () => {
  let scratch: ScratchDatabase
  let database: Database

  before(async () => {
    scratch = await createScratchDatabase('postgres')
    database = await openDatabase({
      dataDir: scratch.dataDir,
      mayCreateDataDir: false,
      databaseUrl: scratch.url,
      pool: { size: 1, waitMs: 10_000, maxWaiting: 10 },
    })
  })
  after(async () => {
    await database.close()
    await scratch.drop()
  })

  it('fails the statement as unavailable after the watch, then answers on a new connection', async (t) => {
    database.watchAnswers?.(400)
    const frozen = await backendOf(database)
    assert.ok(frozen > 0)
    if (!canSignal(frozen)) {
      t.skip('PostgreSQL runs on another machine or as a user this test may not stop')
      return
    }
    process.kill(frozen, 'SIGSTOP')
    const started = performance.now()
    // Raced against five seconds, so that without the watch the test fails rather than hangs,
    // and the backend is always let go on.
    let outcome: unknown
    try {
      outcome = await Promise.race([
        sql`select 1`.execute(database.db).then(
          () => 'answered',
          (error: unknown) => error,
        ),
        new Promise((resolve) => setTimeout(resolve, 5_000, 'still waiting after 5 s')),
      ])
    } finally {
      process.kill(frozen, 'SIGCONT')
    }
    assert.ok(outcome instanceof Error, String(outcome))
    assert.equal(classifyDatabaseError(outcome), 'unavailable')
    const waited = performance.now() - started
    assert.ok(waited >= 400 && waited < 5_000, `failed after ${waited.toFixed(0)} ms`)
    const next = await backendOf(database)
    assert.ok(next > 0 && next !== frozen, 'a new connection, not the frozen one')
  })

  it('waits as long as it takes when not watching (the migrations, a command)', async () => {
    database.watchAnswers?.(0)
    const slow = await sql<{ done: number }>`select 1 as done from pg_sleep(0.6)`.execute(
      database.db,
    )
    assert.equal(slow.rows[0]?.done, 1)
  })

  it('has PostgreSQL cancel a slow statement or a long wait for a lock, leaving no backend behind', async () => {
    database.watchAnswers?.(300)
    await assert.rejects(
      sql`select pg_sleep(0.9)`.execute(database.db),
      (error: unknown) => classifyDatabaseError(error) === 'busy',
    )
    const holder = new pg.Client({ connectionString: scratch.url })
    await holder.connect()
    try {
      await holder.query('select pg_advisory_lock(4242)')
      await assert.rejects(
        database.db
          .transaction()
          .execute((trx) => sql`select pg_advisory_xact_lock(4242)`.execute(trx)),
        (error: unknown) => classifyDatabaseError(error) === 'busy',
      )
      const waiting = await holder.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`,
      )
      assert.equal(waiting.rows[0]?.n, 0, 'no backend still queued for the lock')
    } finally {
      await holder.end()
    }
    assert.ok((await backendOf(database)) > 0, 'and answers again after')
    database.watchAnswers?.(0)
    const slow = await sql<{ done: number }>`select 1 as done from pg_sleep(0.4)`.execute(
      database.db,
    )
    assert.equal(slow.rows[0]?.done, 1, 'no limit once the watch stops')
  })
})
