import assert from 'node:assert/strict'
import { readFileSync, existsSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import {
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { referral } from '../../test/support/cases.ts'
import { preset, PRESET_NAMES } from '../domain/policy/presets.ts'
import type { Database } from '../storage/database.ts'
import { insertContactSessions, insertRooms } from '../storage/sessions.ts'
import { operatorActor, type Actor } from './actor.ts'
import { createCentre } from './centres.ts'
import { recordConsent } from './consents.ts'
import type { AppContext } from './context.ts'
import { revealContactDetails } from './contact-details.ts'
import { setLegalHold } from './disposal-views.ts'
import { requestDisclosure } from './disclosures.ts'
import { askGuidance } from './guidance.ts'
import { raiseIncident } from './incidents.ts'
import { moveReferral, receiveReferral } from './referrals.ts'
import { readFamily } from './families.ts'
import { approveDisposalRun, previewDisposal, startDisposalRun } from './retention.ts'

const MARK = `R${String(Math.random()).slice(2, 10)}`
/** Clear-text markers in records of every category, to look for in the raw database. */
const marksOf = (tag: string) => ({
  familyName: `Trelawny${tag}${MARK}`,
  consent: `consent-form-${tag}${MARK}`,
  incident: `incident-${tag}${MARK}`,
  concern: `concern-${tag}${MARK}`,
  accident: `accident-${tag}${MARK}`,
  guidance: `guidance-${tag}${MARK}`,
  disclosure: `reason-${tag}${MARK}`,
  violence: `violence-${tag}${MARK}`,
  register: `register-${tag}${MARK}`,
})
const MARKS = {
  ...marksOf('old'),
  loneAccident: `lone-accident-${MARK}`,
  loneGuidance: `lone-guidance-${MARK}`,
}
const YEAR_MS = 365.25 * 24 * 3600_000

/** A family with records in every category, made on the clock's day. */
async function familyWithEverything(
  ctx: AppContext,
  database: Database,
  actor: Actor,
  tag: string,
) {
  const marks = marksOf(tag)
  const name = marks.familyName
  const base = referral()
  const [mother, father] = base.parents
  const made = await receiveReferral(ctx, actor, {
    ...base,
    parents: [
      { ...mother, familyName: name, kind: 'resident_parent' },
      { ...father, kind: 'non_resident_parent' },
    ],
  } as Parameters<typeof receiveReferral>[2])
  const people = await database.db
    .selectFrom('people')
    .select(['id', 'kind'])
    .where('family_id', '=', made.familyId)
    .execute()
  const motherId = people.find((p) => p.kind === 'resident_parent')?.id ?? ''
  const today = ctx.now().toISOString().slice(0, 10)
  await recordConsent(ctx, actor, {
    personId: motherId,
    category: 'contact_details',
    recipient: { kind: 'other_agency', name: 'Ashbury GP Surgery' },
    purpose: 'other',
    evidence: 'written',
    evidenceReference: marks.consent,
    givenOn: today,
  })
  const at = `${today}T09:00`
  const raised: Record<string, string> = {}
  for (const [kind, summary] of [
    ['incident', marks.incident],
    ['safeguarding_concern', marks.concern],
    ['accident', marks.accident],
  ] as const)
    raised[kind] = (
      await raiseIncident(ctx, actor, { kind, familyId: made.familyId, occurredAt: at, summary })
    ).id
  await askGuidance(ctx, actor, { familyId: made.familyId, question: marks.guidance })
  await requestDisclosure(ctx, actor, {
    familyId: made.familyId,
    category: 'notes_or_reports',
    purpose: 'safeguarding_child',
    atRisk: 'child',
    recipient: { kind: 'police', name: 'Ashbury Police' },
    reason: marks.disclosure,
    concernId: raised.safeguarding_concern,
  })
  await requestDisclosure(ctx, actor, {
    familyId: made.familyId,
    category: 'notes_or_reports',
    purpose: 'risk_of_violence',
    atRisk: 'users',
    recipient: { kind: 'police', name: 'Ashbury Police' },
    reason: marks.violence,
    concernId: raised.safeguarding_concern,
  })
  await requestDisclosure(ctx, actor, {
    familyId: made.familyId,
    category: 'other',
    purpose: 'other',
    recipient: { kind: 'other_agency', name: 'Ashbury Housing' },
    reason: marks.register,
  })
  const roomId = ctx.newId()
  await insertRooms(database.db, [{ id: roomId, centreId: actor.centreId, name: `Room ${tag}` }])
  await insertContactSessions(database.db, [
    {
      id: ctx.newId(),
      centreId: actor.centreId,
      familyId: made.familyId,
      roomId,
      kind: 'supported',
      startsAt: `${today}T10:00`,
      endsAt: `${today}T12:00`,
      status: 'attended',
      createdAt: ctx.now().toISOString(),
    },
  ])
  return { familyId: made.familyId, motherId }
}

/** What the raw database holds: the SQLite file and its write-ahead log, or every PostgreSQL row. */
async function rawContents(database: Database, dataDir: string): Promise<string> {
  if (database.dialect === 'postgres') return dumpEveryTable(database)
  return ['haven.db', 'haven.db-wal']
    .map((file) => path.join(dataDir, file))
    .filter((file) => existsSync(file))
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n')
}

const count = async (
  database: Database,
  table:
    | 'families'
    | 'people'
    | 'referrals'
    | 'contact_sessions'
    | 'consents'
    | 'disclosures'
    | 'guidance_requests',
  familyId: string,
) =>
  Number(
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string | number>().as('n'))
        .where(table === 'families' ? 'id' : 'family_id', '=', familyId)
        .executeTakeFirstOrThrow()
    ).n,
  )

