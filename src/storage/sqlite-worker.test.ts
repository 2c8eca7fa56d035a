import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { sql } from 'kysely'
import { openDatabase, pingDatabase } from './database.ts'

/** A statement that keeps SQLite busy for a while: it counts to a few million. */
const LONG_QUERY = sql<{ n: number }>`
  with recursive counter(i) as (select 1 union all select i + 1 from counter where i < 3000000)
  select count(*) as n from counter`

describe('SQLite in a worker thread (docs/decisions/0028)', () => {
  const dirs: string[] = []
  const open = async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'haven-worker-'))
    dirs.push(dataDir)
    return openDatabase({ dataDir, mayCreateDataDir: false, databaseUrl: undefined })
  }
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  })

  it('leaves the event loop free while a long statement runs', async () => {
    const database = await open()
    try {
      const events: string[] = []
      const query = LONG_QUERY.execute(database.db).then(({ rows }) => {
        events.push('query answered')
        return rows[0]?.n
      })
      // Each of these runs only when the event loop is free to run it.
      for (let tick = 0; tick < 3; tick += 1) {
        await new Promise<void>((resolve) => setImmediate(resolve))
        events.push(`turn ${String(tick + 1)}`)
      }
      assert.equal(await query, 3000000)
      assert.deepEqual(events, ['turn 1', 'turn 2', 'turn 3', 'query answered'])
    } finally {
      await database.close()
    }
  })

  it('answers the health ping while another transaction holds the connection', async () => {
    const database = await open()
    try {
      const events: string[] = []
      let finish!: () => void
      const holding = new Promise<void>((resolve) => (finish = resolve))
      let begun!: () => void
      const hasBegun = new Promise<void>((resolve) => (begun = resolve))
      const transaction = database.db.transaction().execute(async (trx) => {
        await sql`create table held (n integer)`.execute(trx)
        begun()
        await holding
        await sql`insert into held values (1)`.execute(trx)
        events.push('transaction committed')
      })
      await hasBegun
      const query = sql`select 1`.execute(database.db).then(() => events.push('query answered'))
      await pingDatabase(database.db)
      events.push('ping answered')
      finish()
      await transaction
      await query
      assert.deepEqual(events, ['ping answered', 'transaction committed', 'query answered'])
    } finally {
      await database.close()
    }
  })

  it('passes SQLite errors back with their code, errcode and errstr', async () => {
    const database = await open()
    try {
      await sql`create table once (id text primary key)`.execute(database.db)
      await sql`insert into once values ('a')`.execute(database.db)
      await assert.rejects(sql`insert into once values ('a')`.execute(database.db), {
        message: 'UNIQUE constraint failed: once.id',
        code: 'ERR_SQLITE_ERROR',
        errcode: 1555,
        errstr: 'constraint failed',
      })
      // The connection goes on after a failed statement.
      const { rows } = await sql<{ n: number }>`select count(*) as n from once`.execute(database.db)
      assert.deepEqual(rows, [{ n: 1 }])
    } finally {
      await database.close()
    }
  })

  it('refuses statements once closed, in words', async () => {
    const database = await open()
    await database.close()
    await assert.rejects(pingDatabase(database.db), /closed|destroyed/)
  })
})
