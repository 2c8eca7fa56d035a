// Issue 15's load figures: the REAL server (`haven serve`, a child process) driven over HTTP
// by autocannon from this process, with signed-in users (password and second factor, over
// HTTP), while a third process (bench/healthz-probe.ts) asks for /healthz on new connections.
//
//   (a) SQLite: one centre of 500 families and five years of sessions (the demo generator).
//   (b) PostgreSQL: 300 centres of 24 families with one signed-in coordinator each, plus the
//       large centre of (a); a fresh database owned by an ordinary role (Haven refuses
//       superusers).
//
// For each: a read mix (the main pages and API reads) and a write mix (booking, the door,
// referrals) at 10, 50 and 200 connections; then the audited reads against the same reads
// with their audit entries dropped (bench/unaudited-server.ts) at 50 connections.
// Run: npm run bench:load (writes its tables into docs/PERFORMANCE.md).
// BENCH_QUICK=1: a tiny run (small centres, 3 s a point) that writes nothing.
// BENCH_LOAD_PROFILE=1: each read of the mix asked alone, one at a time (what each costs).
// BENCH_LOAD_VERSUS="SETTING=value,...": the mixes on the same data, in BENCH_LOAD_ROUNDS (3)
// rounds, each round the server as built and then the server with those settings: two
// builds' ways compared in turns, minutes apart, rather than in runs an hour apart.
// BENCH_LOAD_VERSUS=DATABASE_URL=socket:/var/run/postgresql: the same database reached
// through PostgreSQL's Unix socket in that folder, against TCP on loopback.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { operatorActor } from '../src/app/actor.ts'
import { createDemoCentre } from '../src/app/demo-centre.ts'
import { acceptInvitation } from '../src/app/invitation-acceptance.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { openHaven } from '../src/app/runtime.ts'
import { recordCheck } from '../src/app/workers.ts'
import { loadConfig } from '../src/config.ts'
import { addDays } from '../src/domain/calendar.ts'
import { gatherStatistics } from '../src/storage/backup-tables.ts'
import type { DialectName } from '../src/storage/database.ts'
import { tokenFromLink } from '../test/support/accounts.ts'
import { referral } from '../test/support/cases.ts'
import { createScratchDatabase, dialectsUnderTest } from '../test/support/databases.ts'
import {
  cpuMsOf,
  PASSWORD,
  ROOT,
  rssOf,
  serve,
  settingsOf,
  signIn,
  startProbe,
  type Server,
} from './support.ts'

const QUICK = process.env.BENCH_QUICK === '1'
const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? (QUICK ? '3' : '10'))
const CONNECTIONS = (process.env.BENCH_LOAD_CONNECTIONS ?? '10,50,200').split(',').map(Number)
const LARGE_FAMILIES = QUICK ? 60 : 500
const LARGE_WEEKS = QUICK ? 20 : 260
const SMALL_CENTRES = QUICK ? 10 : 300
const PROFILE = process.env.BENCH_LOAD_PROFILE === '1'
const PROFILE_TIMES = Number(process.env.BENCH_LOAD_PROFILE_TIMES ?? 15)
/** BENCH_LOAD_MIXES=read (or write) and BENCH_LOAD_AUDIT=0 narrow a run; a narrowed one writes nothing. */
const MIXES = (process.env.BENCH_LOAD_MIXES ?? 'read,write').split(',')
const AUDIT_COMPARISON = process.env.BENCH_LOAD_AUDIT !== '0'
const VERSUS = process.env.BENCH_LOAD_VERSUS ?? ''
const ROUNDS = VERSUS === '' ? 1 : Number(process.env.BENCH_LOAD_ROUNDS ?? 3)
const NARROWED = MIXES.length < 2 || !AUDIT_COMPARISON || VERSUS !== ''

/** The servers a run compares: as built, and (BENCH_LOAD_VERSUS) with other settings. */
const VARIANTS: { label: string; env: Record<string, string> }[] = [
  { label: '', env: {} },
  ...(VERSUS === '' ? [] : [{ label: ` [${VERSUS}]`, env: settingsOf(VERSUS) }]),
]

