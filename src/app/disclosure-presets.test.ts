import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { referral } from '../../test/support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { PRESET_NAMES, type PresetName } from '../domain/policy/presets.ts'
import { operatorActor, type Actor } from './actor.ts'
import { createCentre } from './centres.ts'
import { recordConsent } from './consents.ts'
import { confirmDisclosure } from './disclosure-register.ts'
import { requestDisclosure, type DisclosureInput } from './disclosures.ts'
import { receiveReferral } from './referrals.ts'

/**
 * The same disclosures asked of each of the five presets give the outcomes each preset's
 * clauses say (docs/CLAUSES.md): CAFCASS receives a safeguarding disclosure only at
 * Birmingham; only Chichester has a "required by law" path; St Mary's names users and staff,
 * not volunteers, as those whose risk of violence lifts confidentiality; everywhere, reports
 * for family proceedings are refused and contact details need the parent's consent.
 */
type Scenario = [
  string,
  (ids: { familyId: string; motherId: string }) => DisclosureInput,
  Partial<Record<PresetName, string>> & { else: string },
]

const SCENARIOS: Scenario[] = [
  [
    'a report for family proceedings',
    ({ familyId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'family_proceedings',
      recipient: { kind: 'other_agency', name: 'Family Court' },
    }),
    { else: 'refused:NOREPORT' },
  ],
  [
    'contact details without consent',
    ({ familyId, motherId }) => ({
      familyId,
      personId: motherId,
      category: 'contact_details',
      purpose: 'other',
      recipient: { kind: 'other_agency', name: 'Ashbury GP Surgery' },
    }),
    { else: 'refused:CONTACT' },
  ],
  [
    'contact details under the parent’s consent',
    ({ familyId, motherId }) => ({
      familyId,
      personId: motherId,
      category: 'contact_details',
      purpose: 'other',
      recipient: { kind: 'other_agency', name: 'Ashbury Health Visitors' },
    }),
    { else: 'awaiting_confirmation:CONTACT' },
  ],
  [
    'contact details required by law, with the court order named',
    ({ familyId, motherId }) => ({
      familyId,
      personId: motherId,
      category: 'contact_details',
      purpose: 'required_by_law',
      legalBasis: 'order ZE26C00417',
      recipient: { kind: 'other_agency', name: 'Family Court' },
    }),
    { chichester: 'awaiting_sign_off:CONTACT', else: 'refused:CONTACT' },
  ],
  [
    'a child at risk, to the police',
    ({ familyId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'safeguarding_child',
      atRisk: 'child',
      reason: 'a disclosure by the child',
      recipient: { kind: 'police', name: 'Ashbury Police' },
    }),
    { else: 'awaiting_sign_off:EXCEPT' },
  ],
  [
    'a child at risk, to CAFCASS',
    ({ familyId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'safeguarding_child',
      atRisk: 'child',
      reason: 'a disclosure by the child',
      recipient: { kind: 'cafcass', name: 'CAFCASS' },
    }),
    { birmingham: 'awaiting_sign_off:EXCEPT', else: 'refused:EXCEPT' },
  ],
  [
    'a volunteer at risk of violence, to the police',
    ({ familyId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'risk_of_violence',
      atRisk: 'volunteers',
      reason: 'a threat at the door',
      recipient: { kind: 'police', name: 'Ashbury Police' },
    }),
    { 'st-marys': 'refused:EXCEPT', else: 'awaiting_sign_off:EXCEPT' },
  ],
]

for (const dialect of await dialectsUnderTest()) {
  describe(`disclosures under every preset on ${dialect.name}`, { skip: dialect.skip }, () => {
    for (const name of PRESET_NAMES)
      it(`${name}: each scenario gets the outcome its clauses say`, () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const ctx = testContext(database, new TestClock())
          const { centre } = await createCentre(ctx, {
            name: 'Ashbury',
            slug: 'ashbury',
            coordinatorEmail: 'c@a.example.org',
            preset: name,
          })
          const coordinator = operatorActor(centre.id)
          const authoriser: Actor = {
            ...coordinator,
            accountId: ctx.newId(),
            roles: ['coordinator', 'management'],
          }
          const deputy: Actor = { ...coordinator, accountId: ctx.newId() }
          const made = await receiveReferral(
            ctx,
            coordinator,
            referral() as Parameters<typeof receiveReferral>[2],
          )
          const motherId = (
            await database.db
              .selectFrom('people')
              .select('id')
              .where('family_id', '=', made.familyId)
              .where('kind', '=', 'resident_parent')
              .executeTakeFirstOrThrow()
          ).id
          await recordConsent(ctx, coordinator, {
            personId: motherId,
            category: 'contact_details',
            recipient: { kind: 'other_agency', name: 'Ashbury Health Visitors' },
            purpose: 'other',
            evidence: 'written',
            givenOn: '2026-03-14',
          })
          const outcomes: string[] = []
          const expected: string[] = []
          for (const [label, input, outcome] of SCENARIOS) {
            const decided = await requestDisclosure(
              ctx,
              authoriser,
              input({ familyId: made.familyId, motherId }),
            )
            outcomes.push(`${label}: ${decided.status}:${decided.clauses.join(',')}`)
            expected.push(`${label}: ${outcome[name] ?? outcome.else}`)
            if (decided.status === 'awaiting_sign_off') {
              const signed = await confirmDisclosure(ctx, deputy, decided.id, {
                version: 1,
                personTold: false,
                notToldReason: 'it would put someone at risk',
              })
              assert.equal(
                signed.status,
                'released',
                `${label} is released once a second person signs it off`,
              )
            }
          }
          assert.deepEqual(outcomes, expected)
        }))
  })
}
