import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, invite, testApp } from '../../test/support/accounts.ts'
import { ADDRESS, linkParents, PHONE, referral } from '../../test/support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import { pdfText } from '../../test/support/pdf.ts'

interface View {
  id: string
  status: string
  dueOn: string
  daysLeft: number
  isPaused: boolean
  version: number
  identity: { status: string }
  withheld?: { item: string; ground: string; clause: string }[]
}
const FATHER_ADDRESS = '2 Tidewater Row, Q9 1AA'

for (const dialect of await dialectsUnderTest()) {
  describe(`subject access on ${dialect.name} (SAR)`, { skip: dialect.skip }, () => {
    it('keeps the clock, compiles the subject’s own data, withholds the rest with its ground, and never shows the other parent’s details', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const mother = await invite(ctx, app, centreId, 'ashbury', 'm@example.org', ['parent'])
        const father = await invite(ctx, app, centreId, 'ashbury', 'f@example.org', ['parent'])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const { motherId, fatherId } = await linkParents(
          ctx,
          centreId,
          coordinator,
          made.body.familyId,
          {
            mother: mother.accountId,
            father: father.accountId,
          },
        )
        await coordinator.client.json('POST', '/api/incidents', {
          kind: 'safeguarding_concern',
          familyId: made.body.familyId,
          occurredAt: '2026-03-01T10:00',
          summary: 'Worried about a remark at handover',
        })

        const unknown = await coordinator.client.json('POST', '/api/subject-access', {
          personId: ctx.newId(),
          receivedOn: '2026-01-31',
        })
        assert.equal(unknown.status, 404, 'a person the centre does not hold')
        const none = await coordinator.client.json<{ requests: unknown[] }>(
          'GET',
          '/api/subject-access',
        )
        assert.deepEqual(none.body.requests, [], 'and nothing was written')

        const opened = await coordinator.client.json<View>('POST', '/api/subject-access', {
          personId: motherId,
          receivedOn: '2026-01-31',
        })
        assert.equal(opened.status, 201, JSON.stringify(opened.body))
        assert.equal(opened.body.identity.status, 'awaiting')
        assert.equal(opened.body.isPaused, true, 'the clock stands still until identity is checked')
        assert.equal(opened.body.dueOn, '2026-04-14')
        const chair = await invite(ctx, app, centreId, 'ashbury', 'chair@example.org', ['chair'])
        const byChair = await chair.client.json<{ requests: { subject?: unknown }[] }>(
          'GET',
          '/api/subject-access',
        )
        assert.equal(byChair.body.requests.length, 1, 'the committee follows the clocks')
        assert.equal(byChair.body.requests[0]?.subject, undefined, 'but not whose they are')
        assert.doesNotMatch(JSON.stringify(byChair.body), /Trelawny|Morwenna/)
        const byCoordinator = await coordinator.client.json<{
          requests: { subject?: { name: string } }[]
        }>('GET', '/api/subject-access')
        assert.equal(byCoordinator.body.requests[0]?.subject?.name, 'Morwenna Trelawny')
        const id = opened.body.id
        const early = await coordinator.client.call('GET', `/api/subject-access/${id}/bundle.pdf`)
        assert.equal(early.status, 409, 'no bundle before identity is checked')

        const event = (version: number, body: Record<string, unknown>) =>
          coordinator.client.json<View>('POST', `/api/subject-access/${id}/events`, {
            version,
            event: body,
          })
        const verified = await event(1, {
          kind: 'identity_verified',
          method: 'passport seen',
          on: '2026-02-10',
        })
        assert.equal(verified.status, 200, JSON.stringify(verified.body))
        assert.equal(
          verified.body.dueOn,
          '2026-03-10',
          'one month from the day identity was checked',
        )
        assert.equal(verified.body.daysLeft, -4)
        assert.equal((await event(1, { kind: 'clarification_asked' })).status, 409, 'stale version')
        await event(2, { kind: 'clarification_asked', on: '2026-03-01' })
        const clarified = await event(3, { kind: 'clarification_received', on: '2026-03-05' })
        assert.equal(clarified.body.dueOn, '2026-03-14')
        const extended = await event(4, {
          kind: 'extended',
          months: 2,
          reason: 'many records to review',
        })
        assert.equal(extended.body.dueOn, '2026-05-14')
        const tooLong = await event(5, { kind: 'extended', months: 1, reason: 'more' })
        assert.equal(tooLong.status, 400, 'two months at most')

        const pdf = await coordinator.client.call('GET', `/api/subject-access/${id}/bundle.pdf`)
        assert.equal(pdf.status, 200)
        const text = await pdfText(await pdf.arrayBuffer())
        assert.match(text, /Your subject access request/)
        assert.ok(
          text.includes(ADDRESS) && text.includes(PHONE),
          'her own contact details are hers',
        )
        assert.match(text, /ZE26C00417/)
        for (const other of [FATHER_ADDRESS, 'Idris', 'Elowen', 'Worried about a remark'])
          assert.ok(!text.includes(other), `withheld: ${other}`)
        const json = await coordinator.client.call('GET', `/api/subject-access/${id}/bundle.json`)
        const bundle = (await json.json()) as {
          subject: Record<string, string>
          withheld: { item: string; clause: string; ground: string }[]
        }
        assert.equal(bundle.subject.Address, ADDRESS)
        assert.ok(!JSON.stringify(bundle).includes(FATHER_ADDRESS))
        const clauses = new Set(bundle.withheld.map((w) => w.clause))
        assert.ok(clauses.has('CONTACT') && clauses.has('SAR'), [...clauses].join())
        assert.ok(
          bundle.withheld.some((w) =>
            /a safeguarding record is also other people's data/.test(w.ground),
          ),
          'a safeguarding record names others; no violent-crime exemption here (Preston only)',
        )
        assert.ok(!bundle.withheld.some((w) => /violent crime/.test(w.ground)))
        const read = await coordinator.client.json<View>('GET', `/api/subject-access/${id}`)
        assert.equal(
          read.body.withheld?.length,
          bundle.withheld.length,
          'each withholding recorded',
        )

        const notYet = await mother.client.call('GET', `/api/subject-access/${id}/bundle.json`)
        assert.equal(notYet.status, 409)
        const otherParent = await father.client.call('GET', `/api/subject-access/${id}/bundle.json`)
        assert.equal(otherParent.status, 404, 'the other parent cannot reach her request')
        await event(5, { kind: 'completed' })
        const hers = await mother.client.call('GET', `/api/subject-access/${id}/bundle.json`)
        assert.equal(hers.status, 200)
        assert.ok((await hers.text()).includes(ADDRESS))

        const his = await father.client.json<View>('POST', '/api/subject-access', {
          personId: fatherId,
        })
        assert.equal(his.status, 201)
        assert.equal(his.body.identity.status, 'verified', 'his account is his identity')
        const fathers = await coordinator.client.call(
          'GET',
          `/api/subject-access/${his.body.id}/bundle.json`,
        )
        const fatherText = await fathers.text()
        assert.ok(fatherText.includes(FATHER_ADDRESS))
        for (const marker of [ADDRESS, PHONE, 'Morwenna'])
          assert.ok(!fatherText.includes(marker), `the mother's ${marker} never reaches the father`)
        const theirs = await mother.client.json('POST', '/api/subject-access', {
          personId: fatherId,
        })
        assert.equal(theirs.status, 404, 'a parent asks only for their own data')

        const list = await coordinator.client.json<{ requests: View[] }>(
          'GET',
          '/api/subject-access',
        )
        assert.deepEqual(
          list.body.requests.map((r) => r.id),
          [his.body.id],
          'open requests only, by days left',
        )
        const own = await father.client.json<{ requests: View[] }>('GET', '/api/subject-access')
        assert.deepEqual(
          own.body.requests.map((r) => r.id),
          [his.body.id],
        )
      }))
  })
}
