import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { API_ROUTES } from '../src/http/app.ts'
import { centreWithCoordinator, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * Bad input at every route: wrong shapes, wrong types, unknown fields, odd path values and
 * random JSON, sent by a signed-in coordinator. Every answer is a 4xx with an error code
 * from the closed set; never a 5xx, never a stack trace.
 */
const ODD_PATH_VALUES = [
  'x',
  '..%2F..%2Fetc',
  'null',
  '0',
  '%00',
  'a'.repeat(300),
  '00000000-0000-0000-0000-000000000000',
]
const FIXED_BODIES: unknown[] = [
  null,
  [],
  'text',
  42,
  {},
  { unknown: true },
  { version: 'one', to: 7, reason: ['x'], kind: {}, familyId: 'not-an-id' },
  { startsAt: '2026-02-30T10:00', endsAt: '2026-13-01T25:61', issuedOn: '31/01/2026' },
  JSON.parse('{"__proto__": {"polluted": true}}'),
  { name: 'Willow\u0000Room', reason: 'x\u0000', email: 'a\u0000@example.org', notes: '\u0000' },
]

for (const dialect of await dialectsUnderTest())
  describe(`bad input at every route on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('answers every malformed request with a clear 4xx, and never a 5xx or a stack trace', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock('2026-03-14T09:00:00Z'))
        const app = testApp(ctx)
        const { coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const problems: string[] = []
        let requests = 0
        const send = async (method: string, path: string, body: unknown, raw?: string) => {
          const response = await coordinator.client.call(
            method.toUpperCase(),
            path,
            raw ?? (body === undefined ? undefined : JSON.stringify(body)),
          )
          requests += 1
          const text = await response.text()
          if (response.status >= 500) problems.push(`${method} ${path}: ${String(response.status)}`)
          if (/\n\s+at |node:internal|\.ts:\d+/.test(text))
            problems.push(`${method} ${path}: a stack trace`)
          if (response.status >= 400) {
            const parsed = JSON.parse(text) as { error?: { code?: string; message?: string } }
            if (!parsed.error?.code || !parsed.error.message)
              problems.push(`${method} ${path}: an error without code or message`)
          }
        }
        const routes = API_ROUTES.filter(
          (r) => !['/api/auth/sign-out', '/api/sessions/end-all'].includes(r.path),
        )
        for (const route of routes) {
          const paths = route.path.includes(':')
            ? ODD_PATH_VALUES.map((value) => route.path.replace(/:(\w+)/g, value))
            : [route.path]
          for (const path of paths) {
            if (route.method === 'get') {
              await send('get', `${path}?limit=-1&date=yesterday&kind=x&offset=1e99`, undefined)
              continue
            }
            for (const body of FIXED_BODIES) await send(route.method, path, body)
            await send(route.method, path, undefined, '{"unfinished": ')
          }
          if (route.method !== 'get' && !route.path.includes(':'))
            await fc.assert(
              fc.asyncProperty(fc.jsonValue({ maxDepth: 3 }), async (value) => {
                await send(route.method, route.path, value)
              }),
              { numRuns: 15, seed: 20261121 },
            )
        }
        const wrongType = await coordinator.client.call('POST', '/api/referrals', 'parents=1', {
          'content-type': 'application/x-www-form-urlencoded',
        })
        assert.equal(wrongType.status, 415)
        assert.deepEqual(problems, [])
        assert.ok(requests > 500, `${String(requests)} requests`)
      }))
  })
