import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Kysely, PostgresDialect, sql } from 'kysely'
import pg from 'pg'
import {
  createScratchDatabase,
  dialectsUnderTest,
  type ScratchDatabase,
} from '../../test/support/databases.ts'
import { scopeToCentre } from './centre-scope.ts'
import type { Db } from './database.ts'
import { tuneClient } from './pg-client.ts'

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

/**
 * A read-only transaction's BEGIN goes with its first statement and its COMMIT is not waited
 * for (decision 0050); what a transaction means must not change.
 */
describe(
  'a read-only transaction on a tuned PostgreSQL connection',
  { skip: postgres?.skip },
  () => {
    let scratch: ScratchDatabase
    let pool: pg.Pool
    let db: Kysely<unknown>
    /** The writes the pool's one connection has made to its socket. */
    let writes = 0
    let other: pg.Client

    before(async () => {
      scratch = await createScratchDatabase('postgres')
      pool = new pg.Pool({ connectionString: scratch.url, max: 1, pipeline: true })
      pool.on('connect', (client) => {
        const stream = (client as unknown as { connection: { stream: NodeJS.WritableStream } })
          .connection.stream as NodeJS.WritableStream & {
          _write: (...args: unknown[]) => void
          _writev?: (...args: unknown[]) => void
        }
        const write = stream._write.bind(stream)
        stream._write = (...args: unknown[]) => {
          writes += 1
          write(...args)
        }
        const writev = stream._writev?.bind(stream)
        if (writev)
          stream._writev = (...args: unknown[]) => {
            writes += 1
            writev(...args)
          }
      })
      db = new Kysely<unknown>({
        dialect: new PostgresDialect({
          pool: {
            connect: async () => {
              const client = await pool.connect()
              tuneClient(client, { names: true })
              return client
            },
            end: () => pool.end(),
            options: pool.options,
          },
        }),
      })
      other = new pg.Client({ connectionString: scratch.url })
      await other.connect()
      await sql`create table notes (body text)`.execute(db)
    })
    after(async () => {
      await other.end()
      await db.destroy()
      await scratch.drop()
    })

    const readOnly = () =>
      db.transaction().setAccessMode('read only').setIsolationLevel('repeatable read')

    it('is one snapshot: a row committed between its two reads is not seen by the second', async () => {
      const counts = await readOnly().execute(async (trx) => {
        const count = async () =>
          (
            await sql<{
              n: number
            }>`select count(*)::int as n from notes where body <> ${''}`.execute(trx)
          ).rows[0]?.n
        const first = await count()
        await other.query(`insert into notes values ('between')`)
        return [first, await count()]
      })
      assert.deepEqual(counts, [0, 0])
      const after = await sql<{ n: number }>`select count(*)::int as n from notes`.execute(db)
      assert.equal(after.rows[0]?.n, 1)
    })

    it('refuses a write: its BEGIN said read only', async () => {
      await assert.rejects(
        readOnly().execute((trx) => sql`insert into notes values (${'inside'})`.execute(trx)),
        /read-only transaction/,
      )
    })

    it('sends BEGIN in the same write as its first statement, and sends nothing when it asks nothing', async () => {
      await sql`select 1`.execute(db) // the connection is open and idle
      let before = writes
      await readOnly().execute(async (trx) => {
        await sql`select ${1}::int as n`.execute(trx)
      })
      // BEGIN with the statement, then COMMIT: two writes, not three.
      assert.equal(writes - before, 2)
      before = writes
      await readOnly().execute(() => Promise.resolve())
      assert.equal(writes - before, 0)
    })

    it("sends BEGIN, the centre's scope and the first read in one write, and the read sees the scope", async () => {
      await sql`select 1`.execute(db)
      const before = writes
      const scope = await readOnly().execute(async (trx) => {
        await scopeToCentre(trx as Db, 'centre-a')
        const { rows } = await sql<{
          centre: string
        }>`select current_setting(${'haven.centre_id'}) as centre`.execute(trx)
        return rows[0]?.centre
      })
      assert.equal(scope, 'centre-a')
      assert.equal(writes - before, 2)
    })

    it('is over before the connection is asked anything else', async () => {
      await readOnly().execute(async (trx) => {
        const { rows } = await sql<{
          level: string
        }>`select current_setting(${'transaction_isolation'}) as level`.execute(trx)
        assert.equal(rows[0]?.level, 'repeatable read')
      })
      // The same connection (a pool of one), next: outside the transaction, at the default level.
      const { rows } = await sql<{
        level: string
      }>`select current_setting(${'transaction_isolation'}) as level`.execute(db)
      assert.equal(rows[0]?.level, 'read committed')
    })

    it('leaves a write transaction as it was: BEGIN and COMMIT waited for, its write kept', async () => {
      const before = writes
      await db.transaction().execute(async (trx) => {
        await sql`insert into notes values (${'written'})`.execute(trx)
      })
      assert.equal(writes - before, 3)
      const { rows } = await sql<{
        n: number
      }>`select count(*)::int as n from notes where body = ${'written'}`.execute(db)
      assert.equal(rows[0]?.n, 1)
    })
  },
)