/**
 * A variant's settings, where DATABASE_URL=socket:DIR is the scratch database's own URL
 * reached through the Unix socket in DIR.
 */
function withDatabase(
  settings: Record<string, string>,
  env: Record<string, string>,
): Record<string, string> {
  const socket = settings.DATABASE_URL?.startsWith('socket:') === true
  if (!socket || env.DATABASE_URL === undefined) return settings
  const url = new URL(env.DATABASE_URL)
  url.searchParams.set('host', (settings.DATABASE_URL ?? '').slice('socket:'.length))
  return { ...settings, DATABASE_URL: url.toString() }
}

const log = (line: string) => process.stdout.write(`${line}\n`)

// ---------------------------------------------------------------------------------------
// The data, made through the app layer with the master key the server will load.

/** What one signed-in user's requests are made of: ids in their own centre. */
interface CentreIds {
  slug: string
  families: string[]
  /** Families whose referral is active: these may be booked. */
  bookable: string[]
  rooms: string[]
  sessions: string[]
  /** People planned at booked sessions, for the door: arrivals first, then departures. */
  door: { sessionId: string; personId: string }[]
  /** Shared across every connection of the centre, so no two ask for the same slot. */
  counters: { book: number; door: number }
}
interface User {
  email: string
  centre: CentreIds
  cookie: string
  csrf: string
}

interface Built {
  env: Record<string, string>
  accounts: { email: string; centre: CentreIds }[]
  large: CentreIds
  families: number
  sessions: number
  centres: number
  buildSeconds: number
  drop: () => Promise<void>
}

