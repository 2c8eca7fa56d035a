import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { operatorActor } from '../src/app/actor.ts'
import type { AppContext } from '../src/app/context.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { API_ROUTES } from '../src/http/app.ts'
import {
  Client,
  currentCode,
  drainOutbox,
  invite,
  PASSWORD,
  testApp,
  tokenFromLink,
  waitForMessages,
} from './support/accounts.ts'
import { referral } from './support/cases.ts'
import { TestClock, testContext, withMigratedDatabase } from './support/databases.ts'
import { buildWorld, WORLD_ACTORS, type World, type WorldActor } from './support/world.ts'

/**
 * The API answers as its OpenAPI document says. Every route is called for real, by every
 * kind of actor and by calls that reach its success, and every answer is checked against
 * the schema the served document (GET /api/openapi.json) gives for that status and media
 * type: a status the document does not list, a JSON answer with no documented body, a
 * field the schema does not declare or a missing required one all fail.
 */

type Doc = {
  servers?: unknown[]
  components: { schemas: Record<string, unknown> }
  paths: Record<
    string,
    Record<
      string,
      {
        operationId?: string
        responses: Record<string, { content?: Record<string, { schema: unknown }> }>
      }
    >
  >
}

type Extra = World & {
  concernId: string
  toDeclineId: string
  policyDocument: unknown
}

interface Row {
  /** Called once by every actor (and once signed out). */
  call: (client: Client, w: Extra) => Promise<Response>
}

const GONE = 'x'.repeat(43)
const unique = () => String(Math.random()).slice(2)

