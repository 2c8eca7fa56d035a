import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  createScratchDatabase,
  dialectsUnderTest,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { DatabaseOpenError, openDatabase, SQLITE_FILE_NAME } from './database.ts'
import { findDamage } from './backup-tables.ts'
import { migrateToLatest } from './migrate.ts'
import { migrations } from './migrations/index.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(`storage on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('applies every migration once, and then none', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const database = await scratch.open()
      try {
        const first = await migrateToLatest(database.db)
        assert.deepEqual(first.applied, Object.keys(migrations))
        const second = await migrateToLatest(database.db)
        assert.deepEqual(second.applied, [])
        assert.deepEqual(second.current, Object.keys(migrations))
      } finally {
        await database.close()
        await scratch.drop()
      }
    })

    // Two connections in one process would block each other on SQLite's synchronous busy wait;
    // SQLite's case runs as two real processes in test/processes.test.ts.
    if (dialect.name === 'postgres') {
      it('applies each migration exactly once when two connections migrate at the same moment', async () => {
        const scratch = await createScratchDatabase(dialect.name)
        const [a, b] = await Promise.all([scratch.open(), scratch.open()])
        try {
          const [first, second] = await Promise.all([migrateToLatest(a.db), migrateToLatest(b.db)])
          assert.deepEqual(
            [...first.applied, ...second.applied].sort(),
            Object.keys(migrations).sort(),
          )
          assert.deepEqual(second.current, Object.keys(migrations))
        } finally {
          await a.close()
          await b.close()
          await scratch.drop()
        }
      })
    }

    it('refuses a row that points into another centre', () =>
      withMigratedDatabase(dialect.name, async ({ db }) => {
        const now = '2026-03-14T10:00:00.000Z'
        await db
          .insertInto('centres')
          .values([
            { id: 'c1', slug: 'one', name: 'One', is_demo: 0, created_at: now },
            { id: 'c2', slug: 'two', name: 'Two', is_demo: 0, created_at: now },
          ])
          .execute()
        await db
          .insertInto('families')
          .values({
            id: 'f1',
            centre_id: 'c1',
            reference: 'R1',
            wrapped_key: 'k',
            key_version: 1,
            created_at: now,
            last_activity_at: now,
          })
          .execute()
        const person = {
          id: 'p1',
          family_id: 'f1',
          kind: 'child',
          given_name: 'Ivy',
          family_name: 'Hollis',
          created_at: now,
        }
        await assert.rejects(
          db
            .insertInto('people')
            .values({ ...person, centre_id: 'c2' })
            .execute(),
        )
        await db
          .insertInto('people')
          .values({ ...person, centre_id: 'c1' })
          .execute()
        const rows = await db.selectFrom('people').select('centre_id').execute()
        assert.deepEqual(rows, [{ centre_id: 'c1' }])
      }))

    it('reads back flags, counts and text the same way', () =>
      withMigratedDatabase(dialect.name, async ({ db }) => {
        await db
          .insertInto('centres')
          .values({
            id: 'c1',
            slug: 'one',
            name: 'Ünïcode “centre”',
            is_demo: 1,
            created_at: '2026-03-14T10:00:00.000Z',
          })
          .execute()
        const row = await db.selectFrom('centres').selectAll().executeTakeFirstOrThrow()
        assert.equal(row.is_demo, 1)
        assert.equal(row.name, 'Ünïcode “centre”')
        const count = await db
          .selectFrom('centres')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
        assert.equal(count.n, 1)
      }))
  })
}