async function build(dialect: DialectName): Promise<Built> {
  const started = performance.now()
  const scratch = await createScratchDatabase(dialect)
  const env: Record<string, string> = {
    HAVEN_DATA_DIR: scratch.dataDir,
    HAVEN_DEMO: 'false',
    HAVEN_AUDIT_CHECKPOINT_MINUTES: '0',
    ...(scratch.url === undefined ? {} : { DATABASE_URL: scratch.url }),
  }
  const haven = await openHaven(loadConfig(env, ROOT))
  const { ctx, database } = haven
  const db = database.db
  const accounts: { email: string; centre: CentreIds }[] = []
  const accept = async (link: string, name: string) => {
    await acceptInvitation(
      ctx,
      { token: tokenFromLink(link), displayName: name, password: PASSWORD },
      'bench',
    )
  }
  const idsOf = async (centreId: string, slug: string): Promise<CentreIds> => {
    const today = ctx.now().toISOString().slice(0, 10)
    const families = await db
      .selectFrom('families')
      .select('id')
      .where('centre_id', '=', centreId)
      .orderBy('reference')
      .execute()
    const bookable = await db
      .selectFrom('referrals')
      .select('family_id')
      .where('centre_id', '=', centreId)
      .where('status', '=', 'active')
      .orderBy('family_id')
      .execute()
    const rooms = await db
      .selectFrom('rooms')
      .select('id')
      .where('centre_id', '=', centreId)
      .orderBy('name')
      .execute()
    const sessions = await db
      .selectFrom('contact_sessions')
      .select('id')
      .where('centre_id', '=', centreId)
      .where('starts_at', '>=', today)
      .orderBy('starts_at')
      .limit(40)
      .execute()
    // Everyone of the family planned at each booked session, as a booking with a plan does,
    // so the door has people to sign in.
    await sql`insert into session_people (centre_id, session_id, person_id, arrives_at, leaves_at)
      select s.centre_id, s.id, p.id, s.starts_at, s.ends_at
      from contact_sessions s join people p on p.family_id = s.family_id and p.centre_id = s.centre_id
      where s.centre_id = ${centreId} and s.status = 'booked'
      on conflict do nothing`.execute(db)
    const planned = await db
      .selectFrom('session_people')
      .innerJoin('contact_sessions', 'contact_sessions.id', 'session_people.session_id')
      .select(['session_people.session_id as sessionId', 'session_people.person_id as personId'])
      .where('session_people.centre_id', '=', centreId)
      .where('contact_sessions.status', '=', 'booked')
      .orderBy('contact_sessions.starts_at')
      .orderBy('session_people.person_id')
      .execute()
    return {
      slug,
      families: families.map((f) => f.id),
      bookable: bookable.map((f) => f.family_id),
      rooms: rooms.map((r) => r.id),
      sessions: sessions.map((s) => s.id),
      door: planned,
      counters: { book: 0, door: 0 },
    }
  }

  // The large centre: the demo generator's families (sealed contact details, referrals,
  // incidents, consents, disclosures) and five years of sessions: each Saturday about 80 in
  // 42 rooms, weekday supervised contact for the rest.
  const large = await createDemoCentre(ctx, {
    slug: 'grand',
    familyCount: LARGE_FAMILIES,
    weeksBack: LARGE_WEEKS,
    weeksAhead: 4,
  })
  await accept(large.coordinatorLink, 'Grand coordinator')
  const largeIds = await idsOf(large.centre.id, 'grand')
  accounts.push({ email: 'coordinator@grand.haven.invalid', centre: largeIds })
  // More of its staff, each with their own session; and workers with checks (protected).
  const operator = operatorActor(large.centre.id)
  for (let i = 0; i < 9; i += 1) {
    const email = `staff${String(i)}@grand.example.org`
    const invitation = await inviteMember(ctx, operator, { email, roles: ['coordinator'] })
    await accept(invitation.link, `Staff ${String(i)}`)
    accounts.push({ email, centre: largeIds })
  }
  for (let i = 0; i < 20; i += 1) {
    const invitation = await inviteMember(ctx, operator, {
      email: `worker${String(i)}@grand.example.org`,
      roles: ['volunteer'],
    })
    const { accountId } = await acceptInvitation(
      ctx,
      {
        token: tokenFromLink(invitation.link),
        displayName: `Worker ${String(i)}`,
        password: PASSWORD,
      },
      'bench',
    )
    await recordCheck(ctx, operator, {
      accountId: accountId ?? '',
      kind: 'dbs',
      level: 'enhanced',
      issuedOn: '2025-01-01',
      renewalDueOn: '2028-01-01',
      outcome: 'clear',
    })
  }
  log(`${dialect}: the large centre built (${((performance.now() - started) / 1000).toFixed(0)} s)`)

  let centres = 1
  if (dialect === 'postgres') {
    for (let i = 0; i < SMALL_CENTRES; i += 1) {
      const slug = `centre-${String(i).padStart(3, '0')}`
      const made = await createDemoCentre(ctx, { slug, familyCount: 24 })
      await accept(made.coordinatorLink, `Coordinator ${String(i)}`)
      accounts.push({
        email: `coordinator@${slug}.haven.invalid`,
        centre: await idsOf(made.centre.id, slug),
      })
      centres += 1
      if (i % 50 === 49) log(`${dialect}: ${String(i + 1)} small centres`)
    }
  }
  await gatherStatistics(db)
  const counted = await sql<{ families: number | string; sessions: number | string }>`
    select (select count(*) from families) as families, (select count(*) from contact_sessions) as sessions`.execute(
    db,
  )
  await haven.close()
  const row = counted.rows[0]
  return {
    env,
    accounts,
    large: largeIds,
    families: Number(row?.families ?? 0),
    sessions: Number(row?.sessions ?? 0),
    centres,
    buildSeconds: (performance.now() - started) / 1000,
    drop: () => scratch.drop(),
  }
}

// ---------------------------------------------------------------------------------------
// The mixes.

interface Req {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
}
type Mix = (user: User, n: number) => Req

