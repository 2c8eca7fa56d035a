import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { referral } from '../../test/support/cases.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
} from '../../test/support/databases.ts'
import { sql } from 'kysely'
import { migrateToLatest } from '../storage/migrate.ts'
import { openDatabase, type DialectName } from '../storage/database.ts'
import { operatorActor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { verifyAuditLog } from './audit-trail.ts'
import { restoreBackup, writeBackup } from './backup.ts'
import { appendLedgerFile, markLedgerBatch, readLedgerFile } from './disposal-ledger-file.ts'
import { settleLedgerFile } from './disposal-execution.ts'
import { setLegalHold } from './disposal-views.ts'
import { createCentre } from './centres.ts'
import type { AppContext } from './context.ts'
import { revealContactDetails } from './contact-details.ts'
import { receiveReferral } from './referrals.ts'
import { approveDisposalRun, startDisposalRun } from './retention.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const MARK = `B${String(Math.random()).slice(2, 10)}`
const YEAR_MS = 365.25 * 24 * 3600_000

/** A migrated scratch database and a context over it, sharing a master key and audit key. */
async function installation(dialect: DialectName, from?: AppContext, clock = new TestClock()) {
  const scratch = await createScratchDatabase(dialect)
  const database = await scratch.open()
  await migrateToLatest(database.db)
  const ctx = testContext(database, clock)
  if (from) {
    ctx.masterKey = from.masterKey
    ctx.auditKey = from.auditKey
  }
  return {
    ctx,
    database,
    close: async () => {
      await database.close()
      await scratch.drop()
    },
  }
}

async function family(ctx: AppContext, centreId: string, familyName: string) {
  const base = referral()
  const [mother, father] = base.parents
  return receiveReferral(ctx, operatorActor(centreId), {
    ...base,
    parents: [{ ...mother, familyName }, father],
  } as Parameters<typeof receiveReferral>[2])
}

for (const dialect of await dialectsUnderTest()) {
  describe(`backup and restore on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('restores a backup and applies the later disposals again from the ledger, so nothing destroyed comes back', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-'))
      dirs.push(dir)
      const clock = new TestClock('2020-06-01T10:00:00Z')
      const first = await installation(dialect.name, undefined, clock)
      first.ctx.disposalLedgerFile = path.join(dir, 'disposal-ledger.jsonl')
      const { ctx } = first
      try {
        const { centre } = await createCentre(ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@ashbury.example.org',
        })
        const old = await family(ctx, centre.id, `Old${MARK}`)
        clock.advance(4 * YEAR_MS)
        const recent = await family(ctx, centre.id, `Recent${MARK}`)
        const file = path.join(dir, 'haven.backup')
        const made = await writeBackup(ctx, file)
        assert.ok(made.rows > 10)
        const bytes = readFileSync(file)
        assert.ok(!bytes.includes(`Old${MARK}`), 'the backup is encrypted')

        const run = await startDisposalRun(ctx, centre.id, undefined)
        await approveDisposalRun(ctx, operatorActor(centre.id), run.runId ?? '', {
          familiesToDestroy: run.familiesToDestroy,
        })
        assert.ok(!(await dumpEveryTable(first.database)).includes(`Old${MARK}`))

        // The machine is lost; a new one gets the keys, the ledger and the backup.
        const second = await installation(dialect.name, ctx, clock)
        try {
          const restored = await restoreBackup(second.ctx, file, first.ctx.disposalLedgerFile)
          assert.equal(restored.reapplied, 1)
          const everything = await dumpEveryTable(second.database)
          assert.ok(!everything.includes(`Old${MARK}`), 'the destroyed family stays destroyed')
          assert.ok(everything.includes(`Recent${MARK}`), 'the rest came back')
          const people = await second.database.db
            .selectFrom('people')
            .select('id')
            .where('family_id', '=', recent.familyId)
            .where('kind', '=', 'resident_parent')
            .executeTakeFirstOrThrow()
          const reveal = await revealContactDetails(
            second.ctx,
            operatorActor(centre.id),
            people.id,
            'after the restore',
          )
          assert.equal(reveal.effect, 'permit', 'keys and sealed fields came back whole')
          const oldRows = await second.database.db
            .selectFrom('families')
            .select('wrapped_key')
            .where('id', '=', old.familyId)
            .execute()
          assert.ok(oldRows.every((r) => r.wrapped_key === 'shredded'))
          const audit = await verifyAuditLog(second.ctx.db, second.ctx.auditKey.publicKey)
          assert.equal(audit.problem, undefined, 'the audit log still verifies')
          await assert.rejects(
            restoreBackup(second.ctx, file, undefined),
            /already holds centres/,
            'a restore never overwrites',
          )
        } finally {
          await second.close()
        }
      } finally {
        await first.close()
      }
    })

    it('counts only ledger lines of disposals that committed, and never destroys a family on hold or used since', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-'))
      dirs.push(dir)
      const clock = new TestClock('2020-06-01T10:00:00Z')
      const first = await installation(dialect.name, undefined, clock)
      const ledgerFile = path.join(dir, 'disposal-ledger.jsonl')
      first.ctx.disposalLedgerFile = ledgerFile
      const { ctx } = first
      try {
        const { centre } = await createCentre(ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@ashbury.example.org',
        })
        const names = ['Done', 'Unmarked', 'Abandoned', 'Held', 'Used']
        const made: Record<string, string> = {}
        // Only 'Done' is old enough to be disposed of; the others are lines that must not act.
        made.Done = (await family(ctx, centre.id, `Done${MARK}`)).familyId
        clock.advance(4 * YEAR_MS)
        for (const name of names.slice(1))
          made[name] = (await family(ctx, centre.id, `${name}${MARK}`)).familyId
        await setLegalHold(ctx, operatorActor(centre.id), made.Held ?? '', {
          isOnHold: true,
          reason: 'a court case',
        })
        const file = path.join(dir, 'haven.backup')
        await writeBackup(ctx, file)
        // A real disposal of 'Done' gives the categories a line names.
        const run = await startDisposalRun(ctx, centre.id, undefined)
        const onlyDone = run.runId ?? ''
        await approveDisposalRun(ctx, operatorActor(centre.id), onlyDone, {
          familiesToDestroy: run.familiesToDestroy,
        })
        const [real] = readLedgerFile(ledgerFile, ctx.masterKey).entries.filter(
          (e) => e.itemId === made.Done,
        )
        assert.ok(real, 'the disposal of Done is in the ledger, committed')
        const line = (name: string, disposedAt = real.disposedAt) => ({
          ...real,
          id: `line-${name}`,
          itemId: made[name] ?? '',
          disposedAt,
        })
        await appendLedgerFile(ledgerFile, ctx.masterKey, [line('Unmarked')], 'batch-unmarked')
        await appendLedgerFile(ledgerFile, ctx.masterKey, [line('Abandoned')], 'batch-abandoned')
        await markLedgerBatch(ledgerFile, ctx.masterKey, 'batch-abandoned', 'abandoned')
        await appendLedgerFile(ledgerFile, ctx.masterKey, [line('Held')], 'batch-held')
        await markLedgerBatch(ledgerFile, ctx.masterKey, 'batch-held', 'committed')
        await appendLedgerFile(
          ledgerFile,
          ctx.masterKey,
          [line('Used', '2021-01-01T00:00:00.000Z')],
          'batch-used',
        )
        await markLedgerBatch(ledgerFile, ctx.masterKey, 'batch-used', 'committed')

        const second = await installation(dialect.name, ctx, clock)
        try {
          const restored = await restoreBackup(second.ctx, file, ledgerFile)
          const everything = await dumpEveryTable(second.database)
          const present = names.filter((n) => everything.includes(`${n}${MARK}`))
          assert.deepEqual(present, ['Unmarked', 'Abandoned', 'Held', 'Used'])
          assert.equal(restored.reapplied, 1, 'only the disposal that committed')
          assert.equal(restored.unmarked, 1)
          assert.deepEqual(
            restored.skipped.map((s) => [s.itemId, s.reason]).sort(),
            [
              [made.Held, 'legal_hold'],
              [made.Used, 'used_since'],
            ].sort(),
          )
        } finally {
          await second.close()
        }

        // The unmarked batch, settled from the database that made it: it never committed. Not
        // while it is young (another process may still be carrying it out); ten minutes on.
        assert.deepEqual(await settleLedgerFile(ctx), { committed: 0, abandoned: 0 })
        clock.advance(11 * 60_000)
        assert.deepEqual(await settleLedgerFile(ctx), { committed: 0, abandoned: 1 })
        assert.equal(readLedgerFile(ledgerFile, ctx.masterKey).unmarked.size, 0)
        assert.deepEqual(await settleLedgerFile(ctx), { committed: 0, abandoned: 0 })
      } finally {
        await first.close()
      }
    })

    it('settles a batch whose commit was not marked before a crash as committed', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-'))
      dirs.push(dir)
      const clock = new TestClock('2020-06-01T10:00:00Z')
      const first = await installation(dialect.name, undefined, clock)
      const ledgerFile = path.join(dir, 'disposal-ledger.jsonl')
      first.ctx.disposalLedgerFile = ledgerFile
      try {
        const { centre } = await createCentre(first.ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@ashbury.example.org',
        })
        await family(first.ctx, centre.id, `Old${MARK}`)
        clock.advance(4 * YEAR_MS)
        const run = await startDisposalRun(first.ctx, centre.id, undefined)
        await approveDisposalRun(first.ctx, operatorActor(centre.id), run.runId ?? '', {
          familiesToDestroy: run.familiesToDestroy,
        })
        // The crash: the last line (the commit mark) never reached the file.
        const lines = readFileSync(ledgerFile, 'utf8').trimEnd().split('\n')
        assert.match(lines.at(-1) ?? '', /"mark":"committed"/)
        writeFileSync(ledgerFile, `${lines.slice(0, -1).join('\n')}\n`)
        assert.equal(readLedgerFile(ledgerFile, first.ctx.masterKey).entries.length, 0)
        clock.advance(11 * 60_000)
        assert.deepEqual(await settleLedgerFile(first.ctx), { committed: 1, abandoned: 0 })
        assert.equal(readLedgerFile(ledgerFile, first.ctx.masterKey).entries.length, 1)
      } finally {
        await first.close()
      }
    })

    it('takes a backup while writes go on beside it, and the backup restores', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-'))
      dirs.push(dir)
      const first = await installation(dialect.name)
      const target = await installation(dialect.name, first.ctx)
      try {
        const { centre } = await createCentre(first.ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@a.example.org',
        })
        for (let i = 0; i < 30; i += 1) await family(first.ctx, centre.id, `Kitto${String(i)}`)
        // Writes to the installation's chain and the centre's, for as long as the backup runs.
        const backup = { isRunning: true }
        let written = 0
        const writing = (async () => {
          while (backup.isRunning) {
            await first.ctx.db
              .transaction()
              .execute((trx) =>
                recordEvent(trx, { type: 'backup.made', at: first.ctx.now(), details: {} }),
              )
            await family(first.ctx, centre.id, `Later${String(written)}`)
            written += 1
          }
        })()
        const file = path.join(dir, 'busy.backup')
        const made = await writeBackup(first.ctx, file).finally(() => {
          backup.isRunning = false
        })
        const writtenMeanwhile = written
        await writing
        // On SQLite the backup reads on a connection of its own, so writes go on meanwhile
        // (on the server's one connection they waited for the whole backup).
        if (dialect.name === 'sqlite')
          assert.ok(writtenMeanwhile >= 2, `${String(writtenMeanwhile)} writes during the backup`)
        assert.ok(made.rows > 0)
        const verified = await verifyAuditLog(first.database.db, first.ctx.auditKey.publicKey)
        assert.equal(verified.problem, undefined, JSON.stringify(verified))
        const restored = await restoreBackup(target.ctx, file, undefined)
        assert.equal(restored.rows, made.rows, 'every row read is restored')
      } finally {
        await first.close()
        await target.close()
      }
    })

    it('refuses a backup that is cut short, changed or from another installation, and changes nothing', async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-'))
      dirs.push(dir)
      const first = await installation(dialect.name)
      const target = await installation(dialect.name, first.ctx)
      const stranger = await installation(dialect.name)
      try {
        await createCentre(first.ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@a.example.org',
        })
        await family(
          first.ctx,
          (await first.database.db.selectFrom('centres').select('id').executeTakeFirstOrThrow()).id,
          'Kitto',
        )
        const file = path.join(dir, 'good.backup')
        await writeBackup(first.ctx, file)
        const bytes = readFileSync(file)
        const variants: [string, Buffer, RegExp][] = [
          ['cut short', bytes.subarray(0, bytes.length - 100), /cut short|does not verify/],
          ['cut at the header', bytes.subarray(0, 40), /cut short/],
          [
            'one byte changed',
            Buffer.concat([
              bytes.subarray(0, bytes.length - 50),
              Buffer.from([bytes[bytes.length - 50]! ^ 1]),
              bytes.subarray(bytes.length - 49),
            ]),
            /does not verify/,
          ],
          ['not a backup', Buffer.from('hello'), /not a Haven backup/],
        ]
        for (const [name, content, message] of variants) {
          const bad = path.join(dir, `${name}.backup`)
          writeFileSync(bad, content)
          await assert.rejects(restoreBackup(target.ctx, bad, undefined), message, name)
        }
        await assert.rejects(
          restoreBackup(stranger.ctx, file, undefined),
          /another Haven installation/,
        )
        const ledger = path.join(dir, 'forged-ledger.jsonl')
        writeFileSync(
          ledger,
          '{"v":1,"id":"x","centreId":"y","runId":"z","itemKind":"family","itemId":"q","categories":[],"disposedAt":"2026-01-01","mac":"AAAA"}\n',
        )
        await assert.rejects(
          restoreBackup(target.ctx, file, ledger),
          /ledger line 1 does not verify/,
        )
        for (const ctx of [target.ctx, stranger.ctx]) {
          const centres = await ctx.db.selectFrom('centres').select('id').execute()
          assert.deepEqual(centres, [], 'nothing was written')
        }
        assert.equal(
          (await restoreBackup(target.ctx, file, undefined)).reapplied,
          0,
          'the good one restores',
        )
      } finally {
        await first.close()
        await target.close()
        await stranger.close()
      }
    })
  })
}

describe('backup of a damaged SQLite file', () => {
  it('refuses, naming the damage, and writes no backup file (the whole-file check is made here, not at open)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-backup-'))
    dirs.push(dir)
    const made = await installation('sqlite')
    const dataDir = path.dirname(made.database.location)
    await sql`create table filler (id integer primary key, body text)`.execute(made.ctx.db)
    await sql`create index filler_body on filler (body)`.execute(made.ctx.db)
    await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 20000)
      insert into filler (body) select printf('filler %06d', i) from n`.execute(made.ctx.db)
    await made.database.close()
    const bytes = readFileSync(made.database.location)
    for (let i = bytes.length - 40_000; i < bytes.length; i += 7) bytes[i] = (bytes[i] ?? 0) ^ 0x5a
    writeFileSync(made.database.location, bytes)
    const reopened = await openDatabase({
      dataDir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
    })
    try {
      const file = path.join(dir, 'haven.backup')
      await assert.rejects(writeBackup(testContext(reopened), file), /database file is damaged/)
      assert.equal(existsSync(file), false)
      assert.equal(existsSync(`${file}.partial`), false)
    } finally {
      await reopened.close()
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