const ROWS: Record<string, Row> = {
  'get /api/openapi.json': { call: (c) => c.call('GET', '/api/openapi.json') },
  'post /api/auth/sign-in': {
    call: (c) =>
      new Client(c.app).call('POST', '/api/auth/sign-in', {
        centre: 'alder',
        email: `nobody-${unique()}@example.org`,
        password: 'wrong password here',
      }),
  },
  'post /api/auth/second-factor': {
    call: (c) => c.call('POST', '/api/auth/second-factor', { code: '000000' }),
  },
  'get /api/auth/session': { call: (c) => c.call('GET', '/api/auth/session') },
  'post /api/auth/sign-out': { call: (c) => c.call('POST', '/api/auth/sign-out') },
  'post /api/auth/password-reset': {
    call: (c) => c.call('POST', '/api/auth/password-reset', { email: 'nobody@example.org' }),
  },
  'post /api/auth/password-reset/complete': {
    call: (c) =>
      c.call('POST', '/api/auth/password-reset/complete', { token: GONE, password: PASSWORD }),
  },
  'get /api/invitations/:token': { call: (c) => c.call('GET', `/api/invitations/${GONE}`) },
  'post /api/invitations/accept': {
    call: (c) => c.call('POST', '/api/invitations/accept', { token: GONE, password: PASSWORD }),
  },
  'post /api/me/second-factor/enrol': {
    call: (c) => c.call('POST', '/api/me/second-factor/enrol'),
  },
  'post /api/me/recovery-codes': {
    call: (c) => c.call('POST', '/api/me/recovery-codes', { code: '000000' }),
  },
  'get /api/invitation-confirmations/:token': {
    call: (c) => c.call('GET', `/api/invitation-confirmations/${GONE}`),
  },
  'post /api/invitation-confirmations/accept': {
    call: (c) => c.call('POST', '/api/invitation-confirmations/accept', { token: GONE }),
  },
  'post /api/me/invitations/accept': {
    call: (c) => c.call('POST', '/api/me/invitations/accept', { token: GONE }),
  },
  'post /api/me/second-factor/confirm': {
    call: (c) => c.call('POST', '/api/me/second-factor/confirm', { code: '000000' }),
  },
  'post /api/me/password': {
    call: (c) =>
      c.call('POST', '/api/me/password', {
        currentPassword: 'not the password at all',
        newPassword: 'meadow lantern quartz',
      }),
  },
  'get /api/members': { call: (c) => c.call('GET', '/api/members') },
  'post /api/members/invitations': {
    call: (c) =>
      c.call('POST', '/api/members/invitations', {
        email: `x${unique()}@example.org`,
        roles: ['volunteer'],
      }),
  },
  'put /api/members/:accountId/roles': {
    call: (c, w) =>
      c.call('PUT', `/api/members/${w.spare.accountId}/roles`, { roles: ['volunteer'] }),
  },
  'post /api/members/:accountId/disable': {
    call: (c, w) => c.call('POST', `/api/members/${w.spare.accountId}/disable`),
  },
  'post /api/members/:accountId/enable': {
    call: (c, w) => c.call('POST', `/api/members/${w.spare.accountId}/enable`),
  },
  'post /api/members/:accountId/sessions/end': {
    call: (c, w) => c.call('POST', `/api/members/${w.spare.accountId}/sessions/end`),
  },
  'put /api/centre/second-factor': {
    call: (c) => c.call('PUT', '/api/centre/second-factor', { requiredForAll: false }),
  },
  'post /api/sessions/end-all': { call: (c) => c.call('POST', '/api/sessions/end-all') },
  'get /api/policy': { call: (c) => c.call('GET', '/api/policy') },
  'get /api/policy/history': { call: (c) => c.call('GET', '/api/policy/history') },
  'post /api/policy/versions': {
    call: (c, w) => c.call('POST', '/api/policy/versions', { document: w.policyDocument }),
  },
  'post /api/policy/reviews': {
    call: (c) => c.call('POST', '/api/policy/reviews', { notes: 'reviewed' }),
  },
  'get /api/centres/:slug/policy': { call: (c) => c.call('GET', '/api/centres/alder/policy') },
  'post /api/referrals': { call: (c) => c.call('POST', '/api/referrals', referral()) },
  'get /api/referrals': { call: (c) => c.call('GET', '/api/referrals') },
  'get /api/referrals/:referralId': {
    call: (c, w) => c.call('GET', `/api/referrals/${w.referralId}`),
  },
  'post /api/referrals/:referralId/status': {
    call: (c, w) =>
      c.call('POST', `/api/referrals/${w.referralId}/status`, { to: 'closed', version: 999 }),
  },
  'put /api/referrals/:referralId/arrangements': {
    call: (c, w) =>
      c.call('PUT', `/api/referrals/${w.referralId}/arrangements`, {
        availability: 'Saturday mornings',
        version: 999,
      }),
  },
  'get /api/families': { call: (c) => c.call('GET', '/api/families') },
  'get /api/families/:familyId': { call: (c, w) => c.call('GET', `/api/families/${w.familyId}`) },
  'put /api/families/:familyId/door-details': {
    call: (c, w) =>
      c.call('PUT', `/api/families/${w.familyId}/door-details`, {
        isSeparationRequired: true,
        safetyFlags: [],
        version: 999,
      }),
  },
  'post /api/people/:personId/contact-details/reveal': {
    call: (c, w) =>
      c.call('POST', `/api/people/${w.motherId}/contact-details/reveal`, { reason: 'contract' }),
  },
  'put /api/people/:personId': {
    call: (c, w) =>
      c.call('PUT', `/api/people/${w.fatherId}`, {
        givenName: 'Idris',
        familyName: 'Pengelly',
        hasParentalResponsibility: true,
        mayAttend: true,
        version: 999,
      }),
  },
  'put /api/people/:personId/account': {
    call: (c, w) =>
      c.call('PUT', `/api/people/${w.motherId}/account`, { accountId: w.spare.accountId }),
  },
  'put /api/centre/stagger': { call: (c) => c.call('PUT', '/api/centre/stagger', { minutes: 15 }) },
  'put /api/centre/listing': {
    call: (c) => c.call('PUT', '/api/centre/listing', { listed: false }),
  },
  'get /api/statistics': { call: (c) => c.call('GET', '/api/statistics?quarter=2026-Q1') },
  'post /api/centre/export': { call: (c) => c.call('POST', '/api/centre/export') },
  'get /api/rooms': { call: (c) => c.call('GET', '/api/rooms') },
  'post /api/rooms': { call: (c) => c.call('POST', '/api/rooms', { name: `Room ${unique()}` }) },
  'post /api/sessions': {
    call: (c, w) =>
      c.call('POST', '/api/sessions', {
        familyId: w.familyId,
        roomId: w.roomId,
        kind: 'supported',
        startsAt: '2026-03-21T10:00',
        endsAt: '2026-03-21T12:00',
      }),
  },
  'put /api/sessions/:sessionId/plan': {
    call: (c, w) =>
      c.call('PUT', `/api/sessions/${w.sessionId}/plan`, {
        plan: [{ personId: w.motherId }],
        version: 999,
      }),
  },
  'post /api/sessions/:sessionId/close': {
    call: (c, w) =>
      c.call('POST', `/api/sessions/${w.sessionId}/close`, {
        outcome: 'cancelled',
        cancelledBy: 'centre',
        version: 999,
      }),
  },
  'get /api/sessions/:sessionId/register': {
    call: (c, w) => c.call('GET', `/api/sessions/${w.sessionId}/register`),
  },
  'post /api/sessions/:sessionId/door': {
    call: (c, w) =>
      c.call('POST', `/api/sessions/${w.sessionId}/door`, {
        what: 'arrived',
        personId: w.motherId,
      }),
  },
  'post /api/sessions/:sessionId/workers': {
    call: (c, w) =>
      c.call('POST', `/api/sessions/${w.sessionId}/workers`, {
        accountId: w.people.volunteer_assigned.accountId,
      }),
  },
  'get /api/workers': { call: (c) => c.call('GET', '/api/workers') },
  'post /api/workers/:accountId/checks': {
    call: (c, w) =>
      c.call('POST', `/api/workers/${w.spare.accountId}/checks`, {
        kind: 'dbs',
        level: 'standard',
        issuedOn: '2025-01-01',
        renewalDueOn: '2028-01-01',
        outcome: 'clear',
      }),
  },
  'post /api/families/:familyId/acquaintances': {
    call: (c, w) =>
      c.call('POST', `/api/families/${w.familyId}/acquaintances`, { accountId: w.spare.accountId }),
  },
  'post /api/incidents': {
    call: (c) =>
      c.call('POST', '/api/incidents', {
        kind: 'incident',
        occurredAt: '2026-03-14T09:00',
        summary: 'A door was left open',
      }),
  },
  'get /api/incidents': {
    call: (c) => c.call('GET', '/api/incidents?kind=safeguarding_concern'),
  },
  'post /api/guidance': {
    call: (c) => c.call('POST', '/api/guidance', { question: 'Who locks up?' }),
  },
  'get /api/guidance': { call: (c) => c.call('GET', '/api/guidance') },
  'post /api/guidance/:requestId/answer': {
    call: (c, w) =>
      c.call('POST', `/api/guidance/${w.guidanceId}/answer`, { answer: 'Yes, she is named' }),
  },
  'post /api/policy/acknowledgements': {
    call: (c) => c.call('POST', '/api/policy/acknowledgements'),
  },
  'get /api/policy/acknowledgements': {
    call: (c) => c.call('GET', '/api/policy/acknowledgements'),
  },
  'get /api/audit': { call: (c) => c.call('GET', '/api/audit?limit=20') },
  'get /api/sessions': { call: (c) => c.call('GET', '/api/sessions?date=2026-03-14') },
  'post /api/assessments': {
    call: (c, w) =>
      c.call('POST', '/api/assessments', {
        familyId: w.familyId,
        assessor: 'A social worker',
        place: 'premises',
        startsAt: '2026-03-21T10:00',
      }),
  },
  'post /api/assessments/:assessmentId/approve': {
    call: (c, w) => c.call('POST', `/api/assessments/${w.assessmentId}/approve`),
  },
  'post /api/assessments/:assessmentId/book': {
    call: (c, w) => c.call('POST', `/api/assessments/${w.assessmentId}/book`),
  },
  'post /api/consents': {
    call: (c, w) =>
      c.call('POST', '/api/consents', {
        personId: w.motherId,
        category: 'contact_details',
        recipient: { kind: 'other_agency', name: 'Contract GP Surgery' },
        purpose: 'other',
        evidence: 'written',
        givenOn: '2026-03-14',
      }),
  },
  'get /api/consents': { call: (c, w) => c.call('GET', `/api/consents?personId=${w.motherId}`) },
  'post /api/consents/:consentId/withdraw': {
    call: (c, w) => c.call('POST', `/api/consents/${w.consentId}/withdraw`, { evidence: 'verbal' }),
  },
  'post /api/disclosures': {
    call: (c, w) =>
      c.call('POST', '/api/disclosures', {
        familyId: w.familyId,
        category: 'attendance',
        purpose: 'other',
        recipient: { kind: 'other_agency', name: 'Contract Agency' },
      }),
  },
  'get /api/disclosures': { call: (c) => c.call('GET', '/api/disclosures') },
  'get /api/disclosures/:disclosureId': {
    call: (c, w) => c.call('GET', `/api/disclosures/${w.releasedId}`),
  },
  'post /api/disclosures/:disclosureId/confirm': {
    call: (c, w) => c.call('POST', `/api/disclosures/${w.toConfirmId}/confirm`, { version: 1 }),
  },
  'post /api/disclosures/:disclosureId/decline': {
    call: (c, w) => c.call('POST', `/api/disclosures/${w.toDeclineId}/decline`, { version: 1 }),
  },
  'get /api/disclosures/:disclosureId/statement.pdf': {
    call: (c, w) => c.call('GET', `/api/disclosures/${w.releasedId}/statement.pdf`),
  },
  'get /api/disclosures/:disclosureId/statement.csv': {
    call: (c, w) => c.call('GET', `/api/disclosures/${w.releasedId}/statement.csv`),
  },
  'get /api/disclosures/:disclosureId/letter.pdf': {
    call: (c, w) => c.call('GET', `/api/disclosures/${w.refusedId}/letter.pdf`),
  },
  'get /api/disposals': { call: (c) => c.call('GET', '/api/disposals') },
  'post /api/disposals': { call: (c) => c.call('POST', '/api/disposals') },
  'get /api/disposals/:runId': {
    call: (c, w) => c.call('GET', `/api/disposals/${w.completedRunId}`),
  },
  'post /api/disposals/:runId/families/:familyId/keep': {
    call: (c, w) =>
      c.call('POST', `/api/disposals/${w.waitingRunId}/families/${w.familyId}/keep`, {
        as: 'excluded',
        reason: 'the referrer asked us to wait',
      }),
  },
  'post /api/disposals/:runId/approve': {
    call: (c, w) =>
      c.call('POST', `/api/disposals/${w.waitingRunId}/approve`, { familiesToDestroy: 0 }),
  },
  'get /api/disposals/:runId/certificate.pdf': {
    call: (c, w) => c.call('GET', `/api/disposals/${w.completedRunId}/certificate.pdf`),
  },
  'put /api/families/:familyId/legal-hold': {
    call: (c, w) => c.call('PUT', `/api/families/${w.familyId}/legal-hold`, { isOnHold: false }),
  },
  'post /api/subject-access': {
    call: (c, w) =>
      c.call('POST', '/api/subject-access', { personId: w.motherId, identityMethod: 'contract' }),
  },
  'get /api/subject-access': { call: (c) => c.call('GET', '/api/subject-access') },
  'get /api/subject-access/:requestId': {
    call: (c, w) => c.call('GET', `/api/subject-access/${w.sarOpenId}`),
  },
  'post /api/subject-access/:requestId/events': {
    call: (c, w) =>
      c.call('POST', `/api/subject-access/${w.sarOpenId}/events`, {
        version: 1,
        event: { kind: 'clarification_asked' },
      }),
  },
  'post /api/subject-access/:requestId/releases': {
    // A withheld item of the open request (the other parent's record, say), released with a reason.
    call: async (c, w) => {
      const bundle = await c.call('GET', `/api/subject-access/${w.sarOpenId}/bundle.json`)
      const withheld =
        bundle.status === 200
          ? ((await bundle.json()) as { withheld: { item: string; recordId?: string }[] }).withheld
          : []
      const item = withheld.find(
        (x) => x.recordId !== undefined && x.item !== 'other_parent_contact_details',
      )
      return c.call('POST', `/api/subject-access/${w.sarOpenId}/releases`, {
        recordId: item?.recordId ?? w.motherId,
        reason: 'Reviewed: the subject may see this',
      })
    },
  },
  'get /api/subject-access/:requestId/bundle.pdf': {
    call: (c, w) => c.call('GET', `/api/subject-access/${w.sarDoneId}/bundle.pdf`),
  },
  'get /api/subject-access/:requestId/bundle.json': {
    call: (c, w) => c.call('GET', `/api/subject-access/${w.sarDoneId}/bundle.json`),
  },
}