const html = (user: User) => ({ cookie: user.cookie, accept: 'text/html' })
const json = (user: User) => ({
  cookie: user.cookie,
  accept: 'application/json',
  'x-csrf-token': user.csrf,
})
const pick = (list: string[], n: number) => list[n % Math.max(1, list.length)] ?? 'none'

/** Main pages and API reads, in turn, over the user's centre's families and sessions. */
const readMix: Mix = (user, n) => {
  const c = user.centre
  const k = Math.floor(n / 14)
  const paths: [string, 'html' | 'json'][] = [
    ['/today', 'html'],
    ['/families', 'html'],
    [`/families/${pick(c.families, k * 7)}`, 'html'],
    ['/referrals', 'html'],
    ['/sessions', 'html'],
    [`/sessions/${pick(c.sessions, k)}`, 'html'],
    ['/centre/workers', 'html'],
    ['/api/families?limit=50', 'json'],
    [`/api/families/${pick(c.families, k * 7 + 3)}`, 'json'],
    ['/api/referrals?limit=50', 'json'],
    ['/api/sessions', 'json'],
    [`/api/sessions/${pick(c.sessions, k + 1)}/register`, 'json'],
    ['/api/workers', 'json'],
    ['/api/rooms', 'json'],
  ]
  const [where, kind] = paths[n % paths.length] ?? ['/today', 'html']
  return { method: 'GET', path: where, headers: kind === 'html' ? html(user) : json(user) }
}

const referralBody = JSON.stringify(referral())

/** Booking, the door, referrals in turn; every booking a free slot, every door event new. */
function writeMix(today: string): Mix {
  return (user, n) => {
    const c = user.centre
    const headers = { ...json(user), 'content-type': 'application/json' }
    if (n % 3 === 0) {
      // A free room at a free time: each (day, slot) fills every room, families in turn.
      const i = c.counters.book++
      const rooms = Math.max(1, c.rooms.length)
      const day = addDays(today, 60 + Math.floor(i / (rooms * 4)))
      const hour = 9 + 2 * (Math.floor(i / rooms) % 4)
      const at = (h: number) => `${day}T${String(h).padStart(2, '0')}:00`
      return {
        method: 'POST',
        path: '/api/sessions',
        headers,
        body: JSON.stringify({
          familyId: pick(c.bookable, i),
          roomId: pick(c.rooms, i),
          kind: 'supported',
          startsAt: at(hour),
          endsAt: at(hour + 1),
        }),
      }
    }
    if (n % 3 === 1) {
      const i = c.counters.door++
      const entry = c.door[i % Math.max(1, c.door.length)]
      const what = Math.floor(i / Math.max(1, c.door.length)) % 2 === 0 ? 'arrived' : 'departed'
      return {
        method: 'POST',
        path: `/api/sessions/${entry?.sessionId ?? 'none'}/door`,
        headers,
        body: JSON.stringify({ what, personId: entry?.personId }),
      }
    }
    return { method: 'POST', path: '/api/referrals', headers, body: referralBody }
  }
}

/** One request, the same for every connection (the audit comparison). */
const only =
  (where: (user: User) => string): Mix =>
  (user) => ({ method: 'GET', path: where(user), headers: json(user) })

// ---------------------------------------------------------------------------------------
// A point: autocannon over the signed-in users, the probe beside it, RSS sampled.

interface Point {
  scenario: string
  mix: string
  connections: number
  rps: number
  p50: number
  p99: number
  errors4xx: number
  errors5xx: number
  socketErrors: number
  requests: number
  rssMiB: number
  healthzP99: number
  healthzMax: number
  healthzFailures: number
  /** The server's CPU (all its threads) per answered request, in ms; and the load's own. */
  serverCpuMs: number
  loadCpuMs: number
}

