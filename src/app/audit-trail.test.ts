import assert from 'node:assert/strict'
import { sign } from 'node:crypto'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  dialectsUnderTest,
  type ScratchDatabase,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { auditEntryHash, GENESIS_HASH } from '../domain/audit-chain.ts'
import { checkpointMessage } from '../domain/audit-checkpoint.ts'
import { appendAuditEntries, followAuditSequence } from '../storage/audit-log.ts'
import type { Database, Db } from '../storage/database.ts'
import { ephemeralAuditSigningKey } from './audit-keys.ts'
import { recordEvent } from './audit.ts'
import { verifyAuditLog, writeAuditCheckpoints, type AuditVerifyOptions } from './audit-trail.ts'
import { createCentre } from './centres.ts'
import type { AppContext } from './context.ts'

/**
 * Three centres, each with its own chain; the first, alder, with eight entries or more.
 * Returns alder's id: the chain the tampering below works on.
 */
async function someHistory(ctx: AppContext): Promise<string> {
  const ids: string[] = []
  for (const slug of ['alder', 'birch', 'cedar']) {
    const made = await createCentre(ctx, {
      name: `Centre ${slug}`,
      slug,
      coordinatorEmail: `c@${slug}.example.org`,
    })
    ids.push(made.centre.id)
  }
  const alder = ids[0] ?? ''
  for (let n = 0; n < 6; n += 1)
    await ctx.db.transaction().execute((trx) =>
      recordEvent(trx, {
        type: 'records.listed',
        at: ctx.now(),
        centreId: alder,
        details: { resource: 'family', count: n },
      }),
    )
  return alder
}

