import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { Kysely, sql } from 'kysely'
import { openDatabase, type Database } from './database.ts'
import { classifyDatabaseError } from './database-errors.ts'
import { NodeSqliteDialect, SqliteReaders } from './node-sqlite-dialect.ts'
import { SqliteWorkerThread } from './sqlite-worker-thread.ts'

/**
 * The server's connections that only read, beside the one that writes (decision 0048): a read
 * transaction is one snapshot that neither waits for a write nor sees one half done, a write
 * inside it is refused, a lone SELECT does not wait for a write, and a command (no readers)
 * behaves as before.
 */
describe('SQLite readers beside the writer (decision 0048)', () => {
  const dirs: string[] = []
  const open = async (sqliteReaders: number | undefined): Promise<Database> => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'haven-readers-'))
    dirs.push(dataDir)
    const database = await openDatabase({
      dataDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
      sqliteReaders,
    })
    await sql`create table notes (n integer)`.execute(database.db)
    await sql`insert into notes values (1)`.execute(database.db)
    return database
  }
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  /** A write transaction held open, with one row inserted and not committed, until `finish`. */
  function holdWrite(database: Database) {
    let finish!: () => void
    const holding = new Promise<void>((resolve) => (finish = resolve))
    let begun!: () => void
    const hasBegun = new Promise<void>((resolve) => (begun = resolve))
    const done = database.db.transaction().execute(async (trx) => {
      await sql`insert into notes values (2)`.execute(trx)
      begun()
      await holding
    })
    return { hasBegun, finish, done }
  }

  const count = async (db: Database['db']) =>
    Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(db)).rows[0]?.n)

  it('reads in a read-only transaction while a write is open, and sees only what was committed', async () => {
    const database = await open(4)
    try {
      const write = holdWrite(database)
      await write.hasBegun
      const seen = await database.db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => count(trx))
      assert.equal(seen, 1, 'the uncommitted row is not seen, and the read did not wait for it')
      write.finish()
      await write.done
      const after = await database.db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => count(trx))
      assert.equal(after, 2, 'a read begun after the commit sees it')
    } finally {
      await database.close()
    }
  })

  it('keeps one snapshot for the whole read transaction', async () => {
    const database = await open(4)
    try {
      const counts = await database.db
        .transaction()
        .setAccessMode('read only')
        .execute(async (trx) => {
          const first = await count(trx)
          // A write commits on the other connection between the read's two statements.
          await sql`insert into notes values (3)`.execute(database.db)
          return [first, await count(trx)]
        })
      assert.deepEqual(counts, [1, 1])
      assert.equal(await count(database.db), 2)
    } finally {
      await database.close()
    }
  })

  it('refuses a write inside a read-only transaction, as PostgreSQL does', async () => {
    const database = await open(4)
    try {
      await assert.rejects(
        database.db
          .transaction()
          .setAccessMode('read only')
          .execute((trx) => sql`insert into notes values (9)`.execute(trx)),
        /readonly|read-only|read only/i,
      )
      assert.equal(await count(database.db), 1, 'nothing was written')
    } finally {
      await database.close()
    }
  })

  it('answers a lone SELECT while a write is open, and queues writes behind it', async () => {
    const database = await open(4)
    try {
      const write = holdWrite(database)
      await write.hasBegun
      assert.equal(await count(database.db), 1)
      const events: string[] = []
      const second = sql`insert into notes values (4)`
        .execute(database.db)
        .then(() => events.push('second write'))
      await new Promise((resolve) => setTimeout(resolve, 50))
      assert.deepEqual(events, [], 'a write waits for the one open')
      write.finish()
      await write.done
      await second
      assert.equal(await count(database.db), 3)
    } finally {
      await database.close()
    }
  })

  it('gives each of twenty reads at once a reader in turn, when there are fewer readers', async () => {
    const database = await open(2)
    try {
      const write = holdWrite(database)
      await write.hasBegun
      const reads = await Promise.all(
        Array.from({ length: 20 }, () =>
          database.db
            .transaction()
            .setAccessMode('read only')
            .execute(async (trx) => {
              const n = await count(trx)
              await new Promise((resolve) => setTimeout(resolve, 5))
              return n + (await count(trx)) - n
            }),
        ),
      )
      assert.deepEqual(
        reads,
        Array.from({ length: 20 }, () => 1),
      )
      write.finish()
      await write.done
    } finally {
      await database.close()
    }
  })

  it('empties the WAL after the reads under way, holding new reads until it has', async () => {
    const database = await open(4)
    try {
      const events: string[] = []
      let finish!: () => void
      const holding = new Promise<void>((resolve) => (finish = resolve))
      let begun!: () => void
      const hasBegun = new Promise<void>((resolve) => (begun = resolve))
      const read = database.db
        .transaction()
        .setAccessMode('read only')
        .execute(async (trx) => {
          await count(trx)
          begun()
          await holding
          events.push('first read ends')
        })
      await hasBegun
      const checkpoint = sql<{ busy: number }>`pragma wal_checkpoint(truncate)`
        .execute(database.db)
        .then(({ rows }) => {
          events.push('checkpoint')
          return rows[0]?.busy
        })
      await new Promise((resolve) => setTimeout(resolve, 20))
      const later = count(database.db).then((n) => {
        events.push('later read')
        return n
      })
      await new Promise((resolve) => setTimeout(resolve, 50))
      assert.deepEqual(
        events,
        [],
        'the checkpoint waits for the read under way; the new read waits for it',
      )
      finish()
      await read
      assert.equal(await checkpoint, 0, 'the checkpoint was not left busy')
      assert.equal(await later, 1)
      assert.deepEqual(events, ['first read ends', 'checkpoint', 'later read'])
      const wal = statSync(path.join(path.dirname(database.location), 'haven.db-wal'), {
        throwIfNoEntry: false,
      })
      assert.equal(wal?.size ?? 0, 0, 'the WAL was emptied')
    } finally {
      await database.close()
    }
  })

  it('without readers (a command), a read-only transaction takes the one connection in turn', async () => {
    const database = await open(undefined)
    try {
      const write = holdWrite(database)
      await write.hasBegun
      const events: string[] = []
      const read = database.db
        .transaction()
        .setAccessMode('read only')
        .execute((trx) => count(trx))
        .then((n) => {
          events.push('read')
          return n
        })
      await new Promise((resolve) => setTimeout(resolve, 50))
      assert.deepEqual(events, [], 'the read waits for the write on the one connection')
      write.finish()
      await write.done
      assert.equal(await read, 2)
    } finally {
      await database.close()
    }
  })

  // A transaction's BEGIN goes with its first statement, and a reader's COMMIT is posted
  // without waiting for it: what comes next on the same connection must still start afresh.
  it('ends each read transaction on a reader before the next one there begins, failed or empty', async () => {
    const database = await open(1)
    try {
      const read = () =>
        database.db
          .transaction()
          .setAccessMode('read only')
          .execute((trx) => count(trx))
      assert.equal(await read(), 1)
      await sql`insert into notes values (2)`.execute(database.db)
      assert.equal(await read(), 2, 'the next read on the one reader is a new snapshot')
      const failed = await database.db
        .transaction()
        .setAccessMode('read only')
        .execute(async (trx) => {
          await count(trx)
          await sql`select * from no_such_table`.execute(trx)
        })
        .catch((error: unknown) => error)
      assert.match(String(failed), /no such table/)
      await database.db
        .transaction()
        .setAccessMode('read only')
        .execute(() => Promise.resolve())
      await sql`insert into notes values (3)`.execute(database.db)
      assert.equal(await read(), 3, 'neither the failed nor the empty transaction was left open')
    } finally {
      await database.close()
    }
  })

  it("begins a write transaction with its first statement, and reports that statement's failure", async () => {
    const database = await open(4)
    try {
      const failed = await database.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into no_such_table values (1)`.execute(trx)
        })
        .catch((error: unknown) => error)
      assert.match(String(failed), /no such table/, "the statement's own error, not the rollback's")
      await database.db.transaction().execute(() => Promise.resolve())
      const rolledBack = await database.db
        .transaction()
        .execute(async (trx) => {
          await sql`insert into notes values (2)`.execute(trx)
          throw new Error('changed my mind')
        })
        .catch((error: unknown) => error)
      assert.match(String(rolledBack), /changed my mind/)
      await database.db.transaction().execute(async (trx) => {
        await sql`insert into notes values (3)`.execute(trx)
      })
      assert.equal(
        await count(database.db),
        2,
        'the rolled-back row is gone, the committed one is there',
      )
    } finally {
      await database.close()
    }
  })
})

/**
 * The readers' thread can stop (a crash in it, a worker ended): the reads on their way fail as
 * a database that is away (503), a read transaction begun on it never goes on outside its
 * snapshot, and the next read gets a new thread.
 */
describe("SQLite readers' thread stopped", () => {
  const dirs: string[] = []
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  async function open() {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'haven-readers-crash-'))
    dirs.push(dataDir)
    const file = path.join(dataDir, 'haven.db')
    const writer = await SqliteWorkerThread.start(file, 1_000)
    const readers = new SqliteReaders(file, 1_000, 2)
    const db = new Kysely<unknown>({
      dialect: new NodeSqliteDialect(writer, 'immediate', readers),
    })
    await sql`create table notes (n integer)`.execute(db)
    await sql`insert into notes values (1)`.execute(db)
    return { db, readers, close: () => db.destroy() }
  }

  const readOnly = (db: Kysely<unknown>) => db.transaction().setAccessMode('read only')
  const count = async (db: Kysely<unknown>) =>
    Number((await sql<{ n: number }>`select count(*) as n from notes`.execute(db)).rows[0]?.n)

  it('answers the next read from a new thread', async () => {
    const { db, readers, close } = await open()
    try {
      assert.equal(await readOnly(db).execute(count), 1)
      const first = readers.thread
      await first?.terminate()
      assert.equal(first?.hasStopped, true)
      assert.equal(await readOnly(db).execute(count), 1)
      assert.equal(await count(db), 1, 'a lone read too')
      assert.notEqual(readers.thread, first)
    } finally {
      await close()
    }
  })

  it('fails a read transaction whose thread stopped half-way, as unavailable, rather than reading on outside its snapshot', async () => {
    const { db, readers, close } = await open()
    try {
      const failed = await readOnly(db)
        .execute(async (trx) => {
          await count(trx)
          await readers.thread?.terminate()
          await sql`insert into notes values (2)`.execute(db) // a write the snapshot must not see
          return count(trx)
        })
        .then(
          () => assert.fail('the read should fail'),
          (error: unknown) => error,
        )
      assert.equal(classifyDatabaseError(failed), 'unavailable')
      assert.equal(await readOnly(db).execute(count), 2, 'the next read, on a new thread')
    } finally {
      await close()
    }
  })
})
