import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { z } from 'zod'
import { verifyAuditLog, writeAuditCheckpoints } from '../src/app/audit-trail.ts'
import type { AppContext } from '../src/app/context.ts'
import { ERROR_CODES } from '../src/domain/errors.ts'
import { seededRandom, type SeededRandom } from '../src/domain/random.ts'
import {
  centreWithCoordinator,
  Client,
  currentCode,
  invite,
  PASSWORD,
  testApp,
  type Person,
} from './support/accounts.ts'
import { linkParents, referral, sessionToday } from './support/cases.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * A seeded fuzz of the whole JSON API (issue 13): every operation of /api/openapi.json, read
 * from the app itself, is sent malformed requests in process (no port): wrong types, huge and
 * deep values, unicode oddities, NUL, prototype keys, path tricks in ids, bad content types
 * and query strings, by a coordinator (second factor done), a volunteer, a referrer, a parent
 * and nobody, with the CSRF token where a session has one. Every answer is below 500, leaks
 * nothing of the inside (no stack frame, file path, SQL or error class), is the documented
 * error body when it is not a success, and the audit chain still verifies afterwards.
 *
 * HAVEN_FUZZ_SEED and HAVEN_FUZZ_REQUESTS change the seed and the count (per engine); a
 * failure names the seed and the request, so `HAVEN_FUZZ_SEED=<seed>` replays it exactly.
 */
const SEED = Number(process.env.HAVEN_FUZZ_SEED ?? 20_261_201)
const REQUESTS = Number(process.env.HAVEN_FUZZ_REQUESTS ?? 20_000)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }
interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  items?: JsonSchema
  minItems?: number
  maxItems?: number
  minLength?: number
  maxLength?: number
  minimum?: number
  maximum?: number
  enum?: Json[]
  const?: Json
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  format?: string
  pattern?: string
}
interface Operation {
  method: string
  /** OpenAPI form: /api/families/{familyId} */
  path: string
  isPublic: boolean
  body: JsonSchema | undefined
  query: { name: string; schema: JsonSchema }[]
}

const CALLERS = ['coordinator', 'volunteer', 'referrer', 'parent', 'nobody'] as const
type Caller = (typeof CALLERS)[number]

/** Routes whose success ends the caller's session (or everyone else's). */
const ENDS_SESSIONS = new Set(['post /api/auth/sign-out', 'post /api/sessions/end-all'])

// ---------------------------------------------------------------------------------------------
// Hostile values. None holds a word the leak check looks for, so an echo is never a false alarm.

