import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import type { AppContext } from '../src/app/context.ts'
import { purgeExpiredIdempotencyKeys } from '../src/app/idempotency.ts'
import { IDEMPOTENCY_KEY_TTL_MS } from '../src/domain/idempotency.ts'
import type { Db } from '../src/storage/database.ts'
import { listSealedValues } from '../src/storage/sealed-values.ts'
import {
  centreWithCoordinator,
  currentCode,
  invite,
  PASSWORD,
  testApp,
  type Person,
} from './support/accounts.ts'
import { referral } from './support/cases.ts'
import { getPage, postForm } from './support/pages.ts'
import {
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

const KEY = '6f1c2a52-1d1e-4d8c-9a57-3c0f5b7e2d41'

/** The referral form as a person fills it in (synthetic names). */
const FORM = {
  rp_given: 'Tamsin',
  rp_family: 'Carrow',
  rp_relationship: 'mother',
  rp_pr: 'yes',
  nrp_given: 'Jory',
  nrp_family: 'Penhallow',
  nrp_relationship: 'father',
  nrp_pr: 'yes',
  child1_given: 'Demelza',
  child1_family: 'Penhallow',
  child1_dob: '2020-08-14',
  separation: 'yes',
}

/** The `_once` token of the first form on a page. */
function onceTokenOf(pageHtml: string): string {
  const token = /name="_once" value="([^"]+)"/.exec(pageHtml)?.[1]
  assert.ok(token !== undefined, 'the form has no _once token')
  return token
}

