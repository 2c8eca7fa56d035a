import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { describe, it } from 'node:test'
import { API_ROUTES } from '../src/http/app.ts'
import type { Db } from '../src/storage/database.ts'
import { testApp, type Client } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { buildWorld, WORLD_ACTORS, type World, type WorldActor } from './support/world.ts'

/**
 * Nothing answers differently for a record one may not see (issue 13; OWASP ASVS 5.0 V8.2.2):
 * for every route that names a record (in its path, or a family or person in its body),
 * someone who may not see that record gets exactly the answer they would get for an id that
 * does not exist: the same status, the same body but for the request id, the same headers
 * but for the request id. Where they may see the record but not do this to it, a refusal
 * that says so (403 with the policy's clauses) is right, and is not compared here.
 */

/** The ids a call names: the world's, or ones that exist nowhere. */
const ID_NAMES = [
  'familyId',
  'motherId',
  'referralId',
  'sessionId',
  'assessmentId',
  'guidanceId',
  'consentId',
  'releasedId',
  'refusedId',
  'toConfirmId',
  'completedRunId',
  'waitingRunId',
  'sarOpenId',
  'sarDoneId',
  'roomId',
  'accountId',
] as const
type Ids = Record<(typeof ID_NAMES)[number], string>

interface Row {
  call: (client: Client, ids: Ids) => Promise<Response>
  /**
   * Those who may see the record, or act on it as the policy allows (and so may be told that
   * they may not do this to it); the answers of everyone else are compared.
   */
  sees: readonly WorldActor[]
}

/** Who may see family X's records at all, under the centre's default policy. */
const FAMILY_READERS = [
  'coordinator',
  'staff',
  'volunteer_assigned',
  'referrer_of_family',
  'parent_self',
  'parent_coparent',
] as const satisfies readonly WorldActor[]

/** Who may see an entry of the disclosure register about family X. */
const DISCLOSURE_READERS = [
  'coordinator',
  'chair',
  'management',
  'referrer_of_family',
] as const satisfies readonly WorldActor[]