async function point(
  server: Server,
  users: User[],
  mix: Mix,
  connections: number,
  seconds: number,
  labels: { scenario: string; mix: string },
): Promise<Point> {
  const probe = startProbe(`${server.url}/healthz`)
  let peakRss = rssOf(server.child.pid)
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, rssOf(server.child.pid))
  }, 200)
  const serverCpuBefore = cpuMsOf(server.child.pid)
  const loadCpuBefore = process.cpuUsage()
  let clientIndex = 0
  // Spread connections over the users: with 300 centres, 10 connections are 10 centres.
  const stride = users.length > connections ? Math.floor(users.length / connections) : 1
  const result = await autocannon({
    url: server.url,
    connections,
    duration: seconds,
    timeout: 30,
    setupClient: (client) => {
      const user = users[(clientIndex++ * stride) % users.length] as User
      let n = Math.floor(Math.random() * 1000)
      client.setRequests([
        {
          setupRequest: (request) => {
            const next = mix(user, n++)
            return { ...request, ...next }
          },
        },
      ])
    },
  })
  clearInterval(sampler)
  const serverCpu = cpuMsOf(server.child.pid) - serverCpuBefore
  const loadCpu = process.cpuUsage(loadCpuBefore)
  const probed = await probe.stop()
  const p: Point = {
    ...labels,
    connections,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors4xx: result['4xx'],
    errors5xx: result['5xx'],
    socketErrors: result.errors + result.timeouts,
    requests: result.requests.total,
    rssMiB: peakRss,
    healthzP99: probed.p99,
    healthzMax: probed.max,
    healthzFailures: probed.failures,
    serverCpuMs: serverCpu / Math.max(1, result.requests.total),
    loadCpuMs: (loadCpu.user + loadCpu.system) / 1000 / Math.max(1, result.requests.total),
  }
  log(
    `${p.scenario} ${p.mix} c=${String(connections)}: ${p.rps.toFixed(0)} req/s, p50 ${String(p.p50)} ms, p99 ${String(p.p99)} ms, 4xx ${String(p.errors4xx)}, 5xx ${String(p.errors5xx)}, socket ${String(p.socketErrors)}, RSS ${p.rssMiB.toFixed(0)} MiB, /healthz p99 ${p.healthzP99.toFixed(0)} ms (max ${p.healthzMax.toFixed(0)}), CPU per request: server ${p.serverCpuMs.toFixed(1)} ms, load ${p.loadCpuMs.toFixed(1)} ms`,
  )
  return p
}

/**
 * BENCH_LOAD_PROFILE=1: each request of the read mix asked one at a time (no concurrency),
 * to see what each costs on its own. Median and slowest of PROFILE_TIMES asks, after one
 * unreported ask of each.
 */
async function profile(server: Server, user: User): Promise<void> {
  const rows: string[] = []
  for (let i = 0; i < 14; i += 1) {
    const ask = readMix(user, i)
    let bytes = 0
    const time = async () => {
      const started = performance.now()
      const response = await fetch(`${server.url}${ask.path}`, { headers: ask.headers })
      bytes = (await response.arrayBuffer()).byteLength
      if (response.status >= 400) throw new Error(`${ask.path}: ${String(response.status)}`)
      return performance.now() - started
    }
    await time()
    const times: number[] = []
    for (let n = 0; n < PROFILE_TIMES; n += 1) times.push(await time())
    times.sort((a, b) => a - b)
    rows.push(
      `| ${ask.path.replace(/[0-9a-f-]{36}/g, ':id')} | ${(times[Math.floor(times.length / 2)] ?? 0).toFixed(1)} ms | ${(times.at(-1) ?? 0).toFixed(1)} ms | ${(bytes / 1024).toFixed(0)} KiB |`,
    )
  }
  log(
    ['| request | median | slowest | answer |', '| --- | ---: | ---: | ---: |', ...rows].join('\n'),
  )
}

interface AuditComparison {
  scenario: string
  read: string
  audited: number
  unaudited: number
  auditedP99: number
  unauditedP99: number
}

