// Issue 6's figures: a disposal run over a large centre (100,000 families, 5 million
// sessions, generated), its time and memory; and the time to compile one subject access
// bundle for a family with five years of history. On SQLite (a real file) and, when one
// answers, PostgreSQL. The run is asked of the real server over HTTP, and what it makes
// others wait is measured from other processes. Run: npm run bench:disposal (writes its table into docs/PERFORMANCE.md).
// HAVEN_BENCH_FAMILIES makes the centre smaller for a quick try (sessions are 50 a family).
import { readFileSync, writeFileSync } from 'node:fs'
import { sql } from 'kysely'
import { operatorActor } from '../src/app/actor.ts'
import { createCentre } from '../src/app/centres.ts'
import { receiveReferral } from '../src/app/referrals.ts'
import { openSubjectAccessRequest } from '../src/app/subject-access.ts'
import { compileSubjectAccessBundle } from '../src/app/subject-access-bundle.ts'
import type { Db, DialectName } from '../src/storage/database.ts'
import { referral } from '../test/support/cases.ts'
import { acceptInvitation } from '../src/app/invitation-acceptance.ts'
import { openHaven } from '../src/app/runtime.ts'
import { loadConfig } from '../src/config.ts'
import { tokenFromLink } from '../test/support/accounts.ts'
import { createScratchDatabase, dialectsUnderTest } from '../test/support/databases.ts'
import { PASSWORD, ROOT, rssOf, serve, signIn, startProbe } from './support.ts'

const FAMILIES = Number(process.env.HAVEN_BENCH_FAMILIES ?? '100000')
const SESSIONS_EACH = 50

/** The longest /healthz and signed-in read, asked from other processes, and failures. */
interface Waits {
  healthz: number
  page: number
  failures: number
}

interface Result {
  dialect: DialectName
  families: number
  sessions: number
  generateSeconds: number
  due: number
  planSeconds: number
  /** The longest answers seen from another process while the plan ran, in ms. */
  planWaits: Waits
  carrySeconds: number
  carryWaits: Waits
  destroyedSessions: number
  peakRssMiB: number
  bundleJsonMs: number
  bundlePdfMs: number
  bundleSessions: number
}

