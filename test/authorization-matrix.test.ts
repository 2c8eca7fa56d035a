import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { API_ROUTES } from '../src/http/app.ts'
import { ABILITIES, type Ability, type Permission } from '../src/domain/policy/abilities.ts'
import { abilitiesOf, compilePolicy, decide } from '../src/domain/policy/engine.ts'
import { preset } from '../src/domain/policy/presets.ts'
import type { PolicyRequest, Relationship } from '../src/domain/policy/request.ts'
import type { Role } from '../src/domain/roles.ts'
import {
  centreWithCoordinator,
  Client,
  currentCode,
  invite,
  PASSWORD,
  testApp,
  type Person,
} from './support/accounts.ts'
import { ADDRESS, linkParents, PHONE, referral, sessionToday } from './support/cases.ts'
import { pdfText } from './support/pdf.ts'
import { insertDisposalItems, insertDisposalRun } from '../src/storage/disposal-runs.ts'
import {
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * The authorization matrix: every API route, called by every kind of actor, against the
 * policy. Where the policy engine governs a route, the expected answer is the engine's own
 * decision for that actor's roles and relationship; elsewhere it is the rule the route
 * documents. A route with no row here fails the test, and so does any unexpected allow
 * (or unexpected refusal).
 */
const ACTORS = [
  'anonymous',
  'coordinator',
  'staff',
  'volunteer_assigned',
  'volunteer_other',
  'chair',
  'management',
  'referrer_of_family',
  'referrer_other_agency',
  'parent_self',
  'parent_other',
  'coordinator_elsewhere',
] as const
type ActorName = (typeof ACTORS)[number]

const ROLES: Record<ActorName, Role[]> = {
  anonymous: [],
  coordinator: ['coordinator'],
  staff: ['staff'],
  volunteer_assigned: ['volunteer'],
  volunteer_other: ['volunteer'],
  chair: ['chair'],
  management: ['management'],
  referrer_of_family: ['referrer'],
  referrer_other_agency: ['referrer'],
  parent_self: ['parent'],
  parent_other: ['parent'],
  coordinator_elsewhere: ['coordinator'],
}

/** Each actor's relationship to family X, and to the resident parent (the "mother"). */
const TO_FAMILY: Record<ActorName, Relationship> = {
  anonymous: 'none',
  coordinator: 'none',
  staff: 'none',
  volunteer_assigned: 'assigned',
  volunteer_other: 'none',
  chair: 'none',
  management: 'none',
  referrer_of_family: 'referrer_of_family',
  referrer_other_agency: 'none',
  parent_self: 'self',
  parent_other: 'self',
  coordinator_elsewhere: 'none',
}
/** Records that belong to nobody here (the list of workers, the centre's rooms). */
const TO_NOBODY = Object.fromEntries(ACTORS.map((a) => [a, 'none'])) as Record<
  ActorName,
  Relationship
>
const TO_MOTHER: Record<ActorName, Relationship> = {
  ...TO_FAMILY,
  parent_other: 'other_parent',
}

const POLICY = compilePolicy(preset('cordomus'))

type Ask = PolicyRequest extends infer R
  ? R extends { actor: unknown }
    ? Omit<R, 'actor'>
    : never
  : never

/** The engine's answer for an actor of centre A (nobody elsewhere, nobody signed out). */
function engine(ask: Ask, relationships: Record<ActorName, Relationship> = TO_FAMILY) {
  return (actor: ActorName): boolean => {
    if (actor === 'anonymous' || actor === 'coordinator_elsewhere') return false
    const request = {
      ...ask,
      actor: { roles: ROLES[actor], relationship: relationships[actor], hasSecondFactor: true },
    } as PolicyRequest
    return decide(POLICY, request).effect === 'permit'
  }
}
/** Whether the engine's permit for this actor still withholds a field group. */
function engineRedacts(ask: Ask, actor: ActorName, field: string): boolean {
  const decision = decide(POLICY, {
    ...ask,
    actor: { roles: ROLES[actor], relationship: TO_FAMILY[actor], hasSecondFactor: true },
  })
  return decision.effect === 'permit' && decision.redact.includes(field)
}
const only =
  (...names: ActorName[]) =>
  (actor: ActorName): boolean =>
    names.includes(actor)
const signedInHere = (actor: ActorName): boolean =>
  actor !== 'anonymous' && actor !== 'coordinator_elsewhere'
/** Routes about the caller's own account or own centre: anyone with a session. */
const signedIn = (actor: ActorName): boolean => actor !== 'anonymous'
const or =
  (...tests: ((actor: ActorName) => boolean)[]) =>
  (actor: ActorName): boolean =>
    tests.some((test) => test(actor))
const anyone = (): boolean => true

/** The permissions the rows below rest on: every ability must be one of them (or page-only). */
const USED = new Set<Permission>()
const holds = (actor: ActorName, permission: Permission): boolean =>
  abilitiesOf(POLICY, { roles: ROLES[actor], relationship: 'none', hasSecondFactor: true }).has(
    permission,
  )
/** Allowed to those the policy gives the ability, in this centre (the route names a record). */
const can = (permission: Permission) => {
  USED.add(permission)
  return (actor: ActorName): boolean => signedInHere(actor) && holds(actor, permission)
}
/** Allowed to those the policy gives the ability in their own centre (no record named). */
const canAnywhere = (permission: Permission) => {
  USED.add(permission)
  return (actor: ActorName): boolean => signedIn(actor) && holds(actor, permission)
}
const except =
  (test: (actor: ActorName) => boolean, ...names: ActorName[]) =>
  (actor: ActorName): boolean =>
    test(actor) && !names.includes(actor)

interface World {
  familyId: string
  sessionId: string
  assessmentId: string
  concernId: string
  guidanceId: string
  referralId: string
  motherId: string
  roomId: string
  spare: Person
  policyDocument: unknown
  consentId: string
  /** Attendance released to the referrer's agency; a refused request; two waiting. */
  releasedId: string
  refusedId: string
  toConfirmId: string
  toDeclineId: string
  /** A completed disposal run, and one waiting for approval. */
  completedRunId: string
  waitingRunId: string
  /** The mother's subject access requests: one open (identity checked), one completed. */
  sarOpenId: string
  sarDoneId: string
}

interface Row {
  call: (client: Client, world: World) => Promise<Response>
  /** The actors the route should let through, from the policy where it governs the route. */
  expect: (actor: ActorName) => boolean
  /** What counts as let through; by default any status but 401, 403 and 404. */
  allowed?: (status: number, body: string, world: World) => boolean
  note?: string
}

const REFUSED = new Set([401, 403, 404])
const statusIn =
  (...statuses: number[]) =>
  (status: number): boolean =>
    statuses.includes(status)
const listed =
  (
    list: 'referrals' | 'families' | 'incidents' | 'requests' | 'sessions' | 'entries' | 'runs',
    id: (world: World) => string,
  ) =>
  (status: number, body: string, world: World): boolean =>
    status === 200 &&
    (
      (JSON.parse(body) as Record<string, { id?: string; sessionId?: string }[] | undefined>)[
        list
      ] ?? []
    ).some((entry) => entry.id === id(world) || entry.sessionId === id(world))
const unique = () => String(Math.random()).slice(2)
const GONE = 'x'.repeat(43)

const MATRIX: Record<string, Row> = {
  'get /api/openapi.json': { expect: anyone, call: (c) => c.call('GET', '/api/openapi.json') },
  'post /api/auth/sign-in': {
    expect: anyone,
    call: (c) =>
      new Client(c.app).call('POST', '/api/auth/sign-in', {
        centre: 'alder',
        email: `nobody-${unique()}@example.org`,
        password: 'wrong password here',
      }),
    allowed: statusIn(401),
    note: 'public: a wrong password is refused the same way for everyone',
  },
  'post /api/auth/second-factor': {
    expect: signedIn,
    call: (c) => c.call('POST', '/api/auth/second-factor', { code: '000000' }),
    allowed: (status) => status !== 401 && status !== 403,
  },
  'get /api/auth/session': { expect: signedIn, call: (c) => c.call('GET', '/api/auth/session') },
  'post /api/auth/sign-out': {
    expect: signedIn,
    call: (c) => c.call('POST', '/api/auth/sign-out'),
    note: 'runs after every other row',
  },
  'post /api/auth/password-reset': {
    expect: anyone,
    call: (c) => c.call('POST', '/api/auth/password-reset', { email: 'nobody@example.org' }),
  },
  'post /api/auth/password-reset/complete': {
    expect: anyone,
    call: (c) =>
      c.call('POST', '/api/auth/password-reset/complete', {
        token: GONE,
        password: 'lantern orchard pebble',
      }),
    allowed: statusIn(400, 404, 410),
    note: 'public: an unknown link is refused the same way for everyone',
  },
  'get /api/invitations/:token': {
    expect: anyone,
    call: (c) => c.call('GET', `/api/invitations/${GONE}`),
    allowed: statusIn(404, 410),
    note: 'public: an unknown invitation looks the same to everyone',
  },
  'post /api/invitations/accept': {
    expect: anyone,
    call: (c) =>
      c.call('POST', '/api/invitations/accept', {
        token: GONE,
        password: 'lantern orchard pebble',
      }),
    allowed: statusIn(404, 410),
  },
  'post /api/me/second-factor/enrol': {
    expect: signedIn,
    call: (c) => c.call('POST', '/api/me/second-factor/enrol'),
    allowed: (status, body) =>
      status === 200 || (status === 403 && body.includes('current authenticator app')),
    note: 'starts an enrolment for an account without one; one with a second factor is asked for a current code; the secret in use stays',
  },
  'post /api/me/recovery-codes': {
    expect: signedIn,
    call: (c) => c.call('POST', '/api/me/recovery-codes', { code: '000000' }),
    allowed: (status, body) =>
      status === 409 || (status === 401 && !body.includes('sign in first')),
    note: 'a wrong code changes nothing; an account without a second factor has none to renew',
  },
  'get /api/invitation-confirmations/:token': {
    expect: anyone,
    call: (c) => c.call('GET', `/api/invitation-confirmations/${GONE}`),
    // 429: by now the matrix has guessed more than 50 links from its one source address.
    allowed: statusIn(404, 410, 429),
    note: 'only the owner of the invited address holds a real one',
  },
  'post /api/invitation-confirmations/accept': {
    expect: anyone,
    call: (c) => c.call('POST', '/api/invitation-confirmations/accept', { token: GONE }),
    allowed: statusIn(404, 410, 429),
    note: 'only the owner of the invited address holds a real one',
  },
  'post /api/me/invitations/accept': {
    expect: signedIn,
    call: (c) => c.call('POST', '/api/me/invitations/accept', { token: GONE }),
    // 429: by now the matrix has guessed more than 50 links from its one source address.
    allowed: statusIn(404, 410, 429),
    note: 'an existing account joins a centre from its own full session',
  },
  'post /api/me/second-factor/confirm': {
    expect: signedIn,
    call: (c) => c.call('POST', '/api/me/second-factor/confirm', { code: '000000' }),
    note: 'a wrong code changes nothing',
  },
  'post /api/me/password': {
    expect: signedIn,
    call: (c) =>
      c.call('POST', '/api/me/password', {
        currentPassword: 'not the password at all',
        newPassword: 'meadow lantern quartz',
      }),
    note: 'a wrong current password changes nothing',
  },
  'get /api/members': {
    expect: canAnywhere('manage_members'),
    call: (c) => c.call('GET', '/api/members'),
  },
  'post /api/members/invitations': {
    expect: canAnywhere('manage_members'),
    call: (c) =>
      c.call('POST', '/api/members/invitations', {
        email: `x${unique()}@example.org`,
        roles: ['volunteer'],
      }),
  },
  'put /api/members/:accountId/roles': {
    expect: can('manage_members'),
    call: (c, w) =>
      c.call('PUT', `/api/members/${w.spare.accountId}/roles`, { roles: ['volunteer'] }),
  },
  'post /api/members/:accountId/disable': {
    expect: can('manage_members'),
    call: (c, w) => c.call('POST', `/api/members/${w.spare.accountId}/disable`),
  },
  'post /api/members/:accountId/enable': {
    expect: can('manage_members'),
    call: (c, w) => c.call('POST', `/api/members/${w.spare.accountId}/enable`),
  },
  'post /api/members/:accountId/sessions/end': {
    expect: can('manage_members'),
    call: (c, w) => c.call('POST', `/api/members/${w.spare.accountId}/sessions/end`),
  },
  'put /api/centre/second-factor': {
    expect: canAnywhere('manage_members'),
    call: (c) => c.call('PUT', '/api/centre/second-factor', { requiredForAll: false }),
  },
  'post /api/sessions/end-all': {
    expect: canAnywhere('manage_members'),
    call: (c) => c.call('POST', '/api/sessions/end-all'),
    note: "runs last: the coordinator's call ends every session of the centre",
  },
  'get /api/policy': { expect: signedIn, call: (c) => c.call('GET', '/api/policy') },
  'get /api/policy/history': {
    expect: signedIn,
    call: (c) => c.call('GET', '/api/policy/history'),
  },
  'post /api/policy/versions': {
    expect: or(engine({ action: 'publish_policy' }), only('coordinator_elsewhere')),
    call: (c, w) => c.call('POST', '/api/policy/versions', { document: w.policyDocument }),
  },
  'post /api/policy/reviews': {
    expect: or(engine({ action: 'record_review' }), only('coordinator_elsewhere')),
    call: (c) => c.call('POST', '/api/policy/reviews', { notes: 'reviewed' }),
  },
  'get /api/centres/:slug/policy': {
    expect: anyone,
    call: (c) => c.call('GET', '/api/centres/alder/policy'),
  },
  'post /api/referrals': {
    expect: canAnywhere('refer_families'),
    call: (c) => c.call('POST', '/api/referrals', referral()),
  },
  'get /api/referrals': {
    expect: engine({ action: 'read', resource: { type: 'referral' } }),
    call: (c) => c.call('GET', '/api/referrals'),
    allowed: listed('referrals', (w) => w.referralId),
  },
  'get /api/referrals/:referralId': {
    expect: engine({ action: 'read', resource: { type: 'referral' } }),
    call: (c, w) => c.call('GET', `/api/referrals/${w.referralId}`),
  },
  'post /api/referrals/:referralId/status': {
    expect: can('decide_referrals'),
    call: (c, w) =>
      c.call('POST', `/api/referrals/${w.referralId}/status`, { to: 'closed', version: 999 }),
  },
  'put /api/referrals/:referralId/arrangements': {
    expect: can('decide_referrals'),
    call: (c, w) =>
      c.call('PUT', `/api/referrals/${w.referralId}/arrangements`, {
        availability: 'Saturday mornings',
        version: 999,
      }),
  },
  'get /api/families': {
    expect: engine({ action: 'read', resource: { type: 'family' } }),
    call: (c) => c.call('GET', '/api/families'),
    allowed: listed('families', (w) => w.familyId),
  },
  'get /api/families/:familyId': {
    expect: engine({ action: 'read', resource: { type: 'family' } }),
    call: (c, w) => c.call('GET', `/api/families/${w.familyId}`),
  },
  'put /api/families/:familyId/door-details': {
    expect: engine({ action: 'rectify', resource: { type: 'family' } }),
    call: (c, w) =>
      c.call('PUT', `/api/families/${w.familyId}/door-details`, {
        isSeparationRequired: true,
        safetyFlags: [],
        version: 999,
      }),
  },
  'post /api/people/:personId/contact-details/reveal': {
    expect: engine(
      {
        action: 'reveal',
        resource: { type: 'person', field: 'contact_details' },
        reason: 'matrix',
      },
      TO_MOTHER,
    ),
    call: (c, w) =>
      c.call('POST', `/api/people/${w.motherId}/contact-details/reveal`, { reason: 'matrix' }),
  },
  'put /api/people/:personId': {
    expect: engine({ action: 'rectify', resource: { type: 'person' } }, TO_NOBODY),
    call: (c, w) =>
      c.call('PUT', `/api/people/${w.motherId}`, {
        givenName: 'Morwenna',
        familyName: 'Trelawny',
        hasParentalResponsibility: true,
        mayAttend: true,
        version: 999,
      }),
  },
  'put /api/people/:personId/account': {
    expect: can('link_parent_accounts'),
    call: (c, w) =>
      c.call('PUT', `/api/people/${w.motherId}/account`, { accountId: w.spare.accountId }),
  },
  'put /api/centre/stagger': {
    expect: canAnywhere('manage_rooms'),
    call: (c) => c.call('PUT', '/api/centre/stagger', { minutes: 15 }),
  },
  'put /api/centre/listing': {
    expect: canAnywhere('set_listing'),
    call: (c) => c.call('PUT', '/api/centre/listing', { listed: false }),
    note: "the coordinator's own centre, named on the front page or not",
  },
  'post /api/centre/export': {
    expect: canAnywhere('export_centre'),
    call: (c) => c.call('POST', '/api/centre/export'),
    allowed: (status, body) => status === 200 && body.startsWith('{"header":'),
    note: "the actor's own centre, whole, contact details opened (NDX, SECURE)",
  },
  'get /api/statistics': {
    expect: canAnywhere('report_statistics'),
    call: (c) => c.call('GET', '/api/statistics?quarter=2026-Q1'),
    note: "the centre's own quarter, small numbers hidden",
  },
  'get /api/rooms': {
    expect: canAnywhere('work_sessions'),
    call: (c) => c.call('GET', '/api/rooms'),
  },
  'post /api/rooms': {
    expect: canAnywhere('manage_rooms'),
    call: (c) => c.call('POST', '/api/rooms', { name: `Room ${unique()}` }),
  },
  'post /api/sessions': {
    expect: can('book_sessions'),
    call: (c, w) =>
      c.call('POST', '/api/sessions', {
        familyId: w.familyId,
        roomId: w.roomId,
        kind: 'supported',
        startsAt: '2026-03-21T10:00',
        endsAt: '2026-03-21T12:00',
      }),
    allowed: statusIn(201, 409),
    note: 'past the role check, family X (not yet accepted) is refused with 409; another centre cannot name it',
  },
  'put /api/sessions/:sessionId/plan': {
    expect: can('book_sessions'),
    call: (c, w) =>
      c.call('PUT', `/api/sessions/${w.sessionId}/plan`, {
        plan: [{ personId: w.motherId }],
        version: 999,
      }),
    note: 'past the role check: the mother is not on this session, so 400; elsewhere 404',
  },
  'post /api/sessions/:sessionId/close': {
    expect: can('book_sessions'),
    call: (c, w) =>
      c.call('POST', `/api/sessions/${w.sessionId}/close`, {
        outcome: 'cancelled',
        cancelledBy: 'centre',
        version: 999,
      }),
  },
  'get /api/sessions/:sessionId/register': {
    expect: (actor) =>
      engine({ action: 'read', resource: { type: 'session' } })(actor) &&
      !engineRedacts({ action: 'read', resource: { type: 'session' } }, actor, 'separation_plan'),
    call: (c, w) => c.call('GET', `/api/sessions/${w.sessionId}/register`),
  },
  'post /api/sessions/:sessionId/door': {
    expect: only('coordinator', 'staff', 'volunteer_assigned'),
    call: (c, w) =>
      c.call('POST', `/api/sessions/${w.sessionId}/door`, {
        what: 'departed',
        personId: w.motherId,
      }),
  },
  'post /api/sessions/:sessionId/workers': {
    expect: can('assign_workers'),
    call: (c, w) =>
      c.call('POST', `/api/sessions/${w.sessionId}/workers`, { accountId: w.spare.accountId }),
  },
  'get /api/workers': {
    expect: or(
      engine({ action: 'read', resource: { type: 'worker' } }, TO_NOBODY),
      only('coordinator_elsewhere'),
    ),
    call: (c) => c.call('GET', '/api/workers'),
  },
  'post /api/workers/:accountId/checks': {
    expect: can('record_checks'),
    call: (c, w) =>
      c.call('POST', `/api/workers/${w.spare.accountId}/checks`, {
        kind: 'dbs',
        level: 'standard',
        issuedOn: '2025-01-01',
        renewalDueOn: '2028-01-01',
        outcome: 'clear',
      }),
    allowed: statusIn(201),
  },
  'post /api/families/:familyId/acquaintances': {
    expect: can('declare_acquaintance_for_others'),
    call: (c, w) =>
      c.call('POST', `/api/families/${w.familyId}/acquaintances`, { accountId: w.spare.accountId }),
    note: 'declared for the spare worker: only the coordinator declares for someone else',
  },
  'post /api/incidents': {
    expect: canAnywhere('record_incidents'),
    call: (c) =>
      c.call('POST', '/api/incidents', {
        kind: 'incident',
        occurredAt: '2026-03-14T09:00',
        summary: 'A door was left open',
      }),
  },
  'get /api/incidents': {
    expect: or(
      engine({ action: 'read', resource: { type: 'safeguarding_concern' } }, TO_NOBODY),
      only('volunteer_assigned'),
    ),
    call: (c) => c.call('GET', '/api/incidents?kind=safeguarding_concern'),
    allowed: listed('incidents', (w) => w.concernId),
    note: 'the concern raised by the assigned volunteer: its author and the roles the policy names',
  },
  'post /api/guidance': {
    expect: or(engine({ action: 'ask_guidance' }, TO_NOBODY), only('coordinator_elsewhere')),
    call: (c) => c.call('POST', '/api/guidance', { question: 'Who locks up?' }),
  },
  'get /api/guidance': {
    expect: or(
      engine({ action: 'read', resource: { type: 'guidance_request' } }, TO_NOBODY),
      only('volunteer_assigned'),
    ),
    call: (c) => c.call('GET', '/api/guidance'),
    allowed: listed('requests', (w) => w.guidanceId),
  },
  'post /api/guidance/:requestId/answer': {
    expect: can('answer_guidance'),
    call: (c, w) =>
      c.call('POST', `/api/guidance/${w.guidanceId}/answer`, { answer: 'Yes, she is named' }),
  },
  'post /api/policy/acknowledgements': {
    expect: or(engine({ action: 'acknowledge_policy' }, TO_NOBODY), only('coordinator_elsewhere')),
    call: (c) => c.call('POST', '/api/policy/acknowledgements'),
  },
  'get /api/policy/acknowledgements': {
    expect: canAnywhere('read_acknowledgements'),
    call: (c) => c.call('GET', '/api/policy/acknowledgements'),
  },
  'get /api/audit': {
    expect: or(
      engine({ action: 'read', resource: { type: 'audit_log' } }, TO_NOBODY),
      only('coordinator_elsewhere'),
    ),
    call: (c) => c.call('GET', '/api/audit'),
  },
  'get /api/sessions': {
    expect: only('coordinator', 'staff', 'volunteer_assigned'),
    call: (c) => c.call('GET', '/api/sessions?date=2026-03-14'),
    allowed: listed('sessions', (w) => w.sessionId),
  },
  'post /api/assessments': {
    expect: can('arrange_assessments'),
    call: (c, w) =>
      c.call('POST', '/api/assessments', {
        familyId: w.familyId,
        assessor: 'A social worker',
        place: 'premises',
        startsAt: '2026-03-21T10:00',
      }),
    allowed: statusIn(201),
  },
  'post /api/assessments/:assessmentId/approve': {
    expect: can('approve_assessments'),
    call: (c, w) => c.call('POST', `/api/assessments/${w.assessmentId}/approve`),
  },
  'post /api/assessments/:assessmentId/book': {
    expect: can('arrange_assessments'),
    call: (c, w) => c.call('POST', `/api/assessments/${w.assessmentId}/book`),
  },
  'post /api/consents': {
    expect: or(can('record_consents'), only('parent_self')),
    call: (c, w) =>
      c.call('POST', '/api/consents', {
        personId: w.motherId,
        category: 'contact_details',
        recipient: { kind: 'other_agency', name: 'Matrix GP Surgery' },
        purpose: 'other',
        evidence: 'written',
        givenOn: '2026-03-14',
      }),
    allowed: statusIn(201),
    note: "the mother's consent: recorded by the centre, or given by the mother herself",
  },
  'get /api/consents': {
    expect: or(can('record_consents'), only('parent_self')),
    call: (c, w) => c.call('GET', `/api/consents?personId=${w.motherId}`),
  },
  'post /api/consents/:consentId/withdraw': {
    expect: or(can('record_consents'), only('parent_self')),
    call: (c, w) => c.call('POST', `/api/consents/${w.consentId}/withdraw`, { evidence: 'verbal' }),
    note: 'the first withdraws it; after that a 409 (already withdrawn) still shows the way was open',
  },
  'post /api/disclosures': {
    expect: except(can('ask_disclosures'), 'referrer_other_agency'),
    call: (c, w) =>
      c.call('POST', '/api/disclosures', {
        familyId: w.familyId,
        category: 'attendance',
        purpose: 'other',
        recipient: { kind: 'other_agency', name: 'Matrix Agency' },
      }),
    allowed: statusIn(201),
    note: "a referrer asks for their own agency; another agency's referrer learns nothing of the family",
  },
  'get /api/disclosures': {
    expect: except(can('follow_disclosures'), 'referrer_other_agency'),
    call: (c) => c.call('GET', '/api/disclosures'),
    allowed: listed('entries', (w) => w.releasedId),
  },
  'get /api/disclosures/:disclosureId': {
    expect: except(can('follow_disclosures'), 'referrer_other_agency'),
    call: (c, w) => c.call('GET', `/api/disclosures/${w.releasedId}`),
  },
  'post /api/disclosures/:disclosureId/confirm': {
    expect: engine({ action: 'export', resource: { type: 'family' } }, TO_NOBODY),
    call: (c, w) => c.call('POST', `/api/disclosures/${w.toConfirmId}/confirm`, { version: 1 }),
    allowed: statusIn(200),
  },
  'post /api/disclosures/:disclosureId/decline': {
    expect: engine({ action: 'export', resource: { type: 'family' } }, TO_NOBODY),
    call: (c, w) => c.call('POST', `/api/disclosures/${w.toDeclineId}/decline`, { version: 1 }),
    allowed: statusIn(200),
  },
  'get /api/disclosures/:disclosureId/statement.pdf': {
    expect: except(can('follow_disclosures'), 'referrer_other_agency'),
    call: (c, w) => c.call('GET', `/api/disclosures/${w.releasedId}/statement.pdf`),
  },
  'get /api/disclosures/:disclosureId/statement.csv': {
    expect: except(can('follow_disclosures'), 'referrer_other_agency'),
    call: (c, w) => c.call('GET', `/api/disclosures/${w.releasedId}/statement.csv`),
  },
  'get /api/disclosures/:disclosureId/letter.pdf': {
    expect: except(can('follow_disclosures'), 'referrer_other_agency'),
    call: (c, w) => c.call('GET', `/api/disclosures/${w.refusedId}/letter.pdf`),
  },
  'get /api/disposals': {
    expect: can('read_disposals'),
    call: (c) => c.call('GET', '/api/disposals'),
    allowed: listed('runs', (w) => w.completedRunId),
  },
  'post /api/disposals': {
    expect: canAnywhere('read_disposals'),
    call: (c) => c.call('POST', '/api/disposals'),
    note: 'plans a run of its own centre (nothing is due in either)',
  },
  'get /api/disposals/:runId': {
    expect: can('read_disposals'),
    call: (c, w) => c.call('GET', `/api/disposals/${w.completedRunId}`),
  },
  'post /api/disposals/:runId/families/:familyId/keep': {
    expect: can('read_disposals'),
    call: (c, w) =>
      c.call('POST', `/api/disposals/${w.waitingRunId}/families/${w.familyId}/keep`, {
        as: 'excluded',
        reason: 'the referrer asked us to wait',
      }),
    note: 'the first keeps family X out of the run; the next gets 409, the way was open',
  },
  'post /api/disposals/:runId/approve': {
    expect: can('approve_disposals'),
    call: (c, w) =>
      c.call('POST', `/api/disposals/${w.waitingRunId}/approve`, { familiesToDestroy: 0 }),
    note: 'the first approver carries the run out; the next gets 409, the way was open',
  },
  'get /api/disposals/:runId/certificate.pdf': {
    expect: can('read_disposals'),
    call: (c, w) => c.call('GET', `/api/disposals/${w.completedRunId}/certificate.pdf`),
  },
  'put /api/families/:familyId/legal-hold': {
    expect: can('read_disposals'),
    call: (c, w) => c.call('PUT', `/api/families/${w.familyId}/legal-hold`, { isOnHold: false }),
  },
  'post /api/subject-access': {
    expect: or(can('handle_subject_access'), only('parent_self')),
    call: (c, w) =>
      c.call('POST', '/api/subject-access', { personId: w.motherId, identityMethod: 'matrix' }),
    allowed: statusIn(201),
    note: "the mother's request: recorded by the centre, or made by the mother herself",
  },
  'get /api/subject-access': {
    expect: or(can('read_subject_access'), only('parent_self')),
    call: (c) => c.call('GET', '/api/subject-access'),
    allowed: listed('requests', (w) => w.sarOpenId),
  },
  'get /api/subject-access/:requestId': {
    expect: or(can('read_subject_access'), only('parent_self')),
    call: (c, w) => c.call('GET', `/api/subject-access/${w.sarOpenId}`),
  },
  'post /api/subject-access/:requestId/events': {
    expect: can('handle_subject_access'),
    call: (c, w) =>
      c.call('POST', `/api/subject-access/${w.sarOpenId}/events`, {
        version: 1,
        event: { kind: 'clarification_asked' },
      }),
    note: 'the first asks; the next finds a newer version (409): the way was open',
  },
  'post /api/subject-access/:requestId/releases': {
    expect: (actor) =>
      signedInHere(actor) &&
      decide(POLICY, {
        action: 'subject_access',
        actor: { roles: ROLES[actor], relationship: 'none', hasSecondFactor: true },
        item: 'safeguarding_record',
        release: { byRoles: ROLES[actor], reason: 'matrix' },
      }).effect === 'permit',
    call: (c, w) =>
      c.call('POST', `/api/subject-access/${w.sarOpenId}/releases`, {
        recordId: w.concernId,
        reason: 'matrix',
      }),
    allowed: statusIn(201, 409),
    note: 'the first releases the concern; the next finds it released (409): the way was open',
  },
  'get /api/subject-access/:requestId/bundle.pdf': {
    expect: (actor) =>
      actor === 'parent_self' ||
      engine({ action: 'export', resource: { type: 'family' } }, TO_NOBODY)(actor),
    call: (c, w) => c.call('GET', `/api/subject-access/${w.sarDoneId}/bundle.pdf`),
  },
  'get /api/subject-access/:requestId/bundle.json': {
    expect: (actor) =>
      actor === 'parent_self' ||
      engine({ action: 'export', resource: { type: 'family' } }, TO_NOBODY)(actor),
    call: (c, w) => c.call('GET', `/api/subject-access/${w.sarDoneId}/bundle.json`),
  },
}

/** Unique markers in both parents' contact details, to search every output for. */
const MARK = `Q${String(Math.random()).slice(2, 10)}`
const MOTHER_MARKERS = [`${MARK} mother address`, `${MARK}M`, `mother.${MARK}@example.org`]
const FATHER_MARKERS = [`${MARK} father address`, `${MARK}F`, `father.${MARK}@example.org`]
const MARKERS = [...MOTHER_MARKERS, ...FATHER_MARKERS, ADDRESS, PHONE]

function markedReferral() {
  const base = referral()
  const [mother, father] = base.parents
  const contact = (markers: string[]) => ({
    address: markers[0],
    phone: markers[1],
    email: markers[2],
  })
  return {
    ...base,
    parents: [
      { ...mother, contactDetails: contact(MOTHER_MARKERS) },
      { ...father, contactDetails: contact(FATHER_MARKERS) },
    ],
  }
}

const key = (route: { method: string; path: string }) =>
  `${route.method.toLowerCase()} ${route.path}`

describe('the authorization matrix', () => {
  it('has a row for every API route, and no row for a route that does not exist', () => {
    const routes = API_ROUTES.map(key).sort()
    assert.deepEqual(Object.keys(MATRIX).sort(), routes)
    const served = testAppRoutes()
    assert.deepEqual(served, routes, 'every route the app serves under /api is described')
  })

  it('rests on every ability: each is the expectation of a route, or is used by pages only', () => {
    // Abilities the API has no route of its own for: the pages offer them (test/page-abilities).
    const PAGE_ONLY: Partial<Record<Ability, string>> = {
      see_all_families: 'which families a list holds; the lists are decided record by record',
      follow_referrals: 'the referrals page; the API reads each referral by the engine',
      record_referrals: 'naming any agency on a referral, inside POST /api/referrals',
      list_agencies: 'the agencies offered on the referral and disclosure forms',
      record_disclosures: 'naming any agency on a request, inside POST /api/disclosures',
      authorise_disclosures: 'the approvals page; releasing is decided by export and the rules',
      read_register: "the whole register or a referrer's own, inside GET /api/disclosures",
      see_families: 'the families page; the API reads each family by the engine',
      see_own_information: "a parent's own page",
      declare_acquaintance: 'declaring for oneself, inside the acquaintances route',
    }
    const missing = ABILITIES.filter((a) => !USED.has(a) && PAGE_ONLY[a] === undefined)
    assert.deepEqual(missing, [], 'a new ability needs a row here or a reason it has none')
    for (const a of Object.keys(PAGE_ONLY)) assert.ok(!USED.has(a as Ability), `${a} is used`)
  })
})

function testAppRoutes(): string[] {
  const app = testApp({} as never)
  return [
    ...new Set(
      app.routes.filter((r) => r.path.startsWith('/api/') && r.method !== 'ALL').map((r) => key(r)),
    ),
  ].sort()
}

for (const dialect of await dialectsUnderTest()) {
  describe(`every route × every actor on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('allows exactly what the policy allows, and shows no marker it should not', (t) =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T09:00:00Z')
        const ctx = testContext(database, clock)
        const logs: string[] = []
        const app = testApp(ctx, { write: (line) => logs.push(line) })
        const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const elsewhere = await centreWithCoordinator(ctx, app, 'birch')
        const people: Partial<Record<ActorName, Person>> = {
          coordinator,
          coordinator_elsewhere: elsewhere.coordinator,
        }
        for (const name of ACTORS) {
          if (name === 'anonymous' || people[name]) continue
          people[name] = await invite(
            ctx,
            app,
            centreId,
            'alder',
            `${name}@alder.example.org`,
            ROLES[name],
            name === 'referrer_other_agency'
              ? { kind: 'mediator', name: 'Marsh Family Mediation' }
              : undefined,
          )
        }
        const spare = await invite(ctx, app, centreId, 'alder', 'spare@alder.example.org', [
          'volunteer',
        ])
        const made = await people.referrer_of_family?.client.json<{
          familyId: string
          referralId: string
        }>('POST', '/api/referrals', markedReferral())
        assert.equal(made?.status, 201)
        const familyId = made.body.familyId
        const { motherId } = await linkParents(ctx, centreId, coordinator, familyId, {
          mother: people.parent_self?.accountId ?? '',
          father: people.parent_other?.accountId ?? '',
        })
        const assigned = people.volunteer_assigned
        assert.ok(assigned)
        const sessionId = await sessionToday(ctx, database.db, centreId, familyId, assigned, {
          level: 'standard',
          renewalDueOn: '2028-01-01',
        })
        const policy = await coordinator.client.json<{ document: unknown }>('GET', '/api/policy')
        const concern = await assigned.client.json<{ id: string }>('POST', '/api/incidents', {
          kind: 'safeguarding_concern',
          familyId,
          occurredAt: '2026-03-14T08:30',
          summary: 'A worry raised at the door',
        })
        const question = await assigned.client.json<{ id: string }>('POST', '/api/guidance', {
          familyId,
          question: 'May the grandmother come in?',
        })
        const assessment = await coordinator.client.json<{ id: string }>(
          'POST',
          '/api/assessments',
          {
            familyId,
            assessor: 'A CAFCASS officer',
            place: 'premises',
            startsAt: '2026-03-20T10:00',
          },
        )
        const referrer = people.referrer_of_family
        assert.ok(referrer)
        const disclosure = async (category: string, purpose: string) =>
          (
            await referrer.client.json<{ id: string }>('POST', '/api/disclosures', {
              familyId,
              category,
              purpose,
            })
          ).body.id
        const releasedId = await disclosure('attendance', 'other')
        await coordinator.client.json('POST', `/api/disclosures/${releasedId}/confirm`, {
          version: 1,
        })
        const consent = await coordinator.client.json<{ id: string }>('POST', '/api/consents', {
          personId: motherId,
          category: 'contact_details',
          recipient: { kind: 'other_agency', name: 'Matrix GP Surgery' },
          purpose: 'other',
          evidence: 'written',
          givenOn: '2026-03-14',
        })
        const run = (id: string, status: 'completed' | 'awaiting_approval') =>
          insertDisposalRun(database.db, {
            id,
            centreId,
            asOf: '2026-03-14',
            status,
            policyVersion: 1,
            isAutomatic: false,
            plannedAt: ctx.now().toISOString(),
            approvedBy: undefined,
            approvedRole: undefined,
            approvedAt: undefined,
            completedAt: status === 'completed' ? ctx.now().toISOString() : undefined,
            certificate:
              status === 'completed'
                ? {
                    runId: id,
                    clause: 'RETAIN',
                    policyVersion: 1,
                    asOf: '2026-03-14',
                    completedAt: ctx.now().toISOString(),
                    approvedBy: 'automatic',
                    families: { wholly: 0, partly: 0 },
                    standaloneRecords: 0,
                    destroyed: {},
                    kept: {},
                    skipped: 0,
                  }
                : undefined,
          })
        const completedRunId = ctx.newId()
        const waitingRunId = ctx.newId()
        await run(completedRunId, 'completed')
        await run(waitingRunId, 'awaiting_approval')
        await insertDisposalItems(database.db, centreId, [
          {
            id: ctx.newId(),
            runId: waitingRunId,
            itemKind: 'family',
            itemId: familyId,
            lastUsedOn: '2022-03-14',
            dueOn: '2025-03-14',
            counts: { destroy: { family_record: 1 }, keep: {}, whole: true },
            outcome: undefined,
            reference: 'F-0001',
            kept: undefined,
          },
        ])
        const sar = async () =>
          (
            await coordinator.client.json<{ id: string }>('POST', '/api/subject-access', {
              personId: motherId,
              identityMethod: 'passport seen',
            })
          ).body.id
        const sarOpenId = await sar()
        const sarDoneId = await sar()
        await coordinator.client.json('POST', `/api/subject-access/${sarDoneId}/events`, {
          version: 1,
          event: { kind: 'completed' },
        })
        const world: World = {
          sarOpenId,
          sarDoneId,
          completedRunId,
          waitingRunId,
          consentId: consent.body.id,
          releasedId,
          refusedId: await disclosure('notes_or_reports', 'family_proceedings'),
          toConfirmId: await disclosure('attendance', 'other'),
          toDeclineId: await disclosure('attendance', 'other'),
          familyId,
          sessionId,
          assessmentId: assessment.body.id,
          concernId: concern.body.id,
          guidanceId: question.body.id,
          referralId: made.body.referralId,
          motherId,
          roomId: (
            await coordinator.client.json<{ id: string }>('POST', '/api/rooms', {
              name: 'Matrix Room',
            })
          ).body.id,
          spare,
          policyDocument: policy.body.document,
        }

        const unexpected: string[] = []
        const outputs: { route: string; actor: ActorName; status: number; text: string }[] = []
        let cells = 0
        const cell = async (route: string, name: ActorName) => {
          const row = MATRIX[route]
          assert.ok(row, route)
          const client = people[name]?.client ?? new Client(app)
          const response = await row.call(client, world)
          const status = response.status
          const body =
            response.headers.get('content-type') === 'application/pdf'
              ? await pdfText(await response.arrayBuffer())
              : await response.text()
          const allowed = row.allowed ? row.allowed(status, body, world) : !REFUSED.has(status)
          outputs.push({
            route,
            actor: name,
            status,
            text: `${JSON.stringify([...response.headers])}\n${body}`,
          })
          cells += 1
          if (allowed !== row.expect(name))
            unexpected.push(
              `${route} as ${name}: ${allowed ? 'allowed' : 'refused'} (${String(status)})`,
            )
        }
        // Routes that end sessions run last: every actor ends the centre's sessions but its
        // coordinator, then everyone signs out, then the coordinator signs in again and ends all.
        const LAST = ['post /api/sessions/end-all', 'post /api/auth/sign-out']
        for (const route of Object.keys(MATRIX).filter((r) => !LAST.includes(r)))
          for (const name of ACTORS) await cell(route, name)
        for (const name of ACTORS)
          if (name !== 'coordinator') await cell('post /api/sessions/end-all', name)
        for (const name of ACTORS) await cell('post /api/auth/sign-out', name)
        clock.advance(30_000)
        await coordinator.client.signIn('alder', coordinator.email, PASSWORD)
        await coordinator.client.json('POST', '/api/auth/second-factor', {
          code: currentCode(coordinator.secret ?? '', ctx),
        })
        await cell('post /api/sessions/end-all', 'coordinator')
        assert.deepEqual(unexpected, [])
        assert.equal(cells, API_ROUTES.length * ACTORS.length)

        // The marker test: the mother's markers appear only where the policy lets this actor
        // reveal her contact details; the father's, and every other family's, nowhere.
        const mayReveal = MATRIX['post /api/people/:personId/contact-details/reveal']?.expect
        const leaks: string[] = []
        for (const output of outputs) {
          const shown = MARKERS.filter((marker) => output.text.includes(marker))
          const isReveal =
            output.route === 'post /api/people/:personId/contact-details/reveal' &&
            mayReveal?.(output.actor) === true
          // Her subject access bundle is hers: her own details, for her and whoever compiles it.
          const isHerBundle =
            output.route.startsWith('get /api/subject-access/:requestId/bundle') &&
            MATRIX[output.route]?.expect(output.actor) === true
          // The centre's export is the whole centre leaving: every contact detail of it, opened,
          // to those the policy lets export it. The other centre's coordinator gets their own
          // centre's, whose only family the matrix itself referred there (with the shared
          // synthetic ADDRESS and PHONE): never this centre's markers.
          const isCentreExport =
            output.route === 'post /api/centre/export' &&
            output.status === 200 &&
            MATRIX[output.route]?.expect(output.actor) === true
          const allowed = isCentreExport
            ? output.actor === 'coordinator_elsewhere'
              ? [ADDRESS, PHONE]
              : MARKERS
            : output.status === 200 && (isReveal || isHerBundle)
              ? MOTHER_MARKERS
              : []
          for (const marker of shown)
            if (!allowed.includes(marker))
              leaks.push(`${output.route} as ${output.actor}: ${marker}`)
        }
        const revealedTo = outputs
          .filter((o) => o.route === 'post /api/people/:personId/contact-details/reveal')
          .filter((o) => MOTHER_MARKERS.every((m) => o.text.includes(m)))
          .map((o) => o.actor)
        assert.deepEqual(leaks, [])
        assert.deepEqual(revealedTo.sort(), ['coordinator', 'parent_self'], 'the reveal did happen')
        const bundledTo = outputs
          .filter((o) => o.route.startsWith('get /api/subject-access/:requestId/bundle'))
          .filter((o) => MOTHER_MARKERS.every((m) => o.text.includes(m)))
          .map((o) => o.actor)
        assert.deepEqual(
          bundledTo.sort(),
          ['coordinator', 'coordinator', 'parent_self', 'parent_self'],
          'her bundle holds her own details, in PDF and JSON',
        )
        const stored = `${await dumpEveryTable(database)}\n${logs.join('')}`
        assert.deepEqual(
          MARKERS.filter((marker) => stored.includes(marker)),
          [],
          'no marker in clear in any table, audit row or log line',
        )
        assert.ok(logs.length > cells, 'every request was logged')
        t.diagnostic(
          `${String(API_ROUTES.length)} routes × ${String(ACTORS.length)} actors = ${String(cells)} calls; ${String(outputs.length * MARKERS.length)} marker searches`,
        )
      }))
  })
}