const UNICODE_ODDITIES = [
  '\uD800',
  '\uDFFF',
  'a\uD83D',
  '\uDE00b',
  '\u202Eevil\u202C',
  '\u200F\u200Eמרכז',
  'zero\u200B\u200C\u200D\u2060\uFEFFwidth',
  `e${'\u0301'.repeat(400)}`,
  'Z̷̢̛̤a̶̡͓l̸̰̈g̴̣̈́o̵̧͝',
  '👨‍👩‍👧‍👦',
  '\u0000',
  'na\u0000me',
  '\u0001\u001F\u007F\u0085',
  'line\u2028para\u2029',
  '\uFFFE\uFFFF',
  '\u{10FFFF}',
  'ｆｕｌｌｗｉｄｔｈ',
  'a\r\nX-Injected: 1',
  '\t \n ',
  ' ',
  '',
]
const INJECTIONS = [
  "' OR '1'='1",
  '"; --',
  '1;DROP TABLE families--',
  '../../etc/passwd',
  '..\\..\\windows',
  '%00',
  '${7*7}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '\\',
  'null',
  'undefined',
  'NaN',
  '__proto__',
  'constructor',
]
const ODD_DATES = [
  '2026-02-30',
  '2026-13-01',
  '0000-01-01',
  '9999-12-31T23:59',
  '2026-03-14T25:61',
  '+275760-09-13',
  '2026-03-14T10:00:00.000Z',
  '14/03/2026',
]
const ODD_IDS = [
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA',
  '00000000-0000-4000-8000-000000000000',
  '00000000000040008000000000000000',
]
/** Path values, sent as they are (some deliberately not valid percent-encoding). */
const PATH_TRICKS = [
  '..%2f..%2fetc%2fpasswd',
  '..%2F..%2F..',
  '%2e%2e',
  '..',
  '.',
  '%00',
  'x%00y',
  '%ZZ',
  '%',
  '%C0%AE%C0%AE',
  '%ED%A0%80',
  '%F0%9F%98%80',
  '%E2%80%AE',
  '%E2%80%8B',
  encodeURIComponent("' OR '1'='1"),
  encodeURIComponent('1;DROP TABLE families--'),
  'a'.repeat(5000),
  encodeURIComponent('é'.repeat(300)),
  '-1',
  '0',
  '1e309',
  'null',
  '__proto__',
  'constructor',
  'prototype',
  '%20',
  '+',
  '~',
  '00000000-0000-0000-0000-000000000000',
  '00000000-0000-4000-8000-000000000000%00',
  'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA',
]
/** Query strings as sent, some not valid percent-encoding. */
const RAW_QUERIES = [
  'limit=%ZZ',
  'date=%00',
  'status=%',
  '&&&=',
  '=',
  'limit[]=1',
  'limit=1&limit=2&limit=3',
  '%E0%A4%A=1',
  'familyId=%ED%A0%80',
  `offset=${'9'.repeat(400)}`,
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
]
/** Cookie headers (latin-1, as a header must be). */
const COOKIE_TRICKS = [
  'haven_session=',
  `haven_session=${'a'.repeat(5_000)}`,
  'haven_session=%ZZ',
  'haven_session=%00',
  'haven_session="quoted"',
  'haven_session=a; haven_session=b',
  ';;;',
  '=',
  'haven_session=\u00e9',
  `haven_session=${'x'.repeat(43)}`,
]
const BAD_CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/json; charset=utf-16',
  'application/jsonp',
  'APPLICATION/JSON',
  'application/json;;;',
  'application/xml',
  '',
  '*/*',
]
const RAW_BODIES = [
  '',
  '{',
  '{"a":',
  '[1,2,',
  "{'single': 1}",
  '{"a":1,}',
  '{"a":1,"a":2}',
  '\uFEFF{}',
  'NaN',
  'Infinity',
  '1e999',
  `1${'0'.repeat(400)}`,
  '-',
  'nul',
  '"\\uD800"',
  '"\\u0000"',
  '{"__proto__":{"polluted":true}}',
  '{"constructor":{"prototype":{"polluted":true}}}',
  ' '.repeat(5000),
  '[]'.repeat(1000),
  '\u0000',
]
const HUGE_NUMBERS: Json[] = [
  1e308,
  -1e308,
  2 ** 53 + 2,
  -(2 ** 53) - 2,
  Number.MIN_VALUE,
  1e21,
  -0,
  0.1,
  -1,
  4_294_967_296,
]

function hugeString(rng: SeededRandom): string {
  const length = rng.integer(2_000, 40_000)
  return rng.chance(0.5) ? 'x'.repeat(length) : rng.pick(['é', '𝕏', '\u200B', 'ب']).repeat(length)
}

/**
 * Arrays and objects nested mostly within the 64 levels a body may have, sometimes beyond,
 * and sometimes deep enough (tens of thousands) to run a recursive walk out of stack.
 */
function deepValue(rng: SeededRandom): Json {
  const roll = rng.next()
  // Too deep for JSON.stringify: a marker, spliced into the text as it is sent (deepText).
  if (roll > 0.85) return `${DEEP_MARK}${String(rng.integer(10_000, 30_000))}`
  const depth = roll < 0.6 ? rng.integer(10, 63) : rng.integer(65, 3_000)
  let value: Json = rng.pick<Json>(['x', 1, null])
  for (let i = 0; i < depth; i += 1) value = rng.chance(0.5) ? [value] : { a: value }
  return value
}

