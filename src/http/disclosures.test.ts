import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, drainOutbox, invite, testApp } from '../../test/support/accounts.ts'
import { ADDRESS, pastSessions, PHONE, referral } from '../../test/support/cases.ts'
import { pdfText } from '../../test/support/pdf.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'

interface Decided {
  id: string
  status: string
  clauses: string[]
  reasons: string[]
}

for (const dialect of await dialectsUnderTest()) {
  describe(`disclosures and consent on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('gives the referring agency an attendance statement of dates, times and outcomes, and nothing else (ATTEND)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
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
        const made = await hollis.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        assert.equal(made.status, 201)
        const familyId = made.body.familyId
        await pastSessions(ctx, database.db, centreId, familyId)

        const ask = { familyId, category: 'attendance', purpose: 'other' }
        const stranger = await marsh.client.json('POST', '/api/disclosures', ask)
        assert.equal(stranger.status, 404, 'another agency learns nothing of the family')
        const nothing = await coordinator.client.json<{ entries: unknown[] }>(
          'GET',
          '/api/disclosures',
        )
        assert.equal(nothing.body.entries.length, 0, 'the refused request wrote nothing')

        const asked = await hollis.client.json<Decided>('POST', '/api/disclosures', ask)
        assert.equal(asked.status, 201, JSON.stringify(asked.body))
        assert.equal(asked.body.status, 'awaiting_confirmation')
        assert.deepEqual(asked.body.clauses, ['ATTEND'])
        const early = await hollis.client.call(
          'GET',
          `/api/disclosures/${asked.body.id}/statement.pdf`,
        )
        assert.equal(early.status, 404, 'nothing leaves before the coordinator confirms')
        const byReferrer = await hollis.client.json(
          'POST',
          `/api/disclosures/${asked.body.id}/confirm`,
          {
            version: 1,
          },
        )
        assert.equal(byReferrer.status, 403)

        const twice = await Promise.all(
          [1, 2].map(() =>
            coordinator.client.json<{ status?: string }>(
              'POST',
              `/api/disclosures/${asked.body.id}/confirm`,
              { version: 1 },
            ),
          ),
        )
        assert.deepEqual(
          twice.map((r) => r.status).sort(),
          [200, 409],
          'confirmed twice at once: one releases, the other finds it changed',
        )
        assert.equal(twice.find((r) => r.status === 200)?.body.status, 'released')

        const csv = await hollis.client.call(
          'GET',
          `/api/disclosures/${asked.body.id}/statement.csv`,
        )
        assert.equal(csv.status, 200)
        assert.match(csv.headers.get('content-type') ?? '', /^text\/csv/)
        assert.equal(
          await csv.text(),
          'date,starts,ends,outcome\r\n2026-02-07,10:00,12:00,Attended\r\n2026-02-21,10:00,11:30,Cancelled\r\n2026-03-07,10:00,12:00,Did not attend\r\n',
        )
        const pdf = await hollis.client.call(
          'GET',
          `/api/disclosures/${asked.body.id}/statement.pdf`,
        )
        assert.equal(pdf.status, 200)
        assert.equal(pdf.headers.get('content-type'), 'application/pdf')
        assert.match(pdf.headers.get('cache-control') ?? '', /no-store/)
        const text = await pdfText(await pdf.arrayBuffer())
        assert.match(text, /Attendance statement/)
        assert.match(text, /7 February 2026 10:00 12:00 Attended/)
        assert.match(text, /21 February 2026 10:00 11:30 Cancelled/)
        assert.match(text, /7 March 2026 10:00 12:00 Did not attend/)
        assert.doesNotMatch(text, /21 March/, 'a session still to come is not stated')
        for (const secret of [
          ADDRESS,
          PHONE,
          'Morwenna',
          'Trelawny',
          'Idris',
          'Elowen',
          'ZE26C00417',
          'Hazel',
        ])
          assert.ok(!text.includes(secret), `the statement holds nothing else (${secret})`)
        const other = await marsh.client.call(
          'GET',
          `/api/disclosures/${asked.body.id}/statement.pdf`,
        )
        assert.equal(other.status, 404)

        const register = await coordinator.client.json<{
          entries: { status: string; released: { what: { kind: string; counts: unknown } } }[]
        }>('GET', '/api/disclosures')
        const [first] = register.body.entries
        assert.ok(first)
        assert.equal(first.status, 'released')
        assert.deepEqual(first.released.what.counts, {
          attended: 1,
          cancelled: 1,
          did_not_attend: 1,
        })
        const audit = await coordinator.client.json<{ entries: { type: string }[] }>(
          'GET',
          '/api/audit',
        )
        const types = audit.body.entries.map((e) => e.type)
        for (const type of ['disclosure.requested', 'disclosure.released', 'disclosure.downloaded'])
          assert.ok(types.includes(type), type)
      }))

    it('refuses reports for family proceedings with a letter that cites the clauses (NOREPORT)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const hollis = await invite(ctx, app, centreId, 'ashbury', 'r@hollis.example.org', [
          'referrer',
        ])
        const made = await hollis.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const asked = await hollis.client.json<Decided>('POST', '/api/disclosures', {
          familyId: made.body.familyId,
          category: 'notes_or_reports',
          purpose: 'family_proceedings',
        })
        assert.equal(asked.status, 201)
        assert.equal(asked.body.status, 'refused')
        assert.ok(asked.body.clauses.includes('NOREPORT'))
        const confirm = await coordinator.client.json(
          'POST',
          `/api/disclosures/${asked.body.id}/confirm`,
          {
            version: 1,
          },
        )
        assert.equal(confirm.status, 409, 'a refusal cannot be confirmed into a release')
        const letter = await hollis.client.call(
          'GET',
          `/api/disclosures/${asked.body.id}/letter.pdf`,
        )
        assert.equal(letter.status, 200)
        const text = await pdfText(await letter.arrayBuffer())
        assert.match(text, /No verbal or written reports for family proceedings \(NOREPORT\)/)
        assert.match(text, /notes or reports/)
        assert.match(text, /centres\/ashbury\/policy/)
        for (const secret of [ADDRESS, PHONE, 'Morwenna', 'Trelawny'])
          assert.ok(!text.includes(secret), secret)
        const statement = await hollis.client.call(
          'GET',
          `/api/disclosures/${asked.body.id}/statement.pdf`,
        )
        assert.equal(statement.status, 404)
      }))

    it("releases a parent's contact details only under their live consent, and never after withdrawal (CONTACT)", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
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
        const child = family.body.people.find((p) => p.kind === 'child')?.id ?? ''
        const gp = { kind: 'other_agency', name: 'Ashbury GP Surgery' }
        const ask = {
          familyId: made.body.familyId,
          category: 'contact_details',
          purpose: 'other',
          personId: mother,
          recipient: gp,
        }
        const without = await coordinator.client.json<Decided>('POST', '/api/disclosures', ask)
        assert.equal(without.body.status, 'refused')
        assert.deepEqual(without.body.clauses, ['CONTACT'])

        const consentBody = {
          personId: mother,
          category: 'contact_details',
          recipient: { kind: 'other_agency', name: 'ashbury gp surgery' },
          purpose: 'other',
          evidence: 'written',
          evidenceReference: 'signed form 14',
          givenOn: '2026-03-14',
        }
        for (const [body, field] of [
          [{ ...consentBody, recipient: { agencyId: ctx.newId() } }, 'recipient.agencyId'],
          [{ ...consentBody, recipient: { kind: 'other_agency', name: ' ' } }, 'recipient.name'],
          [{ ...consentBody, personId: child }, 'personId'],
          [{ ...consentBody, givenOn: '2026-04-01' }, 'givenOn'],
          [{ ...consentBody, expiresOn: '2026-03-01' }, 'expiresOn'],
        ] as const) {
          const refused = await coordinator.client.json<{ error: { field: string } }>(
            'POST',
            '/api/consents',
            body,
          )
          assert.equal(refused.status, 400, field)
          assert.ok(refused.body.error.field.endsWith(field), refused.body.error.field)
        }
        const none = await coordinator.client.json<{ consents: unknown[] }>(
          'GET',
          `/api/consents?personId=${mother}`,
        )
        assert.deepEqual(none.body.consents, [], 'no bad consent was written')

        const consent = await coordinator.client.json<{ id: string }>(
          'POST',
          '/api/consents',
          consentBody,
        )
        assert.equal(consent.status, 201)
        const asked = await coordinator.client.json<Decided>('POST', '/api/disclosures', ask)
        assert.equal(asked.body.status, 'awaiting_confirmation')
        assert.deepEqual(asked.body.clauses, ['CONTACT'])
        const untold = await coordinator.client.json<{ error: { field: string } }>(
          'POST',
          `/api/disclosures/${asked.body.id}/confirm`,
          { version: 1 },
        )
        assert.equal(untold.status, 400, 'the confirmer says whether the parent was told')
        assert.equal(untold.body.error.field, 'personTold')
        const released = await coordinator.client.json<{
          status: string
          contactDetails: { address: string }
        }>('POST', `/api/disclosures/${asked.body.id}/confirm`, { version: 1, personTold: true })
        assert.equal(released.body.status, 'released')
        assert.equal(released.body.contactDetails.address, ADDRESS)

        const second = await coordinator.client.json<Decided>('POST', '/api/disclosures', ask)
        assert.equal(second.body.status, 'awaiting_confirmation')
        const withdrawn = await coordinator.client.json(
          'POST',
          `/api/consents/${consent.body.id}/withdraw`,
          {
            evidence: 'verbal',
          },
        )
        assert.equal(withdrawn.status, 201)
        const again = await coordinator.client.json(
          'POST',
          `/api/consents/${consent.body.id}/withdraw`,
          {
            evidence: 'verbal',
          },
        )
        assert.equal(again.status, 409, 'withdrawn once')
        const late = await coordinator.client.json<{ status: string; clauses: string[] }>(
          'POST',
          `/api/disclosures/${second.body.id}/confirm`,
          { version: 1, personTold: true },
        )
        assert.equal(
          late.body.status,
          'refused',
          'decided again at confirmation: the consent is gone',
        )
        assert.deepEqual(late.body.clauses, ['CONTACT'])
        const listed = await coordinator.client.json<{
          consents: { state: string; withdrawnOn: string }[]
        }>('GET', `/api/consents?personId=${mother}`)
        const [only] = listed.body.consents
        assert.ok(only)
        assert.equal(only.state, 'withdrawn')
        assert.equal(only.withdrawnOn, '2026-03-14')
        const register = await coordinator.client.json<{
          entries: { consentState: string; status: string }[]
        }>('GET', '/api/disclosures')
        assert.deepEqual(register.body.entries.map((e) => `${e.status}:${e.consentState}`).sort(), [
          'refused:none',
          'refused:withdrawn',
          'released:live',
        ])
      }))

    it('takes a safeguarding disclosure to a recipient the policy allows, with a second person and the Chair told (EXCEPT)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'ashbury')
        const deputy = await invite(ctx, app, centreId, 'ashbury', 'deputy@ashbury.example.org', [
          'coordinator',
        ])
        await invite(ctx, app, centreId, 'ashbury', 'chair@ashbury.example.org', ['chair'])
        const volunteer = await invite(ctx, app, centreId, 'ashbury', 'v@ashbury.example.org', [
          'volunteer',
        ])
        const made = await coordinator.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          referral(),
        )
        const ask = {
          familyId: made.body.familyId,
          category: 'notes_or_reports',
          purpose: 'safeguarding_child',
          atRisk: 'child',
          recipient: { kind: 'police', name: 'Ashbury Police Station' },
          reason: 'a bruise seen at handover',
        }
        const concern = await volunteer.client.json<{ id: string }>('POST', '/api/incidents', {
          kind: 'safeguarding_concern',
          familyId: made.body.familyId,
          occurredAt: '2026-03-14T09:00',
          summary: 'A bruise on the arm at handover',
        })
        assert.equal(concern.status, 201, 'any worker raises a concern')
        const unknownConcern = await coordinator.client.json<{ error: { field: string } }>(
          'POST',
          '/api/disclosures',
          { ...ask, concernId: ctx.newId() },
        )
        assert.equal(unknownConcern.status, 400)
        assert.equal(unknownConcern.body.error.field, 'concernId')
        const byVolunteer = await volunteer.client.json('POST', '/api/disclosures', ask)
        assert.equal(
          byVolunteer.status,
          403,
          'a volunteer raises a concern; the coordinator discloses',
        )
        for (const [body, field, words] of [
          [{ ...ask, reason: undefined, concernId: concern.body.id }, 'reason', /say why/],
          [{ ...ask, reason: ' ', concernId: concern.body.id }, 'reason', /say why/],
          [ask, 'concernId', /record the concern first/],
        ] as const) {
          const short = await coordinator.client.json<{
            error: { field: string; message: string; clauses: string[] }
          }>('POST', '/api/disclosures', body)
          assert.equal(short.status, 400, field)
          assert.equal(short.body.error.field, field)
          assert.match(short.body.error.message, words)
          assert.deepEqual(short.body.error.clauses, ['EXCEPT'])
        }
        const wrongAgency = await coordinator.client.json<Decided>('POST', '/api/disclosures', {
          ...ask,
          concernId: concern.body.id,
          recipient: { kind: 'cafcass', name: 'CAFCASS' },
        })
        assert.equal(wrongAgency.body.status, 'refused')
        assert.deepEqual(wrongAgency.body.clauses, ['EXCEPT'])
        assert.match(
          wrongAgency.body.reasons.join(' '),
          /CAFCASS is not a recipient this policy allows/,
        )

        const asked = await coordinator.client.json<Decided>('POST', '/api/disclosures', {
          ...ask,
          concernId: concern.body.id,
        })
        assert.equal(asked.body.status, 'awaiting_sign_off')
        const alone = await coordinator.client.json(
          'POST',
          `/api/disclosures/${asked.body.id}/confirm`,
          {
            version: 1,
            personTold: true,
          },
        )
        assert.equal(alone.status, 409, 'the one who raised it cannot sign it off too')
        await drainOutbox(ctx)
        const noReason = await deputy.client.json(
          'POST',
          `/api/disclosures/${asked.body.id}/confirm`,
          {
            version: 1,
            personTold: false,
          },
        )
        assert.equal(noReason.status, 400, 'not told needs a reason')
        const signed = await deputy.client.json<{ status: string; clauses: string[] }>(
          'POST',
          `/api/disclosures/${asked.body.id}/confirm`,
          {
            version: 1,
            personTold: false,
            notToldReason: 'telling the father would put the child at risk',
          },
        )
        assert.equal(signed.body.status, 'released')
        assert.deepEqual(signed.body.clauses, ['EXCEPT'])
        const told = await drainOutbox(ctx)
        assert.deepEqual(
          told.map((m) => m.recipient),
          ['chair@ashbury.example.org'],
          'the Chair is notified, and the message says nothing of the family',
        )
        assert.ok(!JSON.stringify(told).includes('bruise'))
        const entry = await coordinator.client.json<{
          secondSignOffBy: string
          authorisedBy: string
          personTold: boolean
          notToldReason: string
          reason: string
          concernId: string
        }>('GET', `/api/disclosures/${asked.body.id}`)
        assert.equal(entry.body.concernId, concern.body.id)
        assert.equal(entry.body.authorisedBy, coordinator.accountId)
        assert.equal(entry.body.secondSignOffBy, deputy.accountId)
        assert.equal(entry.body.personTold, false)
        assert.equal(entry.body.reason, 'a bruise seen at handover')
      }))

    it("releases a parent's contact details to their former partner only under the parent's consent, once the confirmer confirms that consent (CONTACT)", () =>
      withMigratedDatabase(dialect.name, async (database) => {
        for (const [slug, preset, evidence, expected] of [
          ['cor', 'cordomus', 'verbal', 'awaiting_confirmation'],
          ['chi', 'chichester', 'written', 'awaiting_confirmation'],
          ['chv', 'chichester', 'verbal', 'refused'],
        ] as const) {
          const ctx = testContext(database, new TestClock())
          const app = testApp(ctx)
          const { coordinator } = await centreWithCoordinator(ctx, app, slug, preset)
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
          const ask = {
            familyId: made.body.familyId,
            category: 'contact_details',
            purpose: 'other',
            personId: mother,
            recipient: { kind: 'former_partner', name: 'Idris Ashdown' },
          }
          const without = await coordinator.client.json<Decided>('POST', '/api/disclosures', ask)
          assert.equal(without.body.status, 'refused', `${slug}: no consent, no release`)
          assert.deepEqual(without.body.clauses, ['CONTACT'])
          const consent = await coordinator.client.json<{ id: string }>('POST', '/api/consents', {
            personId: mother,
            category: 'contact_details',
            recipient: { kind: 'former_partner', name: 'Idris Ashdown' },
            purpose: 'other',
            evidence,
            givenOn: '2026-03-14',
          })
          assert.equal(consent.status, 201, 'the consent naming the former partner is recorded')
          const asked = await coordinator.client.json<Decided>('POST', '/api/disclosures', ask)
          assert.equal(asked.body.status, expected, slug)
          assert.deepEqual(asked.body.clauses, ['CONTACT'])
          if (expected === 'refused') {
            assert.match(asked.body.reasons.join(' '), /explicit permission/)
            continue
          }
          const unconfirmed = await coordinator.client.json<{
            error: { field: string; message: string }
          }>('POST', `/api/disclosures/${asked.body.id}/confirm`, { version: 1, personTold: true })
          assert.equal(unconfirmed.status, 400, 'the consent relied on is confirmed')
          assert.equal(unconfirmed.body.error.field, 'consentId')
          assert.match(unconfirmed.body.error.message, /consent you rely on/)
          const waiting = await coordinator.client.json<{
            status: string
            consent: { id: string; state: string }
          }>('GET', `/api/disclosures/${asked.body.id}`)
          assert.equal(waiting.body.status, 'awaiting_confirmation')
          assert.equal(waiting.body.consent.id, consent.body.id)
          const released = await coordinator.client.json<{
            status: string
            contactDetails: { address: string }
          }>('POST', `/api/disclosures/${asked.body.id}/confirm`, {
            version: 1,
            personTold: true,
            consentId: consent.body.id,
          })
          assert.equal(released.status, 200)
          assert.equal(released.body.status, 'released')
          assert.equal(released.body.contactDetails.address, ADDRESS)
          const register = await coordinator.client.json<{
            entries: { recipient: { kind: string }; status: string; consentState: string }[]
          }>('GET', '/api/disclosures')
          assert.deepEqual(
            register.body.entries
              .map((e) => `${e.recipient.kind}:${e.status}:${e.consentState}`)
              .sort(),
            ['former_partner:refused:none', 'former_partner:released:live'],
          )
        }
      }))

    it('records the legal basis of a disclosure required by law where the policy has that path (Chichester)', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        for (const [slug, preset, expected] of [
          ['chi', 'chichester', 'awaiting_sign_off'],
          ['cor', 'cordomus', 'refused'],
        ] as const) {
          const ctx = testContext(database, new TestClock())
          const app = testApp(ctx)
          const { coordinator } = await centreWithCoordinator(ctx, app, slug, preset)
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
          const ask = {
            familyId: made.body.familyId,
            category: 'contact_details',
            purpose: 'required_by_law',
            personId: mother,
            recipient: { kind: 'other_agency', name: 'Family Court at Ashbury' },
          }
          const noBasis = await coordinator.client.json<Decided>('POST', '/api/disclosures', ask)
          assert.equal(noBasis.body.status, 'refused', preset)
          assert.deepEqual(noBasis.body.clauses, ['CONTACT'])
          const withBasis = await coordinator.client.json<Decided>('POST', '/api/disclosures', {
            ...ask,
            legalBasis: 'order ZE26C00417, paragraph 4',
          })
          assert.equal(withBasis.body.status, expected, preset)
          if (expected === 'refused')
            assert.match(withBasis.body.reasons.join(' '), /no "required by law" path/)
          else {
            const entry = await coordinator.client.json<{ legalBasis: string }>(
              'GET',
              `/api/disclosures/${withBasis.body.id}`,
            )
            assert.equal(entry.body.legalBasis, 'order ZE26C00417, paragraph 4')
          }
        }
      }))
  })
}