const key = (route: { method: string; path: string }) =>
  `${route.method.toLowerCase()} ${route.path}`

/** The document's schema with every $ref to its components put in place. */
function resolved(schema: unknown, doc: Doc): unknown {
  if (Array.isArray(schema)) return schema.map((item) => resolved(item, doc))
  if (schema === null || typeof schema !== 'object') return schema
  const ref = (schema as { $ref?: unknown }).$ref
  if (typeof ref === 'string') {
    const name = ref.replace('#/components/schemas/', '')
    return resolved(doc.components.schemas[name], doc)
  }
  return Object.fromEntries(
    Object.entries(schema).map(([name, value]) => [name, resolved(value, doc)]),
  )
}

interface Checked {
  route: string
  who: string
  status: number
}

/** Checks one answer against the document; a problem in words, or undefined. */
async function check(doc: Doc, route: string, response: Response): Promise<string | undefined> {
  const [method = '', path = ''] = route.split(' ')
  const operation = doc.paths[path.replace(/:(\w+)/g, '{$1}')]?.[method]
  if (!operation) return 'no operation in the document'
  const documented = operation.responses[String(response.status)]
  if (!documented) return `status ${String(response.status)} is not documented`
  const type = (response.headers.get('content-type') ?? '').split(';')[0] ?? ''
  const body = await response.clone().arrayBuffer()
  if (body.byteLength === 0) {
    return documented.content === undefined
      ? undefined
      : `an empty body where the document gives ${Object.keys(documented.content).join(', ')}`
  }
  const media = documented.content?.[type]
  if (!media) return `a ${type} body the document does not describe`
  if (type !== 'application/json') return undefined
  const schema = z.fromJSONSchema(
    resolved(media.schema, doc) as Parameters<typeof z.fromJSONSchema>[0],
  )
  const parsed = schema.safeParse(JSON.parse(Buffer.from(body).toString('utf8')))
  if (parsed.success) return undefined
  return parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
    .join('; ')
}

