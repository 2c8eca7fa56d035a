import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { Hono } from 'hono'
import {
  dialectsUnderTest,
  testContext,
  withMigratedDatabase,
} from '../../test/support/databases.ts'
import type { AppContext } from '../app/context.ts'
import { HavenError } from '../domain/errors.ts'
import { createLogger } from '../logger.ts'
import { HAVEN_VERSION } from '../version.ts'
import { createHttpApp, type HavenEnv } from './app.ts'
import { STATUS_OF } from './errors.ts'

function captureLog(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = []
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString())
      done()
    },
  })
  return { lines, log: createLogger('info', sink) }
}

/** Routes that fail in each way the error handler must cover. */
function faultyPages(): Hono<HavenEnv> {
  const pages = new Hono<HavenEnv>()
  pages.get('/boom', () => {
    throw new Error('SELECT failed near "07700 900123" at /srv/secret/path')
  })
  for (const code of Object.keys(STATUS_OF) as (keyof typeof STATUS_OF)[]) {
    pages.get(`/fail/${code}`, () => {
      throw new HavenError(code, `refused: ${code}`, 'body.field')
    })
  }
  pages.post('/echo', async (c) => c.json({ size: (await c.req.text()).length }))
  return pages
}

function app(ctx: AppContext, log = captureLog().log): ReturnType<typeof createHttpApp> {
  return createHttpApp(ctx, log, { bodyLimitBytes: 1000, isBehindTls: false, pages: faultyPages() })
}

for (const dialect of await dialectsUnderTest()) {
  describe(`the HTTP server on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('V13.4.6 answers /healthz with its status only: no version, no database engine', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const response = await app(testContext(database)).request('/healthz')
        assert.equal(response.status, 200)
        assert.match(response.headers.get('content-type') ?? '', /application\/json/)
        const text = await response.text()
        assert.deepEqual(JSON.parse(text), { status: 'ok' })
        for (const leak of [HAVEN_VERSION, dialect.name, 'sqlite', 'postgres'])
          assert.ok(!text.toLowerCase().includes(leak), leak)
      }))

    it('V16.5.1 answers 503 with its status only, not a crash, when the database is gone', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const ctx = testContext(database)
        await database.close()
        const response = await app(ctx).request('/healthz')
        assert.equal(response.status, 503)
        assert.deepEqual(await response.json(), { status: 'unavailable' })
      }))

    it('sends the security headers on every response, errors included', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const server = app(testContext(database))
        for (const path of ['/healthz', '/nowhere', '/boom']) {
          const response = await server.request(path)
          const csp = response.headers.get('content-security-policy') ?? ''
          assert.match(csp, /default-src 'none'/, path)
          assert.match(csp, /frame-ancestors 'none'/, path)
          assert.ok(!csp.includes('unsafe-inline'), path)
          assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path)
          assert.equal(response.headers.get('x-frame-options'), 'DENY', path)
          assert.equal(response.headers.get('referrer-policy'), 'no-referrer', path)
          assert.equal(response.headers.get('cache-control'), 'no-store', path)
          assert.equal(response.headers.get('strict-transport-security'), null, path)
          assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/, path)
        }
      }))

    it('adds HSTS only behind TLS', () =>
      withMigratedDatabase(dialect.name, async (database) => {
        const server = createHttpApp(testContext(database), captureLog().log, {
          bodyLimitBytes: 1000,
          isBehindTls: true,
        })
        const response = await server.request('/healthz')
        assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=\d+/)
      }))
  })
}

describe('HTTP errors', () => {
  const ctx = { dialect: 'sqlite' } as AppContext

  it('maps every error code to its status, with a JSON body naming the code and field', async () => {
    const server = app(ctx)
    for (const [code, status] of Object.entries(STATUS_OF)) {
      const response = await server.request(`/fail/${code}`)
      assert.equal(response.status, status, code)
      const body = (await response.json()) as {
        error: { code: string; message: string; field?: string }
      }
      assert.equal(body.error.code, code)
      assert.equal(body.error.message, `refused: ${code}`)
      assert.equal(body.error.field, 'body.field')
    }
  })

  it('answers an unknown address with JSON 404', async () => {
    const response = await app(ctx).request('/no/such/page')
    assert.equal(response.status, 404)
    assert.equal(((await response.json()) as { error: { code: string } }).error.code, 'not_found')
  })

  it('answers an unexpected failure with 500 and no stack trace, path or message', async () => {
    const { lines, log } = captureLog()
    const response = await app(ctx, log).request('/boom')
    assert.equal(response.status, 500)
    const text = await response.text()
    const body = JSON.parse(text) as { error: { code: string; requestId: string } }
    assert.equal(body.error.code, 'internal')
    for (const leak of ['SELECT', '07700', '/srv/secret', 'at ', '.ts'])
      assert.ok(!text.includes(leak), leak)
    const logged = lines.join('')
    assert.ok(logged.includes(body.error.requestId))
    assert.ok(!logged.includes('07700'), 'the error message reached the log')
  })

  it('refuses a body over the limit with 413, by header or by stream', async () => {
    const server = app(ctx)
    const big = 'x'.repeat(1001)
    const response = await server.request('/echo', {
      method: 'POST',
      body: big,
      headers: { 'content-type': 'text/plain' },
    })
    assert.equal(response.status, 413)
    assert.equal(
      ((await response.json()) as { error: { code: string } }).error.code,
      'payload_too_large',
    )
    const small = await server.request('/echo', {
      method: 'POST',
      body: 'x'.repeat(1000),
      headers: { 'content-type': 'text/plain' },
    })
    assert.equal(small.status, 200)
  })

  it('logs method, route, status and time, never the query string or body', async () => {
    const { lines, log } = captureLog()
    const server = app(ctx, log)
    await server.request('/echo?email=parent.marker%40example.org&postcode=QA7%203XY', {
      method: 'POST',
      body: 'address=12 Marker Close',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: 'haven_session=cookie-marker',
      },
    })
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>)
    const request = entries.find((entry) => entry.msg === 'request')
    assert.ok(request)
    assert.equal(request.method, 'POST')
    assert.equal(request.route, '/echo')
    assert.equal(request.status, 200)
    assert.equal(typeof request.ms, 'number')
    const all = lines.join('')
    for (const marker of ['marker', 'Marker', 'QA7', 'email=', 'haven_session'])
      assert.ok(!all.includes(marker), marker)
  })
})