async function count(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(
    table,
  )}`.execute(db)
  return Number(rows[0]?.n ?? 0)
}

/** What a write leaves behind: families, people, referrals and audit entries. */
async function footprint(db: Db): Promise<{
  families: number
  people: number
  referrals: number
  audit_log: number
  rooms: number
}> {
  return {
    families: await count(db, 'families'),
    people: await count(db, 'people'),
    referrals: await count(db, 'referrals'),
    audit_log: await count(db, 'audit_log'),
    rooms: await count(db, 'rooms'),
  }
}

function send(
  person: Person,
  path: string,
  body: unknown,
  key: string | undefined,
): Promise<Response> {
  return person.client.call('POST', path, body, key === undefined ? {} : { 'idempotency-key': key })
}

/** Signs in again with the second factor (a session ends after 15 minutes idle). */
async function signInAgain(ctx: AppContext, person: Person): Promise<void> {
  await person.client.signIn('ashbury', person.email, PASSWORD)
  const verified = await person.client.json('POST', '/api/auth/second-factor', {
    code: currentCode(person.secret ?? '', ctx),
  })
  assert.equal(verified.status, 200, JSON.stringify(verified.body))
}

async function setup(ctx: AppContext) {
  const app = testApp(ctx)
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
  return { app, centreId, coordinator }
}

for (const dialect of await dialectsUnderTest()) {
  describe(`Idempotency-Key on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('answers a repeat with the first answer and writes nothing, not even an audit entry', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await setup(ctx)
        const first = await send(coordinator, '/api/referrals', referral(), KEY)
        assert.equal(first.status, 201)
        assert.equal(first.headers.get('idempotent-replayed'), null)
        const firstBody = await first.text()
        const before = await footprint(database.db)

        for (let i = 0; i < 3; i += 1) {
          const again = await send(coordinator, '/api/referrals', referral(), KEY)
          assert.equal(again.status, 201)
          assert.equal(again.headers.get('idempotent-replayed'), 'true')
          assert.match(again.headers.get('content-type') ?? '', /^application\/json/)
          assert.equal(await again.text(), firstBody)
        }
        assert.deepEqual(await footprint(database.db), before)

        // Without a key, the same body is a new referral: the key is what made the repeat safe.
        assert.equal((await send(coordinator, '/api/referrals', referral(), undefined)).status, 201)
        assert.equal((await footprint(database.db)).families, before.families + 1)
      }))

    it('keeps neither the key nor the answer in clear, and lists the answer for key rotation', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await setup(ctx)
        const first = await send(coordinator, '/api/rooms', { name: 'Juniper Room' }, KEY)
        assert.equal(first.status, 201)
        const everything = await dumpEveryTable(database)
        assert.ok(!everything.includes(KEY), 'the key is stored in clear')
        assert.ok(!everything.includes(await first.text()), 'the answer is stored in clear')
        const sealed = await listSealedValues(database.db)
        assert.equal(sealed.filter((value) => value.table === 'idempotency_keys').length, 1)
      }))

    it('refuses the key with a different request, and writes nothing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await setup(ctx)
        assert.equal((await send(coordinator, '/api/referrals', referral(), KEY)).status, 201)
        const before = await footprint(database.db)

        const changed = referral({ isSeparationRequired: false })
        const refused = await send(coordinator, '/api/referrals', changed, KEY)
        assert.equal(refused.status, 422)
        const body = (await refused.json()) as { error: { code: string; message: string } }
        assert.equal(body.error.code, 'unprocessable')
        assert.match(body.error.message, /Idempotency-Key was used already for a different request/)

        const elsewhere = await send(coordinator, '/api/rooms', { name: 'Hazel Room' }, KEY)
        assert.equal(elsewhere.status, 422)
        assert.deepEqual(await footprint(database.db), before)
      }))

    it('runs one of twenty copies sent at once; the others are told to retry or get its answer', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await setup(ctx)
        const before = await footprint(database.db)
        const answers = await Promise.all(
          Array.from({ length: 20 }, () => send(coordinator, '/api/referrals', referral(), KEY)),
        )
        const statuses = answers.map((answer) => answer.status)
        const created = answers.filter(
          (a) => a.status === 201 && a.headers.get('idempotent-replayed') === null,
        )
        assert.equal(created.length, 1, statuses.join(','))
        for (const answer of answers) {
          if (answer.status === 409) {
            assert.equal(answer.headers.get('retry-after'), '1')
            const body = (await answer.json()) as { error: { message: string } }
            assert.match(body.error.message, /still running; try again in a moment/)
          } else {
            assert.equal(answer.status, 201, statuses.join(','))
          }
        }
        const after = await footprint(database.db)
        assert.equal(after.families, before.families + 1)
        assert.equal(after.referrals, before.referrals + 1)
        const referralEntries = await database.db
          .selectFrom('audit_log')
          .select('type')
          .where('type', 'like', 'referral%')
          .execute()
        assert.equal(referralEntries.length, 1, JSON.stringify(referralEntries))

        // Once the first has answered, a retry gets its answer.
        const retry = await send(coordinator, '/api/referrals', referral(), KEY)
        assert.equal(retry.status, 201)
        assert.equal(retry.headers.get('idempotent-replayed'), 'true')
        assert.equal(await retry.text(), await created[0]?.text())
      }))

    it('keeps keys apart by account and by centre', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { app, centreId, coordinator } = await setup(ctx)
        const colleague = await invite(ctx, app, centreId, 'ashbury', 'c2@ashbury.example.org', [
          'coordinator',
        ])
        const elsewhere = (await centreWithCoordinator(ctx, app, 'brambling')).coordinator
        const before = await footprint(database.db)
        for (const person of [coordinator, colleague, elsewhere]) {
          const answer = await send(person, '/api/referrals', referral(), KEY)
          assert.equal(answer.status, 201)
          assert.equal(answer.headers.get('idempotent-replayed'), null)
        }
        assert.equal((await footprint(database.db)).families, before.families + 3)
      }))

    it('refuses a key that is empty, too long or not visible ASCII, before anything runs', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await setup(ctx)
        const before = await footprint(database.db)
        for (const [key, words] of [
          ['', /empty/],
          ['k'.repeat(256), /longer than 255/],
          ['two words', /visible ASCII/],
          ['cl\u00e9', /visible ASCII/],
          ['tab\there', /visible ASCII/],
        ] as const) {
          const refused = await send(coordinator, '/api/referrals', referral(), key)
          assert.equal(refused.status, 400, JSON.stringify(key))
          const body = (await refused.json()) as { error: { message: string; field: string } }
          assert.match(body.error.message, words)
          assert.equal(body.error.field, 'header.Idempotency-Key')
        }
        assert.deepEqual(await footprint(database.db), before)
        assert.equal(await count(database.db, 'idempotency_keys'), 0)
        const longest = await send(coordinator, '/api/rooms', { name: 'Ash Room' }, 'k'.repeat(255))
        assert.equal(longest.status, 201)
      }))

    it('keeps a refusal of the body as sent, and lets the key go after a refusal that may change', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { app, centreId, coordinator } = await setup(ctx)
        const invalid = await send(coordinator, '/api/rooms', { name: '' }, KEY)
        assert.equal(invalid.status, 400)
        const again = await send(coordinator, '/api/rooms', { name: '' }, KEY)
        assert.equal(again.status, 400)
        assert.equal(again.headers.get('idempotent-replayed'), 'true')
        assert.equal(await again.text(), await invalid.text())

        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        const refused = await send(volunteer, '/api/rooms', { name: 'Elm Room' }, KEY)
        assert.equal(refused.status, 403)
        const stored = await database.db
          .selectFrom('idempotency_keys')
          .select('account_id')
          .execute()
        assert.deepEqual(
          stored.map((row) => row.account_id),
          [coordinator.accountId],
          'the refusal kept the key',
        )
      }))

    it('lets a key go after a day: it may be used again, and old keys are deleted', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T08:00:00Z')
        const ctx = testContext(database, clock)
        const { coordinator } = await setup(ctx)
        assert.equal((await send(coordinator, '/api/referrals', referral(), KEY)).status, 201)

        clock.advance(IDEMPOTENCY_KEY_TTL_MS - 60_000)
        await signInAgain(ctx, coordinator)
        const replayed = await send(coordinator, '/api/referrals', referral(), KEY)
        assert.equal(replayed.status, 201)
        assert.equal(replayed.headers.get('idempotent-replayed'), 'true')
        assert.equal(await count(database.db, 'families'), 1)

        clock.advance(2 * 60_000)
        const fresh = await send(coordinator, '/api/referrals', referral(), KEY)
        assert.equal(fresh.status, 201)
        assert.equal(fresh.headers.get('idempotent-replayed'), null)
        assert.equal(await count(database.db, 'families'), 2)
        assert.equal(await count(database.db, 'idempotency_keys'), 1, 'the old key was deleted')

        // Keys of centres that send nothing more go in the server's daily work.
        clock.advance(IDEMPOTENCY_KEY_TTL_MS + 60_000)
        assert.equal(await purgeExpiredIdempotencyKeys(ctx), 1)
        assert.equal(await count(database.db, 'idempotency_keys'), 0)
      }))

    it('takes a form sent twice once, and follows the first answer; a new page brings a new token', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const { coordinator } = await setup(ctx)
        const page = await getPage(coordinator.client, '/referrals/new')
        const once = onceTokenOf(page.text)
        const before = await footprint(database.db)

        const answers = await Promise.all(
          Array.from({ length: 5 }, () =>
            postForm(coordinator.client, '/referrals', { ...FORM, _once: once }),
          ),
        )
        const first = answers[0]
        assert.equal(first?.status, 303, first?.text)
        assert.match(first.location ?? '', /^\/referrals\/[^/]+\?done=received$/)
        for (const answer of answers)
          assert.deepEqual([answer.status, answer.location], [303, first.location])
        const again = await postForm(coordinator.client, '/referrals', { ...FORM, _once: once })
        assert.deepEqual([again.status, again.location], [303, first.location])
        const after = await footprint(database.db)
        assert.equal(after.families, before.families + 1)
        assert.equal(after.audit_log - before.audit_log, 1, 'one audit entry for the referral')

        const changed = await postForm(coordinator.client, '/referrals', {
          ...FORM,
          child1_given: 'Kerensa',
          _once: once,
        })
        assert.equal(changed.status, 422)
        assert.match(changed.text, /this form was sent already with other answers/i)

        const next = await getPage(coordinator.client, '/referrals/new')
        assert.notEqual(onceTokenOf(next.text), once)
        // The same family again: asked about first, on a page with a token of its own.
        const asked = await postForm(coordinator.client, '/referrals', {
          ...FORM,
          _once: onceTokenOf(next.text),
        })
        assert.equal(asked.status, 200)
        assert.match(asked.text, /This looks like a family already held/)
        assert.notEqual(onceTokenOf(asked.text), onceTokenOf(next.text))
        const another = await postForm(coordinator.client, '/referrals', {
          ...FORM,
          _new_family: 'yes',
          _once: onceTokenOf(asked.text),
        })
        assert.equal(another.status, 303)
        assert.equal((await footprint(database.db)).families, before.families + 2)
      }))
  })
}
