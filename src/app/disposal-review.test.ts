import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { referral } from '../../test/support/cases.ts'
import { pdfText } from '../../test/support/pdf.ts'
import { isHavenError } from '../domain/errors.ts'
import type { Database } from '../storage/database.ts'
import { operatorActor, type Actor } from './actor.ts'
import { createCentre } from './centres.ts'
import type { AppContext } from './context.ts'
import {
  disposalCertificatePdf,
  keepFamilyOutOfRun,
  readDisposalRun,
  reviewDisposalRun,
  setLegalHold,
} from './disposal-views.ts'
import { receiveReferral } from './referrals.ts'
import { approveDisposalRun, planDisposalRunNow, startDisposalRun } from './retention.ts'

/**
 * Disposal you can see before you approve (decision 0041, RETAIN): a run lists its families by
 * reference; a family held or excluded with a reason is never destroyed by the run; an
 * approval names how many families it destroys and is refused when that is not the run's
 * number now, or when the run changed since the version named.
 */
const YEAR_MS = 365.25 * 24 * 3600_000
const NAME = /Morwenna|Trelawny|Idris|Pengelly|Elowen/

interface Old {
  ctx: AppContext
  clock: TestClock
  centreId: string
  coordinator: Actor
  families: { id: string; reference: string }[]
}

/** A centre with `count` families referred four years ago and not used since. */
async function centreWithOldFamilies(database: Database, count: number): Promise<Old> {
  const clock = new TestClock('2021-06-01T10:00:00Z')
  const ctx = testContext(database, clock)
  const { centre } = await createCentre(ctx, {
    name: 'Ashbury',
    slug: 'ashbury',
    coordinatorEmail: 'c@ashbury.example.org',
  })
  const coordinator = operatorActor(centre.id)
  const families: { id: string; reference: string }[] = []
  for (let i = 0; i < count; i += 1) {
    const made = await receiveReferral(
      ctx,
      coordinator,
      referral() as Parameters<typeof receiveReferral>[2],
    )
    const row = await database.db
      .selectFrom('families')
      .select('reference')
      .where('id', '=', made.familyId)
      .executeTakeFirstOrThrow()
    families.push({ id: made.familyId, reference: row.reference })
  }
  clock.advance(4 * YEAR_MS)
  return { ctx, clock, centreId: centre.id, coordinator, families }
}

const familiesLeft = async (database: Database, ids: readonly string[]) =>
  (
    await database.db
      .selectFrom('families')
      .select('id')
      .where('id', 'in', [...ids])
      .where('disposed_on', 'is', null)
      .execute()
  ).map((r) => r.id)

/** The error a use case threw: its code, field and message. */
async function refusal(work: Promise<unknown>): Promise<{ code: string; field?: string }> {
  try {
    await work
  } catch (error) {
    if (isHavenError(error))
      return { code: error.code, ...(error.field === undefined ? {} : { field: error.field }) }
    throw error
  }
  assert.fail('expected a refusal')
}