describe('the OpenAPI document', () => {
  it('gives every operation an id of its own, its servers, and a body for every JSON success', () => {
    const app = testApp({} as never)
    return (async () => {
      const doc = (await (await app.request('/api/openapi.json')).json()) as Doc
      assert.ok(Array.isArray(doc.servers) && doc.servers.length > 0, 'servers')
      const ids: string[] = []
      const missing: string[] = []
      for (const spec of API_ROUTES) {
        const operation = doc.paths[spec.path.replace(/:(\w+)/g, '{$1}')]?.[spec.method]
        assert.ok(operation, key(spec))
        ids.push(operation.operationId ?? '')
        const success = operation.responses[String(spec.success)]
        if (spec.success !== 204 && success?.content === undefined) missing.push(key(spec))
        for (const [status, answer] of Object.entries(operation.responses))
          if (Number(status) >= 400 && answer.content?.['application/json'] === undefined)
            missing.push(`${key(spec)} ${status}`)
      }
      assert.deepEqual(missing, [], 'operations that document no body')
      assert.ok(
        ids.every((id) => /^[a-z][A-Za-z0-9]+$/.test(id)),
        'operation ids',
      )
      assert.equal(new Set(ids).size, ids.length, 'every operation id is its own')
      assert.deepEqual(Object.keys(ROWS).sort(), API_ROUTES.map(key).sort(), 'a row per route')
    })()
  })
})