const DEEP_MARK = 'fuzz-deep-array:'
/** The body as sent: each deep marker replaced by arrays nested that many levels. */
function deepText(json: string): string {
  return json.replace(
    new RegExp(`"${DEEP_MARK}(\\d+)"`, 'g'),
    (_, depth: string) => `${'['.repeat(Number(depth))}1${']'.repeat(Number(depth))}`,
  )
}

/** An object with own keys that could reach a prototype if copied carelessly. */
function prototypeTrap(rng: SeededRandom): Json {
  const trap: Record<string, Json> = {}
  for (const key of ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString'])
    if (rng.chance(0.6))
      Object.defineProperty(trap, key, {
        value: rng.pick<Json>([{ polluted: true }, { prototype: { polluted: true } }, 'x', 1]),
        enumerable: true,
        configurable: true,
        writable: true,
      })
  return trap
}

function hostileValue(rng: SeededRandom): Json {
  switch (rng.integer(0, 11)) {
    case 0:
      return rng.pick<Json>([null, true, false, 0, 1, -1, 1.5, '', [], {}, '1', 'true'])
    case 1:
      return hugeString(rng)
    case 2:
      return rng.pick(HUGE_NUMBERS)
    case 3:
      return deepValue(rng)
    case 4:
    case 5:
      return rng.pick(UNICODE_ODDITIES)
    case 6:
      return prototypeTrap(rng)
    case 7:
      return rng.pick(INJECTIONS)
    case 8:
      return rng.pick(ODD_DATES)
    case 9:
      return rng.pick(ODD_IDS)
    case 10:
      return Array.from({ length: rng.integer(0, 3_000) }, () => rng.pick<Json>([1, 'x', null]))
    default:
      return { [rng.pick(['__proto__', 'x', '', '\u0000', 'é'])]: rng.pick<Json>([1, 'x', {}]) }
  }
}

// ---------------------------------------------------------------------------------------------
// A plausible body from the operation's schema, then broken.

/** Real ids of the centre, by the name a path or body gives them. */
type Ids = Record<string, string>

/**
 * Whole valid values by property name, where a schema alone cannot make one (a policy
 * document): taken from the centre itself, so a mutation lands deep inside something real.
 */
const SAMPLES = new Map<string, Json>()

function plausible(schema: JsonSchema, name: string, rng: SeededRandom, ids: Ids, depth = 0): Json {
  const sample = SAMPLES.get(name)
  if (sample !== undefined && rng.chance(0.8)) return structuredClone(sample)
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return rng.pick(schema.enum)
  const branches = schema.anyOf ?? schema.oneOf ?? schema.allOf
  if (branches) {
    const useful = branches.filter((b) => b.type !== 'null')
    return plausible(rng.pick(useful.length > 0 ? useful : branches), name, rng, ids, depth)
  }
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type
  switch (type) {
    case 'object': {
      const out: Record<string, Json> = {}
      for (const [key, inner] of Object.entries(schema.properties ?? {}))
        if (schema.required?.includes(key) || rng.chance(0.5))
          out[key] = plausible(inner, key, rng, ids, depth + 1)
      return out
    }
    case 'array': {
      if (depth > 6) return []
      const min = schema.minItems ?? 0
      const count = Math.min(schema.maxItems ?? min + 2, min + rng.integer(0, 2))
      return Array.from({ length: count }, () =>
        plausible(schema.items ?? {}, name, rng, ids, depth + 1),
      )
    }
    case 'integer':
    case 'number': {
      if (name === 'version') return 1
      const min = schema.minimum ?? 0
      return Math.min(schema.maximum ?? min + 10, min + rng.integer(0, 10))
    }
    case 'boolean':
      return rng.chance(0.8) ? false : true
    case 'string':
      return plausibleText(schema, name, rng, ids)
    default:
      // A schema that takes anything (a policy document): a small object.
      return rng.chance(0.5) ? { parameters: {} } : {}
  }
}

function plausibleText(schema: JsonSchema, name: string, rng: SeededRandom, ids: Ids): string {
  if (schema.format === 'uuid') return ids[name] ?? rng.pick(Object.values(ids))
  if (schema.format === 'date') return rng.pick(['2026-03-14', '2026-03-20', '2025-12-01'])
  if (schema.pattern?.includes('T\\d{2}:\\d{2}'))
    return rng.pick(['2026-03-20T10:00', '2026-03-20T12:00', '2026-03-14T08:30'])
  if (schema.format === 'email' || name.toLowerCase().includes('email'))
    return `fuzz${String(rng.integer(0, 999))}@example.org`
  if (name === 'password' || name === 'newPassword' || name === 'currentPassword')
    return 'not the password at all'
  if (name === 'code') return 'abc'
  if (name === 'token') return 'x'.repeat(43)
  if (name === 'centre') return 'alder'
  const text = rng.pick(['Willow', 'A note', 'Matrix GP Surgery', 'x'])
  const min = schema.minLength ?? 0
  return text.length >= min ? text.slice(0, schema.maxLength ?? 200) : text.padEnd(min, 'x')
}

/** Every path into a value, to pick where a mutation lands. */
function pathsOf(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  out.push(prefix)
  if (prefix.length > 8) return out
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out))
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...prefix, k], out)
  return out
}

