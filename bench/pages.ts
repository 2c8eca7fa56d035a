// Issue 7's figures: each main page rendered for a large centre (500 families, five years
// of fortnightly sessions, 40 workers, a disclosure register and open subject access
// requests), through the whole HTTP stack in process (session, CSRF, CSP, policy engine,
// audit entry for every read), on SQLite (a real file) and, when one answers, PostgreSQL.
// Run: npm run bench:pages (writes its table into docs/PERFORMANCE.md).
// HAVEN_BENCH_PAGE_FAMILIES makes the centre smaller for a quick try.
import { readFileSync, writeFileSync } from 'node:fs'
import { operatorActor } from '../src/app/actor.ts'
import { requestDisclosure } from '../src/app/disclosures.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { moveReferral, receiveReferral } from '../src/app/referrals.ts'
import { openSubjectAccessRequest } from '../src/app/subject-access.ts'
import { recordCheck } from '../src/app/workers.ts'
import { addDays, ukDateTime } from '../src/domain/calendar.ts'
import { gatherStatistics } from '../src/storage/backup-tables.ts'
import type { DialectName } from '../src/storage/database.ts'
import {
  acceptAsNewAccount,
  centreWithCoordinator,
  Client,
  PASSWORD,
  testApp,
  tokenFromLink,
} from '../test/support/accounts.ts'
import { referral } from '../test/support/cases.ts'
import { dialectsUnderTest, testContext, withMigratedDatabase } from '../test/support/databases.ts'

const FAMILIES = Number(process.env.HAVEN_BENCH_PAGE_FAMILIES ?? '500')
const YEARS = 5
const RUNS = 30
const WORKERS = 40
/** A busy Saturday at a large centre: about 80 sessions in 20 rooms. */
const SESSIONS_TODAY = 80
const ROOMS_TODAY = 20

interface Row {
  page: string
  medianMs: number
  p95Ms: number
  bytes: number
}

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
}