describe('every answer of every route, against the document', () => {
  it('matches the schema the document gives for its status, on sqlite', (t) =>
    withMigratedDatabase('sqlite', async (database) => {
      const clock = new TestClock('2026-03-14T09:00:00Z')
      const ctx = testContext(database, clock)
      const app = testApp(ctx)
      const world = await buildWorld(ctx, app, database)
      const { coordinator } = world.people
      const doc = (await (await app.request('/api/openapi.json')).json()) as Doc

      // Each problem once, with the actors whose answers showed it.
      const problems = new Map<string, string[]>()
      const seen: Checked[] = []
      const checked = async (route: string, who: string, response: Response) => {
        const problem = await check(doc, route, response)
        seen.push({ route, who, status: response.status })
        if (problem) {
          const found = `${route} (${String(response.status)}): ${problem}`
          problems.set(found, [...(problems.get(found) ?? []), who])
        }
        return response
      }

      // What the rows need beyond the shared world.
      const concern = await world.people.volunteer_assigned.client.json<{ id: string }>(
        'POST',
        '/api/incidents',
        {
          kind: 'safeguarding_concern',
          familyId: world.familyId,
          occurredAt: '2026-03-14T08:30',
          summary: 'A worry raised at the door',
        },
      )
      const toDecline = await world.people.referrer_of_family.client.json<{ id: string }>(
        'POST',
        '/api/disclosures',
        { familyId: world.familyId, category: 'attendance', purpose: 'other' },
      )
      const policy = await coordinator.client.json<{ document: unknown }>('GET', '/api/policy')
      const w: Extra = {
        ...world,
        concernId: concern.body.id,
        toDeclineId: toDecline.body.id,
        policyDocument: policy.body.document,
      }

      // Successes that take more than one call, before the guesses below use up the limits.
      await successes(ctx, app, clock, w, checked)
      await caseSuccesses(ctx, app, w, checked)

      // Every route by every actor; the routes that end sessions last.
      const actors: (WorldActor | 'anonymous')[] = ['anonymous', ...WORLD_ACTORS]
      const clientOf = (who: WorldActor | 'anonymous') =>
        who === 'anonymous' ? new Client(app) : world.people[who].client
      const LAST = ['post /api/sessions/end-all', 'post /api/auth/sign-out']
      const routes = Object.keys(ROWS)
      for (const route of routes.filter((r) => !LAST.includes(r)))
        for (const who of actors)
          await checked(route, who, await (ROWS[route]?.call(clientOf(who), w) ?? fail(route)))

      for (const route of LAST)
        for (const who of actors)
          await checked(route, who, await (ROWS[route]?.call(clientOf(who), w) ?? fail(route)))

      assert.deepEqual(
        [...problems].map(([problem, who]) => `${problem} [as ${who.join(', ')}]`),
        [],
        'answers that do not match the document',
      )
      const succeeded = new Set(seen.filter((s) => s.status < 300).map((s) => s.route))
      assert.deepEqual(
        routes.filter((route) => !succeeded.has(route)),
        [],
        'routes whose success was never called',
      )
      t.diagnostic(
        `${String(seen.length)} answers of ${String(routes.length)} routes, ${String(new Set(seen.map((a) => `${a.route} ${String(a.status)}`)).size)} route-status pairs, checked against the document`,
      )
    }))
})

