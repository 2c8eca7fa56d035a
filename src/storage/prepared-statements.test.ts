import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import {
  createScratchDatabase,
  dialectsUnderTest,
  type ScratchDatabase,
} from '../../test/support/databases.ts'
import { openDatabase, type Database } from './database.ts'
import { classifyDatabaseError } from './database-errors.ts'
import { MAX_PARAMETERS, MAX_TEXT, StatementNames } from './prepared-statements.ts'

describe('the names statements are prepared under', () => {
  it('gives the same text the same name, and another text another', () => {
    const names = new StatementNames()
    const a = names.of('select $1', 1)
    assert.ok(a)
    assert.equal(names.of('select $1', 1), a)
    assert.notEqual(names.of('select $1 + 1', 1), a)
  })

  it('names no statement without parameters, with more than the bound, or too long', () => {
    const names = new StatementNames()
    assert.equal(names.of('select 1', 0), undefined)
    assert.equal(names.of('select $1', MAX_PARAMETERS + 1), undefined)
    assert.equal(names.of(`select $1 -- ${'x'.repeat(MAX_TEXT)}`, 1), undefined)
    assert.ok(names.of('select $1', MAX_PARAMETERS))
  })

  it('stops naming new texts past its limit, and keeps the names it gave', () => {
    const names = new StatementNames(2)
    const first = names.of('select $1', 1)
    assert.ok(names.of('select $1 + 1', 1))
    assert.equal(names.of('select $1 + 2', 1), undefined)
    assert.equal(names.of('select $1', 1), first)
  })
})

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

/** The statements the pool's one connection holds prepared, by their text. */
async function preparedTexts(database: Database): Promise<string[]> {
  const { rows } = await sql<{
    statement: string
  }>`select statement from pg_prepared_statements`.execute(database.db)
  return rows.map((row) => row.statement)
}

// decision 0050
describe('prepared statements on PostgreSQL', { skip: postgres?.skip }, () => {
  let scratch: ScratchDatabase
  before(async () => {
    scratch = await createScratchDatabase('postgres')
  })
  after(async () => {
    await scratch.drop()
  })

  /** The scratch database through a pool of one connection, so every statement shares it. */
  const open = (preparesStatements?: boolean) =>
    openDatabase({
      dataDir: scratch.dataDir,
      mayCreateDataDir: false,
      databaseUrl: scratch.url,
      pool: {
        size: 1,
        waitMs: 5_000,
        maxWaiting: 10,
        ...(preparesStatements === undefined ? {} : { preparesStatements }),
      },
    })

  it('sends a statement with parameters as a named one, prepared once on the connection', async () => {
    const database = await open()
    try {
      for (const n of [1, 2, 3]) {
        const { rows } = await sql<{ n: number }>`select ${n}::int + 40 as n`.execute(database.db)
        assert.equal(rows[0]?.n, n + 40)
      }
      const texts = await preparedTexts(database)
      assert.equal(texts.filter((text) => text === 'select $1::int + 40 as n').length, 1)
    } finally {
      await database.close()
    }
  })

  it('sends it as text when switched off (HAVEN_DB_PREPARED_STATEMENTS=false)', async () => {
    const database = await open(false)
    try {
      await sql`select ${1}::int + 41 as n`.execute(database.db)
      assert.deepEqual(await preparedTexts(database), [])
    } finally {
      await database.close()
    }
  })

  it('sends a list longer than the bound as text, so lists of every length add no statements', async () => {
    const database = await open()
    try {
      const many = Array.from({ length: MAX_PARAMETERS + 1 }, (_, i) => i)
      const { rows } = await sql<{
        n: number
      }>`select count(*)::int as n from generate_series(0, 100) g where g in (${sql.join(many)})`.execute(
        database.db,
      )
      assert.equal(rows[0]?.n, MAX_PARAMETERS + 1)
      const texts = await preparedTexts(database)
      assert.equal(
        texts.some((text) => text.includes('generate_series')),
        false,
      )
    } finally {
      await database.close()
    }
  })

  it('answers a table changed under a prepared statement as a conflict, and the next ask succeeds on a fresh connection', async () => {
    const database = await open()
    const other = new pg.Client({ connectionString: scratch.url })
    await other.connect()
    try {
      await sql`create table shapes (id int primary key, name text)`.execute(database.db)
      await sql`insert into shapes values (1, 'circle')`.execute(database.db)
      const ask = () => sql`select * from shapes where id = ${1}`.execute(database.db)
      assert.deepEqual((await ask()).rows, [{ id: 1, name: 'circle' }])
      // Another server's migration adds a column: the prepared `select *` no longer fits.
      await other.query('alter table shapes add column sides int')
      const refused = await ask().then(
        () => assert.fail('PostgreSQL should refuse the stale statement'),
        (error: unknown) => error,
      )
      assert.equal(classifyDatabaseError(refused), 'conflict')
      assert.deepEqual((await ask()).rows, [{ id: 1, name: 'circle', sides: null }])
    } finally {
      await other.end()
      await database.close()
    }
  })
})