const ROWS: Record<string, Row> = {
  'get /api/referrals/:referralId': {
    sees: FAMILY_READERS,
    call: (c, i) => c.call('GET', `/api/referrals/${i.referralId}`),
  },
  'post /api/referrals/:referralId/status': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', `/api/referrals/${i.referralId}/status`, { to: 'closed', version: 999 }),
  },
  'put /api/referrals/:referralId/arrangements': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('PUT', `/api/referrals/${i.referralId}/arrangements`, {
        availability: 'Saturday mornings',
        version: 999,
      }),
  },
  'get /api/families/:familyId': {
    sees: FAMILY_READERS,
    call: (c, i) => c.call('GET', `/api/families/${i.familyId}`),
  },
  'put /api/families/:familyId/door-details': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('PUT', `/api/families/${i.familyId}/door-details`, {
        isSeparationRequired: true,
        safetyFlags: [],
        version: 999,
      }),
  },
  'post /api/people/:personId/contact-details/reveal': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', `/api/people/${i.motherId}/contact-details/reveal`, { reason: 'existence' }),
  },
  'put /api/people/:personId': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('PUT', `/api/people/${i.motherId}`, {
        givenName: 'Morwenna',
        familyName: 'Trelawny',
        hasParentalResponsibility: true,
        mayAttend: true,
        version: 999,
      }),
  },
  'put /api/people/:personId/account': {
    sees: FAMILY_READERS,
    call: (c, i) => c.call('PUT', `/api/people/${i.motherId}/account`, { accountId: i.accountId }),
  },
  'put /api/members/:accountId/roles': {
    sees: ['coordinator'],
    call: (c, i) => c.call('PUT', `/api/members/${i.accountId}/roles`, { roles: ['volunteer'] }),
  },
  'post /api/members/:accountId/disable': {
    sees: ['coordinator'],
    call: (c, i) => c.call('POST', `/api/members/${i.accountId}/disable`),
  },
  'post /api/members/:accountId/enable': {
    sees: ['coordinator'],
    call: (c, i) => c.call('POST', `/api/members/${i.accountId}/enable`),
  },
  'post /api/members/:accountId/sessions/end': {
    sees: ['coordinator'],
    call: (c, i) => c.call('POST', `/api/members/${i.accountId}/sessions/end`),
  },
  'post /api/consents/:consentId/withdraw': {
    sees: FAMILY_READERS,
    call: (c, i) => c.call('POST', `/api/consents/${i.consentId}/withdraw`, { evidence: 'verbal' }),
  },
  'get /api/disclosures/:disclosureId': {
    sees: DISCLOSURE_READERS,
    call: (c, i) => c.call('GET', `/api/disclosures/${i.releasedId}`),
  },
  'post /api/disclosures/:disclosureId/confirm': {
    sees: DISCLOSURE_READERS,
    call: (c, i) => c.call('POST', `/api/disclosures/${i.toConfirmId}/confirm`, { version: 999 }),
  },
  'post /api/disclosures/:disclosureId/decline': {
    sees: DISCLOSURE_READERS,
    call: (c, i) => c.call('POST', `/api/disclosures/${i.toConfirmId}/decline`, { version: 999 }),
  },
  'get /api/disclosures/:disclosureId/statement.pdf': {
    sees: DISCLOSURE_READERS,
    call: (c, i) => c.call('GET', `/api/disclosures/${i.releasedId}/statement.pdf`),
  },
  'get /api/disclosures/:disclosureId/statement.csv': {
    sees: DISCLOSURE_READERS,
    call: (c, i) => c.call('GET', `/api/disclosures/${i.releasedId}/statement.csv`),
  },
  'get /api/disclosures/:disclosureId/letter.pdf': {
    sees: DISCLOSURE_READERS,
    call: (c, i) => c.call('GET', `/api/disclosures/${i.refusedId}/letter.pdf`),
  },
  'post /api/guidance/:requestId/answer': {
    sees: ['coordinator', 'volunteer_assigned'],
    call: (c, i) => c.call('POST', `/api/guidance/${i.guidanceId}/answer`, { answer: 'Yes' }),
  },
  'post /api/assessments/:assessmentId/approve': {
    sees: ['coordinator', 'staff', 'chair', 'management'],
    call: (c, i) => c.call('POST', `/api/assessments/${i.assessmentId}/approve`),
  },
  'post /api/assessments/:assessmentId/book': {
    sees: ['coordinator', 'staff', 'chair', 'management'],
    call: (c, i) => c.call('POST', `/api/assessments/${i.assessmentId}/book`),
  },
  'get /api/disposals/:runId': {
    sees: ['coordinator', 'chair', 'management'],
    call: (c, i) => c.call('GET', `/api/disposals/${i.completedRunId}`),
  },
  'post /api/disposals/:runId/approve': {
    sees: ['coordinator', 'chair', 'management'],
    call: (c, i) =>
      c.call('POST', `/api/disposals/${i.completedRunId}/approve`, { familiesToDestroy: 0 }),
  },
  'post /api/disposals/:runId/families/:familyId/keep': {
    sees: ['coordinator', 'chair', 'management'],
    call: (c, i) =>
      c.call('POST', `/api/disposals/${i.waitingRunId}/families/${i.familyId}/keep`, {
        as: 'excluded',
        reason: 'checking',
      }),
  },
  'get /api/disposals/:runId/certificate.pdf': {
    sees: ['coordinator', 'chair', 'management'],
    call: (c, i) => c.call('GET', `/api/disposals/${i.completedRunId}/certificate.pdf`),
  },
  'put /api/families/:familyId/legal-hold': {
    sees: [...FAMILY_READERS, 'chair', 'management'],
    call: (c, i) => c.call('PUT', `/api/families/${i.familyId}/legal-hold`, { isOnHold: false }),
  },
  'put /api/sessions/:sessionId/plan': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('PUT', `/api/sessions/${i.sessionId}/plan`, {
        plan: [{ personId: i.motherId }],
        version: 999,
      }),
  },
  'post /api/sessions/:sessionId/close': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', `/api/sessions/${i.sessionId}/close`, {
        outcome: 'cancelled',
        cancelledBy: 'centre',
        version: 999,
      }),
  },
  'get /api/sessions/:sessionId/register': {
    sees: FAMILY_READERS,
    call: (c, i) => c.call('GET', `/api/sessions/${i.sessionId}/register`),
  },
  'post /api/sessions/:sessionId/door': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', `/api/sessions/${i.sessionId}/door`, {
        what: 'departed',
        personId: i.motherId,
      }),
  },
  'post /api/sessions/:sessionId/workers': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', `/api/sessions/${i.sessionId}/workers`, { accountId: i.accountId }),
  },
  'post /api/workers/:accountId/checks': {
    sees: ['coordinator'],
    call: (c, i) =>
      c.call('POST', `/api/workers/${i.accountId}/checks`, {
        kind: 'dbs',
        level: 'standard',
        issuedOn: '2025-01-01',
        renewalDueOn: '2024-01-01',
        outcome: 'clear',
      }),
  },
  'post /api/families/:familyId/acquaintances': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', `/api/families/${i.familyId}/acquaintances`, { accountId: i.accountId }),
  },
  'get /api/subject-access/:requestId': {
    sees: ['coordinator', 'staff', 'chair', 'management', 'parent_self'],
    call: (c, i) => c.call('GET', `/api/subject-access/${i.sarOpenId}`),
  },
  'post /api/subject-access/:requestId/events': {
    sees: ['coordinator', 'staff', 'chair', 'management', 'parent_self'],
    call: (c, i) =>
      c.call('POST', `/api/subject-access/${i.sarOpenId}/events`, {
        version: 999,
        event: { kind: 'clarification_asked' },
      }),
  },
  'post /api/subject-access/:requestId/releases': {
    sees: ['coordinator', 'staff', 'chair', 'management', 'parent_self'],
    call: (c, i) =>
      c.call('POST', `/api/subject-access/${i.sarOpenId}/releases`, {
        recordId: i.guidanceId,
        reason: ' ',
      }),
  },
  'get /api/subject-access/:requestId/bundle.pdf': {
    sees: ['coordinator', 'staff', 'chair', 'management', 'parent_self'],
    call: (c, i) => c.call('GET', `/api/subject-access/${i.sarDoneId}/bundle.pdf`),
  },
  'get /api/subject-access/:requestId/bundle.json': {
    sees: ['coordinator', 'staff', 'chair', 'management', 'parent_self'],
    call: (c, i) => c.call('GET', `/api/subject-access/${i.sarDoneId}/bundle.json`),
  },
  // Records named in a body or query.
  'get /api/consents': {
    sees: FAMILY_READERS,
    call: (c, i) => c.call('GET', `/api/consents?personId=${i.motherId}`),
  },
  'post /api/consents': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', '/api/consents', {
        personId: i.motherId,
        category: 'contact_details',
        recipient: { kind: 'other_agency', name: 'Existence GP Surgery' },
        purpose: 'other',
        evidence: 'written',
        givenOn: '2026-03-14',
      }),
  },
  'post /api/subject-access': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', '/api/subject-access', { personId: i.motherId, identityMethod: 'seen' }),
  },
  'post /api/disclosures': {
    // The committee may ask to disclose about any family of the centre.
    sees: [...FAMILY_READERS, 'chair', 'management'],
    call: (c, i) =>
      c.call('POST', '/api/disclosures', {
        familyId: i.familyId,
        category: 'attendance',
        purpose: 'other',
        recipient: { kind: 'other_agency', name: 'Existence Agency' },
      }),
  },
  'post /api/sessions': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', '/api/sessions', {
        familyId: i.familyId,
        roomId: i.roomId,
        kind: 'supported',
        startsAt: '2026-03-21T10:00',
        endsAt: '2026-03-21T12:00',
      }),
  },
  'post /api/assessments': {
    sees: FAMILY_READERS,
    call: (c, i) =>
      c.call('POST', '/api/assessments', {
        familyId: i.familyId,
        assessor: 'A social worker',
        place: 'premises',
        startsAt: '2026-03-21T10:00',
      }),
  },
  'post /api/incidents': {
    // Raising a concern about any family of the centre is every worker's duty (EXCEPT); the
    // report shows its author nothing of the family.
    sees: [...FAMILY_READERS, 'volunteer_other'],
    call: (c, i) =>
      c.call('POST', '/api/incidents', {
        kind: 'incident',
        familyId: i.familyId,
        occurredAt: '2026-03-14T09:00',
        summary: 'A door was left open',
      }),
  },
  'post /api/centre/export': {
    // Names no record: the centre is the caller's own. Everyone the policy refuses is refused
    // alike; a coordinator here or elsewhere gets their own centre's export.
    sees: ['coordinator', 'coordinator_elsewhere'],
    call: (c) => c.call('POST', '/api/centre/export'),
  },
  'post /api/guidance': {
    // Any worker may ask about a family of the centre (GUIDE), and is shown nothing of it.
    sees: [...FAMILY_READERS, 'volunteer_other'],
    call: (c, i) =>
      c.call('POST', '/api/guidance', { familyId: i.familyId, question: 'Who locks up?' }),
  },
}