function setAt(root: Json, path: (string | number)[], next: Json | undefined): Json {
  if (path.length === 0) return next ?? null
  let node = root as Record<string | number, Json>
  for (const step of path.slice(0, -1)) node = node[step] as Record<string | number, Json>
  const last = path.at(-1) as string | number
  if (next === undefined) {
    if (Array.isArray(node)) node.splice(Number(last), 1)
    else Reflect.deleteProperty(node, last)
  } else node[last] = next
  return root
}

function mutate(value: Json, rng: SeededRandom): Json {
  let out = value
  for (let n = rng.integer(1, 3); n > 0; n -= 1) {
    const paths = pathsOf(out)
    const path = rng.pick(paths)
    const kind = rng.integer(0, 9)
    if (kind <= 5) out = setAt(out, path, hostileValue(rng))
    else if (kind === 6 && path.length > 0) out = setAt(out, path, undefined)
    else if (kind === 7) {
      const objects = paths.filter((p) => isObject(valueAt(out, p)))
      if (objects.length > 0) {
        const node = valueAt(out, rng.pick(objects)) as Record<string, Json>
        Object.defineProperty(node, rng.pick(['__proto__', 'constructor', 'unknown', 'é', '']), {
          value: hostileValue(rng),
          enumerable: true,
          configurable: true,
          writable: true,
        })
      }
    } else out = hostileValue(rng)
  }
  return out
}

const isObject = (value: Json | undefined): boolean =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

function valueAt(root: Json, path: (string | number)[]): Json | undefined {
  let node: Json | undefined = root
  for (const step of path) node = (node as Record<string | number, Json> | null)?.[step]
  return node
}

// ---------------------------------------------------------------------------------------------
// What no answer may show.

