import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import { dialectsUnderTest, withMigratedDatabase } from '../../test/support/databases.ts'
import { scopeToCentre } from './centre-scope.ts'
import type { Db } from './database.ts'
import { CENTRE_TABLES } from './migrations/0003-row-level-security.ts'

const NOW = '2026-03-14T10:00:00.000Z'

async function twoCentres(db: Db): Promise<void> {
  for (const id of ['c1', 'c2']) {
    await db
      .insertInto('centres')
      .values({ id, slug: id, name: id, is_demo: 0, created_at: NOW })
      .execute()
    await db
      .insertInto('rooms')
      .values([
        { id: `${id}-r1`, centre_id: id, name: 'Blue' },
        { id: `${id}-r2`, centre_id: id, name: 'Garden' },
      ])
      .execute()
  }
}

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

describe('row-level security on PostgreSQL', { skip: postgres?.skip }, () => {
  it('binds every table that has a centre (but the audit chain and the outbox, which span centres)', () =>
    withMigratedDatabase('postgres', async ({ db }) => {
      const { rows } = await sql<{
        table_name: string
        relrowsecurity: boolean
        relforcerowsecurity: boolean
      }>`
        select c.table_name, p.relrowsecurity, p.relforcerowsecurity
        from information_schema.columns c join pg_class p on p.relname = c.table_name
        where c.column_name = 'centre_id' and c.table_schema = 'public' and p.relkind = 'r'`.execute(
        db,
      )
      const bound = rows.filter(
        (row) => row.table_name !== 'audit_log' && row.table_name !== 'outbox',
      )
      assert.ok(bound.length >= CENTRE_TABLES.length + 2)
      for (const table of CENTRE_TABLES)
        assert.ok(
          bound.some((row) => row.table_name === table),
          table,
        )
      for (const row of bound)
        assert.ok(
          row.relrowsecurity && row.relforcerowsecurity,
          `${row.table_name} has no forced row-level security`,
        )
    }))

  it("hides, and refuses to change, another centre's rows inside a scoped transaction, whatever the query", () =>
    withMigratedDatabase('postgres', async ({ db }) => {
      await twoCentres(db)
      await db.transaction().execute(async (trx) => {
        await scopeToCentre(trx, 'c1')
        const seen = await trx.selectFrom('rooms').select('id').orderBy('id').execute()
        assert.deepEqual(
          seen.map((r) => r.id),
          ['c1-r1', 'c1-r2'],
        )
        const renamed = await trx.updateTable('rooms').set({ name: 'Renamed' }).executeTakeFirst()
        assert.equal(renamed.numUpdatedRows, 2n)
        await trx.deleteFrom('rooms').where('name', '=', 'Renamed').execute()
      })
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await scopeToCentre(trx, 'c1')
          await trx
            .insertInto('rooms')
            .values({ id: 'sneaky', centre_id: 'c2', name: 'Sneaky' })
            .execute()
        }),
        /row-level security/,
      )
      const all = await db.selectFrom('rooms').select(['id', 'name']).orderBy('id').execute()
      assert.deepEqual(all, [
        { id: 'c2-r1', name: 'Blue' },
        { id: 'c2-r2', name: 'Garden' },
      ])
    }))
})