/** Families, people, rooms, referrals, sessions (one person at the door each), and some of everything else. */
async function generate(db: Db, dialect: DialectName, centreId: string): Promise<void> {
  const pg = dialect === 'postgres'
  const series = (n: number) =>
    pg
      ? sql`select g as i from generate_series(0, ${n - 1}) as g`
      : sql`with recursive s(i) as (select 0 union all select i + 1 from s where i < ${n - 1}) select i from s`
  const id = (prefix: string, expr: string) =>
    pg
      ? sql.raw(`'${prefix}' || lpad((${expr})::text, 9, '0')`)
      : sql.raw(`printf('${prefix}%09d', ${expr})`)
  const isOld = sql.raw(`(i % 5 < 2)`)
  const day = (base: string, daysExpr: string) =>
    pg
      ? sql.raw(`to_char(date '${base}' + (${daysExpr})::int, 'YYYY-MM-DD')`)
      : sql.raw(`strftime('%Y-%m-%d', '${base}', '+' || (${daysExpr}) || ' days')`)
  const rooms = Array.from({ length: 10 }, (_, i) => ({
    id: `room-${String(i)}`,
    centre_id: centreId,
    name: `Room ${String(i)}`,
  }))
  await db.insertInto('rooms').values(rooms).execute()
  await sql`insert into families (id, centre_id, reference, wrapped_key, key_version, created_at, last_activity_at)
    select ${id('f', 'i')}, ${centreId}, ${id('F-', 'i')}, 'v1.bench', 1, '2015-01-01T00:00:00.000Z',
      case when ${isOld} then '2019-03-01T10:00:00.000Z' else '2026-10-01T10:00:00.000Z' end
    from (${series(FAMILIES)}) as n`.execute(db)
  await sql`insert into people (id, centre_id, family_id, kind, given_name, family_name, created_at, address_ciphertext)
    select ${id('p', 'i')}, ${centreId}, ${id('f', 'i / 3')}, case when i % 3 = 0 then 'resident_parent' when i % 3 = 1 then 'non_resident_parent' else 'child' end,
      'Given', 'Family', '2015-01-01T00:00:00.000Z', 'v1.sealed-bench-address'
    from (${series(FAMILIES * 3)}) as n`.execute(db)
  await sql`insert into referrals (id, centre_id, family_id, status, received_on, created_at, updated_at)
    select ${id('r', 'i')}, ${centreId}, ${id('f', 'i')}, 'active', '2015-01-01', '2015-01-01T00:00:00.000Z', '2015-01-01T00:00:00.000Z'
    from (${series(FAMILIES)}) as n`.execute(db)
  const fam = `i / ${String(SESSIONS_EACH)}`
  const week = `(i % ${String(SESSIONS_EACH)}) * 7`
  await sql`insert into contact_sessions (id, centre_id, family_id, room_id, kind, starts_at, ends_at, status, created_at)
    select ${id('s', 'i')}, ${centreId}, ${id('f', fam)}, 'room-' || (i % 10), 'supported',
      case when (${sql.raw(fam)}) % 5 < 2 then ${day('2018-01-06', week)} else ${day('2025-06-07', week)} end || 'T10:00',
      case when (${sql.raw(fam)}) % 5 < 2 then ${day('2018-01-06', week)} else ${day('2025-06-07', week)} end || 'T12:00',
      'attended', '2015-01-01T00:00:00.000Z'
    from (${series(FAMILIES * SESSIONS_EACH)}) as n`.execute(db)
  await sql`insert into session_people (centre_id, session_id, person_id, arrives_at, leaves_at)
    select ${centreId}, ${id('s', 'i')}, ${id('p', `(${fam}) * 3`)}, '2018-01-06T09:45', '2018-01-06T12:15'
    from (${series(FAMILIES * SESSIONS_EACH)}) as n`.execute(db)
  await sql`insert into incidents (id, centre_id, kind, family_id, occurred_at, summary, created_at)
    select ${id('i', 'i')}, ${centreId}, case when i % 3 = 0 then 'accident' when i % 3 = 1 then 'incident' else 'safeguarding_concern' end,
      ${id('f', 'i * 10')}, '2018-02-01T10:00', 'A generated account', '2018-02-01T10:00:00.000Z'
    from (${series(Math.floor(FAMILIES / 10))}) as n`.execute(db)
  await sql`insert into consents (id, centre_id, family_id, person_id, category, recipient_kind, recipient_name, purpose, evidence, given_on, recorded_at)
    select ${id('c', 'i')}, ${centreId}, ${id('f', 'i * 4')}, ${id('p', 'i * 12')}, 'contact_details', 'other_agency', 'A GP surgery', 'other', 'written', '2018-01-01', '2018-01-01T00:00:00.000Z'
    from (${series(Math.floor(FAMILIES / 4))}) as n`.execute(db)
  await sql`analyze`.execute(db)
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] ?? 0
}