describe('SQLite file handling', () => {
  const dirs: string[] = []
  const scratchDir = (): string => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-sqlite-'))
    dirs.push(dir)
    return dir
  }
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  })

  it('runs in WAL mode with full sync, foreign keys and a busy timeout', async () => {
    const dataDir = scratchDir()
    const database = await openDatabase({
      dataDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
      busyTimeoutMs: 4321,
    })
    try {
      const pragma = async (name: string): Promise<unknown> => {
        const { rows } = await sql.raw(`pragma ${name}`).execute(database.db)
        return Object.values(rows[0] as object)[0]
      }
      assert.equal(await pragma('journal_mode'), 'wal')
      assert.equal(await pragma('synchronous'), 2) // FULL
      assert.equal(await pragma('foreign_keys'), 1)
      assert.equal(await pragma('busy_timeout'), 4321)
    } finally {
      await database.close()
    }
  })

  it('refuses a file that is not a database and leaves it byte for byte as it was', async () => {
    const dataDir = scratchDir()
    const file = path.join(dataDir, SQLITE_FILE_NAME)
    writeFileSync(
      file,
      'these are the minutes of the committee meeting, not a database\n'.repeat(100),
    )
    const before = createHash('sha256').update(readFileSync(file)).digest('hex')
    await assert.rejects(
      openDatabase({ dataDir, mayCreateDataDir: false, databaseUrl: undefined }),
      (error: unknown) =>
        error instanceof DatabaseOpenError &&
        /not an SQLite database/.test(error.message) &&
        !error.message.includes('\n'),
    )
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), before)
  })

  it('refuses a damaged database and leaves it as it was', async () => {
    const dataDir = scratchDir()
    const database = await openDatabase({
      dataDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
    })
    await migrateToLatest(database.db)
    await database.close()
    const file = path.join(dataDir, SQLITE_FILE_NAME)
    const bytes = readFileSync(file)
    // Keep the header, scribble over the pages that hold the schema and tables.
    for (let i = 100; i < bytes.length; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a
    writeFileSync(file, bytes)
    const before = createHash('sha256').update(readFileSync(file)).digest('hex')
    await assert.rejects(
      openDatabase({ dataDir, mayCreateDataDir: false, databaseUrl: undefined }),
      (error: unknown) => error instanceof DatabaseOpenError && !error.message.includes('\n'),
    )
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), before)
  })

  it('opens a file damaged past its schema without reading it whole; the full check finds it', async () => {
    const dataDir = scratchDir()
    const database = await openDatabase({
      dataDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
    })
    await sql`create table notes (id integer primary key, body text)`.execute(database.db)
    await sql`create index notes_body on notes (body)`.execute(database.db)
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
      insert into notes (body) select printf('note %06d', i) from n`.execute(database.db)
    assert.equal(await findDamage(database.db, 'sqlite'), undefined)
    await database.close()
    const file = path.join(dataDir, SQLITE_FILE_NAME)
    const bytes = readFileSync(file)
    // Scribble over the last pages (the table and its index), leaving the schema's page alone.
    for (let i = bytes.length - 40_000; i < bytes.length; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a
    writeFileSync(file, bytes)
    const reopened = await openDatabase({
      dataDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
    })
    try {
      assert.match(
        (await findDamage(reopened.db, 'sqlite')) ?? 'no damage found',
        /page|tree|corrupt|wrong|never used/i,
      )
    } finally {
      await reopened.close()
    }
  })

  it('refuses a missing data folder unless it may create it', async () => {
    const missing = path.join(scratchDir(), 'not-mounted')
    await assert.rejects(
      openDatabase({ dataDir: missing, mayCreateDataDir: false, databaseUrl: undefined }),
      (error: unknown) =>
        error instanceof DatabaseOpenError && error.message.includes('does not exist'),
    )
    const database = await openDatabase({
      dataDir: missing,
      mayCreateDataDir: true,
      databaseUrl: undefined,
    })
    await database.close()
  })

  it('refuses a data folder that is a file', async () => {
    const file = path.join(scratchDir(), 'plain-file')
    writeFileSync(file, 'x')
    await assert.rejects(
      openDatabase({ dataDir: file, mayCreateDataDir: true, databaseUrl: undefined }),
      (error: unknown) =>
        error instanceof DatabaseOpenError && error.message.includes('is not a folder'),
    )
  })
})

describe('PostgreSQL connection faults', () => {
  it('names an unreachable server in one line, without its password', async () => {
    await assert.rejects(
      openDatabase({
        dataDir: tmpdir(),
        mayCreateDataDir: false,
        databaseUrl: 'postgres://haven:hunter2-secret@127.0.0.1:1/haven',
      }),
      (error: unknown) =>
        error instanceof DatabaseOpenError &&
        error.message.startsWith(
          'cannot reach the PostgreSQL database at postgres://haven:***@127.0.0.1:1/haven',
        ) &&
        !error.message.includes('hunter2') &&
        !error.message.includes('\n'),
    )
  })
})
