import assert from 'node:assert/strict'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { describe, it } from 'node:test'
import { sql } from 'kysely'
import pg from 'pg'
import { centreWithCoordinator, testApp } from './support/accounts.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  POSTGRES_ADMIN_URL,
  testContext,
  withMigratedDatabase,
} from './support/databases.ts'
import { openDatabase, type Database, type PoolLimits } from '../src/storage/database.ts'
import { migrateToLatest } from '../src/storage/migrate.ts'

/**
 * Overload and faults are answered, not crashed (issue 15, decision 0029): a full pool, a
 * database that goes away mid-write, a disk that is full. Real engines, real failures.
 */

interface LogLine {
  msg?: string
  fault?: string
  faultCode?: string
  sqliteName?: string
  errorCode?: string
}

function logSink(): { lines: LogLine[]; sink: { write(line: string): void } } {
  const lines: LogLine[] = []
  return { lines, sink: { write: (line) => lines.push(JSON.parse(line) as LogLine) } }
}

/** A migrated PostgreSQL scratch database opened with the given pool. */
async function openPostgres(
  pool?: PoolLimits,
): Promise<{ database: Database; adminUrl: string; close(): Promise<void> }> {
  const scratch = await createScratchDatabase('postgres')
  const database = await openDatabase({
    dataDir: scratch.dataDir,
    mayCreateDataDir: false,
    databaseUrl: scratch.url,
    ...(pool === undefined ? {} : { pool }),
  })
  await migrateToLatest(database.db)
  const adminUrl = new URL(POSTGRES_ADMIN_URL)
  adminUrl.pathname = new URL(scratch.url ?? '').pathname
  return {
    database,
    adminUrl: adminUrl.toString(),
    close: async () => {
      await database.close()
      await scratch.drop()
    },
  }
}

/**
 * A TCP relay in front of PostgreSQL that can be taken down (every connection cut, new ones
 * refused, as when the server stops or the network goes) and brought back on the same port.
 */
async function relayToPostgres(): Promise<{
  port: number
  down(): Promise<void>
  up(): Promise<void>
}> {
  const target = new URL(POSTGRES_ADMIN_URL)
  const sockets = new Set<Socket>()
  let server: Server | undefined
  let port = 0
  const up = async (): Promise<void> => {
    const listening = createServer((socket) => {
      const upstream = connect(Number(target.port || 5432), target.hostname)
      for (const end of [socket, upstream]) {
        sockets.add(end)
        end.on('error', () => {
          socket.destroy()
          upstream.destroy()
        })
        end.on('close', () => sockets.delete(end))
      }
      socket.pipe(upstream).pipe(socket)
    })
    await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve))
    port = (listening.address() as { port: number }).port
    server = listening
  }
  await up()
  return {
    port,
    up,
    down: async () => {
      const closed = new Promise<void>((resolve) =>
        server?.close(() => {
          resolve()
        }),
      )
      for (const socket of sockets) socket.destroy()
      await closed
    },
  }
}

/** A transaction holding one connection until `release` is called. */
async function holdConnection(database: Database): Promise<{ release(): Promise<void> }> {
  let release!: () => void
  const held = new Promise<void>((resolve) => (release = resolve))
  let begun!: () => void
  const started = new Promise<void>((resolve) => (begun = resolve))
  const holder = database.db.transaction().execute(async (trx) => {
    await sql`select 1`.execute(trx)
    begun()
    await held
  })
  await started
  return {
    release: async () => {
      release()
      await holder
    },
  }
}

