import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  dialectsUnderTest,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { planDemoCentre } from '../domain/demo-centre.ts'
import { HavenError } from '../domain/errors.ts'
import { findFamilyByReference, listPeopleOfFamily } from '../storage/families.ts'
import { createCentre } from './centres.ts'
import { createDemoCentre, ensureDemoCentre } from './demo-centre.ts'
import { decryptField, unwrapFamilyKey } from './field-crypto.ts'

const TODAY = '2026-03-14'

for (const dialect of await dialectsUnderTest()) {
  describe(`the demo centre on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('is made on an empty database, once, with the planned families and sessions', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const made = await ensureDemoCentre(ctx, { today: TODAY })
        assert.ok(made)
        const plan = planDemoCentre({ seed: 20_240_301, today: TODAY })
        assert.equal(made.centre.isDemo, true)
        assert.equal(made.families, plan.families.length)
        assert.equal(made.sessions, plan.sessions.length)
        assert.equal(
          made.people,
          plan.families.reduce((sum, family) => sum + family.people.length, 0),
        )
        assert.equal(await ensureDemoCentre(ctx, { today: TODAY }), undefined)
        const centres = await database.db.selectFrom('centres').select('id').execute()
        assert.equal(centres.length, 1)
      }))

    it('is never added to a database that already has a centre', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        await createCentre(ctx, {
          name: 'Ashbury Child Contact Centre',
          coordinatorEmail: 'coordinator@ashbury.example',
        })
        assert.equal(await ensureDemoCentre(ctx, { today: TODAY }), undefined)
        const families = await database.db.selectFrom('families').select('id').execute()
        assert.equal(families.length, 0)
      }))

    it('keeps addresses and phone numbers only as ciphertext, readable with the family key', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        const made = await ensureDemoCentre(ctx, { today: TODAY })
        assert.ok(made)
        const plan = planDemoCentre({ seed: 20_240_301, today: TODAY })
        const planned = plan.families[0]?.people[0]
        assert.ok(planned?.address && planned.phone)
        const rows = await sql<Record<string, unknown>>`select * from people`.execute(database.db)
        const everything = JSON.stringify(rows.rows)
        for (const family of plan.families) {
          for (const person of family.people) {
            if (person.address)
              assert.ok(!everything.includes(person.address), 'an address is stored in clear')
            if (person.phone)
              assert.ok(!everything.includes(person.phone), 'a phone number is stored in clear')
          }
        }
        const family = await findFamilyByReference(database.db, made.centre.id, 'DEMO-0001')
        assert.ok(family)
        const key = unwrapFamilyKey(ctx.masterKey, family.id, family.wrappedKey)
        const people = await listPeopleOfFamily(database.db, made.centre.id, family.id)
        const resident = people.find((person) => person.kind === 'resident_parent')
        assert.ok(resident?.addressCiphertext)
        const binding = {
          familyId: family.id,
          field: `person:${resident.id}:address`,
          keyVersion: family.keyVersion,
        }
        assert.equal(decryptField(key, binding, resident.addressCiphertext), planned.address)
      }))

    it('refuses a second demo centre under a slug in use, and writes nothing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        await createDemoCentre(ctx, { today: TODAY })
        const before = await database.db.selectFrom('families').select('id').execute()
        await assert.rejects(
          createDemoCentre(ctx, { today: TODAY }),
          (error: unknown) => error instanceof HavenError && error.code === 'conflict',
        )
        const after = await database.db.selectFrom('families').select('id').execute()
        assert.equal(after.length, before.length)
        const second = await createDemoCentre(ctx, {
          today: TODAY,
          slug: 'demo-two',
          familyCount: 3,
        })
        assert.equal(second.families, 3)
      }))
  })
}