const LEAKS: readonly [string, RegExp][] = [
  ['a stack frame', /(\n|\\n)\s*at \S|\bat (async )?[\w$.<>[\]]+ \(?(file|node):/],
  ['a module path', /node:internal|file:\/\/|node_modules|\/src\/|\/work\/|\/home\/|\.ts:\d+/],
  // Kysely's SQL names tables and columns in double quotes (escaped, inside JSON).
  ['SQL', /\bSELECT\b[\s\S]{0,300}\bFROM\b|\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE \S+ SET\b/],
  ['SQL', /\b(select|from|into|update|join|where)\s+\\?"\w+\\?"/i],
  [
    'a database error',
    /SQLITE_|sqlite|postgres|\bpg_\w|syntax error at or near|violates \w+ constraint|duplicate key value|relation "\w/i,
  ],
  ['an error class', /\b[A-Z]\w*Error\b|\bError: |\[object Object\]|"issues"\s*:\s*\[/],
]

const errorBodySchema = z.strictObject({
  error: z.strictObject({
    code: z.enum(ERROR_CODES),
    message: z.string().min(1).max(1_000),
    field: z.string().optional(),
    requestId: z.string().optional(),
    clauses: z.array(z.string()).optional(),
  }),
})

// ---------------------------------------------------------------------------------------------

interface World {
  ctx: AppContext
  clock: TestClock
  callers: Record<Exclude<Caller, 'nobody'>, Person>
  nobody: Client
  ids: Ids
  /** Path parameter name (and path) to a real id of the centre. */
  pathId: (path: string, name: string) => string | undefined
}

async function buildWorld(ctx: AppContext, clock: TestClock, app: ReturnType<typeof testApp>) {
  const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'alder')
  const person = (name: string, roles: string[]) =>
    invite(ctx, app, centreId, 'alder', `${name}@alder.example.org`, roles)
  const volunteer = await person('volunteer', ['volunteer'])
  const referrer = await person('referrer', ['referrer'])
  const mother = await person('parent', ['parent'])
  const father = await person('father', ['parent'])
  const spare = await person('spare', ['volunteer'])
  const made = await referrer.client.json<{ familyId: string; referralId: string }>(
    'POST',
    '/api/referrals',
    referral(),
  )
  assert.equal(made.status, 201)
  const { familyId, referralId } = made.body
  const { motherId } = await linkParents(ctx, centreId, coordinator, familyId, {
    mother: mother.accountId,
    father: father.accountId,
  })
  const sessionId = await sessionToday(ctx, ctx.db, centreId, familyId, volunteer, {
    level: 'standard',
    renewalDueOn: '2028-01-01',
  })
  const post = async (client: Client, path: string, body?: unknown) => {
    const answer = await client.json<{ id: string }>('POST', path, body)
    assert.ok(answer.status < 300, `${path}: ${JSON.stringify(answer.body)}`)
    return answer.body.id
  }
  const disclosureId = await post(referrer.client, '/api/disclosures', {
    familyId,
    category: 'attendance',
    purpose: 'other',
  })
  const ids: Ids = {
    familyId,
    referralId,
    personId: motherId,
    sessionId,
    accountId: spare.accountId,
    roomId: await post(coordinator.client, '/api/rooms', { name: 'Fuzz Room' }),
    incidentId: await post(volunteer.client, '/api/incidents', {
      kind: 'incident',
      familyId,
      occurredAt: '2026-03-14T08:30',
      summary: 'A door banged.',
    }),
    guidanceId: await post(volunteer.client, '/api/guidance', {
      familyId,
      question: 'May the grandmother come in?',
    }),
    assessmentId: await post(coordinator.client, '/api/assessments', {
      familyId,
      assessor: 'A CAFCASS officer',
      place: 'premises',
      startsAt: '2026-03-20T10:00',
    }),
    consentId: await post(coordinator.client, '/api/consents', {
      personId: motherId,
      category: 'contact_details',
      recipient: { kind: 'other_agency', name: 'Matrix GP Surgery' },
      purpose: 'other',
      evidence: 'written',
      givenOn: '2026-03-14',
    }),
    disclosureId,
    sarId: await post(coordinator.client, '/api/subject-access', {
      personId: motherId,
      identityMethod: 'passport seen',
    }),
    runId: await post(coordinator.client, '/api/disposals'),
  }
  const policy = await coordinator.client.json<{ document: Json }>('GET', '/api/policy')
  SAMPLES.set('document', policy.body.document)
  const pathId = (path: string, name: string): string | undefined => {
    if (name === 'requestId') return path.startsWith('/api/guidance') ? ids.guidanceId : ids.sarId
    if (name === 'slug') return 'alder'
    return ids[name]
  }
  const world: World = {
    ctx,
    clock,
    callers: { coordinator, volunteer, referrer, parent: mother },
    nobody: new Client(app),
    ids,
    pathId,
  }
  return world
}

/**
 * Signs a caller in again after a fuzzed request ended their session, with the second factor
 * (enrolled now if the fuzz made the centre require one of every role).
 */
async function signInAgain(world: World, person: Person): Promise<string> {
  const signedIn = await person.client.signIn('alder', person.email, PASSWORD)
  world.clock.advance(30_000) // a fresh TOTP step: a code is accepted once
  if (signedIn.body.secondFactor === 'enrol') {
    const enrolment = await person.client.json<{ secret: string }>(
      'POST',
      '/api/me/second-factor/enrol',
    )
    person.secret = enrolment.body.secret
    await person.client.json('POST', '/api/me/second-factor/confirm', {
      code: currentCode(person.secret, world.ctx),
    })
  } else if (signedIn.body.secondFactor === 'verify' && person.secret)
    await person.client.json('POST', '/api/auth/second-factor', {
      code: currentCode(person.secret, world.ctx),
    })
  return `${String(signedIn.status)} ${JSON.stringify(signedIn.body)}`
}

async function isFullySignedIn(person: Person): Promise<boolean> {
  const session = await person.client.json<{ secondFactor?: string }>('GET', '/api/auth/session')
  return session.status === 200 && session.body.secondFactor === 'none'
}

function operationsOf(spec: {
  paths: Record<
    string,
    Record<
      string,
      {
        security?: unknown[]
        parameters?: { name: string; in: string; schema: JsonSchema }[]
        requestBody?: { content: Record<string, { schema: JsonSchema }> }
      }
    >
  >
}): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method,
      path,
      isPublic: Array.isArray(op.security) && op.security.length === 0,
      body: op.requestBody?.content['application/json']?.schema,
      query: (op.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => ({ name: p.name, schema: p.schema })),
    })),
  )
}