async function measure(dialect: DialectName): Promise<Result> {
  const scratch = await createScratchDatabase(dialect)
  const env: Record<string, string> = {
    HAVEN_DATA_DIR: scratch.dataDir,
    HAVEN_DEMO: 'false',
    HAVEN_AUDIT_CHECKPOINT_MINUTES: '0',
    ...(scratch.url === undefined ? {} : { DATABASE_URL: scratch.url }),
  }
  try {
    // Made with the master key the server will load, then handed to the server.
    const haven = await openHaven(loadConfig(env, ROOT))
    const { ctx, database } = haven
    const { centre, invitation } = await createCentre(ctx, {
      name: 'Bench Centre',
      slug: 'bench',
      coordinatorEmail: 'c@bench.example.org',
    })
    await acceptInvitation(
      ctx,
      { token: tokenFromLink(invitation.link), displayName: 'Coordinator', password: PASSWORD },
      'bench',
    )
    const actor = operatorActor(centre.id)
    let started = performance.now()
    await generate(database.db, dialect, centre.id)
    const generateSeconds = (performance.now() - started) / 1000
    process.stdout.write(`${dialect}: generated in ${generateSeconds.toFixed(0)} s\n`)

    // One family with five years of weekly sessions, for the subject access bundle.
    const made = await receiveReferral(
      ctx,
      actor,
      referral() as Parameters<typeof receiveReferral>[2],
    )
    const mother = await database.db
      .selectFrom('people')
      .select('id')
      .where('family_id', '=', made.familyId)
      .where('kind', '=', 'resident_parent')
      .executeTakeFirstOrThrow()
    const weeks = 5 * 52
    await sql`insert into contact_sessions (id, centre_id, family_id, room_id, kind, starts_at, ends_at, status, created_at)
      select 'sar-' || i, ${centre.id}, ${made.familyId}, 'room-1', 'supported', ${dialect === 'postgres' ? sql.raw(`to_char(date '2021-12-04' + i * 7, 'YYYY-MM-DD')`) : sql.raw(`strftime('%Y-%m-%d', '2021-12-04', '+' || (i * 7) || ' days')`)} || 'T10:00',
        ${dialect === 'postgres' ? sql.raw(`to_char(date '2021-12-04' + i * 7, 'YYYY-MM-DD')`) : sql.raw(`strftime('%Y-%m-%d', '2021-12-04', '+' || (i * 7) || ' days')`)} || 'T12:00', 'attended', '2021-12-01T00:00:00.000Z'
      from (${dialect === 'postgres' ? sql`select g as i from generate_series(0, ${weeks - 1}) as g` : sql`with recursive s(i) as (select 0 union all select i + 1 from s where i < ${weeks - 1}) select i from s`}) as n`.execute(
      database.db,
    )
    await sql`insert into session_people (centre_id, session_id, person_id, arrives_at, leaves_at, arrived_at, departed_at)
      select centre_id, id, ${mother.id}, starts_at, ends_at, starts_at, ends_at from contact_sessions where family_id = ${made.familyId}`.execute(
      database.db,
    )
    const sar = await openSubjectAccessRequest(ctx, actor, {
      personId: mother.id,
      receivedOn: '2026-11-20',
      identityMethod: 'passport seen',
    })
    const timings = { json: [] as number[], pdf: [] as number[] }
    for (const format of ['json', 'pdf'] as const)
      for (let i = 0; i < 21; i += 1) {
        const t = performance.now()
        await compileSubjectAccessBundle(ctx, actor, sar.id, format)
        if (i > 0) timings[format].push(performance.now() - t)
      }
    await haven.close()

    // The run itself through the real server, asked for over HTTP by the coordinator, while
    // two other processes ask every 25 ms, each on a new connection: /healthz, and a signed-in
    // read of the centre's rooms (a small transaction, as the door would make).
    const server = await serve(env)
    try {
      const coordinator = await signIn(server.url, { email: 'c@bench.example.org', slug: 'bench' })
      const post = async (where: string, body?: unknown) => {
        const response = await fetch(`${server.url}${where}`, {
          method: 'POST',
          headers: {
            cookie: coordinator.cookie,
            'x-csrf-token': coordinator.csrf,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(1_800_000),
        })
        if (!response.ok)
          throw new Error(`${where}: ${String(response.status)} ${await response.text()}`)
        return (await response.json()) as Record<string, unknown>
      }
      let peak = rssOf(server.child.pid)
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssOf(server.child.pid))
      }, 20)
      const probes = () => [
        startProbe(`${server.url}/healthz`),
        startProbe(`${server.url}/api/rooms`, coordinator.cookie),
      ]
      const waits = async (running: ReturnType<typeof probes>) => {
        const [health, rooms] = await Promise.all(running.map((probe) => probe.stop()))
        return {
          healthz: health?.max ?? 0,
          page: rooms?.max ?? 0,
          failures: (health?.failures ?? 0) + (rooms?.failures ?? 0),
        }
      }
      let running = probes()
      started = performance.now()
      const planned = (await post('/api/disposals')) as {
        runId?: string
        due: number
        familiesToDestroy: number
      }
      const planSeconds = (performance.now() - started) / 1000
      const planWaits = await waits(running)
      running = probes()
      started = performance.now()
      const approved = (await post(`/api/disposals/${planned.runId ?? ''}/approve`, {
        familiesToDestroy: planned.familiesToDestroy,
      })) as {
        certificate: { destroyed: Record<string, number> }
      }
      const carrySeconds = (performance.now() - started) / 1000
      const carryWaits = await waits(running)
      clearInterval(sampler)
      process.stdout.write(
        `${dialect}: ${String(planned.due)} due; planned in ${planSeconds.toFixed(1)} s, carried out in ${carrySeconds.toFixed(1)} s; longest /healthz wait ${planWaits.healthz.toFixed(0)} / ${carryWaits.healthz.toFixed(0)} ms\n`,
      )
      return {
        dialect,
        families: FAMILIES + 1,
        sessions: FAMILIES * SESSIONS_EACH + weeks,
        generateSeconds,
        due: planned.due,
        planSeconds,
        planWaits,
        carrySeconds,
        carryWaits,
        destroyedSessions: approved.certificate.destroyed.session_record ?? 0,
        peakRssMiB: peak,
        bundleJsonMs: median(timings.json),
        bundlePdfMs: median(timings.pdf),
        bundleSessions: weeks,
      }
    } finally {
      await server.stop()
    }
  } finally {
    await scratch.drop()
  }
}

