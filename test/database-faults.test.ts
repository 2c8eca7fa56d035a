import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import pg from 'pg'
import {
  createScratchDatabase,
  dialectsUnderTest,
  POSTGRES_ADMIN_URL,
} from './support/databases.ts'
import { canSignal, serveHaven } from './support/processes.ts'

/**
 * `haven serve` on PostgreSQL keeps running when its connections are ended under a write, and
 * serves again once the database answers (issue 15, decision 0029). Before, a connection
 * dropped during a write ended the process ("Connection terminated unexpectedly").
 */
/** A backend that has ended meanwhile is no reason to skip the rest of the clean-up. */
const signal = (pid: number, what: NodeJS.Signals) => {
  try {
    process.kill(pid, what)
  } catch {
    // Gone already.
  }
}

/** `haven serve` on a new database, and a superuser's client (not connected) in it. */
async function servedOnScratch(env: Record<string, string>) {
  const scratch = await createScratchDatabase('postgres')
  const adminUrl = new URL(POSTGRES_ADMIN_URL)
  adminUrl.pathname = new URL(scratch.url ?? '').pathname
  const admin = new pg.Client({ connectionString: adminUrl.toString() })
  const served = await serveHaven({
    DATABASE_URL: scratch.url ?? '',
    HAVEN_DATA_DIR: scratch.dataDir,
    HAVEN_DEMO: 'false',
    ...env,
  })
  return { scratch, admin, served }
}

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

describe(
  'haven serve when PostgreSQL ends its connections or stops answering',
  { skip: postgres?.skip },
  () => {
    it('answers the cut-off write 503 with Retry-After, stays up, and answers the next ones', async () => {
      const { scratch, admin, served } = await servedOnScratch({})
      const logs: string[] = []
      served.child.stdout?.on('data', (chunk: Buffer) => logs.push(chunk.toString()))
      const signIn = (email: string): Promise<Response> =>
        fetch(`${served.url}/api/auth/sign-in`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', origin: served.url },
          body: JSON.stringify({ centre: 'nowhere', email, password: 'not the password at all' }),
        })
      try {
        await admin.connect()
        // A sign-in writes its guess first (decision 0021): held at that write, inside its
        // transaction, while every connection the server has is ended.
        await admin.query('begin')
        await admin.query('lock table auth_attempts in access exclusive mode')
        const cutOff = signIn('first.guess@example.org')
        for (;;) {
          const { rows } = await admin.query<{ n: number }>(
            `select count(*)::int as n from pg_stat_activity
            where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
          )
          if ((rows[0]?.n ?? 0) > 0) break
          await new Promise((resolve) => setTimeout(resolve, 10))
        }
        await admin.query(
          `select pg_terminate_backend(pid) from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid()`,
        )
        await admin.query('rollback')

        const answer = await cutOff
        assert.equal(answer.status, 503)
        assert.equal(answer.headers.get('retry-after'), '10')
        const body = (await answer.json()) as { error: { code: string } }
        assert.equal(body.error.code, 'unavailable')

        // Still running, and serving: the pool opened new connections.
        assert.equal(served.child.exitCode, null, served.stderr())
        // (A connection ended while idle may still be handed out once before its end is read:
        // that request is answered 503 too, and the next gets a new connection.)
        let health = await fetch(`${served.url}/healthz`)
        for (let tries = 0; health.status === 503 && tries < 20; tries++)
          health = await fetch(`${served.url}/healthz`)
        assert.equal(health.status, 200)
        assert.equal((await signIn('second.guess@example.org')).status, 401)
        assert.equal(served.child.exitCode, null, served.stderr())
        assert.match(logs.join(''), /"msg":"database fault"/)
        assert.match(logs.join(''), /"faultCode":"57P01"/)
      } finally {
        await admin.end().catch(() => undefined)
        await served.stop()
        await scratch.drop()
      }
    })
    it('answers 503 when PostgreSQL stops answering without closing, and serves again on new connections', async (t) => {
      const { scratch, admin, served } = await servedOnScratch({ HAVEN_DB_ANSWER_MS: '500' })
      let frozen: number[] = []
      try {
        await admin.connect()
        assert.equal((await fetch(`${served.url}/healthz`)).status, 200)
        // The server's connections, frozen for real (decision 0052): open, never answering.
        const { rows } = await admin.query<{ pid: number }>(
          `select pid from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`,
        )
        const pids = rows.map((row) => row.pid)
        assert.ok(pids.length > 0)
        if (!pids.every(canSignal)) {
          t.skip('PostgreSQL runs on another machine or as a user this test may not stop')
          return
        }
        frozen = pids
        for (const pid of frozen) signal(pid, 'SIGSTOP')
        const started = performance.now()
        const answer = await Promise.race([
          fetch(`${served.url}/healthz`),
          new Promise<undefined>((resolve) => setTimeout(resolve, 8_000, undefined)),
        ])
        const waited = performance.now() - started
        assert.ok(answer !== undefined, 'an answer, not a wait for the database')
        assert.equal(answer.status, 503)
        assert.equal(answer.headers.get('retry-after'), '10')
        assert.ok(waited >= 500, `answered after ${waited.toFixed(0)} ms`)
        for (const pid of frozen) signal(pid, 'SIGCONT')
        frozen = []
        let health = await fetch(`${served.url}/healthz`)
        for (let tries = 0; health.status === 503 && tries < 20; tries++)
          health = await fetch(`${served.url}/healthz`)
        assert.equal(health.status, 200)
        assert.equal(served.child.exitCode, null, served.stderr())
      } finally {
        for (const pid of frozen) signal(pid, 'SIGCONT')
        await admin.end().catch(() => undefined)
        await served.stop()
        await scratch.drop()
      }
    })
  },
)
