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
import { HavenError } from '../domain/errors.ts'
import { confirmDisclosure, listRegister, readRegisterEntry } from './disclosure-register.ts'
import { requestDisclosure, type DisclosureInput } from './disclosures.ts'
import { raiseIncident } from './incidents.ts'
import { receiveReferral } from './referrals.ts'

/**
 * The same disclosures asked of each of the five presets give the outcomes each preset's
 * clauses say (docs/CLAUSES.md): CAFCASS receives a safeguarding disclosure only at
 * Birmingham; only Chichester has a "required by law" path and asks for explicit (written)
 * permission; a risk of violence to anyone using the centre or working there lifts
 * confidentiality everywhere (decision 0027); everywhere, reports for family proceedings are
 * refused and contact details need the parent's consent, the former partner included.
 */
type Ids = { familyId: string; motherId: string; concernId: string }
type Scenario = [
  string,
  (ids: Ids) => DisclosureInput,
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
    'contact details to a former partner no consent names',
    ({ familyId, motherId }) => ({
      familyId,
      personId: motherId,
      category: 'contact_details',
      purpose: 'other',
      recipient: { kind: 'former_partner', name: 'Alex Brindle' },
    }),
    { else: 'refused:CONTACT' },
  ],
  [
    'contact details to the former partner, under the parent’s written consent',
    ({ familyId, motherId }) => ({
      familyId,
      personId: motherId,
      category: 'contact_details',
      purpose: 'other',
      recipient: { kind: 'former_partner', name: 'Sam Ashdown' },
    }),
    { else: 'awaiting_confirmation:CONTACT' },
  ],
  [
    'contact details to another agency, under the parent’s spoken consent',
    ({ familyId, motherId }) => ({
      familyId,
      personId: motherId,
      category: 'contact_details',
      purpose: 'other',
      recipient: { kind: 'other_agency', name: 'Ashbury Family Hub' },
    }),
    { chichester: 'refused:CONTACT', else: 'awaiting_confirmation:CONTACT' },
  ],
  [
    'a child at risk, to the police',
    ({ familyId, concernId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'safeguarding_child',
      atRisk: 'child',
      reason: 'a disclosure by the child',
      concernId,
      recipient: { kind: 'police', name: 'Ashbury Police' },
    }),
    { else: 'awaiting_sign_off:EXCEPT' },
  ],
  [
    'a child at risk, to CAFCASS',
    ({ familyId, concernId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'safeguarding_child',
      atRisk: 'child',
      reason: 'a disclosure by the child',
      concernId,
      recipient: { kind: 'cafcass', name: 'CAFCASS' },
    }),
    { birmingham: 'awaiting_sign_off:EXCEPT', else: 'refused:EXCEPT' },
  ],
  ...(['users', 'volunteers', 'staff', 'coordinator'] as const).map((atRisk): Scenario => [
    `${atRisk} at risk of violence, to the police`,
    ({ familyId, concernId }) => ({
      familyId,
      category: 'notes_or_reports',
      purpose: 'risk_of_violence',
      atRisk,
      reason: 'a threat at the door',
      concernId,
      recipient: { kind: 'police', name: 'Ashbury Police' },
    }),
    { else: 'awaiting_sign_off:EXCEPT' },
  ]),
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
          await recordConsent(ctx, coordinator, {
            personId: motherId,
            category: 'contact_details',
            recipient: { kind: 'former_partner', name: 'Sam Ashdown' },
            purpose: 'other',
            evidence: 'written',
            evidenceReference: 'signed form, synthetic',
            givenOn: '2026-03-14',
          })
          await recordConsent(ctx, coordinator, {
            personId: motherId,
            category: 'contact_details',
            recipient: { kind: 'other_agency', name: 'Ashbury Family Hub' },
            purpose: 'other',
            evidence: 'verbal',
            givenOn: '2026-03-14',
          })
          const concern = await raiseIncident(ctx, coordinator, {
            kind: 'safeguarding_concern',
            familyId: made.familyId,
            occurredAt: '2026-03-14T10:30',
            summary: 'Synthetic: a threat overheard at handover',
          })
          const outcomes: string[] = []
          const expected: string[] = []
          for (const [label, input, outcome] of SCENARIOS) {
            const decided = await requestDisclosure(
              ctx,
              authoriser,
              input({ familyId: made.familyId, motherId, concernId: concern.id }),
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

for (const dialect of await dialectsUnderTest()) {
  describe(
    `the former partner and exceptions, under every preset on ${dialect.name}`,
    {
      skip: dialect.skip,
    },
    () => {
      for (const name of PRESET_NAMES)
        it(`${name}: contact details go to the former partner only once the consent relied on is confirmed; an exception needs its reason and concern`, () =>
          withMigratedDatabase(dialect.name, async (database) => {
            const ctx = testContext(database, new TestClock())
            const { centre } = await createCentre(ctx, {
              name: 'Ashbury',
              slug: 'ashbury',
              coordinatorEmail: 'c@a.example.org',
              preset: name,
            })
            const coordinator = operatorActor(centre.id)
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
            const consent = await recordConsent(ctx, coordinator, {
              personId: motherId,
              category: 'contact_details',
              recipient: { kind: 'former_partner', name: 'Sam Ashdown' },
              purpose: 'other',
              evidence: 'written',
              givenOn: '2026-03-14',
            })
            const asked = await requestDisclosure(ctx, coordinator, {
              familyId: made.familyId,
              personId: motherId,
              category: 'contact_details',
              purpose: 'other',
              recipient: { kind: 'former_partner', name: 'Sam Ashdown' },
            })
            assert.equal(asked.status, 'awaiting_confirmation')
            const confirm = (extra: { consentId?: string }) =>
              confirmDisclosure(ctx, coordinator, asked.id, {
                version: 1,
                personTold: true,
                ...extra,
              })
            await assert.rejects(confirm({}), (error: unknown) => {
              assert.ok(error instanceof HavenError)
              assert.equal(error.code, 'invalid_input')
              assert.equal(error.field, 'consentId')
              assert.match(error.message, /consent you rely on/)
              return true
            })
            await assert.rejects(confirm({ consentId: ctx.newId() }), (error: unknown) => {
              assert.ok(error instanceof HavenError)
              assert.equal(error.code, 'conflict')
              assert.equal(error.field, 'consentId')
              return true
            })
            const waiting = await readRegisterEntry(ctx, coordinator, asked.id)
            assert.equal(waiting.status, 'awaiting_confirmation', 'nothing left unconfirmed')
            assert.equal(waiting.consent?.id, consent.id)
            const released = await confirm({ consentId: consent.id })
            if (released.status !== 'released') assert.fail('released once confirmed')
            assert.ok(released.contactDetails, 'the details, shown once to pass on')
            const entry = await readRegisterEntry(ctx, coordinator, asked.id)
            assert.equal(entry.status, 'released')
            assert.deepEqual(entry.recipient, { kind: 'former_partner', name: 'Sam Ashdown' })
            assert.equal(entry.consentState, 'live')
            assert.deepEqual(entry.decision.clauses, ['CONTACT'])
            assert.equal(entry.released?.what.kind, 'contact_details')
            assert.equal(entry.personTold, true)

            // EXCEPT: the reason and the safeguarding concern, or nothing enters the register.
            const before = await listRegister(ctx, coordinator, { limit: 500 })
            const exception: DisclosureInput = {
              familyId: made.familyId,
              category: 'notes_or_reports',
              purpose: 'risk_of_violence',
              atRisk: 'staff',
              recipient: { kind: 'police', name: 'Ashbury Police' },
            }
            for (const [input, field] of [
              [exception, 'reason'],
              [{ ...exception, reason: '   ' }, 'reason'],
              [{ ...exception, reason: 'a threat at the door' }, 'concernId'],
            ] as const)
              await assert.rejects(requestDisclosure(ctx, coordinator, input), (error: unknown) => {
                assert.ok(error instanceof HavenError)
                assert.equal(error.code, 'invalid_input')
                assert.equal(error.field, field)
                assert.deepEqual(error.clauses, ['EXCEPT'])
                return true
              })
            assert.equal(
              (await listRegister(ctx, coordinator, { limit: 500 })).length,
              before.length,
            )
          }))
    },
  )
}