async function scenario(
  dialect: DialectName,
  name: string,
): Promise<{ points: Point[]; audit: AuditComparison[]; built: Built }> {
  const built = await build(dialect)
  log(
    `${name}: ${String(built.centres)} centres, ${String(built.families)} families, ${String(built.sessions)} sessions, ${String(built.accounts.length)} accounts, built in ${built.buildSeconds.toFixed(0)} s`,
  )
  const points: Point[] = []
  const audit: AuditComparison[] = []
  try {
    let server = await serve(built.env)
    const users: User[] = []
    for (const account of built.accounts)
      users.push({
        ...account,
        ...(await signIn(server.url, { email: account.email, slug: account.centre.slug })),
      })
    const today = new Date().toISOString().slice(0, 10)
    if (PROFILE) {
      await profile(server, users[0] as User)
      await server.stop()
      return { points, audit, built }
    }
    // Warm-up, not reported.
    const warmUp = (on: Server) =>
      autocannon({
        url: on.url,
        connections: 10,
        duration: 2,
        setupClient: (client) => {
          const user = users[0] as User
          let n = 0
          client.setRequests([{ setupRequest: (r) => ({ ...r, ...readMix(user, n++) }) }])
        },
      })
    await warmUp(server)
    for (let round = 0; round < ROUNDS; round += 1)
      for (const variant of VARIANTS) {
        if (VARIANTS.length > 1) {
          // Sessions are kept in the database: the users stay signed in across the restart.
          await server.stop()
          server = await serve({ ...built.env, ...withDatabase(variant.env, built.env) })
          await warmUp(server)
        }
        for (const [mixName, mix] of [
          ['read', readMix],
          ['write', writeMix(today)],
        ] as const) {
          if (!MIXES.includes(mixName)) continue
          for (const connections of CONNECTIONS)
            points.push(
              await point(server, users, mix, connections, SECONDS, {
                scenario: `${name}${variant.label}`,
                mix: mixName,
              }),
            )
        }
      }
    if (!AUDIT_COMPARISON) {
      await server.stop()
      return { points, audit, built }
    }

    // Audited reads beside the same reads with their audit entries dropped, at 50
    // connections, alternating the two servers twice to spread the machine's noise.
    const large = users.filter((u) => u.centre === built.large)
    const reads: [string, Mix][] = [
      ["the workers' checks (GET /api/workers)", only(() => '/api/workers')],
      [
        "a family's record (GET /api/families/:id)",
        only((u) => `/api/families/${pick(u.centre.families, 5)}`),
      ],
    ]
    const totals = reads.map(() => ({ audited: [] as Point[], unaudited: [] as Point[] }))
    for (let round = 0; round < 2; round += 1)
      for (const kind of ['audited', 'unaudited'] as const) {
        await server.stop()
        server = await serve(
          built.env,
          kind === 'audited' ? 'src/cli/main.ts' : 'bench/unaudited-server.ts',
        )
        // Sessions are kept in the database: the users stay signed in across the restart.
        for (const [i, [readName, mix]] of reads.entries())
          totals[i]?.[kind].push(
            await point(server, large, mix, 50, SECONDS / 2, {
              scenario: name,
              mix: `${kind} ${readName}`,
            }),
          )
      }
    for (const [i, [readName]] of reads.entries()) {
      const t = totals[i]
      if (!t) continue
      const mean = (ps: Point[], f: (p: Point) => number) =>
        ps.reduce((s, p) => s + f(p), 0) / Math.max(1, ps.length)
      audit.push({
        scenario: name,
        read: readName,
        audited: mean(t.audited, (p) => p.rps),
        unaudited: mean(t.unaudited, (p) => p.rps),
        auditedP99: Math.max(...t.audited.map((p) => p.p99)),
        unauditedP99: Math.max(...t.unaudited.map((p) => p.p99)),
      })
    }
    await server.stop()
  } finally {
    await built.drop()
  }
  return { points, audit, built }
}

// ---------------------------------------------------------------------------------------

