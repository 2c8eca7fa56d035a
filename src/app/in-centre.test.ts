import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { createCentre } from './centres.ts'
import { inCentre, readInCentre } from './in-centre.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(`a long read of a centre on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('lets another request write while it is paused between its reads', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const { centre } = await createCentre(ctx, {
          name: 'Centre alder',
          slug: 'alder',
          coordinatorEmail: 'c@alder.example.org',
        })
        let resume!: () => void
        const paused = new Promise<void>((resolve) => {
          resume = resolve
        })
        let firstReadDone!: () => void
        const firstRead = new Promise<void>((resolve) => {
          firstReadDone = resolve
        })
        const reading = readInCentre(ctx, centre.id, async (db) => {
          const before = await db.selectFrom('rooms').select('id').execute()
          firstReadDone()
          await paused
          const after = await db.selectFrom('rooms').select('id').execute()
          return { before: before.length, after: after.length }
        })
        await firstRead
        const writing = inCentre(ctx, centre.id, (trx) =>
          trx
            .insertInto('rooms')
            .values({ id: ctx.newId(), centre_id: centre.id, name: 'Willow Room' })
            .execute(),
        )
        const outcome = await Promise.race([
          writing.then(() => 'written'),
          new Promise((resolve) => {
            setTimeout(() => {
              resolve('held up')
            }, 3000)
          }),
        ])
        assert.equal(outcome, 'written', 'the write went ahead while the read was paused')
        resume()
        const counts = await reading
        assert.deepEqual(counts, { before: 0, after: 1 }, 'and the read is not one snapshot')
      }))
  })
}
