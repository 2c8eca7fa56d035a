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
import { bookAssessment, proposeAssessment } from './assessments.ts'
import { createCentre } from './centres.ts'
import { receiveReferral } from './referrals.ts'

for (const dialect of await dialectsUnderTest()) {
  describe(`assessments on ${dialect.name} (ASSESS)`, { skip: dialect.skip }, () => {
    for (const name of PRESET_NAMES) {
      it(`under the ${name} preset, an agreement is needed in the place the policy restricts`, () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
          const { centre } = await createCentre(ctx, {
            name: 'Ashbury',
            slug: 'ashbury',
            coordinatorEmail: 'c@ashbury.example.org',
            preset: name,
          })
          const actor = operatorActor(centre.id)
          const { familyId } = await receiveReferral(
            ctx,
            actor,
            referral() as Parameters<typeof receiveReferral>[2],
          )
          const propose = (place: 'premises' | 'contact_rooms') =>
            proposeAssessment(ctx, actor, {
              familyId,
              assessor: 'A CAFCASS family court adviser',
              place,
              startsAt: '2026-03-20T10:00',
            })
          // Birmingham's seed keeps assessments out of its contact rooms only; elsewhere in the
          // building they need no agreement. The other four seeds keep them off the premises.
          const elsewhere = await propose('premises')
          if (name === 'birmingham')
            assert.deepEqual(await bookAssessment(ctx, actor, elsewhere.id), {
              clauses: ['ASSESS'],
            })
          else
            await assert.rejects(bookAssessment(ctx, actor, elsewhere.id), {
              code: 'conflict',
              clauses: ['ASSESS'],
              message:
                /an assessment on the premises needs an agreement approved by the coordinator/,
            })
          const inRooms = await propose('contact_rooms')
          await assert.rejects(bookAssessment(ctx, actor, inRooms.id), {
            code: 'conflict',
            clauses: ['ASSESS'],
            message:
              name === 'birmingham'
                ? /in the contact rooms needs an agreement approved by a member of the Management Team/
                : /on the premises needs an agreement approved by the coordinator/,
          })
        }))
    }
  })
}
