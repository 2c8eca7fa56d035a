import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, drainOutbox, invite, testApp } from './support/accounts.ts'
import { linkParents, referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

const path = (location: string | null) => (location ?? '').split('?')[0] ?? ''

for (const dialect of await dialectsUnderTest()) {
  describe(`the centre's pages on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('books a session whose plan keeps the parents apart, assigns a checked volunteer, and closes it', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
          'volunteer',
        ])
        const made = await coordinator.client.json<{ familyId: string; referralId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        for (const [to, version] of [
          ['pre_visits', 1],
          ['risk_assessed', 2],
          ['accepted', 3],
        ] as const)
          assert.equal(
            (
              await coordinator.client.json(
                'POST',
                `/api/referrals/${made.body.referralId}/status`,
                { to, version },
              )
            ).status,
            200,
          )
        const room = await coordinator.client.json<{ id: string }>('POST', '/api/rooms', {
          name: 'Willow Room',
        })

        const form = await getPage(
          coordinator.client,
          `/sessions/new?familyId=${made.body.familyId}`,
        )
        assert.match(form.text, new RegExp(`<option value="${made.body.familyId}" selected>`))
        const missing = await postForm(coordinator.client, '/sessions', {
          familyId: made.body.familyId,
          roomId: room.body.id,
          date: '2026-03-21',
          startsAt: '10:00',
          endsAt: '',
        })
        assert.equal(missing.status, 400)
        assert.match(visibleText(missing.text), /Enter when it ends/)
        const backwards = await postForm(coordinator.client, '/sessions', {
          familyId: made.body.familyId,
          roomId: room.body.id,
          kind: 'supported',
          date: '2026-03-21',
          startsAt: '12:00',
          endsAt: '10:00',
        })
        assert.equal(backwards.status, 400)
        assert.match(backwards.text, /id="endsAt-error"/)
        const booked = await postForm(coordinator.client, '/sessions', {
          familyId: made.body.familyId,
          roomId: room.body.id,
          kind: 'supported',
          date: '2026-03-21',
          startsAt: '10:00',
          endsAt: '12:00',
        })
        assert.equal(booked.status, 303)
        const register = await getPage(coordinator.client, path(booked.location))
        const text = visibleText(register.text)
        assert.match(text, /The parents must not meet/)
        const timeline = [
          ...register.text.matchAll(
            /haven-timeline__time">(\d\d:\d\d)<\/span>\s*<span class="haven-timeline__what">([^<]+)</g,
          ),
        ].map((m) => `${m[1] ?? ''} ${(m[2] ?? '').trim()}`)
        assert.deepEqual(
          timeline.map((t) => t.replace(/ \(.*\)/, '')),
          [
            '09:45 Idris arrives',
            '10:00 Elowen arrives',
            '10:00 Morwenna arrives',
            '12:00 Elowen leaves',
            '12:00 Morwenna leaves',
            '12:15 Idris leaves',
          ],
          'the timeline is in time order, the parents a stagger apart',
        )
        const week = visibleText(
          (await getPage(coordinator.client, '/sessions?week=2026-03-18')).text,
        )
        assert.match(week, /Saturday,? 21 March 2026 .*10:00 to 12:00 F-0001 Willow Room/)

        const sessionPath = path(booked.location)
        const unchecked = await postForm(coordinator.client, `${sessionPath}/workers`, {
          accountId: volunteer.accountId,
        })
        assert.equal(unchecked.status, 409)
        assert.match(visibleText(unchecked.text), /no clear standard DBS check in date/)
        const noResult = await postForm(coordinator.client, '/centre/workers/checks', {
          accountId: volunteer.accountId,
          kind: 'dbs',
          level: 'standard',
          issuedOn: '2026-01-10',
          renewalDueOn: '2029-01-10',
        })
        assert.equal(noResult.status, 400)
        assert.match(noResult.text, /<a href="#outcome">Choose the result<\/a>/)
        const check = await postForm(coordinator.client, '/centre/workers/checks', {
          accountId: volunteer.accountId,
          kind: 'dbs',
          level: 'standard',
          outcome: 'clear',
          issuedOn: '2026-01-10',
          renewalDueOn: '2029-01-10',
          certificateReference: '001234567890',
        })
        assert.equal(check.status, 303)
        const workers = await getPage(coordinator.client, '/centre/workers')
        assert.match(visibleText(workers.text), /DBS standard, clear, issued 10 Jan 2026/)
        assert.doesNotMatch(workers.text, /001234567890/, 'the certificate number stays sealed')
        const assigned = await postForm(coordinator.client, `${sessionPath}/workers`, {
          accountId: volunteer.accountId,
        })
        assert.equal(assigned.status, 303)

        const early = await getPage(volunteer.client, sessionPath)
        assert.equal(
          early.status,
          404,
          'a volunteer reaches a session only from the day before: a week ahead it is not found',
        )
        const version = /name="version" value="(\d+)"/.exec(register.text)?.[1] ?? ''
        const closed = await postForm(coordinator.client, `${sessionPath}/close`, {
          version,
          outcome: 'cancelled:non_resident_parent',
        })
        assert.equal(closed.status, 303)
        assert.match(
          visibleText((await getPage(coordinator.client, sessionPath)).text),
          /cancelled/,
        )
      }))

    it('records and withdraws consent; a parent asks for their data; the coordinator moves the request on by days left', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const mother = await invite(ctx, app, centreId, 'alder', 'm@alder.example.org', ['parent'])
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
          { mother: mother.accountId },
        )

        const consentsPath = `/families/${made.body.familyId}/consents`
        const noName = await postForm(coordinator.client, consentsPath, {
          personId: motherId,
          category: 'contact_details',
          recipientKind: 'other_person',
          recipientName: '',
          purpose: 'other',
          evidence: 'written',
          givenOn: '2026-03-10',
        })
        assert.equal(noName.status, 400)
        assert.match(noName.text, /<a href="#recipientName">Give their name<\/a>/)
        const recorded = await postForm(coordinator.client, consentsPath, {
          personId: motherId,
          category: 'contact_details',
          recipientKind: 'other_person',
          recipientName: 'Dr Quenby',
          purpose: 'other',
          evidence: 'written',
          givenOn: '2026-03-10',
        })
        assert.equal(recorded.status, 303)
        const mine = await getPage(mother.client, '/my-information')
        assert.match(
          visibleText(mine.text),
          /Contact details \(address and phone\) Dr Quenby Another purpose 10 Mar 2026 live/,
        )
        const consentId =
          /\/my-information\/consents\/([0-9a-f-]{36})\/withdraw/.exec(mine.text)?.[1] ?? ''
        const withdrawn = await postForm(
          mother.client,
          `/my-information/consents/${consentId}/withdraw`,
          {},
        )
        assert.equal(withdrawn.status, 303)
        assert.match(
          visibleText((await getPage(coordinator.client, consentsPath)).text),
          /Dr Quenby .* withdrawn/,
        )

        const asked = await postForm(mother.client, '/my-information/subject-access', {
          personId: motherId,
        })
        assert.equal(asked.status, 303)
        assert.match(
          visibleText((await getPage(mother.client, '/my-information')).text),
          /14 Mar 2026 14 Apr 2026 Open/,
        )
        const forOther = await postForm(mother.client, '/my-information/subject-access', {
          personId: fatherId,
        })
        assert.equal(forOther.status, 404, "a parent cannot ask for the other parent's data")

        const list = await getPage(coordinator.client, '/centre/subject-access')
        assert.match(visibleText(list.text), /Morwenna Trelawny \(F-0001\) 14 Apr 2026 31/)
        const requestPath =
          /href="(\/centre\/subject-access\/[0-9a-f-]{36})"/.exec(list.text)?.[1] ?? ''
        const page = await getPage(coordinator.client, requestPath)
        const version = /name="version" value="(\d+)"/.exec(page.text)?.[1] ?? ''
        const noReason = await postForm(coordinator.client, `${requestPath}/events`, {
          version,
          kind: 'extended',
          months: '1',
        })
        assert.equal(noReason.status, 400)
        assert.match(visibleText(noReason.text), /Say why the request needs longer/)
        const paused = await postForm(coordinator.client, `${requestPath}/events`, {
          version,
          kind: 'clarification_asked',
        })
        assert.equal(paused.status, 303)
        const stale = await postForm(coordinator.client, `${requestPath}/events`, {
          version,
          kind: 'completed',
        })
        assert.equal(stale.status, 409, 'a form from before the change is refused')
        assert.match(
          visibleText((await getPage(coordinator.client, requestPath)).text),
          /Clock stopped clarification from 14 Mar 2026 \(still stopped\)/,
        )
      }))

    it('a volunteer reports and acknowledges the policy; the coordinator changes it and sees who acknowledged; the chair sees approvals and the audit log', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
          'volunteer',
        ])
        const chair = await invite(ctx, app, centreId, 'alder', 'chair@alder.example.org', [
          'chair',
        ])

        const empty = await postForm(volunteer.client, '/report', {
          kind: 'safeguarding_concern',
          summary: ' ',
        })
        assert.equal(empty.status, 400)
        assert.match(empty.text, /<a href="#summary">Say what happened<\/a>/)
        const concern = await postForm(volunteer.client, '/report', {
          kind: 'safeguarding_concern',
          occurredAt: '2026-03-14T07:30',
          summary: 'A child said something worrying at handover.',
        })
        assert.equal(concern.status, 303)
        assert.match(
          visibleText((await getPage(volunteer.client, concern.location ?? '')).text),
          /Those who must know have been told/,
        )
        const question = await postForm(volunteer.client, '/report', {
          kind: 'question',
          summary: 'May a grandparent join next week?',
        })
        assert.equal(question.status, 303)
        const refused = await getPage(volunteer.client, '/centre/audit')
        assert.equal(refused.status, 403, 'a volunteer does not read the audit log')
        assert.match(
          refused.text,
          /<form method="post" action="\/sign-out"/,
          'a refusal keeps sign-out',
        )
        const nowhere = await getPage(volunteer.client, '/nowhere')
        assert.equal(nowhere.status, 404)
        assert.match(nowhere.text, /Page not found/, 'an unknown address is a page, not JSON')
        assert.match(nowhere.text, /action="\/sign-out"/)

        const policy = await getPage(volunteer.client, '/policy')
        assert.match(policy.text, /I have read and will follow this policy/)
        assert.equal((await postForm(volunteer.client, '/policy/acknowledge', {})).status, 303)
        assert.match(
          visibleText((await getPage(volunteer.client, '/policy')).text),
          /You acknowledged version 1 on 14 Mar 2026/,
        )
        assert.doesNotMatch(policy.text, /Change the policy/)

        const managed = await getPage(coordinator.client, '/policy')
        assert.match(visibleText(managed.text), /Person v Not yet|Person v 14 Mar 2026/)
        assert.match(visibleText(managed.text), /Person v 14 Mar 2026/)
        const before = await getPage(chair.client, '/approvals')
        assert.equal(before.status, 200)
        assert.match(visibleText(before.text), /Disposal runs/)
        // Changing the settings, step by step, is test/pages-policy.test.ts; here a new version.
        const published = await postForm(coordinator.client, '/policy/preset', {
          preset: 'st-marys',
        })
        assert.equal(published.status, 200)
        assert.match(visibleText(published.text), /Version 2 published/)
        assert.match(
          visibleText((await getPage(volunteer.client, '/policy')).text),
          /I have read and will follow this policy/,
          'a new version asks again',
        )

        // The chair sees the approvals page while the policy gives them one (Cordomus names the
        // Chair); St Mary's names no Chair, so nothing waits for their approval there.
        const approvals = await getPage(chair.client, '/approvals')
        assert.equal(approvals.status, 403)
        const audit = await getPage(chair.client, '/centre/audit')
        assert.equal(audit.status, 200)
        assert.match(visibleText(audit.text), /policy\.published/)
        assert.doesNotMatch(
          audit.text,
          /worrying|grandparent/,
          'the log holds codes, not what was written',
        )
        assert.equal((await getPage(chair.client, '/centre/disposals')).status, 200)
        assert.equal((await getPage(volunteer.client, '/approvals')).status, 403)
      }))

    it("answers a worker's question and follows a concern to a disclosure under the exception, linked to it", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
          'volunteer',
        ])
        const referrer = await invite(ctx, app, centreId, 'alder', 'r@alder.example.org', [
          'referrer',
        ])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        await postForm(volunteer.client, '/report', {
          kind: 'question',
          familyId: made.body.familyId,
          summary: 'May the grandmother come?',
        })
        await postForm(volunteer.client, '/report', {
          kind: 'safeguarding_concern',
          familyId: made.body.familyId,
          occurredAt: '2026-03-14T07:30',
          summary: 'Bruise seen at handover.',
        })
        assert.match(
          visibleText((await getPage(coordinator.client, '/today')).text),
          /1 worker's question to answer/,
        )

        const records = await getPage(coordinator.client, '/records')
        const text = visibleText(records.text)
        assert.match(text, /Safeguarding concerns .* F-0001 Bruise seen at handover\./)
        assert.match(text, /May the grandmother come\? Your answer/)
        const questionId =
          /\/records\/questions\/([0-9a-f-]{36})\/answer/.exec(records.text)?.[1] ?? ''
        const empty = await postForm(
          coordinator.client,
          `/records/questions/${questionId}/answer`,
          { [`answer-${questionId}`]: ' ' },
        )
        assert.equal(empty.status, 400)
        assert.match(empty.text, new RegExp(`<a href="#answer-${questionId}">Give an answer</a>`))
        const answered = await postForm(
          coordinator.client,
          `/records/questions/${questionId}/answer`,
          { [`answer-${questionId}`]: 'Yes, if she is on the referral.' },
        )
        assert.equal(answered.status, 303)
        const own = visibleText((await getPage(volunteer.client, '/records')).text)
        assert.match(
          own,
          /Your questions .* May the grandmother come\? Answer \(14 Mar 2026\): Yes, if she is on the referral\./,
        )
        assert.doesNotMatch(own, /Your answer/, 'a volunteer answers nothing')
        assert.equal((await getPage(referrer.client, '/records')).status, 403)

        const share =
          /href="(\/disclosures\/new\?familyId=[^"]+)"/
            .exec(records.text)?.[1]
            ?.replaceAll('&amp;', '&') ?? ''
        const concernId = /concernId=([0-9a-f-]{36})/.exec(share)?.[1] ?? ''
        const form = await getPage(coordinator.client, share)
        assert.match(form.text, new RegExp(`name="concernId" value="${concernId}"`))
        assert.match(visibleText(form.text), /This answers a safeguarding concern/)
        // EXCEPT: without its reason, or without the concern it answers, nothing is recorded
        // and the coordinator is told beside the field what is missing.
        const exception = {
          familyId: made.body.familyId,
          category: 'other',
          purpose: 'risk_of_violence',
          recipientKind: 'police',
          recipientName: 'Quarrington Police',
          atRisk: 'coordinator',
        }
        const noReason = await postForm(coordinator.client, '/disclosures', {
          ...exception,
          concernId,
        })
        assert.equal(noReason.status, 400)
        assert.match(noReason.text, /<a href="#reason">[^<]*what was seen or heard[^<]*<\/a>/i)
        const noConcern = await postForm(coordinator.client, '/disclosures', {
          ...exception,
          reason: 'A threat shouted at the coordinator at handover.',
        })
        assert.equal(noConcern.status, 400)
        assert.match(
          noConcern.text,
          /<a href="#concernId">[^<]*record the concern first[^<]*<\/a>/i,
        )
        assert.match(
          noConcern.text,
          new RegExp(`<option value="${concernId}"[^>]*>[^<]*Bruise seen at handover`),
          'the family’s concerns are offered to link',
        )
        const before = await coordinator.client.json<{ entries: unknown[] }>(
          'GET',
          '/api/disclosures',
        )
        assert.deepEqual(before.body.entries, [], 'nothing entered the register')
        const asked = await postForm(coordinator.client, '/disclosures', {
          familyId: made.body.familyId,
          concernId,
          category: 'other',
          purpose: 'safeguarding_child',
          recipientKind: 'childrens_services',
          recipientName: 'Quarrington Children’s Services',
          atRisk: 'child',
          reason: 'A bruise seen at handover; the child said how.',
        })
        assert.equal(asked.status, 303, asked.text.slice(0, 300))
        const entry = await coordinator.client.json<{ concernId: string | null; route: string }>(
          'GET',
          `/api/disclosures/${(asked.location ?? '').split('/')[2]?.split('?')[0] ?? ''}`,
        )
        assert.equal(
          entry.body.concernId,
          concernId,
          'the register links the disclosure to the concern',
        )
        assert.equal(entry.body.route, 'exception')
      }))

    it("releases a parent's contact details to their former partner only under the consent the coordinator confirms, with a warning on every form", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const family = await coordinator.client.json<{ people: { id: string; kind: string }[] }>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        const mother = family.body.people.find((p) => p.kind === 'resident_parent')?.id ?? ''
        const warning =
          /Warning A parent's address and phone number go to their former partner only with that parent's own consent/
        const consents = await getPage(
          coordinator.client,
          `/families/${made.body.familyId}/consents`,
        )
        assert.match(visibleText(consents.text), warning)
        const recorded = await postForm(
          coordinator.client,
          `/families/${made.body.familyId}/consents`,
          {
            personId: mother,
            category: 'contact_details',
            recipientKind: 'former_partner',
            recipientName: 'Idris Ashdown',
            purpose: 'other',
            evidence: 'written',
            givenOn: '2026-03-14',
          },
        )
        assert.equal(recorded.status, 303, recorded.text.slice(0, 300))
        const form = await getPage(
          coordinator.client,
          `/disclosures/new?familyId=${made.body.familyId}`,
        )
        assert.match(visibleText(form.text), warning)
        const asked = await postForm(coordinator.client, '/disclosures', {
          familyId: made.body.familyId,
          category: 'contact_details',
          personId: mother,
          purpose: 'other',
          recipientKind: 'former_partner',
          recipientName: 'Idris Ashdown',
        })
        assert.equal(asked.status, 303, asked.text.slice(0, 300))
        const entryPath = (asked.location ?? '').split('?')[0] ?? ''
        const entry = await getPage(coordinator.client, entryPath)
        const text = visibleText(entry.text)
        assert.match(text, /Waiting for the coordinator/)
        assert.match(text, warning)
        assert.match(
          text,
          /I have checked this consent and rely on it: given on 14 Mar 2026, in writing, to Idris Ashdown/,
        )
        const consentId = /name="consentId" type="checkbox" value="([0-9a-f-]{36})"/.exec(
          entry.text,
        )?.[1]
        assert.ok(consentId, 'the consent relied on is offered to confirm')
        const unticked = await postForm(coordinator.client, `${entryPath}/confirm`, {
          version: '1',
          personTold: 'yes',
        })
        assert.equal(unticked.status, 400)
        assert.match(unticked.text, /<a href="#consentId">[^<]*consent you rely on[^<]*<\/a>/i)
        const released = await postForm(coordinator.client, `${entryPath}/confirm`, {
          version: '1',
          personTold: 'yes',
          consentId,
        })
        assert.equal(released.status, 200, released.text.slice(0, 300))
        assert.match(visibleText(released.text), /Released now/)
        const register = visibleText((await getPage(coordinator.client, '/disclosures')).text)
        assert.match(register, /Idris Ashdown Released/)
      }))

    it('the management team approves an assessment agreement where the policy names them (Birmingham)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(
          ctx,
          app,
          'alder',
          'birmingham',
        )
        const manager = await invite(ctx, app, centreId, 'alder', 'm@alder.example.org', [
          'management',
        ])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const proposed = await coordinator.client.json<{ id: string }>('POST', '/api/assessments', {
          familyId: made.body.familyId,
          assessor: 'Cafcass officer (synthetic)',
          place: 'contact_rooms',
          startsAt: '2026-03-20T10:00',
        })
        assert.equal(proposed.status, 201, JSON.stringify(proposed.body))
        const notTheirs = visibleText((await getPage(coordinator.client, '/approvals')).text)
        assert.doesNotMatch(
          notTheirs,
          /Assessment agreements/,
          'at Birmingham the coordinator does not approve agreements',
        )
        const approvals = await getPage(manager.client, '/approvals')
        assert.match(
          visibleText(approvals.text),
          /Assessment agreements \(ASSESS\) .* F-0001 Cafcass officer \(synthetic\) contact rooms/,
        )
        const approved = await postForm(
          manager.client,
          `/approvals/assessments/${proposed.body.id}`,
          {},
        )
        assert.equal(approved.status, 303)
        assert.match(
          visibleText((await getPage(manager.client, '/approvals?done=approved')).text),
          /Agreement approved\. .* No agreements waiting\./,
        )
        const again = await postForm(
          manager.client,
          `/approvals/assessments/${proposed.body.id}`,
          {},
        )
        assert.equal(again.status, 409, 'approved once')
      }))

    it('the coordinator invites, changes roles, stops and restores access; no one else manages people', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const volunteer = await invite(ctx, app, centreId, 'alder', 'v@alder.example.org', [
          'volunteer',
        ])
        await drainOutbox(ctx)

        const badEmail = await postForm(coordinator.client, '/centre/people', {
          email: 'not an address',
          roles: 'volunteer',
        })
        assert.equal(badEmail.status, 400)
        assert.match(
          badEmail.text,
          /<a href="#email">The e-mail address must be an e-mail address like name@example.org<\/a>/,
        )
        const noRole = await postForm(coordinator.client, '/centre/people', {
          email: 'new@alder.example.org',
        })
        assert.equal(noRole.status, 400)
        assert.match(noRole.text, /value="new@alder.example.org"/, 'what was typed is kept')
        const noAgency = await postForm(coordinator.client, '/centre/people', {
          email: 'r@hollis.example.org',
          roles: 'referrer',
        })
        assert.equal(noAgency.status, 400)
        assert.match(visibleText(noAgency.text), /A referrer's invitation names their agency/)
        assert.equal((await drainOutbox(ctx)).length, 0, 'a refused form sends nothing')

        const invited = await postForm(coordinator.client, '/centre/people', {
          email: 'new@alder.example.org',
          roles: ['volunteer', 'staff'],
        })
        assert.equal(invited.status, 200)
        assert.match(visibleText(invited.text), /Invitation sent to new@alder.example.org/)
        assert.match(
          invited.text,
          /<code class="haven-link">http[^<]+\/invitations\/[^<]+<\/code>/,
          'the link, shown once',
        )
        const sent = await drainOutbox(ctx)
        assert.equal(sent.length, 1)
        assert.equal(sent[0]?.recipient, 'new@alder.example.org')
        assert.doesNotMatch(
          (await getPage(coordinator.client, '/centre/people')).text,
          /\/invitations\//,
          'and not again',
        )

        const personPath = `/centre/people/${volunteer.accountId}`
        const none = await postForm(coordinator.client, `${personPath}/roles`, {})
        assert.equal(none.status, 400)
        assert.match(visibleText(none.text), /Keep at least one role/)
        assert.equal(
          (
            await postForm(coordinator.client, `${personPath}/roles`, {
              roles: ['volunteer', 'staff'],
            })
          ).status,
          303,
        )
        assert.match(
          visibleText((await getPage(coordinator.client, personPath)).text),
          /Roles Staff, Volunteer|Roles Volunteer, Staff/,
        )

        // Changing roles ends the person's sessions (they sign in again under the new roles), so
        // stopping and restoring access is shown with another volunteer, signed in.
        const other = await invite(ctx, app, centreId, 'alder', 'w@alder.example.org', [
          'volunteer',
        ])
        const otherPath = `/centre/people/${other.accountId}`
        assert.equal((await getPage(other.client, '/my-sessions')).status, 200)
        const stopped = await postForm(coordinator.client, `${otherPath}/access`, {
          to: 'disabled',
        })
        assert.equal(stopped.status, 303)
        const after = await getPage(other.client, '/my-sessions')
        assert.equal(after.status, 303, 'stopped: their session ends at once')
        assert.match(
          visibleText((await getPage(coordinator.client, otherPath)).text),
          /Access stopped/,
        )
        assert.equal(
          (await postForm(coordinator.client, `${otherPath}/access`, { to: 'enabled' })).status,
          303,
        )
        assert.match(
          visibleText((await getPage(coordinator.client, otherPath)).text),
          /Access active/,
        )

        const parent = await invite(ctx, app, centreId, 'alder', 'p@alder.example.org', ['parent'])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        assert.equal(made.status, 201)
        const parentPath = `/centre/people/${parent.accountId}`
        assert.match((await getPage(coordinator.client, parentPath)).text, /Link their account/)
        const unknown = await postForm(coordinator.client, `${parentPath}/person`, {
          reference: 'F-9999',
          kind: 'resident_parent',
        })
        assert.equal(unknown.status, 400)
        assert.match(
          unknown.text,
          /<a href="#reference">No family with that reference has that parent<\/a>/,
        )
        assert.equal(
          (
            await postForm(coordinator.client, `${parentPath}/person`, {
              reference: 'f-0001',
              kind: 'resident_parent',
            })
          ).status,
          303,
        )
        const mine = await getPage(parent.client, `/families/${made.body.familyId}`)
        assert.equal(mine.status, 200, 'linked: the parent reads their own family')
        const twice = await postForm(coordinator.client, `${parentPath}/person`, {
          reference: 'F-0001',
          kind: 'resident_parent',
        })
        assert.equal(twice.status, 409)
        assert.match(visibleText(twice.text), /This person already has an account/)

        const self = await getPage(coordinator.client, `/centre/people/${coordinator.accountId}`)
        assert.doesNotMatch(
          self.text,
          /Stop access/,
          'a coordinator cannot lock themselves out here',
        )
        assert.equal(
          (await getPage(coordinator.client, '/centre/people/00000000-0000-4000-8000-000000000000'))
            .status,
          404,
        )
        const outsider = await invite(ctx, app, centreId, 'alder', 'chair@alder.example.org', [
          'chair',
        ])
        assert.equal((await getPage(outsider.client, '/centre/people')).status, 403)
        const forged = await postForm(outsider.client, `${personPath}/access`, { to: 'disabled' })
        assert.equal(forged.status, 403, 'a form posted by someone else is refused')
      }))

    it('the coordinator releases a withheld item with a reason and sees it listed; staff, who may not, are offered no form and refused', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T08:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const staff = await invite(ctx, app, centreId, 'alder', 's@alder.example.org', ['staff'])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const family = await coordinator.client.json<{ people: { id: string; kind: string }[] }>(
          'GET',
          `/api/families/${made.body.familyId}`,
        )
        const ofKind = (kind: string) => family.body.people.find((p) => p.kind === kind)?.id ?? ''
        const mother = ofKind('resident_parent')
        const father = ofKind('non_resident_parent')
        const opened = await coordinator.client.json<{ id: string }>(
          'POST',
          '/api/subject-access',
          { personId: mother },
        )
        assert.equal(opened.status, 201)
        const requestPath = `/centre/subject-access/${opened.body.id}`
        assert.equal(
          (
            await coordinator.client.json('POST', `/api/subject-access/${opened.body.id}/events`, {
              version: 1,
              event: { kind: 'identity_verified', method: 'passport seen in person' },
            })
          ).status,
          200,
        )
        const compiled = await coordinator.client.json<{
          withheld: { item: string; recordId?: string }[]
        }>('GET', `/api/subject-access/${opened.body.id}/bundle.json`)
        assert.equal(compiled.status, 200)
        assert.ok(
          compiled.body.withheld.some((w) => w.item === "the other parent's details"),
          "the father's details are withheld from the mother's bundle",
        )

        const before = await getPage(coordinator.client, requestPath)
        assert.equal(before.status, 200)
        assert.match(visibleText(before.text), /Withheld from the bundle/)
        assert.match(before.text, new RegExp(`action="${requestPath}/releases"`))
        assert.equal(
          before.text.split(`<option value="${father}"`).length - 1,
          1,
          "the father's record is offered once: his details, never his contact details (CONTACT)",
        )

        // Staff read the request but are not among the export roles who release (SAR).
        const seenByStaff = await getPage(staff.client, requestPath)
        assert.equal(seenByStaff.status, 200)
        assert.doesNotMatch(seenByStaff.text, /\/releases"/, 'no release form for staff')
        const byStaff = await postForm(staff.client, `${requestPath}/releases`, {
          recordId: father,
          releaseReason: 'Reviewed',
        })
        assert.equal(byStaff.status, 403, 'the use case asks the engine again')

        const noReason = await postForm(coordinator.client, `${requestPath}/releases`, {
          recordId: father,
          releaseReason: ' ',
        })
        assert.equal(noReason.status, 400)
        assert.match(noReason.text, /id="releaseReason-error"/)
        const tooLong = await postForm(coordinator.client, `${requestPath}/releases`, {
          recordId: father,
          releaseReason: 'R'.repeat(1001),
        })
        assert.equal(tooLong.status, 400)
        assert.match(
          visibleText(tooLong.text),
          /Why it may be released must be 1000 characters or fewer/,
        )

        const released = await postForm(coordinator.client, `${requestPath}/releases`, {
          recordId: father,
          releaseReason: 'He agreed to his details being shared with her',
        })
        assert.equal(released.status, 303, visibleText(released.text).slice(0, 400))
        assert.equal(released.location, `${requestPath}?done=released`)
        const after = await getPage(coordinator.client, released.location)
        const text = visibleText(after.text)
        assert.match(text, /Released\. The bundle includes it from now on/)
        assert.match(
          text,
          /Released after review What Why it was released On the other parent's details He agreed to his details being shared with her 14 Mar 2026/,
        )
        assert.match(text, /the other parent's contact details/, 'still withheld (CONTACT)')
        assert.equal(
          after.text.split(`<option value="${father}"`).length - 1,
          0,
          'what is released is not offered again',
        )
        const again = await postForm(coordinator.client, `${requestPath}/releases`, {
          recordId: father,
          releaseReason: 'Twice',
        })
        // What is still withheld of his record is his contact details: never released (CONTACT).
        assert.equal(again.status, 403, 'released once')
        assert.match(visibleText(again.text), /contact details are never released/)

        const bundle = await coordinator.client.json<{
          withheld: { item: string; recordId?: string }[]
        }>('GET', `/api/subject-access/${opened.body.id}/bundle.json`)
        assert.deepEqual(
          bundle.body.withheld.filter((w) => w.recordId === father).map((w) => w.item),
          ["the other parent's contact details"],
          "the bundle now holds the father's details, never his contact details",
        )
      }))
  })
}
