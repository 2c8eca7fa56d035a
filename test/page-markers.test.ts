import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { operatorActor } from '../src/app/actor.ts'
import { linkParentAccount } from '../src/app/parent-accounts.ts'
import { centreWithCoordinator, Client, invite, testApp, type Person } from './support/accounts.ts'
import { referral, sessionToday, type Family } from './support/cases.ts'
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
        const family = await coordinator.client.json<Family>('GET', `/api/families/${familyId}`)
        const motherId = family.body.people.find((p) => p.kind === 'resident_parent')?.id ?? ''
        const fatherId = family.body.people.find((p) => p.kind === 'non_resident_parent')?.id ?? ''
        await linkParentAccount(
          ctx,
          operatorActor(centreId),
          motherId,
          people.mother?.accountId ?? '',
        )
        await linkParentAccount(
          ctx,
          operatorActor(centreId),
          fatherId,
          people.father?.accountId ?? '',
        )
        const assigned = people.volunteer_assigned
        assert.ok(assigned)
        await sessionToday(ctx, database.db, centreId, familyId, assigned, {
          level: 'standard',
          renewalDueOn: '2028-01-01',
        })

        const pages = [
          '/',
          '/today',
          '/my-sessions',
          '/families',
          `/families/${familyId}`,
          '/centres/alder/policy',
          '/sign-in',
        ]
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
          const csrf = client.csrf ?? ''
          outputs.push({
            path: 'reveal mother',
            ...(await pageText(client, `/families/${familyId}/people/${motherId}/reveal`, {
              _csrf: csrf,
              reason: 'arranging a visit',
            })),
          })
          for (const output of outputs) {
            searched += 1
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
            const reveal = outputs.at(-1)
            assert.equal(reveal?.status, 200)
            assert.ok(
              MOTHER.every((m) => reveal.text.includes(m)),
              'the coordinator reveals with a reason',
            )
          }
        }
        assert.deepEqual(leaks, [])
        assert.equal(searched, 9 * (pages.length + 1))
      }))
  })
}
