import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import {
  centreWithCoordinator,
  currentCode,
  drainOutbox,
  invite,
  PASSWORD,
  testApp,
} from '../../test/support/accounts.ts'
import { referral } from '../../test/support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { findKeyCheck, insertKeyCheck } from '../storage/key-check.ts'
import { readKeyFile } from '../storage/key-file.ts'
import { carryLedgerKey, readLedgerFile } from './disposal-ledger-file.ts'
import { isKeyCheckValid, masterKeyFrom, newMasterKeyBytes, sealKeyCheck } from './field-crypto.ts'
import { rotateMasterKey } from './key-rotation.ts'
import type { Database } from '../storage/database.ts'
import {
  disposeInLedger as dispose,
  familiesInLedger as namesIn,
} from '../../test/support/ledger.ts'

const dirs: string[] = []
const scratchDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-rotate-'))
  dirs.push(dir)
  return dir
}

/** A centre's database with its master key in a file, and a ledger path beside it. */
function keysBeside(database: Database) {
  const clock = new TestClock('2026-03-14T09:00:00Z')
  const ctx = testContext(database, clock)
  const dir = scratchDir()
  const file = path.join(dir, 'master.key')
  writeFileSync(file, `${ctx.masterKey.bytes.toString('base64')}\n`)
  return { clock, ctx, file, ledger: path.join(dir, 'disposal-ledger.jsonl') }
}
/** The key now in the file. */
const keyIn = (file: string) => masterKeyFrom(readKeyFile(file) ?? Buffer.alloc(0))