async function measure(dialect: DialectName): Promise<{ rows: Row[]; sessions: number }> {
  return withMigratedDatabase(dialect, async (database) => {
    const ctx = testContext(database)
    const app = testApp(ctx)
    const { centreId, coordinator } = await centreWithCoordinator(ctx, app, 'grand')
    const operator = operatorActor(centreId)
    const today = ukDateTime(ctx.now()).slice(0, 10)

    // Workers with checks; the first is the volunteer whose phone view is measured.
    const workerIds: string[] = []
    for (let i = 0; i < WORKERS; i += 1) {
      const email = `worker${String(i)}@grand.example.org`
      const invitation = await inviteMember(ctx, operator, { email, roles: ['volunteer'] })
      const acceptedId = await acceptAsNewAccount(ctx, {
        token: tokenFromLink(invitation.link),
        displayName: `Worker ${String(i)}`,
        password: PASSWORD,
      })
      workerIds.push(acceptedId)
      await recordCheck(ctx, operator, {
        accountId: acceptedId,
        kind: 'dbs',
        level: 'enhanced',
        issuedOn: '2025-01-01',
        renewalDueOn: i % 8 === 0 ? addDays(today, 30) : '2028-01-01',
        outcome: 'clear',
      })
    }

    // Families through the real use case (sealed contact details, references, audit), then
    // moved on: most active, some at each stage of the lifecycle.
    const families: { id: string; people: string[] }[] = []
    for (let i = 0; i < FAMILIES; i += 1) {
      const made = await receiveReferral(
        ctx,
        operator,
        referral() as Parameters<typeof receiveReferral>[2],
      )
      const steps =
        i % 10 === 0 ? ['pre_visits'] : ['pre_visits', 'risk_assessed', 'accepted', 'active']
      let version = 1
      for (const to of steps) {
        await moveReferral(ctx, operator, made.referralId, { to, version })
        version += 1
      }
      const people = await database.db
        .selectFrom('people')
        .select(['id', 'kind'])
        .where('family_id', '=', made.familyId)
        .orderBy('kind')
        .execute()
      families.push({ id: made.familyId, people: people.map((p) => p.id) })
    }

    // Five years of fortnightly sessions, each with the family's people planned at the door;
    // the last few families also come today and this week.
    await database.db
      .insertInto('rooms')
      .values(
        [0, 1, 2, 3].map((r) => ({
          id: `room-${String(r)}`,
          centre_id: centreId,
          name: `Room ${String(r)}`,
        })),
      )
      .execute()
    const first = addDays(today, -YEARS * 365)
    let sessions = 0
    let batch: Record<string, unknown>[] = []
    let peopleBatch: Record<string, unknown>[] = []
    const flush = async () => {
      if (batch.length > 0)
        await database.db
          .insertInto('contact_sessions')
          .values(batch as never)
          .execute()
      if (peopleBatch.length > 0)
        await database.db
          .insertInto('session_people')
          .values(peopleBatch as never)
          .execute()
      batch = []
      peopleBatch = []
    }
    for (const [index, family] of families.entries()) {
      const add = async (day: string, hour: number, status: string) => {
        const id = ctx.newId()
        const at = (h: number, m: number) =>
          `${day}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
        batch.push({
          id,
          centre_id: centreId,
          family_id: family.id,
          room_id: `room-${String(index % 4)}`,
          kind: 'supported',
          starts_at: at(hour, 0),
          ends_at: at(hour + 2, 0),
          status,
          created_at: ctx.now().toISOString(),
        })
        family.people.forEach((personId, p) =>
          peopleBatch.push({
            centre_id: centreId,
            session_id: id,
            person_id: personId,
            arrives_at: at(hour, p === 0 ? 0 : 15),
            leaves_at: at(hour + 2, p === 0 ? 15 : 0),
          }),
        )
        sessions += 1
        if (batch.length >= 200) await flush()
      }
      for (let day = addDays(first, index % 14); day < today; day = addDays(day, 14))
        await add(day, 10 + (index % 3) * 2, 'attended')
      if (index >= FAMILIES - 12)
        await add(addDays(today, index % 7), 9 + (index % 4) * 2, 'booked')
    }
    // A busy Saturday (the bench's today, 14 March 2026, is one): about 80 sessions in 20
    // rooms, four two-hour slots, a family in each, booked with its people planned.
    for (let r = 4; r < ROOMS_TODAY; r += 1)
      await database.db
        .insertInto('rooms')
        .values({ id: `room-${String(r)}`, centre_id: centreId, name: `Room ${String(r)}` })
        .execute()
    for (let i = 0; i < SESSIONS_TODAY; i += 1) {
      const family = families[(i * 7) % families.length]
      if (!family) continue
      const hour = 9 + 2 * Math.floor(i / ROOMS_TODAY)
      const id = ctx.newId()
      const at = (h: number, m: number) =>
        `${today}T${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`
      batch.push({
        id,
        centre_id: centreId,
        family_id: family.id,
        room_id: `room-${String(i % ROOMS_TODAY)}`,
        kind: 'supported',
        starts_at: at(hour, 0),
        ends_at: at(hour + 2, 0),
        status: 'booked',
        created_at: ctx.now().toISOString(),
      })
      family.people.forEach((personId, p) =>
        peopleBatch.push({
          centre_id: centreId,
          session_id: id,
          person_id: personId,
          arrives_at: at(hour, p === 0 ? 0 : 15),
          leaves_at: at(hour + 2, p === 0 ? 15 : 0),
        }),
      )
      sessions += 1
    }
    await flush()
    for (const [i, s] of (
      await database.db
        .selectFrom('contact_sessions')
        .select('id')
        .where('starts_at', '>=', today)
        .execute()
    ).entries())
      await database.db
        .insertInto('session_workers')
        .values({
          centre_id: centreId,
          session_id: s.id,
          account_id: workerIds[i % 3] ?? '',
          assigned_at: ctx.now().toISOString(),
          assigned_by: null,
        })
        .execute()

    // A register of disclosures and a few open subject access requests.
    for (let i = 0; i < 200; i += 1)
      await requestDisclosure(ctx, operator, {
        familyId: families[i % FAMILIES]?.id ?? '',
        category: 'attendance',
        purpose: 'other',
        recipient: { kind: 'other_agency', name: `Agency ${String(i % 7)}` },
      })
    for (let i = 0; i < 20; i += 1)
      await openSubjectAccessRequest(ctx, operator, {
        personId: families[i]?.people[0] ?? '',
        identityMethod: 'passport seen',
      })

    // A live database has its planner statistics (autovacuum on PostgreSQL); a fresh bulk
    // load has none until then, so gather them as Haven does after a restore.
    await gatherStatistics(database.db)
    const volunteer = new Client(app)
    await volunteer.signIn('grand', 'worker0@grand.example.org', PASSWORD)
    const sessionOfToday = await database.db
      .selectFrom('contact_sessions')
      .select('id')
      .where('starts_at', '>=', today)
      .orderBy('starts_at')
      .executeTakeFirst()
    const entry = await database.db.selectFrom('disclosures').select('id').executeTakeFirst()
    const busiest = families.at(-1)?.id ?? ''
    const pages: [string, Client, string][] = [
      ["the coordinator's day", coordinator.client, '/today'],
      ['families (a page of 100)', coordinator.client, '/families'],
      ["a family's record (5 years)", coordinator.client, `/families/${busiest}`],
      ['referrals inbox', coordinator.client, '/referrals'],
      ['disclosure register', coordinator.client, '/disclosures'],
      ['a disclosure decision', coordinator.client, `/disclosures/${entry?.id ?? ''}`],
      ["the week's sessions", coordinator.client, '/sessions'],
      ["a session's register", coordinator.client, `/sessions/${sessionOfToday?.id ?? ''}`],
      ['workers and checks', coordinator.client, '/centre/workers'],
      ['subject access requests', coordinator.client, '/centre/subject-access'],
      ['audit log (100 entries)', coordinator.client, '/centre/audit'],
      ['the policy', coordinator.client, '/policy'],
      ["a volunteer's phone view", volunteer, '/my-sessions'],
    ]
    const rows: Row[] = []
    for (const [name, client, path] of pages) {
      const times: number[] = []
      let bytes = 0
      for (let run = 0; run <= RUNS; run += 1) {
        const started = performance.now()
        const response = await client.call('GET', path, undefined, { accept: 'text/html' })
        const body = await response.text()
        const elapsed = performance.now() - started
        if (response.status !== 200) throw new Error(`${path}: ${String(response.status)}`)
        bytes = body.length
        if (run > 0) times.push(elapsed)
      }
      rows.push({ page: name, medianMs: quantile(times, 0.5), p95Ms: quantile(times, 0.95), bytes })
      process.stdout.write(`${dialect} ${name}: ${quantile(times, 0.5).toFixed(1)} ms\n`)
    }
    return { rows, sessions }
  })
}

const results: { dialect: DialectName; rows: Row[]; sessions: number }[] = []
for (const dialect of await dialectsUnderTest()) {
  if (dialect.skip) {
    process.stdout.write(`${dialect.name}: skipped (${dialect.skip})\n`)
    continue
  }
  results.push({ dialect: dialect.name, ...(await measure(dialect.name)) })
}
const engines = results.map((r) => (r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'))
const table = [
  `| page | ${engines.map((e) => `${e} median | ${e} p95`).join(' | ')} | size |`,
  `| --- | ${engines.map(() => '---: | ---:').join(' | ')} | ---: |`,
  ...(results[0]?.rows ?? []).map(
    (row, i) =>
      `| ${row.page} | ${results.map((r) => `${(r.rows[i]?.medianMs ?? 0).toFixed(1)} ms | ${(r.rows[i]?.p95Ms ?? 0).toFixed(1)} ms`).join(' | ')} | ${(row.bytes / 1024).toFixed(0)} KiB |`,
  ),
].join('\n')
process.stdout.write(`${table}\n`)
if (FAMILIES >= 500) {
  const file = new URL('../docs/PERFORMANCE.md', import.meta.url)
  const doc = readFileSync(file, 'utf8')
  const block = `<!-- bench:pages -->\n${table}\n\nA generated centre of ${String(FAMILIES)} families made through the referral use case (sealed contact details; one in ten still at pre-visits, the rest active), ${(results[0]?.sessions ?? 0).toLocaleString('en-GB')} sessions over ${String(YEARS)} years (fortnightly, three people planned at each) and a busy Saturday today (${String(SESSIONS_TODAY)} sessions in ${String(ROOMS_TODAY)} rooms, a worker on each), ${String(WORKERS)} workers with checks, 200 disclosure requests and 20 open subject access requests. Planner statistics gathered after the load (as autovacuum does on a live PostgreSQL, and Haven after a restore). Each page is requested ${String(RUNS)} times after one warm-up through the whole HTTP stack in process (session and second factor, CSP and headers, the policy engine, an audit entry for every read); median and 95th percentile of the time to the last byte. Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)}, this machine (2 cores).\n<!-- /bench:pages -->`
  writeFileSync(
    file,
    doc.includes('<!-- bench:pages -->')
      ? doc.replace(/<!-- bench:pages -->[\s\S]*<!-- \/bench:pages -->/, block)
      : `${doc.trimEnd()}\n\n## Pages (issue 7)\n\nCommand: \`npm run bench:pages\`. Target: every main page's median under 50 ms.\n\n${block}\n`,
  )
}