/** Waits until one of Haven's backends in the database is waiting for a lock. */
async function untilWaitingForLock(admin: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await admin.query<{ n: number }>(
      `select count(*)::int as n from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
    )
    if ((rows[0]?.n ?? 0) > 0) return
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** Ends every backend of the database but the admin's own, as `pg_terminate_backend` does. */
async function terminateHavenConnections(admin: pg.Client): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `select count(*)::int as n from (
       select pg_terminate_backend(pid) from pg_stat_activity
        where datname = current_database() and pid <> pg_backend_pid()) as ended`,
  )
  return rows[0]?.n ?? 0
}

const dialects = await dialectsUnderTest()
const postgres = dialects.find((dialect) => dialect.name === 'postgres')

describe('a full PostgreSQL pool', { skip: postgres?.skip }, () => {
  it('queues a request for HAVEN_DB_WAIT_MS, then answers 503 with Retry-After, API and page', async () => {
    const opened = await openPostgres({ size: 1, waitMs: 200, maxWaiting: 10 })
    try {
      const ctx = testContext(opened.database)
      const { lines, sink } = logSink()
      const app = testApp(ctx, sink)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'pool-full')
      const holder = await holdConnection(opened.database)
      const api = await coordinator.client.call('GET', '/api/rooms')
      const page = await coordinator.client.call('GET', '/', undefined, { accept: 'text/html' })
      await holder.release()

      assert.equal(api.status, 503)
      assert.equal(api.headers.get('retry-after'), '2')
      const body = (await api.json()) as { error: { code: string; message: string } }
      assert.equal(body.error.code, 'unavailable')
      assert.match(body.error.message, /busy/)
      assert.equal(page.status, 503)
      assert.equal(page.headers.get('retry-after'), '2')
      assert.match(page.headers.get('content-type') ?? '', /text\/html/)
      assert.match(await page.text(), /Please try again shortly/)
      const logged = lines.filter((line) => line.msg === 'database fault')
      assert.ok(logged.length >= 2, JSON.stringify(lines.slice(-3)))
      assert.ok(logged.every((line) => line.fault === 'busy' && line.faultCode === 'pool_timeout'))
      assert.equal(lines.filter((line) => line.msg === 'unhandled error').length, 0)

      // The pool is free again: the same request is answered.
      assert.equal((await coordinator.client.call('GET', '/api/rooms')).status, 200)
    } finally {
      await opened.close()
    }
  })

  it('refuses at once, 503, when HAVEN_DB_MAX_WAITING requests already wait', async () => {
    // A minute's wait and no room in the queue: were the queue not bounded, the request
    // would wait the minute out and the test would time out.
    const opened = await openPostgres({ size: 1, waitMs: 60_000, maxWaiting: 0 })
    try {
      const ctx = testContext(opened.database)
      const app = testApp(ctx)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'pool-queue')
      const holder = await holdConnection(opened.database)
      const refused = await coordinator.client.call('GET', '/api/rooms')
      await holder.release()
      assert.equal(refused.status, 503)
      assert.equal(refused.headers.get('retry-after'), '2')
      assert.equal((await coordinator.client.call('GET', '/api/rooms')).status, 200)
    } finally {
      await opened.close()
    }
  })
})

describe('a PostgreSQL database that goes away', { skip: postgres?.skip }, () => {
  it('answers a write cut off mid-transaction 503, stays up, and serves the next requests', async () => {
    const opened = await openPostgres()
    const admin = new pg.Client({ connectionString: opened.adminUrl })
    try {
      const ctx = testContext(opened.database)
      const { lines, sink } = logSink()
      const app = testApp(ctx, sink)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'gone-away')
      await admin.connect()
      // The write is held inside its transaction (after BEGIN and the centre's lock, waiting
      // to insert), and then every connection Haven has is ended under it.
      await admin.query('begin')
      await admin.query('lock table rooms in access exclusive mode')
      const writes = [1, 2, 3].map((n) =>
        coordinator.client.call('POST', '/api/rooms', { name: `Garden room ${n}` }),
      )
      await untilWaitingForLock(admin)
      assert.ok((await terminateHavenConnections(admin)) > 0)
      await admin.query('rollback')
      const statuses = await Promise.all(writes.map(async (write) => (await write).status))
      // Each write was either cut off (503) or, queued behind the cut, done on a new connection.
      assert.ok(statuses.includes(503), statuses.join())
      assert.ok(
        statuses.every((status) => status === 503 || status === 201),
        statuses.join(),
      )
      const cut = writes.length - statuses.filter((status) => status === 201).length
      const faults = lines.filter((line) => line.msg === 'database fault')
      assert.ok(faults.length >= cut)
      assert.ok(
        faults.every((line) => line.fault === 'unavailable'),
        JSON.stringify(faults),
      )
      assert.ok(
        faults.some((line) => line.faultCode === '57P01'),
        JSON.stringify(faults),
      )
      assert.equal(lines.filter((line) => line.msg === 'unhandled error').length, 0)

      // Idle connections ended too: the pool drops them and opens new ones.
      await terminateHavenConnections(admin)
      let answer = await coordinator.client.call('POST', '/api/rooms', { name: 'Blue room' })
      for (let tries = 0; answer.status === 503 && tries < 20; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 50))
        answer = await coordinator.client.call('POST', '/api/rooms', { name: 'Blue room' })
      }
      assert.equal(answer.status, 201)
      const rooms = await coordinator.client.json<{ rooms: { name: string }[] }>(
        'GET',
        '/api/rooms',
      )
      assert.ok(rooms.body.rooms.some((room) => room.name === 'Blue room'))
    } finally {
      await admin.end().catch(() => undefined)
      await opened.close()
    }
  })
})

describe('a PostgreSQL server that stops and comes back', { skip: postgres?.skip }, () => {
  it('answers 503 with Retry-After while it is away, and serves again when it is back', async () => {
    const scratch = await createScratchDatabase('postgres')
    const relay = await relayToPostgres()
    const url = new URL(scratch.url ?? '')
    url.hostname = '127.0.0.1'
    url.port = String(relay.port)
    const database = await openDatabase({
      dataDir: scratch.dataDir,
      mayCreateDataDir: false,
      databaseUrl: url.toString(),
    })
    try {
      await migrateToLatest(database.db)
      const ctx = testContext(database)
      const { lines, sink } = logSink()
      const app = testApp(ctx, sink)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'comes-back')

      await relay.down()
      const away = [
        await coordinator.client.call('GET', '/api/rooms'),
        await coordinator.client.call('POST', '/api/rooms', { name: 'Yellow room' }),
        await coordinator.client.call('GET', '/api/rooms'),
      ]
      for (const answer of away) {
        assert.equal(answer.status, 503)
        assert.equal(answer.headers.get('retry-after'), '10')
      }
      const faults = lines.filter((line) => line.msg === 'database fault')
      assert.equal(faults.length, away.length)
      assert.ok(faults.every((line) => line.fault === 'unavailable'))
      assert.ok(
        faults.some((line) => line.errorCode === 'ECONNREFUSED'),
        JSON.stringify(faults),
      )

      await relay.up()
      const back = await coordinator.client.call('POST', '/api/rooms', { name: 'Yellow room' })
      assert.equal(back.status, 201)
      assert.equal((await coordinator.client.call('GET', '/api/rooms')).status, 200)
    } finally {
      await database.close()
      await relay.down()
      await scratch.drop()
    }
  })
})

describe('a full SQLite database', () => {
  it('answers 503 with Retry-After and logs SQLITE_FULL, not the failed rollback', () =>
    withMigratedDatabase('sqlite', async (database) => {
      const ctx = testContext(database)
      const { lines, sink } = logSink()
      const app = testApp(ctx, sink)
      const { coordinator } = await centreWithCoordinator(ctx, app, 'disk-full')
      // The file may not grow by one page more: as real a full disk as SQLite knows.
      const { rows } = await sql<{ page_count: number }>`pragma page_count`.execute(database.db)
      await sql.raw(`pragma max_page_count = ${rows[0]?.page_count ?? 0}`).execute(database.db)
      let answer: Response | undefined
      for (let n = 0; n < 500; n++) {
        answer = await coordinator.client.call('POST', '/api/rooms', { name: `Room ${n}` })
        if (answer.status !== 201) break
      }
      assert.equal(answer?.status, 503)
      assert.equal(answer.headers.get('retry-after'), '60')
      const body = (await answer.json()) as { error: { code: string } }
      assert.equal(body.error.code, 'unavailable')
      const fault = lines.find((line) => line.msg === 'database fault')
      assert.equal(fault?.fault, 'disk_full', JSON.stringify(lines.slice(-3)))
      assert.equal(fault.sqliteName, 'SQLITE_FULL')
      assert.equal(lines.filter((line) => line.msg === 'unhandled error').length, 0)

      // Room again: the next write is saved.
      await sql.raw('pragma max_page_count = 1073741823').execute(database.db)
      const saved = await coordinator.client.call('POST', '/api/rooms', { name: 'Room after' })
      assert.equal(saved.status, 201)
    }))
})