for (const dialect of await dialectsUnderTest()) {
  describe(
    `a disposal run seen before it is approved on ${dialect.name} (RETAIN)`,
    {
      skip: dialect.skip,
    },
    () => {
      it('lists each family by its reference, with what goes, what stays and why it is due', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const old = await centreWithOldFamilies(database, 3)
          const planned = await planDisposalRunNow(old.ctx, old.coordinator)
          assert.equal(planned.status, 'awaiting_approval')
          assert.equal(planned.familiesToDestroy, 3)
          const run = await reviewDisposalRun(old.ctx, old.coordinator, planned.runId ?? '', {
            number: 1,
            size: 2,
          })
          assert.equal(run.retentionYears, 3, 'the rule the run was planned under')
          assert.equal(run.familiesToDestroy, 3)
          assert.equal(run.hasNext, true, 'a long run comes in pages')
          const references = old.families.map((f) => f.reference).sort()
          assert.deepEqual(
            run.items.map((i) => i.reference),
            references.slice(0, 2),
            'by reference, in order',
          )
          const first = run.items[0]
          assert.equal(first?.people, 3, 'two parents and a child')
          assert.equal(first.destroy.family_record, 1)
          assert.equal(first.destroy.referral, 1)
          assert.equal(first.lastUsedOn, '2021-06-01')
          assert.equal(first.dueOn, '2024-06-01')
          assert.equal(first.state, 'to_destroy')
          const second = await reviewDisposalRun(old.ctx, old.coordinator, planned.runId ?? '', {
            number: 2,
            size: 2,
          })
          assert.deepEqual(
            second.items.map((i) => i.reference),
            references.slice(2),
          )
          assert.equal(second.hasNext, false)
          assert.doesNotMatch(JSON.stringify([run, second]), NAME, 'no names, only references')
        }))

      it('destroys neither a family held nor one excluded, and names both on the certificate', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const old = await centreWithOldFamilies(database, 3)
          const [held, excluded, gone] = old.families
          assert.ok(held && excluded && gone)
          const planned = await startDisposalRun(old.ctx, old.centreId, undefined)
          const runId = planned.runId ?? ''
          const reasonHeld = 'Solicitor asked us to keep the file for an appeal'
          const reasonExcluded = 'Family may return next month'
          assert.deepEqual(
            await keepFamilyOutOfRun(old.ctx, old.coordinator, runId, held.id, {
              as: 'held',
              reason: `  ${reasonHeld}  `,
            }),
            { as: 'held', familiesToDestroy: 2 },
          )
          assert.deepEqual(
            await keepFamilyOutOfRun(old.ctx, old.coordinator, runId, excluded.id, {
              as: 'excluded',
              reason: reasonExcluded,
            }),
            { as: 'excluded', familiesToDestroy: 1 },
          )
          const review = await reviewDisposalRun(old.ctx, old.coordinator, runId, {
            number: 1,
            size: 100,
          })
          const byId = new Map(review.items.map((i) => [i.itemId, i]))
          assert.equal(byId.get(held.id)?.state, 'held')
          assert.equal(byId.get(held.id)?.kept?.reason, reasonHeld, 'the reason, trimmed')
          assert.equal(byId.get(excluded.id)?.state, 'excluded')
          assert.equal(byId.get(excluded.id)?.kept?.reason, reasonExcluded)
          const family = await database.db
            .selectFrom('families')
            .select(['is_on_legal_hold', 'legal_hold_reason'])
            .where('id', '=', held.id)
            .executeTakeFirstOrThrow()
          assert.equal(family.is_on_legal_hold, 1, 'a hold is a legal hold on the family')
          assert.equal(family.legal_hold_reason, reasonHeld)

          const certificate = await approveDisposalRun(old.ctx, old.coordinator, runId, {
            familiesToDestroy: 1,
            version: review.version,
          })
          assert.equal(certificate.families.wholly + certificate.families.partly, 1)
          assert.deepEqual(
            certificate.keptBack,
            [
              { reference: held.reference, as: 'held' },
              { reference: excluded.reference, as: 'excluded' },
            ].sort((a, b) => (a.reference < b.reference ? -1 : 1)),
          )
          assert.deepEqual(
            (await familiesLeft(database, [held.id, excluded.id, gone.id])).sort(),
            [held.id, excluded.id].sort(),
            'only the family to destroy is destroyed',
          )
          const pdf = await pdfText(
            (await disposalCertificatePdf(old.ctx, old.coordinator, runId)).body.slice().buffer,
          )
          assert.match(pdf, new RegExp(`${held.reference}\\s+On legal hold`))
          assert.match(pdf, new RegExp(`${excluded.reference}\\s+Excluded from this run`))
          assert.ok(!pdf.includes(reasonHeld) && !pdf.includes(reasonExcluded), 'no reasons')
          assert.ok(!pdf.includes(gone.reference), 'destroyed families are counted, not named')

          const kept = await database.db
            .selectFrom('audit_log')
            .select(['details', 'subject_id'])
            .where('type', '=', 'disposal.family_kept')
            .execute()
          assert.equal(kept.length, 2, 'each keeping audited')
          for (const entry of kept) {
            assert.equal(entry.subject_id, runId)
            assert.match(entry.details, /"reasonGiven":true/)
            assert.ok(!entry.details.includes('Solicitor') && !entry.details.includes('return'))
          }
          const approved = await database.db
            .selectFrom('audit_log')
            .select('details')
            .where('type', '=', 'disposal.approved')
            .executeTakeFirstOrThrow()
          assert.match(approved.details, /"families":1/)
        }))

      it('refuses an approval that names another count, or a run changed since it was read', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const old = await centreWithOldFamilies(database, 3)
          const [excluded] = old.families
          assert.ok(excluded)
          const runId = (await startDisposalRun(old.ctx, old.centreId, undefined)).runId ?? ''
          const seen = await readDisposalRun(old.ctx, old.coordinator, runId, {
            afterId: '',
            limit: 10,
          })
          assert.equal(seen.familiesToDestroy, 3)
          for (const wrong of [0, 2, 4, 24])
            assert.deepEqual(
              await refusal(
                approveDisposalRun(old.ctx, old.coordinator, runId, { familiesToDestroy: wrong }),
              ),
              { code: 'conflict', field: 'familiesToDestroy' },
              `${String(wrong)} is not the run's count`,
            )
          await keepFamilyOutOfRun(old.ctx, old.coordinator, runId, excluded.id, {
            as: 'excluded',
            reason: 'checking with the referrer',
          })
          // The page loaded before the exclusion: its count and its version are both stale.
          assert.deepEqual(
            await refusal(
              approveDisposalRun(old.ctx, old.coordinator, runId, {
                familiesToDestroy: 3,
                version: seen.version,
              }),
            ),
            { code: 'conflict', field: 'familiesToDestroy' },
          )
          // The right count from a stale page is refused too: the run changed since.
          assert.deepEqual(
            await refusal(
              approveDisposalRun(old.ctx, old.coordinator, runId, {
                familiesToDestroy: 2,
                version: seen.version,
              }),
            ),
            { code: 'conflict', field: 'familiesToDestroy' },
          )
          // A hold placed on the family's own page changes the run as well.
          const [, heldElsewhere] = old.families
          assert.ok(heldElsewhere)
          const before = await readDisposalRun(old.ctx, old.coordinator, runId, {
            afterId: '',
            limit: 10,
          })
          await setLegalHold(old.ctx, old.coordinator, heldElsewhere.id, {
            isOnHold: true,
            reason: 'court order pending',
          })
          // Even naming the new count: the page was drawn before the hold.
          assert.deepEqual(
            await refusal(
              approveDisposalRun(old.ctx, old.coordinator, runId, {
                familiesToDestroy: 1,
                version: before.version,
              }),
            ),
            { code: 'conflict', field: 'familiesToDestroy' },
          )
          assert.equal(
            (
              await familiesLeft(
                database,
                old.families.map((f) => f.id),
              )
            ).length,
            3,
            'nothing refused destroyed anything',
          )
          const now = await readDisposalRun(old.ctx, old.coordinator, runId, {
            afterId: '',
            limit: 10,
          })
          assert.equal(now.familiesToDestroy, 1)
          await approveDisposalRun(old.ctx, old.coordinator, runId, {
            familiesToDestroy: 1,
            version: now.version,
          })
          assert.deepEqual(
            (
              await familiesLeft(
                database,
                old.families.map((f) => f.id),
              )
            ).sort(),
            [excluded.id, heldElsewhere.id].sort(),
          )
          assert.deepEqual(
            await refusal(
              keepFamilyOutOfRun(old.ctx, old.coordinator, runId, excluded.id, {
                as: 'held',
                reason: 'too late',
              }),
            ),
            { code: 'conflict' },
            'nothing is kept out of a run once approved',
          )
        }))

      it('requires a reason of at most 500 characters, and the family once', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const old = await centreWithOldFamilies(database, 2)
          const [one, two] = old.families
          assert.ok(one && two)
          const runId = (await startDisposalRun(old.ctx, old.centreId, undefined)).runId ?? ''
          for (const [as, reason] of [
            ['held', ''],
            ['excluded', '   \n '],
            ['excluded', 'x'.repeat(501)],
          ] as const)
            assert.deepEqual(
              await refusal(
                keepFamilyOutOfRun(old.ctx, old.coordinator, runId, one.id, { as, reason }),
              ),
              { code: 'invalid_input', field: 'reason' },
            )
          const volunteer = {
            ...old.coordinator,
            accountId: old.ctx.newId(),
            roles: ['volunteer' as const],
          }
          assert.equal(
            (
              await refusal(
                keepFamilyOutOfRun(old.ctx, volunteer, runId, one.id, {
                  as: 'excluded',
                  reason: 'not theirs to say',
                }),
              )
            ).code,
            'forbidden',
            'a volunteer keeps nothing out of a run (RETAIN)',
          )
          assert.deepEqual(
            await refusal(
              keepFamilyOutOfRun(old.ctx, old.coordinator, runId, old.ctx.newId(), {
                as: 'excluded',
                reason: 'no such family',
              }),
            ),
            { code: 'not_found' },
          )
          await keepFamilyOutOfRun(old.ctx, old.coordinator, runId, one.id, {
            as: 'excluded',
            reason: 'x'.repeat(500),
          })
          assert.deepEqual(
            await refusal(
              keepFamilyOutOfRun(old.ctx, old.coordinator, runId, one.id, {
                as: 'held',
                reason: 'again',
              }),
            ),
            { code: 'conflict' },
            'kept once',
          )
          assert.equal(
            (await readDisposalRun(old.ctx, old.coordinator, runId, { afterId: '', limit: 9 }))
              .familiesToDestroy,
            1,
          )
        }))

      it('carries an exclusion into the run that replaces the one waiting, keeps a held family listed, and clears a reason once the family goes', () =>
        withMigratedDatabase(dialect.name, async (database) => {
          const old = await centreWithOldFamilies(database, 2)
          const [excluded, held] = old.families
          assert.ok(excluded && held)
          const first = (await startDisposalRun(old.ctx, old.centreId, undefined)).runId ?? ''
          await keepFamilyOutOfRun(old.ctx, old.coordinator, first, held.id, {
            as: 'held',
            reason: 'hold for the court',
          })
          const unchanged = await startDisposalRun(old.ctx, old.centreId, undefined)
          assert.equal(unchanged.status, 'unchanged', 'a hold alone does not replace the run')
          assert.equal(unchanged.runId, first)
          await keepFamilyOutOfRun(old.ctx, old.coordinator, first, excluded.id, {
            as: 'excluded',
            reason: 'ask again next week',
          })
          // A new family falls due: the daily plan replaces the run waiting.
          const later = await receiveReferral(
            { ...old.ctx, now: () => new Date(old.clock.now().getTime() - 4 * YEAR_MS) },
            old.coordinator,
            referral() as Parameters<typeof receiveReferral>[2],
          )
          const replaced = await startDisposalRun(old.ctx, old.centreId, undefined)
          assert.equal(replaced.status, 'awaiting_approval')
          assert.notEqual(replaced.runId, first)
          assert.equal(replaced.familiesToDestroy, 1, 'only the new family: the exclusion carried')
          const second = replaced.runId ?? ''
          const review = await reviewDisposalRun(old.ctx, old.coordinator, second, {
            number: 1,
            size: 10,
          })
          assert.deepEqual(
            review.items.map((i) => [i.itemId, i.state]).sort(),
            [
              [excluded.id, 'excluded'],
              [later.familyId, 'to_destroy'],
            ].sort(),
          )
          await approveDisposalRun(old.ctx, old.coordinator, second, { familiesToDestroy: 1 })
          assert.deepEqual(
            (await familiesLeft(database, [excluded.id, held.id, later.familyId])).sort(),
            [excluded.id, held.id].sort(),
          )
          // The excluded family, due again at the next run, is destroyed: its reasons go with it.
          const third = await startDisposalRun(old.ctx, old.centreId, undefined)
          assert.equal(third.familiesToDestroy, 1)
          await approveDisposalRun(old.ctx, old.coordinator, third.runId ?? '', {
            familiesToDestroy: 1,
          })
          const reasons = await database.db
            .selectFrom('disposal_items')
            .select(['item_id', 'kept_as', 'kept_reason'])
            .where('kept_as', 'is not', null)
            .execute()
          for (const item of reasons.filter((r) => r.item_id === excluded.id))
            assert.equal(item.kept_reason, null, 'why it was once kept is destroyed with it')
          assert.ok(
            reasons.some((r) => r.item_id === held.id && r.kept_reason === 'hold for the court'),
            'a held family keeps its reason',
          )
        }))
    },
  )
}
