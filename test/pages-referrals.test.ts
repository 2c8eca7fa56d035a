import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { operatorActor } from '../src/app/actor.ts'
import { receiveReferral } from '../src/app/referrals.ts'
import { centreWithCoordinator, invite, testApp } from './support/accounts.ts'
import { pastSessions, referral } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { getPage, postForm, visibleText } from './support/pages.ts'

/** The referral form as a referrer fills it in (synthetic names, Q postcodes). */
const REFERRAL_FORM = {
  rp_given: 'Tamsin',
  rp_family: 'Carrow',
  rp_relationship: 'mother',
  rp_pr: 'yes',
  rp_address: '3 Quillet Row, Q2 4ZZ',
  rp_phone: '07700 900123',
  rp_email: '',
  nrp_given: 'Jory',
  nrp_family: 'Penhallow',
  nrp_relationship: 'father',
  nrp_pr: 'yes',
  nrp_address: '',
  nrp_phone: '',
  nrp_email: '',
  child1_given: 'Demelza',
  child1_family: 'Penhallow',
  child1_dob: '2020-08-14',
  separation: 'yes',
}

for (const dialect of await dialectsUnderTest()) {
  describe(`referral and disclosure pages on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('a referrer refers through the form and follows it; the coordinator moves it on; another agency sees nothing', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const hollis = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
          'referrer',
        ])
        const marsh = await invite(
          ctx,
          app,
          centreId,
          'ashbury',
          'r@marsh.example.org',
          ['referrer'],
          {
            kind: 'solicitor',
            name: 'Marsh Family Law',
          },
        )

        const form = await getPage(hollis.client, '/referrals/new')
        assert.equal(form.status, 200)
        assert.match(visibleText(form.text), /Referred by Hollis & Co Solicitors/)

        const missing = await postForm(hollis.client, '/referrals', {
          ...REFERRAL_FORM,
          nrp_given: '',
        })
        assert.equal(missing.status, 400, missing.text.slice(-1500))
        assert.match(
          missing.text,
          /<a href="#nrp_given">Enter the first name of the parent the children will visit<\/a>/,
        )
        assert.match(missing.text, /id="nrp_given-error"/, 'the error is beside the field')
        assert.match(missing.text, /value="Tamsin"/, 'what was typed is kept')
        assert.match(missing.text, /<title>Error: /)
        const noChild = await postForm(hollis.client, '/referrals', {
          ...REFERRAL_FORM,
          child1_given: '',
          child1_family: '',
          child1_dob: '',
        })
        assert.equal(noChild.status, 400)
        assert.match(visibleText(noChild.text), /Name at least one child/)
        const empty = await postForm(hollis.client, '/referrals', {})
        assert.equal(empty.status, 400)
        const listed = [...empty.text.matchAll(/<li><a href="#([a-z0-9_]+)">/g)].map((m) => m[1])
        assert.deepEqual(
          listed,
          [
            'rp_given',
            'rp_family',
            'rp_pr',
            'nrp_given',
            'nrp_family',
            'nrp_pr',
            'child1_given',
            'separation',
          ],
          'an empty form lists every missing answer at once, in the order of the form',
        )
        for (const field of listed)
          assert.match(empty.text, new RegExp(`id="${field}-error"`), `${field} says why`)
        const unborn = await postForm(hollis.client, '/referrals', {
          ...REFERRAL_FORM,
          child1_dob: '2026-09-01',
        })
        assert.equal(unborn.status, 400)
        assert.match(visibleText(unborn.text), /that date is still to come/)
        assert.match(unborn.text, /id="child1_dob-error"/, 'beside the date of birth')
        const grown = await postForm(hollis.client, '/referrals', {
          ...REFERRAL_FORM,
          child1_dob: '1980-08-14',
        })
        assert.equal(grown.status, 400)
        assert.match(
          visibleText(grown.text),
          /makes the child 18 or older when referred; check the year/,
        )
        const inbox0 = await getPage(coordinator.client, '/referrals')
        assert.match(visibleText(inbox0.text), /No referrals yet/, 'a refused form wrote nothing')

        const sent = await postForm(hollis.client, '/referrals', REFERRAL_FORM)
        assert.equal(sent.status, 303)
        const referralPath = sent.location ?? ''
        assert.match(referralPath, /^\/referrals\/[0-9a-f-]{36}\?done=received$/)
        const followed = await getPage(hollis.client, referralPath)
        assert.equal(followed.status, 200)
        const followedText = visibleText(followed.text)
        assert.match(followedText, /Referral sent/)
        assert.match(followedText, /Received/)
        assert.doesNotMatch(
          followedText,
          /Tamsin|Carrow|Quillet|History/,
          'a referrer sees progress, not the record',
        )
        assert.doesNotMatch(followed.text, /Move the referral on/)

        const other = await getPage(marsh.client, referralPath.split('?')[0] ?? '')
        assert.equal(other.status, 404, "another agency's referral is not found")
        assert.doesNotMatch(visibleText((await getPage(marsh.client, '/referrals')).text), /F\d/)

        const inbox = await getPage(coordinator.client, '/referrals')
        assert.match(visibleText(inbox.text), /Hollis & Co Solicitors/)
        const detail = await getPage(coordinator.client, referralPath.split('?')[0] ?? '')
        assert.match(detail.text, /Move the referral on/)
        const version = /name="version" value="(\d+)"/.exec(detail.text)?.[1] ?? ''
        const path = `${referralPath.split('?')[0] ?? ''}/status`
        const unchosen = await postForm(coordinator.client, path, { version })
        assert.equal(unchosen.status, 400)
        assert.match(visibleText(unchosen.text), /Choose where the referral goes next/)
        const moved = await postForm(coordinator.client, path, { version, to: 'pre_visits' })
        assert.equal(moved.status, 303)
        const stale = await postForm(coordinator.client, path, { version, to: 'declined' })
        assert.equal(stale.status, 409, 'a form from before the move is refused')
        assert.match(visibleText(stale.text), /someone else changed this referral/i)
        const after = visibleText(
          (await getPage(coordinator.client, referralPath.split('?')[0] ?? '')).text,
        )
        assert.match(after, /Received to Pre-visits/)
        const waiting = visibleText(
          (await getPage(coordinator.client, '/referrals?status=declined')).text,
        )
        assert.match(waiting, /No referrals with that status/)
      }))

    it('a referrer asks for dates of attendance; the coordinator sees the decision by clause and releases it; contact details are refused by CONTACT', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const hollis = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
          'referrer',
        ])
        const sent = await postForm(hollis.client, '/referrals', REFERRAL_FORM)
        const referral = await hollis.client.json<{ familyId: string }>(
          'GET',
          `/api/referrals/${(sent.location ?? '').split('/')[2]?.split('?')[0] ?? ''}`,
        )
        const familyId = referral.body.familyId
        await pastSessions(ctx, database.db, centreId, familyId)

        const ask = await getPage(hollis.client, '/disclosures/new')
        assert.match(visibleText(ask.text), /dates and times of attendance, and nothing else/)
        const noPurpose = await postForm(hollis.client, '/disclosures', { familyId })
        assert.equal(noPurpose.status, 400)
        assert.match(visibleText(noPurpose.text), /Choose what it is for/)
        const halfPeriod = await postForm(hollis.client, '/disclosures', {
          familyId,
          purpose: 'family_proceedings',
          from: '2026-01-01',
        })
        assert.equal(halfPeriod.status, 400)
        const asked = await postForm(hollis.client, '/disclosures', {
          familyId,
          purpose: 'family_proceedings',
        })
        assert.equal(asked.status, 303)
        const entryPath = (asked.location ?? '').split('?')[0] ?? ''
        const seen = visibleText((await getPage(hollis.client, entryPath)).text)
        assert.match(seen, /Waiting for the coordinator/)
        assert.match(seen, /ATTEND ?: Dates and times of attendance go to the referring agency/)
        assert.doesNotMatch(seen, /Confirm and release/, 'a referrer cannot release')

        const decision = await getPage(coordinator.client, entryPath)
        const decisionText = visibleText(decision.text)
        assert.match(decisionText, /The policy allows this once the coordinator confirms it/)
        assert.match(decisionText, /ATTEND/)
        const version = /name="version" value="(\d+)"/.exec(decision.text)?.[1] ?? ''
        const released = await postForm(coordinator.client, `${entryPath}/confirm`, { version })
        assert.equal(released.status, 303)
        const afterRelease = await getPage(hollis.client, entryPath)
        assert.match(visibleText(afterRelease.text), /Released/)
        assert.match(
          afterRelease.text,
          new RegExp(`href="/api/disclosures/[0-9a-f-]{36}/statement.pdf"`),
        )
        const pdf = await hollis.client.call(
          'GET',
          `/api/disclosures/${entryPath.split('/')[2] ?? ''}/statement.pdf`,
        )
        assert.equal(pdf.status, 200)
        assert.equal(pdf.headers.get('content-type'), 'application/pdf')

        const family = await coordinator.client.json<{ people: { id: string; kind: string }[] }>(
          'GET',
          `/api/families/${familyId}`,
        )
        const motherId = family.body.people.find((p) => p.kind === 'resident_parent')?.id ?? ''
        const chooser = await getPage(coordinator.client, `/disclosures/new?familyId=${familyId}`)
        assert.match(chooser.text, /Whose contact details/)
        const noRecipient = await postForm(coordinator.client, '/disclosures', {
          familyId,
          category: 'contact_details',
          personId: motherId,
          purpose: 'other',
        })
        assert.equal(noRecipient.status, 400)
        assert.match(
          visibleText(noRecipient.text),
          /Choose the agency asking, or say who is asking/,
        )
        const contact = await postForm(coordinator.client, '/disclosures', {
          familyId,
          category: 'contact_details',
          personId: motherId,
          purpose: 'other',
          recipientKind: 'former_partner',
          recipientName: 'Jory Penhallow',
        })
        assert.equal(contact.status, 303)
        const refused = await getPage(
          coordinator.client,
          (contact.location ?? '').split('?')[0] ?? '',
        )
        const refusedText = visibleText(refused.text)
        assert.match(refusedText, /Refused by the policy/)
        assert.match(refusedText, /The policy does not allow this/)
        assert.match(refusedText, /CONTACT ?: A parent's address and telephone number go to no one/)
        assert.doesNotMatch(
          refusedText,
          /Quillet|07700 900123/,
          'a refusal shows no contact details',
        )
        assert.match(refused.text, /letter.pdf/)
        assert.doesNotMatch(refused.text, /Confirm and release/)
      }))

    it('pages through a large centre, and finds a family by reference only where the reader may see it', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        for (let i = 0; i < 101; i += 1)
          await receiveReferral(
            ctx,
            operatorActor(centreId),
            referral() as Parameters<typeof receiveReferral>[2],
          )
        const first = visibleText((await getPage(coordinator.client, '/families')).text)
        assert.match(first, /F-0001/)
        assert.doesNotMatch(first, /F-0101/, 'a hundred a page')
        assert.match(first, /Next page/)
        const second = visibleText((await getPage(coordinator.client, '/families?page=2')).text)
        assert.match(second, /F-0101/)
        assert.match(second, /Previous page/)
        assert.doesNotMatch(second, /Next page/)
        const inbox = await getPage(coordinator.client, '/referrals?page=3')
        assert.equal(
          (inbox.text.match(/href="\/referrals\/[0-9a-f-]{36}"/g) ?? []).length,
          1,
          'fifty a page: one on the third',
        )

        const found = await getPage(coordinator.client, '/families?reference=f-0042')
        assert.equal(found.status, 200)
        assert.match(visibleText(found.text), /Family F-0042/)
        const missing = await getPage(coordinator.client, '/families?reference=F-9999')
        const hidden = await getPage(volunteer.client, '/families?reference=F-0042')
        assert.equal(missing.status, 404)
        assert.equal(hidden.status, 404, 'a family out of reach is not found')
        assert.equal(
          visibleText(hidden.text).replace(/Haven .* Sign out/, ''),
          visibleText(missing.text).replace(/Haven .* Sign out/, ''),
          'and says so in the same words',
        )
      }))
  })
}