for (const dialect of await dialectsUnderTest()) {
  describe(`retention and disposal on ${dialect.name} (RETAIN)`, { skip: dialect.skip }, () => {
    for (const name of PRESET_NAMES) {
      it(`under the ${name} preset destroys what has gone unused, keeps what the policy keeps, and leaves no trace`, () =>
        withMigratedDatabase(dialect.name, async (database, scratch) => {
          const clock = new TestClock('2020-06-01T10:00:00Z')
          const ctx = testContext(database, clock)
          const { centre } = await createCentre(ctx, {
            name: 'Ashbury',
            slug: 'ashbury',
            coordinatorEmail: 'c@ashbury.example.org',
            preset: name,
          })
          const actor = operatorActor(centre.id)
          const old = await familyWithEverything(ctx, database, actor, 'old')
          const held = await familyWithEverything(ctx, database, actor, 'held')
          await setLegalHold(ctx, { ...actor, roles: ['coordinator'] }, held.familyId, {
            isOnHold: true,
            reason: 'court proceedings',
          })
          await raiseIncident(ctx, actor, {
            kind: 'accident',
            occurredAt: '2020-06-01T09:30',
            summary: MARKS.loneAccident,
          })
          await askGuidance(ctx, actor, { question: MARKS.loneGuidance })

          const policy = preset(name).parameters.retention
          clock.advance((policy.years - 1) * YEAR_MS)
          assert.equal(
            (await previewDisposal(ctx, centre.id)).items.length,
            0,
            'nothing is due a year early',
          )
          clock.advance(2 * YEAR_MS)
          const recent = await familyWithEverything(ctx, database, actor, 'recent')

          const before = await rawContents(database, scratch.dataDir)
          for (const mark of Object.values(MARKS))
            assert.ok(before.includes(mark), `the test can see ${mark}`)

          const people = await count(database, 'people', old.familyId)
          const run = await startDisposalRun(ctx, centre.id, undefined)
          assert.equal(run.status, 'awaiting_approval')
          const plan = await previewDisposal(ctx, centre.id)
          const kept = new Set<string>(policy.keptIndefinitely)
          assert.deepEqual(
            plan.items.filter((i) => i.kind === 'family').map((i) => i.id),
            [old.familyId],
            'the family unused for the years, not the recent one nor the one on hold',
          )
          assert.equal(
            plan.items.filter((i) => i.kind !== 'family').length,
            kept.has('accident_book') ? 1 : 2,
          )
          assert.equal(plan.familiesOnHold, 1)

          const volunteer = { ...actor, accountId: ctx.newId(), roles: ['volunteer' as const] }
          await assert.rejects(
            approveDisposalRun(ctx, volunteer, run.runId ?? '', { familiesToDestroy: 1 }),
            /not_found|no such/,
          )
          const certificate = await approveDisposalRun(ctx, actor, run.runId ?? '', {
            familiesToDestroy: 1,
          })
          assert.equal(certificate.clause, 'RETAIN')
          assert.equal(certificate.families.wholly + certificate.families.partly, 1)
          assert.equal(certificate.destroyed.session_record, 1)
          assert.equal(certificate.destroyed.consent, 1)
          const certificateText = JSON.stringify(certificate)
          for (const mark of Object.values(MARKS)) assert.ok(!certificateText.includes(mark))

          const after = await rawContents(database, scratch.dataDir)
          const gone = [
            MARKS.consent,
            MARKS.incident,
            MARKS.guidance,
            MARKS.register,
            MARKS.loneGuidance,
          ]
          if (!kept.has('referral')) gone.push(MARKS.familyName)
          if (!kept.has('safeguarding')) gone.push(MARKS.concern, MARKS.violence)
          if (!kept.has('child_protection')) gone.push(MARKS.disclosure)
          if (!kept.has('accident_book')) gone.push(MARKS.accident, MARKS.loneAccident)
          for (const mark of gone)
            assert.ok(!after.includes(mark), `${mark} is destroyed, in the raw file too`)
          for (const mark of Object.values(MARKS).filter((m) => !gone.includes(m)))
            assert.ok(after.includes(mark), `${mark} is kept, as the policy says`)

          assert.equal(await count(database, 'contact_sessions', old.familyId), 0)
          assert.equal(await count(database, 'consents', old.familyId), 0)
          // Safeguarding and child protection disclosures stay where the policy keeps them
          // (Birmingham), still naming the family and the people they are about.
          const disclosures = await database.db
            .selectFrom('disclosures')
            .select(['purpose', 'subject_person_id'])
            .where('family_id', '=', old.familyId)
            .execute()
          assert.deepEqual(disclosures.map((d) => d.purpose).sort(), [
            ...(kept.has('safeguarding') ? ['risk_of_violence'] : []),
            ...(kept.has('child_protection') ? ['safeguarding_child'] : []),
          ])
          if (kept.has('child_protection')) {
            assert.equal(certificate.kept.child_protection, 1)
            assert.equal(await count(database, 'people', old.familyId), people, 'whom it is about')
          } else assert.equal(certificate.destroyed.child_protection, 1)
          assert.equal(
            await count(database, 'referrals', old.familyId),
            kept.has('referral') ? 1 : 0,
          )
          assert.equal(await count(database, 'families', old.familyId), kept.size === 0 ? 0 : 1)
          const shredded = await database.db
            .selectFrom('families')
            .select('wrapped_key')
            .where('id', '=', old.familyId)
            .executeTakeFirst()
          assert.ok(
            shredded === undefined || shredded.wrapped_key === 'shredded',
            'the key went first',
          )
          if (kept.has('referral')) {
            const revealed = await revealContactDetails(ctx, actor, old.motherId, 'checking')
            assert.deepEqual(revealed, {
              effect: 'permit',
              clauses: ['CONTACT'],
              contactDetails: {},
            })
          } else
            await assert.rejects(
              revealContactDetails(ctx, actor, old.motherId, 'checking'),
              /no such person/,
            )
          const remaining = await database.db
            .selectFrom('people')
            .select(['address_ciphertext', 'phone_ciphertext'])
            .where('family_id', '=', old.familyId)
            .execute()
          assert.ok(
            remaining.every((p) => p.address_ciphertext === null && p.phone_ciphertext === null),
          )

          for (const untouched of [held, recent]) {
            assert.equal(await count(database, 'contact_sessions', untouched.familyId), 1)
            const reveal = await revealContactDetails(ctx, actor, untouched.motherId, 'still here')
            assert.equal(reveal.effect, 'permit')
          }
          const ledger = await database.db
            .selectFrom('disposal_ledger')
            .select(['item_kind', 'item_id'])
            .execute()
          assert.ok(ledger.some((e) => e.item_id === old.familyId))
          const { rows } = await sql<{
            n: number
          }>`select count(*) as n from disposal_items where outcome = 'disposed'`.execute(
            database.db,
          )
          assert.equal(Number(rows[0]?.n), plan.items.length)
          assert.equal((await previewDisposal(ctx, centre.id)).items.length, 0, 'nothing left due')
        }))
    }

    it('counts business activity as use, and a glance as none', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2020-06-01T10:00:00Z')
        const ctx = testContext(database, clock)
        const { centre } = await createCentre(ctx, {
          name: 'Ashbury',
          slug: 'ashbury',
          coordinatorEmail: 'c@ashbury.example.org',
        })
        const actor = operatorActor(centre.id)
        const glanced = await receiveReferral(
          ctx,
          actor,
          referral() as Parameters<typeof receiveReferral>[2],
        )
        const moved = await receiveReferral(
          ctx,
          actor,
          referral() as Parameters<typeof receiveReferral>[2],
        )
        clock.advance(3.5 * YEAR_MS)
        await readFamily(ctx, actor, glanced.familyId)
        await moveReferral(ctx, actor, moved.referralId, { to: 'pre_visits', version: 1 })
        const plan = await previewDisposal(ctx, centre.id)
        assert.deepEqual(
          plan.items.map((i) => i.id),
          [glanced.familyId],
          'reading a record is not using it; moving its referral on is',
        )
      }))
  })
}
