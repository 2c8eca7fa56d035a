import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import type { Database } from '../storage/database.ts'
import { ephemeralAuditSigningKey } from './audit-keys.ts'
import { verifyAuditLog, writeAuditCheckpoint } from './audit-trail.ts'
import { createCentre } from './centres.ts'
import type { AppContext } from './context.ts'

/** A log of six or more entries: three centres, each with its coordinator's invitation. */
async function someHistory(ctx: AppContext): Promise<void> {
  for (const slug of ['alder', 'birch', 'cedar'])
    await createCentre(ctx, {
      name: `Centre ${slug}`,
      slug,
      coordinatorEmail: `c@${slug}.example.org`,
    })
}

/** Lets the test, as the database's owner, do what Haven itself never can. */
async function allowTampering(database: Database): Promise<void> {
  if (database.dialect === 'postgres') {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(database.db)
    await sql`alter table audit_checkpoints disable trigger audit_checkpoints_append_only`.execute(
      database.db,
    )
  } else {
    for (const trigger of [
      'audit_log_no_update',
      'audit_log_no_delete',
      'audit_checkpoints_no_update',
      'audit_checkpoints_no_delete',
    ])
      await sql`drop trigger ${sql.raw(trigger)}`.execute(database.db)
  }
}

const TAMPERING: [string, (db: Database['db']) => Promise<unknown>, RegExp][] = [
  [
    'a changed entry',
    (db) => sql`update audit_log set details = '{"forged":true}' where seq = 3`.execute(db),
    /entry 3 was changed after it was written/,
  ],
  [
    'a changed time',
    (db) => sql`update audit_log set at = '2020-01-01T00:00:00.000Z' where seq = 5`.execute(db),
    /entry 5 was changed/,
  ],
  [
    'a removed entry',
    (db) => sql`delete from audit_log where seq = 4`.execute(db),
    /entry 5 expected entry 4, found 5/,
  ],
  [
    'an inserted entry',
    async (db) => {
      await sql`update audit_log set seq = seq + 1000 where seq >= 4`.execute(db)
      await sql`update audit_log set seq = seq - 999 where seq >= 1004`.execute(db)
      await sql`insert into audit_log (seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash)
        select 4, centre_id, at, 'account.created', actor_id, subject_id, details, hash, hash from audit_log where seq = 3`.execute(
        db,
      )
    },
    /entry 4 was changed after it was written/,
  ],
  [
    'two entries swapped',
    async (db) => {
      await sql`update audit_log set seq = 1000 where seq = 2`.execute(db)
      await sql`update audit_log set seq = 2 where seq = 3`.execute(db)
      await sql`update audit_log set seq = 3 where seq = 1000`.execute(db)
    },
    /entry 2 does not follow the entry before it/,
  ],
  [
    'the newest entries cut off after a checkpoint',
    async (db) => sql`delete from audit_log where seq > 4`.execute(db),
    /entries were removed/,
  ],
  [
    'a forged checkpoint',
    async (db) => sql`update audit_checkpoints set hash = ${'f'.repeat(64)}`.execute(db),
    /not signed by the audit key/,
  ],
]

for (const dialect of await dialectsUnderTest()) {
  describe(`the audit log on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('verifies an untouched log with its signed checkpoint, and refuses to change or remove entries', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        await someHistory(ctx)
        const checkpoint = await writeAuditCheckpoint(database.db, ctx.auditKey, ctx.now())
        assert.ok(checkpoint && checkpoint.seq >= 6)
        assert.equal(
          await writeAuditCheckpoint(database.db, ctx.auditKey, ctx.now()),
          undefined,
          'nothing new to sign',
        )
        const result = await verifyAuditLog(database.db, ctx.auditKey.publicKey)
        assert.deepEqual(result, { entries: checkpoint.seq, checkpoints: 1, problem: undefined })
        await assert.rejects(
          sql`update audit_log set type = 'x' where seq = 1`.execute(database.db),
        )
        await assert.rejects(sql`delete from audit_log where seq = 1`.execute(database.db))
        await assert.rejects(sql`delete from audit_checkpoints`.execute(database.db))
        const other = ephemeralAuditSigningKey()
        assert.match(
          (await verifyAuditLog(database.db, other.publicKey)).problem?.problem ?? '',
          /not signed by the audit key/,
          'a checkpoint checked against another key fails',
        )
      }))

    for (const [what, tamper, expected] of TAMPERING) {
      it(`names the first bad entry after ${what}`, () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock())
          await someHistory(ctx)
          await writeAuditCheckpoint(database.db, ctx.auditKey, ctx.now())
          await allowTampering(database)
          await tamper(database.db)
          const { problem } = await verifyAuditLog(database.db, ctx.auditKey.publicKey)
          assert.ok(problem, what)
          assert.match(`entry ${String(problem.seq)} ${problem.problem}`, expected)
        }))
    }
  })
}