after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`rotating the master key on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('re-seals family keys, second factors, messages and certificates; all still open with the new key', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T09:00:00Z')
        const ctx = testContext(database, clock)
        const dir = scratchDir()
        const file = path.join(dir, 'master.key')
        writeFileSync(file, `${ctx.masterKey.bytes.toString('base64')}\n`)
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
          'volunteer',
        ])
        await coordinator.client.json('POST', `/api/workers/${volunteer.accountId}/checks`, {
          kind: 'dbs',
          level: 'standard',
          certificateReference: '009876543210',
          issuedOn: '2025-01-01',
          renewalDueOn: '2028-01-01',
          outcome: 'clear',
        })
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        await coordinator.client.json('POST', '/api/auth/password-reset', {
          email: volunteer.email,
        })
        // The reset link is queued after the answer: let it be sealed before the rotation.
        for (let i = 0; i < 500; i += 1) {
          const queued = await database.db
            .selectFrom('audit_log')
            .select('seq')
            .where('type', '=', 'password_reset.requested')
            .executeTakeFirst()
          if (queued) break
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        const family = await coordinator.client.json<{ people: { id: string }[] }>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )

        const { resealed } = await rotateMasterKey(
          database.db,
          ctx.masterKey,
          file,
          clock.now(),
          undefined,
        )
        assert.ok(resealed >= 4, String(resealed))
        const fresh = readKeyFile(file)
        assert.ok(fresh && !fresh.equals(ctx.masterKey.bytes))
        ctx.masterKey = masterKeyFrom(fresh)

        const shown = await coordinator.client.json<{ contactDetails: { address: string } }>(
          'POST',
          `/api/people/${family.body.people[0]?.id ?? ''}/contact-details/reveal`,
          { reason: 'after the rotation' },
        )
        assert.equal(shown.body.contactDetails.address, '14 Quarry Lane, Q1 7ZZ')
        const workers = await coordinator.client.json<{
          workers: { checks?: { certificateReference: string | null }[] }[]
        }>('GET', '/api/workers')
        assert.ok(
          workers.body.workers.some((w) => w.checks?.[0]?.certificateReference === '009876543210'),
        )
        const messages = await drainOutbox(ctx)
        assert.ok(messages.some((m) => m.recipient === volunteer.email))
        clock.advance(60_000)
        const again = await coordinator.client.signIn('alder', coordinator.email, PASSWORD)
        assert.equal(again.body.secondFactor, 'verify')
        const verified = await coordinator.client.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        assert.equal(verified.status, 200, 'the second factor still opens')
      }))

    // RETAIN: the ledger is what stops a restored backup bringing back what was destroyed;
    // its lines were MAC'd under a key derived from the master key, so a rotation left every
    // earlier line unverifiable and the restore refused.
    it('keeps the disposal ledger verifiable by the new key, and by the old one for older backups', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, file, ledger } = keysBeside(database)
        const first = ctx.masterKey
        await dispose(ledger, first, 'before')

        await rotateMasterKey(database.db, first, file, clock.now(), ledger)
        const second = keyIn(file)
        assert.deepEqual(namesIn(ledger, second), ['family-before'], 'the new key reads it')
        // The server, under the new key, goes on writing the same ledger.
        await dispose(ledger, second, 'after')
        assert.deepEqual(namesIn(ledger, second), ['family-before', 'family-after'])
        assert.deepEqual(
          namesIn(ledger, first),
          ['family-before', 'family-after'],
          'the old key, kept for older backups, reads the lines written after the rotation',
        )

        // A second rotation: every key the ledger has known still reads all of it.
        await rotateMasterKey(database.db, second, file, clock.now(), ledger)
        const third = keyIn(file)
        await dispose(ledger, third, 'later')
        for (const key of [first, second, third])
          assert.deepEqual(namesIn(ledger, key), ['family-before', 'family-after', 'family-later'])

        // A key nobody keeps (a rotation that never committed) opens nothing and derives a
        // key that verifies nothing: the ledger is refused, not read as empty.
        const stranger = masterKeyFrom(newMasterKeyBytes())
        assert.throws(() => readLedgerFile(ledger, stranger), /line 1 does not verify/)

        // A rotation that never committed leaves its line under a key nobody keeps: passed over.
        await carryLedgerKey(ledger, third, stranger)
        assert.deepEqual(namesIn(ledger, third), ['family-before', 'family-after', 'family-later'])

        // A changed line is still caught, under every key.
        const text = readFileSync(ledger, 'utf8')
        writeFileSync(ledger, text.replace('family-after', 'family-other'))
        for (const key of [first, second, third])
          assert.throws(() => readLedgerFile(ledger, key), /does not verify/)
      }))

    it('refuses to rotate over a ledger that does not verify, and leaves the old key in force', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, file, ledger } = keysBeside(database)
        await insertKeyCheck(database.db, sealKeyCheck(ctx.masterKey), clock.now().toISOString())
        await dispose(ledger, ctx.masterKey, 'before')
        writeFileSync(ledger, readFileSync(ledger, 'utf8').replace('family-before', 'family-x'))
        await assert.rejects(
          rotateMasterKey(database.db, ctx.masterKey, file, clock.now(), ledger),
          /disposal ledger line 1 does not verify/,
        )
        assert.ok(!existsSync(`${file}.next`), 'the unused new key is gone: a rotation may start')
        assert.deepEqual(readKeyFile(file), ctx.masterKey.bytes)
        const check = await findKeyCheck(database.db)
        assert.ok(check !== undefined && isKeyCheckValid(ctx.masterKey, check), 'nothing resealed')
      }))

    it('begins a missing ledger at a rotation, so that the old key reads what is written after it', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const { clock, ctx, file, ledger } = keysBeside(database)
        await rotateMasterKey(database.db, ctx.masterKey, file, clock.now(), ledger)
        assert.equal(statSync(ledger).mode & 0o777, 0o600)
        const fresh = keyIn(file)
        await dispose(ledger, fresh, 'first')
        assert.deepEqual(namesIn(ledger, ctx.masterKey), ['family-first'])
        assert.deepEqual(namesIn(ledger, fresh), ['family-first'])
      }))
  })
}