interface Sent {
  method: string
  url: string
  headers: Record<string, string>
  body: string | undefined
  caller: Caller
}

function fuzzedRequest(op: Operation, world: World, rng: SeededRandom, caller: Caller): Sent {
  let method = op.method.toUpperCase()
  const url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const real = world.pathId(op.path, name)
    return real !== undefined && rng.chance(0.45) ? real : rng.pick(PATH_TRICKS)
  })
  const query = new URLSearchParams()
  for (const param of op.query)
    if (rng.chance(0.6))
      query.append(
        param.name,
        rng.chance(0.3)
          ? JSON.stringify(plausible(param.schema, param.name, rng, world.ids)).replace(
              /^"|"$/g,
              '',
            )
          : rng.pick([
              ...HUGE_NUMBERS.map(String),
              ...UNICODE_ODDITIES,
              ...INJECTIONS,
              ...ODD_DATES,
              'x'.repeat(rng.integer(100, 5_000)),
              '1e309',
              '-0',
              '[]',
              '{}',
            ]),
      )
  if (rng.chance(0.15)) query.append(rng.pick(['limit', 'offset', '__proto__', 'x', '']), '-1')
  if (rng.chance(0.1) && op.query[0]) query.append(op.query[0].name, 'second value')
  const headers: Record<string, string> = {}
  let body: string | undefined
  if (method !== 'GET') {
    const roll = rng.next()
    if (roll < 0.1) body = rng.pick(RAW_BODIES)
    else if (roll < 0.15) body = undefined
    else {
      const base: Json = op.body ? plausible(op.body, 'body', rng, world.ids) : {}
      body = deepText(JSON.stringify(rng.chance(0.93) ? mutate(base, rng) : base))
    }
    if (body !== undefined) {
      headers['content-type'] = rng.chance(0.9) ? 'application/json' : rng.pick(BAD_CONTENT_TYPES)
    }
  }
  if (rng.chance(0.02)) method = rng.pick(['PATCH', 'DELETE', 'OPTIONS', 'PUT'])
  if (caller !== 'nobody' && rng.chance(0.05))
    headers['x-csrf-token'] = rng.pick(['', 'x', 'a'.repeat(5_000), '\u00e9'])
  if (rng.chance(0.05)) headers.accept = rng.pick(['text/html', '*/*', 'application/xml'])
  // A forged or mangled session cookie, for nobody (a caller's own cookie is sent by send()).
  if (caller === 'nobody' && rng.chance(0.1)) headers.cookie = rng.pick(COOKIE_TRICKS)
  let search = query.toString()
  if (rng.chance(0.1)) search = [search, rng.pick(RAW_QUERIES)].filter(Boolean).join('&')
  return { method, url: search ? `${url}?${search}` : url, headers, body, caller }
}

