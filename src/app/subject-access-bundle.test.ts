import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { referral } from '../../test/support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { PRESET_NAMES } from '../domain/policy/presets.ts'
import { operatorActor } from './actor.ts'
import { createCentre } from './centres.ts'
import { requestDisclosure } from './disclosures.ts'
import { raiseIncident } from './incidents.ts'
import { receiveReferral } from './referrals.ts'
import { openSubjectAccessRequest, readSubjectAccess } from './subject-access.ts'
import { compileSubjectAccessBundle, releaseWithheldItem } from './subject-access-bundle.ts'

const CONCERN = 'Elowen spoke of a frightening night at home'
const FATHER_ADDRESS = '2 Tidewater Row, Q9 1AA'

for (const dialect of await dialectsUnderTest()) {
  describe(`subject access item by item on ${dialect.name} (SAR)`, { skip: dialect.skip }, () => {
    for (const name of PRESET_NAMES) {
      it(`under the ${name} preset, withholds as the policy says and releases after review`, () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-06-01T09:00:00Z'))
          const { centre } = await createCentre(ctx, {
            name: 'Ashbury',
            slug: 'ashbury',
            coordinatorEmail: 'c@ashbury.example.org',
            preset: name,
          })
          const actor = operatorActor(centre.id)
          const made = await receiveReferral(
            ctx,
            actor,
            referral({
              receivedOn: '2016-03-01',
              children: [
                // 22 and 26 on the day of the requests; 11 and 16 when referred.
                { givenName: 'Elowen', familyName: 'Pengelly', dateOfBirth: '2004-05-02' },
                { givenName: 'Tamsin', familyName: 'Pengelly', dateOfBirth: '2000-01-01' },
              ],
            }) as Parameters<typeof receiveReferral>[2],
          )
          const people = await database.db
            .selectFrom('people')
            .select(['id', 'kind', 'given_name'])
            .where('family_id', '=', made.familyId)
            .execute()
          const idOf = (given: string) => people.find((p) => p.given_name === given)?.id ?? ''
          const father = people.find((p) => p.kind === 'non_resident_parent')?.id ?? ''
          const concern = await raiseIncident(ctx, actor, {
            kind: 'safeguarding_concern',
            familyId: made.familyId,
            occurredAt: '2026-05-30T10:00',
            summary: CONCERN,
          })
          for (const [purpose, atRisk, recipient] of [
            ['safeguarding_child', 'child', "Ashbury Children's Services"],
            ['risk_of_violence', 'users', 'Ashbury Police'],
          ] as const)
            await requestDisclosure(ctx, actor, {
              familyId: made.familyId,
              category: 'notes_or_reports',
              purpose,
              atRisk,
              recipient: {
                kind: purpose === 'risk_of_violence' ? 'police' : 'childrens_services',
                name: recipient,
              },
              reason: 'a worry for safety',
              concernId: concern.id,
            })
          const bundleFor = async (given: string) => {
            const request = await openSubjectAccessRequest(ctx, actor, {
              personId: idOf(given),
              identityMethod: 'passport seen',
            })
            const file = await compileSubjectAccessBundle(ctx, actor, request.id, 'json')
            return { id: request.id, text: JSON.stringify(file.bundle), bundle: file.bundle }
          }

          // A parent: the violent-crime exemption only where the policy has it (Preston); a
          // safeguarding record names others, so it is withheld at every centre.
          const mother = await bundleFor('Morwenna')
          assert.equal(mother.text.includes('Ashbury Police'), name !== 'preston')
          assert.equal(
            mother.bundle.withheld.some((w) => /violent crime/.test(w.ground)),
            name === 'preston',
          )
          assert.ok(!mother.text.includes(CONCERN))
          assert.ok(!mother.text.includes("Ashbury Children's Services"))
          // A former child up to the age the policy names (Birmingham: 25) gets them.
          const grownUp = await bundleFor('Elowen')
          assert.equal(grownUp.text.includes(CONCERN), name === 'birmingham')
          assert.equal(grownUp.text.includes("Ashbury Children's Services"), name === 'birmingham')
          const older = await bundleFor('Tamsin')
          assert.ok(!older.text.includes(CONCERN), 'not at 26')

          // Released after review: only by those who compile bundles, only with a reason.
          const staff = { ...actor, accountId: ctx.newId(), roles: ['staff' as const] }
          await assert.rejects(
            releaseWithheldItem(ctx, staff, mother.id, { recordId: concern.id, reason: 'ok' }),
            { code: 'forbidden', clauses: ['SAR'] },
          )
          await assert.rejects(
            releaseWithheldItem(ctx, actor, mother.id, { recordId: concern.id, reason: ' ' }),
            { code: 'forbidden', clauses: ['SAR'] },
          )
          await assert.rejects(
            releaseWithheldItem(ctx, actor, mother.id, { recordId: ctx.newId(), reason: 'ok' }),
            { code: 'not_found' },
          )
          assert.deepEqual(
            await releaseWithheldItem(ctx, actor, mother.id, {
              recordId: concern.id,
              reason: 'reviewed: names no one else',
            }),
            { recordId: concern.id, item: 'safeguarding_record', clauses: ['SAR'] },
          )
          await releaseWithheldItem(ctx, actor, mother.id, {
            recordId: father,
            reason: 'he agreed to his name being given',
          })
          const after = JSON.stringify(
            (await compileSubjectAccessBundle(ctx, actor, mother.id, 'json')).bundle,
          )
          assert.ok(after.includes(CONCERN), 'the released record goes in')
          assert.ok(after.includes('Idris'), "the father's name, released")
          assert.ok(!after.includes(FATHER_ADDRESS), 'never his contact details (CONTACT)')
          const view = await readSubjectAccess(ctx, actor, mother.id)
          assert.deepEqual(
            view.released
              ?.map((r) => [r.recordId, r.reason])
              .sort((a, b) => (a[1] ?? '').localeCompare(b[1] ?? '')),
            [
              [father, 'he agreed to his name being given'],
              [concern.id, 'reviewed: names no one else'],
            ],
          )
          const audited = await database.db
            .selectFrom('audit_log')
            .select('details')
            .where('type', '=', 'subject_access.released')
            .execute()
          assert.equal(audited.length, 2)
          assert.ok(
            audited.every((a) => !a.details.includes('reviewed')),
            'no reason in the log',
          )
        }))
    }
  })
}