const results: Result[] = []
for (const dialect of await dialectsUnderTest()) {
  if (dialect.skip) {
    process.stdout.write(`${dialect.name}: skipped (${dialect.skip})\n`)
    continue
  }
  results.push(await measure(dialect.name))
}
const n = (v: number) => v.toLocaleString('en-GB')
const wait = (w: Waits) =>
  `${w.healthz.toFixed(0)} ms, ${w.page.toFixed(0)} ms${w.failures > 0 ? ` (${String(w.failures)} failed)` : ''}`
const table = [
  '| engine | families | sessions | due (families and records) | plan | longest wait during plan: /healthz, signed-in read | carry out | longest wait during carry out: /healthz, signed-in read | sessions destroyed | server peak RSS | SAR bundle JSON | SAR bundle PDF |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...results.map(
    (r) =>
      `| ${r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${n(r.families)} | ${n(r.sessions)} | ${n(r.due)} | ${r.planSeconds.toFixed(1)} s | ${wait(r.planWaits)} | ${r.carrySeconds.toFixed(1)} s | ${wait(r.carryWaits)} | ${n(r.destroyedSessions)} | ${r.peakRssMiB.toFixed(0)} MiB | ${r.bundleJsonMs.toFixed(1)} ms | ${r.bundlePdfMs.toFixed(1)} ms |`,
  ),
].join('\n')
process.stdout.write(`${table}\n`)
if (FAMILIES >= 100_000) {
  const file = new URL('../docs/PERFORMANCE.md', import.meta.url)
  const doc = readFileSync(file, 'utf8')
  const block = `<!-- bench:disposal -->\n${table}\n\nGenerated centre: 40% of families unused since March 2019 (due under a three-year policy), 60% in use; 50 sessions a family with one person signed in at each, three people and a referral a family, an incident for one family in ten and a consent for one in four. "Plan" finds and stores what is due (every family asked of the policy, category by category); "carry out" destroys it in transactions of ${String(250)} items (keys first, then rows, ledger and certificate). Plan and carry out are asked of the real server (\`haven serve\`, its own process) over HTTP by the signed-in coordinator (POST /api/disposals, then its approve). Peak RSS is the server process's, sampled every 20 ms during both. "Longest wait" is the longest answer seen by two other processes asking every 25 ms, each on a new connection, while that step ran: /healthz, and the coordinator's GET /api/rooms (a small read of the centre's database, as the door would make). The bundle is for a parent with ${String(5 * 52)} weekly sessions over five years (median of 20 after one warm-up). Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}.\n<!-- /bench:disposal -->`
  writeFileSync(
    file,
    doc.includes('<!-- bench:disposal -->')
      ? doc.replace(/<!-- bench:disposal -->[\s\S]*<!-- \/bench:disposal -->/, block)
      : `${doc.trimEnd()}\n\n## Disposal and subject access (issue 6)\n\nCommand: \`npm run bench:disposal\`.\n\n${block}\n`,
  )
}