/** An answer as text: status, headers and body, with the request id taken out. */
async function answerOf(response: Response): Promise<string> {
  const requestId = response.headers.get('x-request-id') ?? '\0'
  const headers = [...response.headers].filter(([name]) => name !== 'x-request-id')
  const body = Buffer.from(await response.arrayBuffer()).toString('latin1')
  return JSON.stringify({ status: response.status, headers, body }).replaceAll(requestId, 'RID')
}

function idsOf(world: World): Ids {
  return { ...world, accountId: world.spare.accountId }
}

function missingIds(): Ids {
  return Object.fromEntries(ID_NAMES.map((name) => [name, randomUUID()])) as Ids
}

describe('the routes that name a record', () => {
  it('are every route with an id in its path', () => {
    // A centre's slug and an invitation's token are public addresses, not records.
    const withId = API_ROUTES.filter((r) => /:(?!slug|token)\w+/.test(r.path)).map(
      (r) => `${r.method.toLowerCase()} ${r.path}`,
    )
    assert.deepEqual(
      withId.filter((route) => !(route in ROWS)),
      [],
    )
  })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`records one may not see, on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('answer as records that do not exist, and refusals stay where the record is seen', (t) =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const world = await buildWorld(ctx, app, database)
        const reveal = 'post /api/people/:personId/contact-details/reveal'
        const refusedBefore = await refusals(database.db, world.motherId)

        await t.test(
          'V8.2.2 every route that names a record answers exactly as for one that does not exist, to everyone who may not see it',
          async () => {
            const differences: string[] = []
            let compared = 0
            for (const [route, row] of Object.entries(ROWS))
              for (const actor of WORLD_ACTORS) {
                if (row.sees.includes(actor)) continue
                const client = world.people[actor].client
                const existing = await answerOf(await row.call(client, idsOf(world)))
                const missing = await answerOf(await row.call(client, missingIds()))
                compared += 1
                if (existing !== missing)
                  differences.push(`${route} as ${actor}:\n  ${existing}\n  ${missing}`)
              }
            assert.deepEqual(differences, [])
            t.diagnostic(`${String(compared)} answers compared with a missing record's`)
          },
        )

        await t.test(
          'V8.2.2 a refused reveal is still audited, also for those who are told the person does not exist',
          async () => {
            const refused = (await refusals(database.db, world.motherId))
              .filter((row) => !refusedBefore.includes(row))
              .map((row) => row.split('#')[0])
            const outsiders = WORLD_ACTORS.filter((actor) => !ROWS[reveal]?.sees.includes(actor))
            // Another centre's coordinator finds no such person in their own centre: nothing
            // of this centre's is refused, or written, for them.
            for (const actor of outsiders.filter((a) => a !== 'coordinator_elsewhere'))
              assert.ok(
                refused.includes(world.people[actor].accountId),
                `${actor}'s refused reveal is in the audit log`,
              )
          },
        )

        await t.test(
          'V8.2.2 who may see a record but not do this to it is told so, with the clauses',
          async () => {
            const cases: [WorldActor, string][] = [
              ['volunteer_assigned', reveal],
              ['parent_coparent', reveal],
              ['volunteer_assigned', 'put /api/people/:personId'],
              ['parent_self', 'put /api/families/:familyId/door-details'],
            ]
            for (const [actor, route] of cases) {
              const response = await ROWS[route]?.call(world.people[actor].client, idsOf(world))
              const body = (await response?.json()) as { error?: { clauses?: string[] } }
              assert.equal(response?.status, 403, `${route} as ${actor}`)
              assert.ok((body.error?.clauses ?? []).length > 0, `${route} as ${actor}: clauses`)
            }
          },
        )
      }))
  })
}

/** The accounts whose reveal of this person was refused, one entry per refusal. */
async function refusals(db: Db, personId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('audit_log')
    .select(['actor_id', 'seq'])
    .where('type', '=', 'contact.reveal_refused')
    .where('subject_id', '=', personId)
    .execute()
  return rows.map((row) => `${row.actor_id ?? ''}#${String(row.seq)}`)
}