function fail(route: string): never {
  throw new Error(`no row for ${route}`)
}

/** Calls that reach a success needing a token from a message, a code or a fresh account. */
async function successes(
  ctx: AppContext,
  app: ReturnType<typeof testApp>,
  clock: TestClock,
  w: Extra,
  checked: (route: string, who: string, response: Response) => Promise<Response>,
): Promise<void> {
  const { coordinator } = w.people
  const secret = coordinator.secret ?? ''
  // A second session of the coordinator's: sign in, then the second factor.
  clock.advance(30_000)
  const second = new Client(app)
  await checked(
    'post /api/auth/sign-in',
    'coordinator',
    await second.call('POST', '/api/auth/sign-in', {
      centre: 'alder',
      email: coordinator.email,
      password: PASSWORD,
    }),
  )
  await second.signIn('alder', coordinator.email, PASSWORD)
  await checked(
    'post /api/auth/second-factor',
    'coordinator',
    await second.call('POST', '/api/auth/second-factor', { code: currentCode(secret, ctx) }),
  )
  const after = await second.json('GET', '/api/auth/session')
  second.csrf = String(after.body.csrfToken)
  clock.advance(30_000)
  await checked(
    'post /api/me/recovery-codes',
    'coordinator',
    await second.call('POST', '/api/me/recovery-codes', { code: currentCode(secret, ctx) }),
  )

  // An invitation accepted with a new account, which then sets up its authenticator app,
  // changes its password, and is reset.
  const invited = await inviteMember(ctx, operatorActor(w.centreId), {
    email: 'newcomer@alder.example.org',
    roles: ['staff'],
  })
  const token = tokenFromLink(invited.link)
  const newcomer = new Client(app)
  await checked(
    'get /api/invitations/:token',
    'anonymous',
    await newcomer.call('GET', `/api/invitations/${token}`),
  )
  await checked(
    'post /api/invitations/accept',
    'anonymous',
    await newcomer.call('POST', '/api/invitations/accept', {
      token,
      displayName: 'A newcomer',
      password: PASSWORD,
    }),
  )
  await newcomer.signIn('alder', 'newcomer@alder.example.org', PASSWORD)
  const enrolment = await checked(
    'post /api/me/second-factor/enrol',
    'newcomer',
    await newcomer.call('POST', '/api/me/second-factor/enrol'),
  )
  const { secret: newSecret } = (await enrolment.clone().json()) as { secret: string }
  const confirmed = await checked(
    'post /api/me/second-factor/confirm',
    'newcomer',
    await newcomer.call('POST', '/api/me/second-factor/confirm', {
      code: currentCode(newSecret, ctx),
    }),
  )
  newcomer.csrf = ((await confirmed.clone().json()) as { csrfToken: string }).csrfToken
  await checked(
    'post /api/me/password',
    'newcomer',
    await newcomer.call('POST', '/api/me/password', {
      currentPassword: PASSWORD,
      newPassword: 'meadow lantern quartz',
    }),
  )
  await drainOutbox(ctx)
  await checked(
    'post /api/auth/password-reset',
    'anonymous',
    await new Client(app).call('POST', '/api/auth/password-reset', {
      email: 'newcomer@alder.example.org',
    }),
  )
  const reset = (await waitForMessages(ctx)).find(
    (m) => m.recipient === 'newcomer@alder.example.org',
  )
  const resetToken = tokenFromLink(/https?:\/\/\S+/.exec(reset?.body ?? '')?.[0] ?? '')
  await checked(
    'post /api/auth/password-reset/complete',
    'anonymous',
    await new Client(app).call('POST', '/api/auth/password-reset/complete', {
      token: resetToken,
      password: 'orchard quartz lantern',
    }),
  )

  // A coordinator's invitation, finished from the address it was sent to (0022).
  const sent = await coordinator.client.json<{ link: string }>('POST', '/api/members/invitations', {
    email: 'confirmer@alder.example.org',
    roles: ['volunteer'],
  })
  await new Client(app).call('POST', '/api/invitations/accept', {
    token: tokenFromLink(sent.body.link),
    displayName: 'A confirmer',
    password: PASSWORD,
  })
  // The invitation's own message, then the confirmation sent to its address.
  const confirmation = (await waitForMessages(ctx, 2)).find((m) =>
    m.body.includes('/invitation-confirmations/'),
  )
  const confirmationToken = /\/invitation-confirmations\/(\S+)/.exec(confirmation?.body ?? '')?.[1]
  await checked(
    'get /api/invitation-confirmations/:token',
    'anonymous',
    await new Client(app).call('GET', `/api/invitation-confirmations/${confirmationToken ?? ''}`),
  )
  await checked(
    'post /api/invitation-confirmations/accept',
    'anonymous',
    await new Client(app).call('POST', '/api/invitation-confirmations/accept', {
      token: confirmationToken,
      displayName: 'A confirmer',
      password: PASSWORD,
    }),
  )

  // An account that exists joins another centre from its own full session.
  const elsewhere = w.people.coordinator_elsewhere
  const joining = await elsewhere.client.json<{ link: string }>(
    'POST',
    '/api/members/invitations',
    { email: w.people.staff.email, roles: ['volunteer'] },
  )
  await checked(
    'post /api/me/invitations/accept',
    'staff',
    await w.people.staff.client.call('POST', '/api/me/invitations/accept', {
      token: tokenFromLink(joining.body.link),
    }),
  )
}