const results: Awaited<ReturnType<typeof scenario>>[] = []
const only_ = process.env.BENCH_LOAD_SCENARIOS?.split(',')
for (const dialect of await dialectsUnderTest()) {
  if (only_ && !only_.includes(dialect.name)) continue
  if (dialect.skip) {
    log(`${dialect.name}: skipped (${dialect.skip})`)
    continue
  }
  results.push(
    await scenario(
      dialect.name,
      dialect.name === 'sqlite'
        ? '(a) SQLite, one centre'
        : `(b) PostgreSQL, ${String(SMALL_CENTRES + 1)} centres`,
    ),
  )
}

const n0 = (v: number) => Math.round(v).toLocaleString('en-GB')
const table = [
  '| scenario | mix | connections | req/s | p50 | p99 | 4xx | 5xx | socket errors | server RSS | server CPU per request | /healthz p99 (max) |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.flatMap((r) =>
    r.points
      .filter((p) => p.mix === 'read' || p.mix === 'write')
      .map(
        (p) =>
          `| ${p.scenario} | ${p.mix} | ${String(p.connections)} | ${n0(p.rps)} | ${String(p.p50)} ms | ${String(p.p99)} ms | ${n0(p.errors4xx)} | ${n0(p.errors5xx)} | ${n0(p.socketErrors)} | ${n0(p.rssMiB)} MiB | ${p.serverCpuMs.toFixed(1)} ms | ${n0(p.healthzP99)} ms (${n0(p.healthzMax)} ms) |`,
      ),
  ),
].join('\n')
const auditTable = [
  '| scenario | read (50 connections) | audited req/s | same reads, audit dropped, req/s | ratio | p99 audited / dropped |',
  '| --- | --- | ---: | ---: | ---: | ---: |',
  ...results.flatMap((r) =>
    r.audit.map(
      (a) =>
        `| ${a.scenario} | ${a.read} | ${n0(a.audited)} | ${n0(a.unaudited)} | ${(a.audited / Math.max(1, a.unaudited)).toFixed(2)} | ${String(a.auditedP99)} / ${String(a.unauditedP99)} ms |`,
    ),
  ),
].join('\n')
log(table)
log(auditTable)
if (!QUICK && !PROFILE && !NARROWED) {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT })
    .toString()
    .trim()
  const sizes = results
    .map(
      (r) =>
        `${r.points[0]?.scenario ?? ''}: ${r.built.centres.toLocaleString('en-GB')} centre(s), ${r.built.families.toLocaleString('en-GB')} families, ${r.built.sessions.toLocaleString('en-GB')} sessions, ${String(r.built.accounts.length)} signed-in users`,
    )
    .join('; ')
  const block = `<!-- bench:load -->\n${table}\n\n${auditTable}\n\n${sizes}. Each point is ${String(SECONDS)} s of autocannon (in the benchmark's process) against \`haven serve\` (its own process), after a 2 s warm-up; the audit comparison is two alternating rounds of ${String(SECONDS / 2)} s for each server. 4xx and 5xx are answers other than 2xx and 3xx; socket errors are connection errors and timeouts (30 s). Server RSS is the peak of the server process, sampled every 200 ms; server CPU per request is the CPU time (user and system, all its threads, from /proc) the server used during the point, over the requests answered. /healthz p99 is measured by a third process asking every 25 ms on a new connection. Node ${process.versions.node}, main at ${commit}, ${new Date().toISOString().slice(0, 10)}, this machine (2 cores, shared by the server, its SQLite thread, autocannon and the probe; on PostgreSQL, the database server too).\n<!-- /bench:load -->`
  const file = new URL('../docs/PERFORMANCE.md', import.meta.url)
  const doc = readFileSync(file, 'utf8')
  writeFileSync(
    file,
    doc.includes('<!-- bench:load -->')
      ? doc.replace(/<!-- bench:load -->[\s\S]*<!-- \/bench:load -->/, block)
      : `${doc.trimEnd()}\n\n## Under load (issue 15)\n\nCommand: \`npm run bench:load\`.\n\n${block}\n`,
  )
}
