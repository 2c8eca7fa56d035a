import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { isHavenError } from '../domain/errors.ts'
import type { Db } from '../storage/database.ts'
import { operatorActor } from './actor.ts'
import { createCentre } from './centres.ts'
import { auditedRead, inCentre, onePageRead, readInCentre } from './in-centre.ts'
import { listRooms } from './rooms.ts'
import { listWorkers } from './workers.ts'

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
        // SQLite: each query on its own, so the second sees the write; PostgreSQL: one
        // read-only snapshot, which holds no one up.
        assert.deepEqual(
          counts,
          { before: 0, after: dialect.name === 'sqlite' ? 1 : 0 },
          'what the read saw',
        )
      }))
  })
}

for (const dialect of await dialectsUnderTest()) {
  describe(`a page's one read on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('runs its use cases in one snapshot, writes their entries once read, and refuses writes', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const made = await Promise.all(
          ['alder', 'birch'].map((slug) =>
            createCentre(ctx, {
              name: `Centre ${slug}`,
              slug,
              coordinatorEmail: `c@${slug}.example.org`,
            }),
          ),
        )
        const [alder, birch] = made.map((m) => m.centre.id) as [string, string]
        const actor = operatorActor(alder)
        const listed = () =>
          ctx.db
            .selectFrom('audit_log')
            .select('type')
            .where('centre_id', '=', alder)
            .where('type', '=', 'records.listed')
            .execute()
        const before = (await listed()).length
        let resume!: () => void
        const paused = new Promise<void>((resolve) => {
          resume = resolve
        })
        let firstReadDone!: () => void
        const firstRead = new Promise<void>((resolve) => {
          firstReadDone = resolve
        })
        const rooms = (db: Db) => db.selectFrom('rooms').select('id').execute()
        const page = onePageRead(ctx, alder, async (p) => {
          const first = await rooms(p.db)
          await listWorkers(p, actor)
          firstReadDone()
          await paused
          const second = await listRooms(p, actor)
          await listWorkers(p, actor)
          const refusals = await Promise.all([
            inCentre(p, alder, () => Promise.resolve()).catch((e: unknown) => e),
            auditedRead(p, birch, () => Promise.resolve()).catch((e: unknown) => e),
          ])
          return { first: first.length, second: second.length, refusals }
        })
        await firstRead
        const writing = inCentre(ctx, alder, (trx) =>
          trx
            .insertInto('rooms')
            .values({ id: ctx.newId(), centre_id: alder, name: 'Willow Room' })
            .execute(),
        )
        // PostgreSQL lets the write commit meanwhile; SQLite's one connection holds it back.
        await Promise.race([writing, new Promise((resolve) => setTimeout(resolve, 300))])
        resume()
        const seen = await page
        await writing
        assert.equal(seen.second, seen.first, 'the page saw one snapshot')
        assert.equal((await rooms(ctx.db)).length, seen.first + 1, 'the write landed')
        for (const refusal of seen.refusals)
          assert.ok(isHavenError(refusal) && refusal.code === 'internal', String(refusal))
        const types = await listed()
        assert.equal(types.length - before, 2, 'each listing in the page wrote its entry')
      }))
  })
}