/** How many entries each chain holds. */
async function chainLengths(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['chain', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('chain')
    .execute()
  return new Map(rows.map((r) => [r.chain, r.n]))
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

/** The whole-log place of an entry of a chain. */
async function logSeqOf(db: Db, chain: string, position: number): Promise<number> {
  const row = await db
    .selectFrom('audit_log')
    .select('seq')
    .where('chain', '=', chain)
    .where('chain_seq', '=', position)
    .executeTakeFirstOrThrow()
  return row.seq
}

const TAMPERING: [string, (db: Db, chain: string) => Promise<unknown>, RegExp][] = [
  [
    'a changed entry',
    (db, chain) =>
      sql`update audit_log set details = '{"forged":true}' where chain = ${chain} and chain_seq = 3`.execute(
        db,
      ),
    /entry 3 was changed after it was written/,
  ],
  [
    'a changed time',
    (db, chain) =>
      sql`update audit_log set at = '2020-01-01T00:00:00.000Z' where chain = ${chain} and chain_seq = 5`.execute(
        db,
      ),
    /entry 5 was changed/,
  ],
  [
    'a removed entry',
    (db, chain) => sql`delete from audit_log where chain = ${chain} and chain_seq = 4`.execute(db),
    /entry 5 expected entry 4, found 5/,
  ],
  [
    'an inserted entry',
    async (db, chain) => {
      const third = await logSeqOf(db, chain, 3)
      await sql`update audit_log set seq = seq + 1000, chain_seq = chain_seq + 1000 where chain = ${chain} and chain_seq >= 4`.execute(
        db,
      )
      await sql`update audit_log set chain_seq = chain_seq - 999 where chain = ${chain} and chain_seq >= 1004`.execute(
        db,
      )
      await sql`insert into audit_log (seq, chain, chain_seq, centre_id, at, type, actor_id, subject_id, details, prev_hash, hash)
        select ${third + 500}, chain, 4, centre_id, at, 'account.created', actor_id, subject_id, details, hash, hash
        from audit_log where chain = ${chain} and chain_seq = 3`.execute(db)
    },
    /entry 4 was changed after it was written/,
  ],
  [
    'two entries swapped',
    async (db, chain) => {
      const [second, third] = [await logSeqOf(db, chain, 2), await logSeqOf(db, chain, 3)]
      await sql`update audit_log set seq = 100000, chain_seq = 100000 where seq = ${second}`.execute(
        db,
      )
      await sql`update audit_log set seq = ${second}, chain_seq = 2 where seq = ${third}`.execute(
        db,
      )
      await sql`update audit_log set seq = ${third}, chain_seq = 3 where seq = 100000`.execute(db)
    },
    /entry 2 does not follow the entry before it/,
  ],
  [
    "an entry of another centre chained onto this centre's log",
    async (db, chain) => {
      const last = await db
        .selectFrom('audit_log')
        .selectAll()
        .where('chain', '=', chain)
        .orderBy('seq', 'desc')
        .executeTakeFirstOrThrow()
      const forged = {
        seq: (last.chain_seq ?? 0) + 1,
        centreId: 'another-centre',
        at: last.at,
        type: 'records.listed',
        actorId: undefined,
        subjectId: undefined,
        details: '{}',
      }
      await db
        .insertInto('audit_log')
        .values({
          chain,
          chain_seq: forged.seq,
          centre_id: forged.centreId,
          at: forged.at,
          type: forged.type,
          details: forged.details,
          prev_hash: last.hash,
          hash: auditEntryHash(last.hash, forged),
        })
        .execute()
    },
    /entry 9 is in another centre's chain/,
  ],
  [
    'the newest entries cut off after a checkpoint',
    async (db, chain) =>
      sql`delete from audit_log where chain = ${chain} and chain_seq > 4`.execute(db),
    /entries were removed/,
  ],
  [
    'a forged checkpoint',
    async (db, chain) =>
      sql`update audit_checkpoints set hash = ${'f'.repeat(64)} where chain = ${chain}`.execute(db),
    /not signed by the audit key/,
  ],
]

const VERIFY_MODES: [
  string,
  (database: Database, scratch: ScratchDatabase) => AuditVerifyOptions,
][] = [
  ['the whole log on this thread', () => ({})],
  ['in seven ranges on this thread', () => ({ ranges: 7 })],
  [
    'in five ranges on two worker threads',
    (database, scratch) => ({
      source:
        scratch.url === undefined
          ? { dialect: 'sqlite', file: database.location }
          : { dialect: 'postgres', url: scratch.url },
      workers: 2,
      ranges: 5,
    }),
  ],
]

for (const dialect of await dialectsUnderTest()) {
  describe(`the audit log on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('signs, between the timed checkpoints, only chains that moved on by enough entries', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const { centre } = await createCentre(ctx, {
          name: 'Centre alder',
          slug: 'alder',
          coordinatorEmail: 'c@alder.example.org',
        })
        assert.equal((await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now())).length, 1)
        const more = async (n: number) => {
          for (let i = 0; i < n; i += 1)
            await ctx.db.transaction().execute((trx) =>
              recordEvent(trx, {
                type: 'records.listed',
                at: ctx.now(),
                centreId: centre.id,
                details: {},
              }),
            )
        }
        await more(3)
        assert.deepEqual(await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now(), 5), [])
        await more(2)
        const signed = await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now(), 5)
        assert.deepEqual(
          signed.map((c) => c.chain),
          [centre.id],
          'five new entries: signed',
        )
        assert.deepEqual(await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now()), [])
      }))

    it('appends batches that span several chains, twenty at once, and every chain verifies unbroken', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        await someHistory(ctx)
        const centres = (
          await database.db.selectFrom('centres').select('id').orderBy('slug').execute()
        ).map((c) => c.id)
        // Each batch: an entry for every centre in a different order, and one of the
        // installation's, in one transaction, as the audit writer commits a group of reads.
        const batch = (n: number) =>
          ctx.db.transaction().execute((trx) =>
            appendAuditEntries(trx, [
              ...[...centres.slice(n % 3), ...centres.slice(0, n % 3)].map((centreId) => ({
                centreId,
                at: ctx.now().toISOString(),
                type: 'records.listed',
                actorId: undefined,
                subjectId: undefined,
                details: { resource: 'family', count: n },
              })),
              {
                centreId: undefined,
                at: ctx.now().toISOString(),
                type: 'records.listed',
                actorId: undefined,
                subjectId: undefined,
                details: { resource: 'centre', count: n },
              },
            ]),
          )
        const before = await chainLengths(database.db)
        const written = await Promise.all(Array.from({ length: 20 }, (_, n) => batch(n)))
        for (const entries of written)
          for (const entry of entries) assert.ok(entry.logSeq > 0, 'each entry knows its place')
        const after = await chainLengths(database.db)
        for (const centreId of centres)
          assert.equal(after.get(centreId), (before.get(centreId) ?? 0) + 20)
        assert.equal(after.get(''), (before.get('') ?? 0) + 20)
        const result = await verifyAuditLog(database.db, ctx.auditKey.publicKey)
        assert.equal(result.problem, undefined)
      }))

    it('keeps one chain per centre, verifies it with its signed checkpoints, and refuses to change or remove entries', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const alder = await someHistory(ctx)
        const chains = await database.db
          .selectFrom('audit_log')
          .select(['chain', 'centre_id', 'chain_seq'])
          .orderBy('seq')
          .execute()
        for (const row of chains) assert.equal(row.chain, row.centre_id ?? '')
        const byChain = new Map<string, number[]>()
        for (const row of chains)
          byChain.set(row.chain, [...(byChain.get(row.chain) ?? []), row.chain_seq ?? 0])
        assert.equal(byChain.size, 3, 'a chain for each centre')
        for (const positions of byChain.values())
          assert.deepEqual(
            positions,
            positions.map((_, i) => i + 1),
            'each chain counts from 1',
          )
        const signed = await writeAuditCheckpoints(database.db, ctx.auditKey, ctx.now())
        assert.equal(signed.length, 3, 'one checkpoint for each chain')
        assert.ok((signed.find((c) => c.chain === alder)?.seq ?? 0) >= 8)
        assert.deepEqual(
          await writeAuditCheckpoints(database.db, ctx.auditKey, ctx.now()),
          [],
          'nothing new to sign',
        )
        const result = await verifyAuditLog(database.db, ctx.auditKey.publicKey)
        assert.deepEqual(result, {
          entries: chains.length,
          checkpoints: 3,
          anchors: 0,
          chains: 3,
          problem: undefined,
        })
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

    it('verifies entries and checkpoints written before chains were kept per centre, and goes on from them', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        // As the single chain was written: no chain, no place in it but `seq`, text v1.
        let prevHash = GENESIS_HASH
        for (let seq = 1; seq <= 3; seq += 1) {
          const entry = {
            seq,
            centreId: `centre-${String(seq)}`,
            at: ctx.now().toISOString(),
            type: 'centre.created',
            actorId: undefined,
            subjectId: undefined,
            details: '{}',
          }
          const hash = auditEntryHash(prevHash, entry)
          await database.db
            .insertInto('audit_log')
            .values({
              seq,
              centre_id: entry.centreId,
              at: entry.at,
              type: entry.type,
              details: entry.details,
              prev_hash: prevHash,
              hash,
              chain_seq: null,
            })
            .execute()
          prevHash = hash
        }
        const point = { chain: '', seq: 3, hash: prevHash, at: ctx.now().toISOString() }
        const signature = sign(
          null,
          Buffer.from(checkpointMessage({ ...point, version: 1 })),
          ctx.auditKey.privateKey,
        ).toString('base64')
        await database.db
          .insertInto('audit_checkpoints')
          .values({
            seq: 3,
            hash: prevHash,
            at: point.at,
            key_id: ctx.auditKey.keyId,
            signature,
            position: null,
          })
          .execute()
        await followAuditSequence(database.db)
        await ctx.db
          .transaction()
          .execute((trx) => recordEvent(trx, { type: 'backup.made', at: ctx.now() }))
        const next = await database.db
          .selectFrom('audit_log')
          .select(['seq', 'chain', 'chain_seq', 'prev_hash'])
          .orderBy('seq', 'desc')
          .executeTakeFirstOrThrow()
        assert.deepEqual(next, { seq: 4, chain: '', chain_seq: 4, prev_hash: prevHash })
        assert.deepEqual(await verifyAuditLog(database.db, ctx.auditKey.publicKey), {
          entries: 4,
          checkpoints: 1,
          anchors: 0,
          chains: 1,
          problem: undefined,
        })
      }))

    // The log is read whole on this thread, cut into ranges on this thread, or cut into
    // ranges read by worker threads on connections of their own: each finds the same.
    for (const [how, options] of VERIFY_MODES)
      for (const [what, tamper, expected] of TAMPERING) {
        it(`names the first bad entry after ${what} (${how})`, () =>
          withMigratedDatabase(dialect.name, async (database, scratch) => {
            const ctx = testContext(database, new TestClock())
            const alder = await someHistory(ctx)
            await writeAuditCheckpoints(database.db, ctx.auditKey, ctx.now())
            await allowTampering(database)
            await tamper(database.db, alder)
            const { problem } = await verifyAuditLog(
              database.db,
              ctx.auditKey.publicKey,
              options(database, scratch),
            )
            assert.ok(problem, what)
            assert.match(`entry ${String(problem.seq)} ${problem.problem}`, expected)
          }))
      }

    for (const [how, options] of VERIFY_MODES)
      it(`finds an untouched log whole (${how})`, () =>
        withMigratedDatabase(dialect.name, async (database, scratch) => {
          const ctx = testContext(database, new TestClock())
          await someHistory(ctx)
          await writeAuditCheckpoints(database.db, ctx.auditKey, ctx.now())
          const total = await database.db
            .selectFrom('audit_log')
            .select(({ fn }) => fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
          assert.deepEqual(
            await verifyAuditLog(database.db, ctx.auditKey.publicKey, options(database, scratch)),
            { entries: total.n, checkpoints: 3, anchors: 0, chains: 3, problem: undefined },
          )
        }))
  })
}
