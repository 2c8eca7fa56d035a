import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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
import { readKeyFile } from '../storage/key-file.ts'
import { masterKeyFrom } from './field-crypto.ts'
import { rotateMasterKey } from './key-rotation.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`rotating the master key on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('re-seals family keys, second factors, messages and certificates; all still open with the new key', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T09:00:00Z')
        const ctx = testContext(database, clock)
        const dir = mkdtempSync(path.join(tmpdir(), 'haven-rotate-'))
        dirs.push(dir)
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

        const { resealed } = await rotateMasterKey(database.db, ctx.masterKey, file, clock.now())
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
  })
}