/** The case routes' successes: a family accepted, a session booked, replanned, cancelled. */
async function caseSuccesses(
  ctx: AppContext,
  app: ReturnType<typeof testApp>,
  w: Extra,
  checked: (route: string, who: string, response: Response) => Promise<Response>,
): Promise<void> {
  const { coordinator } = w.people
  const json = async <T>(response: Response): Promise<T> => (await response.clone().json()) as T
  await checked(
    'post /api/policy/versions',
    'coordinator',
    await coordinator.client.call('POST', '/api/policy/versions', { preset: 'cordomus' }),
  )
  // Family Y accepted, so that a session can be booked for it.
  const referrals = await coordinator.client.json<{
    referrals: { id: string; familyId: string }[]
  }>('GET', '/api/referrals')
  const other = referrals.body.referrals.find((r) => r.familyId === w.otherFamilyId)
  assert.ok(other)
  let version = 1
  for (const to of ['pre_visits', 'risk_assessed', 'accepted']) {
    const moved = await checked(
      'post /api/referrals/:referralId/status',
      'coordinator',
      await coordinator.client.call('POST', `/api/referrals/${other.id}/status`, { to, version }),
    )
    version = (await json<{ version: number }>(moved)).version
  }
  const booked = await json<{ sessionId: string; plan: { personId: string }[] }>(
    await checked(
      'post /api/sessions',
      'coordinator',
      await coordinator.client.call('POST', '/api/sessions', {
        familyId: w.otherFamilyId,
        roomId: w.roomId,
        kind: 'supported',
        startsAt: '2026-03-21T10:00',
        endsAt: '2026-03-21T12:00',
      }),
    ),
  )
  const replanned = await json<{ version: number }>(
    await checked(
      'put /api/sessions/:sessionId/plan',
      'coordinator',
      await coordinator.client.call('PUT', `/api/sessions/${booked.sessionId}/plan`, {
        plan: booked.plan.map((entry) => ({ personId: entry.personId })),
        version: 1,
      }),
    ),
  )
  await checked(
    'post /api/sessions/:sessionId/close',
    'coordinator',
    await coordinator.client.call('POST', `/api/sessions/${booked.sessionId}/close`, {
      outcome: 'cancelled',
      cancelledBy: 'centre',
      version: replanned.version,
    }),
  )
  await checked(
    'post /api/sessions/:sessionId/door',
    'coordinator',
    await coordinator.client.call('POST', `/api/sessions/${w.sessionId}/door`, {
      what: 'arrived',
      personId: w.motherId,
      overrideReason: 'she is expected today',
    }),
  )
  const family = await coordinator.client.json<{
    version: number
    people: { id: string; kind: string }[]
  }>('GET', `/api/families/${w.otherFamilyId}`)
  await checked(
    'put /api/families/:familyId/door-details',
    'coordinator',
    await coordinator.client.call('PUT', `/api/families/${w.otherFamilyId}/door-details`, {
      isSeparationRequired: true,
      safetyFlags: ['no_photographs'],
      version: family.body.version,
    }),
  )
  const referralNow = await coordinator.client.json<{ version: number }>(
    'GET',
    `/api/referrals/${w.referralId}`,
  )
  await checked(
    'put /api/referrals/:referralId/arrangements',
    'coordinator',
    await coordinator.client.call('PUT', `/api/referrals/${w.referralId}/arrangements`, {
      availability: 'Saturday mornings',
      version: referralNow.body.version,
    }),
  )
  const father = family.body.people.find((p) => p.kind === 'non_resident_parent')
  assert.ok(father)
  await checked(
    'put /api/people/:personId',
    'coordinator',
    await coordinator.client.call('PUT', `/api/people/${father.id}`, {
      givenName: 'Idris',
      familyName: 'Pengelly',
      hasParentalResponsibility: true,
      mayAttend: true,
      version: 1,
    }),
  )
  const parent = await invite(ctx, app, w.centreId, 'alder', 'linkable@alder.example.org', [
    'parent',
  ])
  await checked(
    'put /api/people/:personId/account',
    'coordinator',
    await coordinator.client.call('PUT', `/api/people/${father.id}/account`, {
      accountId: parent.accountId,
    }),
  )
}