/**
 * Sends a request as the client would (its session cookie and CSRF token), from an address
 * of the documentation ranges: fuzzed sign-ins spread over many sources, as an attacker's
 * would, and the harness's own sign-ins (from no address) are never held up by them.
 */
async function send(client: Client, sent: Sent, rng: SeededRandom): Promise<Response> {
  const headers = { ...sent.headers }
  if (client.cookie) headers.cookie = client.cookie
  if (client.csrf && headers['x-csrf-token'] === undefined) headers['x-csrf-token'] = client.csrf
  const remoteAddress = rng.chance(0.8)
    ? `${rng.pick(['192.0.2', '198.51.100', '203.0.113'])}.${String(rng.integer(1, 254))}`
    : `2001:db8::${rng.integer(1, 0xffff).toString(16)}`
  const response = await client.app.request(
    sent.url,
    {
      method: sent.method,
      headers,
      ...(sent.body === undefined ? {} : { body: sent.body }),
    },
    { incoming: { socket: { remoteAddress } } },
  )
  for (const cookie of response.headers.getSetCookie()) {
    const [pair] = cookie.split(';')
    if (pair?.startsWith('haven_session=')) client.cookie = pair.endsWith('=') ? undefined : pair
  }
  return response
}

function describeSent(sent: Sent, index: number): string {
  const body = sent.body === undefined ? '' : ` body ${JSON.stringify(sent.body.slice(0, 200))}`
  return `#${String(index)} ${sent.caller} ${sent.method} ${sent.url.slice(0, 200)}${body}`
}

