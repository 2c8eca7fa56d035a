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
import { auditedRead, inCentre, onePageRead, pageTogether, readInCentre } from './in-centre.ts'
import { sessionsOfDays } from './day-sessions.ts'
import { HavenError } from '../domain/errors.ts'
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

for (const dialect of await dialectsUnderTest()) {
  describe(`a page's parts asked together on ${dialect.name}`, { skip: dialect.skip }, () => {
    const started = async (database: Parameters<Parameters<typeof withMigratedDatabase>[1]>[0]) => {
      const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
      const { centre } = await createCentre(ctx, {
        name: 'Centre alder',
        slug: 'alder',
        coordinatorEmail: 'c@alder.example.org',
      })
      return { ctx, centreId: centre.id, actor: operatorActor(centre.id) }
    }

    it("runs the parts at once and writes their entries in the parts' order, not the order they finished", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, centreId, actor } = await started(database)
        let sessionsListed!: () => void
        const afterSessions = new Promise<void>((resolve) => (sessionsListed = resolve))
        const [workers, days] = await onePageRead(ctx, centreId, (page) =>
          pageTogether(
            page,
            // The first part waits for the second: only parts run at once can finish.
            async (p) => {
              await afterSessions
              return listWorkers(p, actor)
            },
            async (p) => {
              const read = await sessionsOfDays(p, actor, '2026-03-14', 1)
              sessionsListed()
              return read
            },
          ),
        )
        assert.ok(Array.isArray(workers) && Array.isArray(days))
        const entries = await ctx.db
          .selectFrom('audit_log')
          .select('details')
          .where('centre_id', '=', centreId)
          .where('type', '=', 'records.listed')
          .orderBy('seq')
          .execute()
        const resources = entries.map(
          (e) => (JSON.parse(e.details) as { resource: string }).resource,
        )
        assert.deepEqual(resources, ['worker', 'session'], 'entries in the order of the parts')
      }))

    it('waits for every part before it throws the first failure, and writes no entry', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, centreId, actor } = await started(database)
        let slowFinished = false
        const outcome = await onePageRead(ctx, centreId, (page) =>
          pageTogether(
            page,
            async (p) => {
              await new Promise((resolve) => setTimeout(resolve, 100))
              await listWorkers(p, actor)
              slowFinished = true
            },
            // One that throws before it returns a promise, one that rejects.
            () => {
              throw new HavenError('not_found', 'no such record')
            },
            () => Promise.reject(new HavenError('forbidden', 'a later failure')),
          ),
        ).catch((error: unknown) => error)
        assert.ok(isHavenError(outcome) && outcome.code === 'not_found', String(outcome))
        assert.equal(slowFinished, true, 'the slow part had finished before the page failed')
        const written = await ctx.db
          .selectFrom('audit_log')
          .select('seq')
          .where('centre_id', '=', centreId)
          .where('type', '=', 'records.listed')
          .execute()
        assert.equal(written.length, 0, "a failed page's entries are not written")
      }))

    it('outside a page, runs the parts one after another', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { ctx, actor } = await started(database)
        const steps: string[] = []
        await pageTogether(
          ctx,
          async (p) => {
            steps.push('first began')
            await listWorkers(p, actor)
            steps.push('first ended')
          },
          async (p) => {
            steps.push('second began')
            await listWorkers(p, actor)
            steps.push('second ended')
          },
        )
        assert.deepEqual(steps, ['first began', 'first ended', 'second began', 'second ended'])
      }))
  })
}
