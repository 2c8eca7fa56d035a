import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { centreWithCoordinator, Client, invite, testApp, type Person } from './support/accounts.ts'
import { insertDisposalItems, insertDisposalRun } from '../src/storage/disposal-runs.ts'
import { linkParents, referral, sessionToday } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * The marker test, for the pages: unique markers in both parents' contact details; every page
 * each kind of person can open (and the reveal form's answer) is searched for them. The
 * mother's appear only where the policy lets the reader reveal them, with a reason; the
 * father's nowhere, since nobody reveals them here.
 */
/**
 * Who opens which page: 200, refused as a page (403), not found because the record is out of
 * their reach (404), or sent to sign in (303). Columns: coordinator, staff, the volunteer on
 * the session, another volunteer, the chair, the family's referrer, the mother, the father,
 * no one signed in. The refusals are the policy's and the pages' own (decision 0019).
 */
const EXPECTED: readonly (readonly [string, readonly number[]])[] = [
  ['home', [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['today', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['my sessions', [200, 200, 200, 200, 403, 403, 403, 403, 303]],
  ['families', [200, 200, 200, 200, 200, 200, 200, 200, 303]],
  ['family', [200, 200, 200, 404, 404, 404, 200, 200, 303]],
  ['consents', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['public policy', [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['sign in', [200, 200, 200, 200, 200, 200, 200, 200, 200]],
  ['referrals', [200, 200, 403, 403, 403, 200, 200, 200, 303]],
  ['referral form', [200, 200, 403, 403, 403, 200, 403, 403, 303]],
  ['referral', [200, 200, 404, 404, 404, 200, 200, 200, 303]],
  ['register', [200, 403, 403, 403, 200, 200, 403, 403, 303]],
  ['disclosure form', [200, 200, 403, 403, 403, 200, 403, 403, 303]],
  ['disclosure form for family', [200, 200, 403, 403, 403, 200, 403, 403, 303]],
  ['attendance entry', [200, 404, 404, 404, 200, 200, 404, 404, 303]],
  ['contact entry', [200, 404, 404, 404, 200, 404, 404, 404, 303]],
  ['week', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['booking', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['session register', [200, 200, 200, 404, 404, 404, 404, 404, 303]],
  ['centre', [200, 200, 403, 403, 200, 403, 403, 403, 303]],
  ['workers', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['subject access', [200, 200, 403, 403, 200, 403, 403, 403, 303]],
  ['subject access request', [200, 200, 403, 403, 200, 403, 403, 403, 303]],
  ['disposals', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['disposal run', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['keeping a family out of a run', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['audit', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['centre export', [200, 403, 403, 403, 403, 403, 403, 403, 303]],
  ['policy', [200, 200, 200, 200, 200, 200, 200, 200, 303]],
  ['approvals', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['report', [200, 200, 200, 200, 403, 403, 403, 403, 303]],
  ['records', [200, 200, 200, 200, 200, 403, 403, 403, 303]],
  ['people', [200, 403, 403, 403, 403, 403, 403, 403, 303]],
  ['a person', [200, 403, 403, 403, 403, 403, 403, 403, 303]],
  ['my information', [403, 403, 403, 403, 403, 403, 200, 200, 303]],
  ['month', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['day sheet', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['statistics', [200, 200, 403, 403, 200, 403, 403, 403, 303]],
  ['statistics csv', [200, 200, 403, 403, 200, 403, 403, 403, 303]],
  ['correcting the mother', [200, 200, 404, 404, 404, 404, 403, 403, 303]],
  ['import', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
  ['legal hold', [200, 403, 403, 403, 200, 403, 403, 403, 303]],
  ['adding a child', [200, 200, 403, 404, 404, 404, 403, 403, 303]],
  ['safety and keeping apart', [200, 200, 403, 404, 404, 404, 403, 403, 303]],
  ['rooms', [200, 403, 403, 403, 403, 403, 403, 403, 303]],
  ['agencies', [200, 200, 403, 403, 403, 403, 403, 403, 303]],
]

/** The family's names (test/support/cases.ts), which no disposal page may show. */
const NAMES = ['Morwenna', 'Trelawny', 'Idris', 'Pengelly', 'Elowen']

const MARK = `P${String(Math.random()).slice(2, 10)}`
const MOTHER = [`${MARK} mother lane`, `${MARK}M`, `mother.${MARK}@example.org`]
const FATHER = [`${MARK} father lane`, `${MARK}F`, `father.${MARK}@example.org`]

async function pageText(client: Client, path: string, form?: Record<string, string>) {
  const response = await client.call(
    form ? 'POST' : 'GET',
    path,
    form ? new URLSearchParams(form).toString() : undefined,
    form
      ? { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' }
      : {},
  )
  return {
    status: response.status,
    text: `${JSON.stringify([...response.headers])}\n${await response.text()}`,
  }
}

/** The import page's check of a family whose parent's contact details carry the markers. */
async function importCheck(client: Client, born: string) {
  const form = new FormData()
  form.append('_csrf', client.csrf ?? '')
  form.append('files', new File(['Family,Keep parents apart\r\nMarked,yes\r\n'], 'families.csv'))
  form.append(
    'files',
    new File(
      [
        `Family,Role,First name,Last name,Date of birth,Parental responsibility,Address,Phone,Email\r\nMarked,resident parent,Ceri,Rowe,,yes,${MOTHER[0] ?? ''},${MOTHER[1] ?? ''},${MOTHER[2] ?? ''}\r\nMarked,child,Alys,Rowe,${born},,,,\r\n`,
      ],
      'people.csv',
    ),
  )
  const response = await client.app.request('/centre/import', {
    method: 'POST',
    body: form,
    headers: {
      ...(client.cookie === undefined ? {} : { cookie: client.cookie }),
      'sec-fetch-site': 'same-origin',
    },
  })
  return {
    status: response.status,
    text: `${JSON.stringify([...response.headers])}\n${await response.text()}`,
  }
}

for (const dialect of await dialectsUnderTest()) {
  describe(`the marker test on the pages, on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('shows a parent’s contact details on no page but a permitted reveal', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const people: Record<string, Person> = { coordinator }
        for (const [name, roles] of [
          ['staff', ['staff']],
          ['volunteer_assigned', ['volunteer']],
          ['volunteer_other', ['volunteer']],
          ['chair', ['chair']],
          ['referrer', ['referrer']],
          ['mother', ['parent']],
          ['father', ['parent']],
        ] as const)
          people[name] = await invite(ctx, app, centreId, 'alder', `${name}@alder.example.org`, [
            ...roles,
          ])
        const contact = (m: string[]) => ({ address: m[0], phone: m[1], email: m[2] })
        const base = referral()
        const made = await people.referrer?.client.json<{ familyId: string }>(
          'POST',
          '/api/referrals',
          {
            ...base,
            parents: [
              { ...base.parents[0], contactDetails: contact(MOTHER) },
              { ...base.parents[1], contactDetails: contact(FATHER) },
            ],
          },
        )
        assert.equal(made?.status, 201)
        const familyId = made.body.familyId
        const { motherId } = await linkParents(ctx, centreId, coordinator, familyId, {
          mother: people.mother?.accountId ?? '',
          father: people.father?.accountId ?? '',
        })
        const assigned = people.volunteer_assigned
        assert.ok(assigned)

        const sessionId = await sessionToday(ctx, database.db, centreId, familyId, assigned, {
          level: 'standard',
          renewalDueOn: '2028-01-01',
        })

        // Something on every page: a referral, attendance asked and released, a consent the
        // mother gave and a disclosure released under it, her subject access request, a concern.
        const referralId =
          (await coordinator.client.json<{ referrals: { id: string }[] }>('GET', '/api/referrals'))
            .body.referrals[0]?.id ?? ''
        const attendance = await people.referrer?.client.json<{ id: string }>(
          'POST',
          '/api/disclosures',
          { familyId, category: 'attendance', purpose: 'other' },
        )
        assert.equal(attendance?.status, 201)
        await coordinator.client.json('POST', `/api/disclosures/${attendance.body.id}/confirm`, {
          version: 1,
        })
        const consent = await coordinator.client.json('POST', '/api/consents', {
          personId: motherId,
          category: 'contact_details',
          recipient: { kind: 'other_person', name: 'Dr Quenby' },
          purpose: 'other',
          evidence: 'written',
          givenOn: '2026-03-10',
        })
        assert.equal(consent.status, 201)
        const contactAsked = await coordinator.client.json<{ id: string; status: string }>(
          'POST',
          '/api/disclosures',
          {
            familyId,
            category: 'contact_details',
            personId: motherId,
            purpose: 'other',
            recipient: { kind: 'other_person', name: 'Dr Quenby' },
          },
        )
        assert.equal(contactAsked.body.status, 'awaiting_confirmation')
        const released = await pageText(
          coordinator.client,
          `/disclosures/${contactAsked.body.id}/confirm`,
          {
            _csrf: coordinator.client.csrf ?? '',
            version: '1',
            personTold: 'yes',
          },
        )
        assert.equal(released.status, 200)
        assert.ok(
          MOTHER.every((m) => released.text.includes(m)),
          'released under consent: shown once, on the answer to the confirmation',
        )
        assert.ok(!FATHER.some((m) => released.text.includes(m)))
        const sar = await people.mother?.client.json<{ id: string }>(
          'POST',
          '/api/subject-access',
          {
            personId: motherId,
          },
        )
        assert.equal(sar?.status, 201)
        await assigned.client.json('POST', '/api/incidents', {
          kind: 'safeguarding_concern',
          familyId,
          occurredAt: '2026-03-14T08:30',
          summary: 'A worry at handover.',
        })

        // A disposal run waiting for approval that lists the family (by its reference).
        const runId = ctx.newId()
        await insertDisposalRun(database.db, {
          id: runId,
          centreId,
          asOf: '2026-03-14',
          status: 'awaiting_approval',
          policyVersion: 1,
          isAutomatic: false,
          plannedAt: ctx.now().toISOString(),
          approvedBy: undefined,
          approvedRole: undefined,
          approvedAt: undefined,
          completedAt: undefined,
          certificate: undefined,
          retentionYears: 3,
        })
        const { reference } = await database.db
          .selectFrom('families')
          .select('reference')
          .where('id', '=', familyId)
          .executeTakeFirstOrThrow()
        await insertDisposalItems(database.db, centreId, [
          {
            id: ctx.newId(),
            runId,
            itemKind: 'family',
            itemId: familyId,
            lastUsedOn: '2022-03-14',
            dueOn: '2025-03-14',
            counts: {
              destroy: { family_record: 1, referral: 1 },
              keep: {},
              whole: true,
              people: 3,
            },
            outcome: undefined,
            reference,
            kept: undefined,
          },
        ])

        // Each page by a label that names no record, so the expected statuses below can.
        const labelled: [string, string][] = [
          ['home', '/'],
          ['today', '/today'],
          ['my sessions', '/my-sessions'],
          ['families', '/families'],
          ['family', `/families/${familyId}`],
          ['consents', `/families/${familyId}/consents`],
          ['public policy', '/centres/alder/policy'],
          ['sign in', '/sign-in'],
          ['referrals', '/referrals'],
          ['referral form', '/referrals/new'],
          ['referral', `/referrals/${referralId}`],
          ['register', '/disclosures'],
          ['disclosure form', '/disclosures/new'],
          ['disclosure form for family', `/disclosures/new?familyId=${familyId}`],
          ['attendance entry', `/disclosures/${attendance.body.id}`],
          ['contact entry', `/disclosures/${contactAsked.body.id}`],
          ['week', '/sessions'],
          ['booking', '/sessions/new'],
          ['session register', `/sessions/${sessionId}`],
          ['centre', '/centre'],
          ['workers', '/centre/workers'],
          ['subject access', '/centre/subject-access'],
          ['subject access request', `/centre/subject-access/${sar.body.id}`],
          ['disposals', '/centre/disposals'],
          ['disposal run', `/centre/disposals/${runId}`],
          ['keeping a family out of a run', `/centre/disposals/${runId}/families/${familyId}`],
          ['audit', '/centre/audit'],
          ['centre export', '/centre/export'],
          ['policy', '/policy'],
          ['approvals', '/approvals'],
          ['report', '/report'],
          ['records', '/records'],
          ['people', '/centre/people'],
          ['a person', `/centre/people/${people.volunteer_assigned?.accountId ?? ''}`],
          ['my information', '/my-information'],
          ['month', '/sessions/month'],
          ['day sheet', '/sessions/day-sheet'],
          ['statistics', '/centre/statistics'],
          ['statistics csv', '/centre/statistics.csv'],
          ['correcting the mother', `/families/${familyId}/people/${motherId}/edit`],
          ['import', '/centre/import'],
          ['legal hold', `/families/${familyId}/legal-hold`],
          ['adding a child', `/families/${familyId}/children/new`],
          ['safety and keeping apart', `/families/${familyId}/safety`],
          ['rooms', '/centre/rooms'],
          ['agencies', '/centre/agencies'],
        ]
        const pages = labelled.map(([, path]) => path)
        const statuses: Record<string, Record<string, number>> = {}
        const leaks: string[] = []
        let searched = 0
        for (const [name, person] of [
          ...Object.entries(people),
          ['anonymous', undefined] as const,
        ]) {
          const client = person?.client ?? new Client(app)
          const outputs = await Promise.all(
            pages.map(async (path) => ({ path, ...(await pageText(client, path)) })),
          )
          statuses[name] = Object.fromEntries(
            outputs.map((o, index) => [labelled[index]?.[0] ?? o.path, o.status]),
          )
          const csrf = client.csrf ?? ''
          outputs.push({
            path: 'reveal mother',
            ...(await pageText(client, `/families/${familyId}/people/${motherId}/reveal`, {
              _csrf: csrf,
              reason: 'arranging a visit',
            })),
          })
          // The import's check of a file holding contact details, with a mistake and without:
          // neither answer shows them (the checked files travel sealed).
          for (const born of ['01/02/20', '01/02/2020'])
            outputs.push({ path: 'import check', ...(await importCheck(client, born)) })
          outputs.push({
            path: 'search',
            ...(await pageText(client, '/families/search', { _csrf: csrf, q: 'Trelawny' })),
          })
          for (const output of outputs) {
            searched += 1
            // A disposal run names a family by its reference only: no name either.
            if (output.path.startsWith('/centre/disposals/') && output.status === 200) {
              assert.ok(output.text.includes(reference), `${output.path} names ${reference}`)
              for (const word of NAMES)
                if (output.text.includes(word)) leaks.push(`${output.path} as ${name}: ${word}`)
            }
            const allowed =
              output.path === 'reveal mother' &&
              output.status === 200 &&
              (name === 'coordinator' || name === 'mother')
                ? MOTHER
                : []
            for (const marker of [...MOTHER, ...FATHER])
              if (output.text.includes(marker) && !allowed.includes(marker))
                leaks.push(`${output.path} as ${name}: ${marker}`)
          }
          if (name === 'coordinator') {
            const closed = outputs
              .filter(
                (o) =>
                  o.status !== 200 && o.path !== '/my-information' && o.path !== 'import check',
              )
              .map((o) => `${o.path} ${String(o.status)}`)
            assert.deepEqual(closed, [], 'the coordinator opens every page but a parent’s own')
            assert.deepEqual(
              outputs.filter((o) => o.path === 'import check').map((o) => o.status),
              [400, 200],
              'the check lists the mistake, then passes the file put right',
            )
            const reveal = outputs.find((o) => o.path === 'reveal mother')
            assert.equal(reveal?.status, 200)
            assert.ok(
              MOTHER.every((m) => reveal.text.includes(m)),
              'the coordinator reveals with a reason',
            )
          }
        }
        const expected = Object.fromEntries(
          Object.keys(statuses).map((name, column) => [
            name,
            Object.fromEntries(EXPECTED.map(([label, codes]) => [label, codes[column]])),
          ]),
        )
        assert.deepEqual(statuses, expected, 'who opens which page')
        assert.deepEqual(leaks, [])
        assert.equal(searched, 9 * (pages.length + 4))
      }))
  })
}