for (const dialect of await dialectsUnderTest())
  describe(`the seeded fuzz of every API route on ${dialect.name}`, { skip: dialect.skip }, () => {
    it(`V16.5.1 V16.5.3 V2.2.1 V13.4.6 answers ${String(REQUESTS)} malformed requests with no 5xx, no leak, the documented error body, and an audit chain that verifies (seed ${String(SEED)})`, (t) =>
      withMigratedDatabase(dialect.name, async (database) => {
        const clock = new TestClock('2026-03-14T09:00:00Z')
        const ctx = testContext(database, clock)
        const errorLines: string[] = []
        const app = testApp(ctx, {
          write: (line) => {
            if (/"level":"(error|fatal)"/.test(line)) errorLines.push(line)
          },
        })
        const world = await buildWorld(ctx, clock, app)
        const spec = (await (await world.nobody.call('GET', '/api/openapi.json')).json()) as {
          paths: Parameters<typeof operationsOf>[0]['paths']
        }
        const operations = operationsOf(spec)
        assert.ok(operations.length >= 80, `${String(operations.length)} operations`)

        const rng = seededRandom(SEED * 2 + (dialect.name === 'postgres' ? 1 : 0))
        const problems: string[] = []
        const answered = new Map<string, { count: number; pastTheDoor: number }>()
        const stale = new Set<Exclude<Caller, 'nobody'>>()
        let signIns = 0
        const statuses = new Map<number, number>()
        const started = performance.now()
        for (let i = 0; i < REQUESTS && problems.length < 20; i += 1) {
          const op = operations[i % operations.length] as Operation
          const key = `${op.method} ${op.path}`
          // Ending sessions costs a sign-in each time: mostly nobody calls those routes.
          const caller: Caller =
            ENDS_SESSIONS.has(key) && rng.chance(0.8) ? 'nobody' : rng.pick(CALLERS)
          if (caller !== 'nobody' && stale.has(caller)) {
            await signInAgain(world, world.callers[caller])
            signIns += 1
            stale.delete(caller)
          }
          const client = caller === 'nobody' ? world.nobody : world.callers[caller].client
          const sent = fuzzedRequest(op, world, rng, caller)
          clock.advance(1_000)
          const response = await send(client, sent, rng)
          const type = response.headers.get('content-type') ?? ''
          const text = /json|text|csv/.test(type) ? await response.text() : ''
          if (!/json|text|csv/.test(type)) await response.arrayBuffer()
          const where = describeSent(sent, i)
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          if (response.status >= 500) problems.push(`${where}: ${String(response.status)} ${text}`)
          for (const [what, pattern] of LEAKS)
            if (pattern.test(text)) problems.push(`${where}: ${what} in ${text.slice(0, 300)}`)
          if (response.status >= 300) {
            let parsed: unknown
            try {
              parsed = JSON.parse(text)
            } catch {
              parsed = undefined
            }
            if (!/^application\/json/.test(type) || !errorBodySchema.safeParse(parsed).success)
              problems.push(`${where}: not the error body: ${String(response.status)} ${text}`)
          }
          const seen = answered.get(key) ?? { count: 0, pastTheDoor: 0 }
          seen.count += 1
          if (caller !== 'nobody' && response.status !== 401 && response.status !== 403)
            seen.pastTheDoor += 1
          answered.set(key, seen)
          if (ENDS_SESSIONS.has(key) && response.status < 300 && caller !== 'nobody') {
            if (key === 'post /api/sessions/end-all')
              for (const other of Object.keys(world.callers) as Exclude<Caller, 'nobody'>[])
                if (other !== caller) stale.add(other)
            stale.add(caller)
          }
          // Anything else that ended a session is found every 1,000 requests.
          if (i % 1_000 === 999)
            for (const name of Object.keys(world.callers) as Exclude<Caller, 'nobody'>[])
              if (!stale.has(name) && !(await isFullySignedIn(world.callers[name]))) stale.add(name)
        }
        const seconds = (performance.now() - started) / 1_000
        t.diagnostic(
          `${dialect.name}: ${String(REQUESTS)} requests over ${String(operations.length)} operations in ${seconds.toFixed(1)} s (seed ${String(SEED)}; ${String(signIns)} sign-ins again after a session ended); answers ${[
            ...statuses,
          ]
            .sort((a, b) => a[0] - b[0])
            .map(([status, count]) => `${String(status)}×${String(count)}`)
            .join(' ')}`,
        )
        assert.deepEqual(problems, [], `seed ${String(SEED)}: replay with HAVEN_FUZZ_SEED`)
        assert.deepEqual(errorLines, [], `seed ${String(SEED)}: nothing is logged as an error`)

        // Every operation had its share, and signed-in callers got past the door of each.
        for (const op of operations) {
          const seen = answered.get(`${op.method} ${op.path}`)
          assert.ok(seen && seen.count >= Math.floor(REQUESTS / operations.length), op.path)
          assert.ok(seen.pastTheDoor > 0, `${op.method} ${op.path}: never past the door`)
        }
        for (const person of Object.values(world.callers)) {
          const answer = (await isFullySignedIn(person)) ? '' : await signInAgain(world, person)
          assert.ok(await isFullySignedIn(person), `${person.email} can still sign in: ${answer}`)
        }
        await writeAuditCheckpoints(ctx.db, ctx.auditKey, ctx.now())
        const audit = await verifyAuditLog(ctx.db, ctx.auditKey.publicKey)
        assert.equal(audit.problem, undefined, `seed ${String(SEED)}: the audit chain breaks`)
        assert.ok(audit.entries > 100, `${String(audit.entries)} audit entries`)
      }))
  })
