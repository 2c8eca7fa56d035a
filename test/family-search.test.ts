import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { familiesFound, indexFamiliesNotYetIndexed, indexFamily } from '../src/app/family-search.ts'
import { masterKeyFrom } from '../src/app/field-crypto.ts'
import { rotateMasterKey } from '../src/app/key-rotation.ts'
import { readKeyFile, writeNewKeyFile } from '../src/storage/key-file.ts'
import { centreWithCoordinator, invite, testApp, type Person } from './support/accounts.ts'
import { referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { postForm, visibleText } from './support/pages.ts'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Three families; the second's names carry accents, the third shares a surname with the first. */
const FAMILIES = [
  referral(),
  referral({
    parents: [
      {
        kind: 'resident_parent',
        givenName: 'Siân',
        familyName: 'Llŷr',
        hasParentalResponsibility: true,
        contactDetails: { address: '7 Harbour Steps,\nQ3 8XY', phone: '+44 7700 900777' },
      },
      {
        kind: 'non_resident_parent',
        givenName: 'Tomasz',
        familyName: 'Wójcik',
        hasParentalResponsibility: true,
      },
    ],
    children: [{ givenName: 'Nia', familyName: 'Wójcik', dateOfBirth: '2018-02-11' }],
  }),
  referral({
    parents: [
      {
        kind: 'resident_parent',
        givenName: 'Kerensa',
        familyName: 'Trelawny',
        hasParentalResponsibility: true,
        contactDetails: { address: '1 Mill Yard, Q5 2AB' },
      },
      {
        kind: 'non_resident_parent',
        givenName: 'Jago',
        familyName: 'Penrose',
        hasParentalResponsibility: true,
      },
    ],
    children: [{ givenName: 'Lowen', familyName: 'Penrose', dateOfBirth: '2021-09-30' }],
  }),
]

/** The references a search finds, as the page lists them. */
async function search(person: Person, q: string): Promise<{ status: number; found: string[] }> {
  const page = await postForm(person.client, '/families/search', { q })
  return {
    status: page.status,
    found: [...page.text.matchAll(/href="\/families\/[0-9a-f-]{36}">(F-\d+)</g)].map(
      (m) => m[1] ?? '',
    ),
  }
}

for (const dialect of await dialectsUnderTest()) {
  describe(`finding a family on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('finds by name however it is typed, by postcode, phone and reference, and holds none of them in clear', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const refs: string[] = []
        for (const body of FAMILIES) {
          const made = await coordinator.client.json<{ reference: string }>(
            'POST',
            '/api/referrals',
            body,
          )
          assert.equal(made.status, 201)
          refs.push(made.body.reference)
        }
        const [first, second, third] = refs
        assert.deepEqual((await search(coordinator, 'trelawny')).found, [first, third])
        assert.deepEqual((await search(coordinator, 'TRELAWNY morwenna')).found, [first])
        assert.deepEqual((await search(coordinator, 'Tre')).found, [first, third], 'a beginning')
        assert.deepEqual((await search(coordinator, 'sian llyr')).found, [second], 'no accents')
        assert.deepEqual((await search(coordinator, 'Wójcik')).found, [second])
        assert.deepEqual((await search(coordinator, 'q38xy')).found, [second], 'postcode')
        assert.deepEqual((await search(coordinator, 'Q3 8XY')).found, [second])
        assert.deepEqual((await search(coordinator, '07700 900777')).found, [second], '+44 as 0')
        assert.deepEqual((await search(coordinator, 'Trelawny Q5')).found, [third], 'narrowed')
        assert.deepEqual((await search(coordinator, 'elawny')).found, [], 'not from the middle')
        assert.deepEqual((await search(coordinator, 'Nobody')).found, [])
        const byReference = await postForm(coordinator.client, '/families/search', {
          q: (second ?? '').toLowerCase(),
        })
        assert.equal(byReference.status, 303)
        assert.match(byReference.location ?? '', /^\/families\/[0-9a-f-]{36}$/)
        const empty = await postForm(coordinator.client, '/families/search', { q: ' ' })
        assert.equal(empty.status, 400)
        assert.match(visibleText(empty.text), /Enter a reference, a name, a postcode or a phone/)

        const terms = await database.db.selectFrom('family_search_terms').selectAll().execute()
        assert.ok(terms.length > 20)
        const stored = JSON.stringify(terms).toLowerCase()
        for (const clear of ['trelawny', 'llyr', 'q38xy', 'q3', '07700900777', 'elowen'])
          assert.ok(!stored.includes(clear), `no ${clear} in the index`)
        const entries = await database.db
          .selectFrom('audit_log')
          .select('details')
          .where('type', '=', 'records.listed')
          .execute()
        const searched = entries.filter((e) => e.details.includes('"searched":true'))
        assert.ok(searched.length >= 10, 'each search is audited')
        assert.ok(
          searched.every((e) => !/trelawny|llyr|q3|07700/i.test(e.details)),
          'never what was typed',
        )
      }))

    it('finds only families the reader may see, after a key rotation, and families held before the index', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const referrer = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
          'referrer',
        ])
        await coordinator.client.json('POST', '/api/referrals', FAMILIES[0])
        const own = await referrer.client.json<{ reference: string }>(
          'POST',
          '/api/referrals',
          FAMILIES[2],
        )
        const asReferrer = await search(referrer, 'Trelawny')
        assert.deepEqual(
          asReferrer.found,
          [],
          `a referrer reads no family record, their own agency's included (ATTEND; ${own.body.reference})`,
        )
        assert.equal((await search(coordinator, 'Trelawny')).found.length, 2)
        const other = await centreWithCoordinator(ctx, app, 'brookfield')
        assert.deepEqual((await search(other.coordinator, 'Trelawny')).found, [], 'another centre')

        // Families held before the index: their terms gone, found again once indexed.
        await database.db.deleteFrom('family_search_terms').execute()
        await database.db.updateTable('families').set({ search_indexed_at: null }).execute()
        assert.deepEqual((await search(coordinator, 'Trelawny')).found, [])
        assert.equal(await indexFamiliesNotYetIndexed(ctx), 2)
        assert.equal(await indexFamiliesNotYetIndexed(ctx), 0)
        assert.equal((await search(coordinator, 'Trelawny')).found.length, 2)

        // A new master key reseals the centre's search key: the index still finds.
        const folder = mkdtempSync(join(tmpdir(), 'haven-search-'))
        try {
          const file = join(folder, 'master.key')
          writeNewKeyFile(file, Buffer.from(ctx.masterKey.bytes))
          await rotateMasterKey(database.db, ctx.masterKey, file, ctx.now(), undefined)
          const rotated = {
            ...ctx,
            masterKey: masterKeyFrom(readKeyFile(file) ?? Buffer.alloc(0)),
          }
          assert.notDeepEqual(rotated.masterKey.bytes, ctx.masterKey.bytes)
          const found = await familiesFound(rotated, database.db, centreId, 'Trelawny', 10)
          assert.equal(found.length, 2)
        } finally {
          rmSync(folder, { recursive: true, force: true })
        }
      }))

    it('indexes a new family from what was written exactly as from what is held', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const terms = async (familyId: string) =>
          (
            await database.db
              .selectFrom('family_search_terms')
              .select('term')
              .where('family_id', '=', familyId)
              .orderBy('term')
              .execute()
          ).map((t) => t.term)
        for (const body of FAMILIES) {
          const made = await coordinator.client.json<{ familyId: string }>(
            'POST',
            '/api/referrals',
            body,
          )
          const fromInput = await terms(made.body.familyId)
          assert.ok(fromInput.length > 5)
          await ctx.db
            .transaction()
            .execute((trx) => indexFamily(ctx, trx, centreId, made.body.familyId))
          assert.deepEqual(await terms(made.body.familyId), fromInput)
        }
      }))

    it('asks before saving a referral that looks like a family already held, and saves it once confirmed', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const held = await coordinator.client.json<{ reference: string }>(
          'POST',
          '/api/referrals',
          FAMILIES[0],
        )
        const form = {
          agencyId: '',
          rp_given: 'Morwenna',
          rp_family: 'TRELAWNY',
          rp_pr: 'yes',
          rp_address: 'Flat 2, Q1 7ZZ',
          nrp_given: 'Someone',
          nrp_family: 'Else',
          nrp_pr: 'no',
          child1_given: 'Kitto',
          child1_family: 'Trelawny',
          child1_dob: '2022-01-01',
          separation: 'no',
        }
        const asked = await postForm(coordinator.client, '/referrals', form)
        assert.equal(asked.status, 200)
        const text = visibleText(asked.text)
        assert.match(text, /This looks like a family already held/)
        assert.match(text, new RegExp(`family ${held.body.reference}`))
        assert.match(asked.text, /name="_new_family" value="yes"/)
        assert.equal(
          (await database.db.selectFrom('families').select('id').execute()).length,
          1,
          'nothing saved yet',
        )
        const child = await postForm(coordinator.client, '/referrals', {
          ...form,
          rp_given: 'Other',
          rp_address: '',
          child1_given: 'Elowen',
          child1_family: 'Pengelly',
          child1_dob: '2019-05-02',
        })
        assert.match(visibleText(child.text), /already held/, 'a child by name and birth date')
        const unlike = await postForm(coordinator.client, '/referrals', {
          ...form,
          rp_address: 'Somewhere, Q8 3CD',
        })
        assert.equal(unlike.status, 303, 'the same name elsewhere is another family')
        const saved = await postForm(coordinator.client, '/referrals', {
          ...form,
          _new_family: 'yes',
        })
        assert.equal(saved.status, 303)
        assert.equal((await database.db.selectFrom('families').select('id').execute()).length, 3)

        // Through the API the referral is saved, and the answer names the families alike
        // for the coordinator; a referrer sending the same is told nothing.
        const again = await coordinator.client.json<{
          reference: string
          likelyDuplicates: { reference: string }[]
        }>('POST', '/api/referrals', FAMILIES[0])
        assert.equal(again.status, 201)
        assert.ok(again.body.likelyDuplicates.some((d) => d.reference === held.body.reference))
        assert.ok(!again.body.likelyDuplicates.some((d) => d.reference === again.body.reference))
        const referrer = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
          'referrer',
        ])
        const theirs = await referrer.client.json<{ likelyDuplicates: unknown[] }>(
          'POST',
          '/api/referrals',
          FAMILIES[0],
        )
        assert.equal(theirs.status, 201)
        assert.deepEqual(theirs.body.likelyDuplicates, [])
      }))
  })
}
