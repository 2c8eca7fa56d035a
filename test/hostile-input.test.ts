import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import { connect, type AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { getRequestListener } from '@hono/node-server'
import { API_ROUTES } from '../src/http/app.ts'
import { isNestedDeeperThan, MAX_JSON_DEPTH } from '../src/http/validation.ts'
import { centreWithCoordinator, Client, testApp } from './support/accounts.ts'
import {
  dialectsUnderTest,
  TestClock,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'

/**
 * Input built to break the server rather than to be read: JSON nested until the stack runs
 * out, and clients that hang up halfway through their request. Neither is a 500, and
 * neither is logged as an error.
 */
const DEEP = 10_000
const deepArray = (depth: number) => '['.repeat(depth) + ']'.repeat(depth)
const deepObject = (depth: number) => '{"a":'.repeat(depth) + 'null' + '}'.repeat(depth)

describe('V2.2.1 how deep a JSON body may nest', () => {
  it('counts arrays and objects, not brackets inside strings', () => {
    assert.equal(isNestedDeeperThan(deepArray(64), 64), false)
    assert.equal(isNestedDeeperThan(deepArray(65), 64), true)
    assert.equal(isNestedDeeperThan(deepObject(65), 64), true)
    assert.equal(isNestedDeeperThan(JSON.stringify({ a: '['.repeat(DEEP) }), 64), false)
    assert.equal(isNestedDeeperThan(JSON.stringify({ a: '\\"[[[[' }), 2), false)
    assert.equal(isNestedDeeperThan(JSON.stringify(['"', [[['x']]]]), 3), true)
  })
})

for (const dialect of await dialectsUnderTest())
  describe(`hostile input on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('V16.5.3 V2.2.1 answers JSON nested 10,000 deep with 400 at every JSON route, sign-in included, never 500', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const lines: string[] = []
        const app = testApp(ctx, { write: (line) => lines.push(line) })
        const { coordinator } = await centreWithCoordinator(ctx, app, 'alder')
        const stranger = new Client(app)
        const refusedForDepth = new Set<string>()
        const jsonRoutes = API_ROUTES.filter((route) => route.body !== undefined)
        assert.ok(jsonRoutes.some((route) => route.path === '/api/auth/sign-in'))
        for (const route of jsonRoutes) {
          const path = route.path.replace(/:\w+/g, '00000000-0000-4000-8000-000000000000')
          for (const client of [stranger, coordinator.client])
            for (const body of [deepArray(DEEP), deepObject(DEEP)]) {
              const response = await client.call(route.method.toUpperCase(), path, body)
              const text = await response.text()
              const where = `${route.method} ${route.path}`
              assert.ok(response.status >= 400 && response.status < 500, `${where}: ${text}`)
              const error = (JSON.parse(text) as { error: { code: string; message: string } }).error
              if (error.message.includes(`more than ${String(MAX_JSON_DEPTH)} deep`)) {
                assert.equal(response.status, 400, where)
                assert.equal(error.code, 'invalid_input', where)
                refusedForDepth.add(where)
              }
            }
        }
        // Every route with a JSON body refuses it for its depth, once the caller may call it.
        for (const route of jsonRoutes)
          assert.ok(refusedForDepth.has(`${route.method} ${route.path}`), route.path)
        assert.deepEqual(
          lines.filter((line) => /"level":"(error|fatal)"/.test(line)),
          [],
          'nothing logged as an error',
        )
        // At the limit the body is read as usual, and the schema answers.
        const atLimit = await stranger.json<{ error: { message: string } }>(
          'POST',
          '/api/auth/sign-in',
          JSON.parse(deepArray(MAX_JSON_DEPTH)),
        )
        assert.equal(atLimit.status, 400)
        assert.doesNotMatch(atLimit.body.error.message, /deep/)
      }))

    it('V16.3.4 V16.5.4 does not log a client that hangs up mid-request as an error', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database, new TestClock())
        const lines: string[] = []
        const app = testApp(ctx, { write: (line) => lines.push(line) })
        const listener = getRequestListener(app.fetch)
        const server: Server = createServer((request, response) => {
          void listener(request, response)
        })
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        const { port } = server.address() as AddressInfo
        try {
          const half = '{"centre":"alder","email":"someone@exa'
          const requests = [
            // A JSON body cut short, its length declared.
            `POST /api/auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n${half}`,
            // A form cut short.
            `POST /sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 400\r\n\r\ncentre=alder&email=some`,
            // A chunked body cut short: read by the body limit before any route.
            `POST /api/auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${half.length.toString(16)}\r\n${half}\r\n`,
          ]
          for (const raw of requests) {
            const logged = lines.length
            await new Promise<void>((resolve, reject) => {
              const socket = connect(port, '127.0.0.1', () => {
                socket.write(raw, () => {
                  // Long enough for the server to start reading the body, then hang up.
                  setTimeout(() => {
                    socket.destroy()
                    resolve()
                  }, 50)
                })
              })
              socket.on('error', reject)
            })
            await until(() => lines.slice(logged).some((line) => line.includes('"msg":"request"')))
          }
          const levels = lines.map((line) => (JSON.parse(line) as { level: string }).level)
          assert.equal(levels.length >= requests.length, true)
          assert.deepEqual(
            lines.filter((_, i) => levels[i] === 'error' || levels[i] === 'fatal'),
            [],
          )
          assert.equal(lines.filter((line) => line.includes('"msg":"client gone"')).length, 2)
        } finally {
          await new Promise((resolve) => server.close(resolve))
        }
      }))
  })

async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i += 1) await new Promise((r) => setTimeout(r, 10))
  assert.ok(done(), 'the server answered in time')
}
