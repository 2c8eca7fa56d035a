import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { operatorActor } from '../src/app/actor.ts'
import { writeAuditCheckpoints } from '../src/app/audit-trail.ts'
import { createCentre } from '../src/app/centres.ts'
import { readInCentre } from '../src/app/in-centre.ts'
import { inviteMember } from '../src/app/invitations.ts'
import { recordCheck } from '../src/app/workers.ts'
import { addDays } from '../src/domain/calendar.ts'
import { todayAtCentre } from '../src/app/case-access.ts'
import { deliverOutbox, type OutgoingMessage } from '../src/app/outbox.ts'
import { openHaven, type OpenHaven } from '../src/app/runtime.ts'
import { MAX_FAILURES_PER_ACCOUNT } from '../src/domain/auth-rules.ts'
import { loadConfig } from '../src/config.ts'
import { acceptAsNewAccount, PASSWORD, tokenFromLink } from './support/accounts.ts'
import { createScratchDatabase, type ScratchDatabase } from './support/databases.ts'
import { runHaven, serveHaven, type Served } from './support/processes.ts'
import { startSmtpSink } from './support/smtp-sink.ts'

/**
 * Issue 18, a national host: Haven as two `haven serve` processes against one PostgreSQL,
 * sharing the key files (the same HAVEN_DATA_DIR here; in production the same secret mounts).
 * Sessions, guess limits, the outbox, the daily backup and reminders, and audit checkpoints
 * are checked to hold across both: nothing done twice, no limit got round by asking the
 * other process.
 */

const SLUG = 'ashbury'
const INVITED = 12

let scratch: ScratchDatabase
let env: Record<string, string>
let haven: OpenHaven
let centreId: string
const backupDir = mkdtempSync(path.join(tmpdir(), 'haven-multi-backups-'))

/** A second connection pool on the same database, as another process would hold. */
async function openOther(): Promise<OpenHaven> {
  return openHaven(loadConfig(env, process.cwd()))
}

before(async () => {
  scratch = await createScratchDatabase('postgres')
  env = {
    DATABASE_URL: scratch.url ?? '',
    HAVEN_DATA_DIR: scratch.dataDir,
    HAVEN_DEMO: 'false',
  }
  haven = await openOther()
  const { centre } = await createCentre(haven.ctx, {
    name: 'Ashbury Child Contact Centre',
    slug: SLUG,
    coordinatorEmail: 'coordinator@ashbury.example.org',
  })
  centreId = centre.id
  // A volunteer whose check falls due in 60 days: the day's renewal reminder is due.
  const volunteer = await inviteMember(haven.ctx, operatorActor(centreId), {
    email: 'cleo@ashbury.example.org',
    roles: ['volunteer'],
  })
  const volunteerId = await acceptAsNewAccount(haven.ctx, {
    token: tokenFromLink(volunteer.link),
    displayName: 'Volunteer Cleo',
    password: PASSWORD,
  })
  await recordCheck(haven.ctx, operatorActor(centreId), {
    accountId: volunteerId,
    kind: 'dbs',
    level: 'enhanced',
    issuedOn: todayAtCentre(haven.ctx),
    renewalDueOn: addDays(todayAtCentre(haven.ctx), 60),
    outcome: 'clear',
  })
  for (const who of ['ada', 'bram']) {
    const invitation = await inviteMember(haven.ctx, operatorActor(centreId), {
      email: `${who}@hollis.example.org`,
      roles: ['referrer'],
      agencyKind: 'solicitor',
      agencyName: 'Hollis & Co Solicitors',
    })
    await acceptAsNewAccount(haven.ctx, {
      token: tokenFromLink(invitation.link),
      displayName: `Referrer ${who}`,
      password: PASSWORD,
    })
  }
})

after(async () => {
  await haven.close()
  await scratch.drop()
  rmSync(backupDir, { recursive: true, force: true })
})

async function unsentCount(): Promise<number> {
  const row = await haven.ctx.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('sent_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

async function post(url: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: JSON.stringify(body),
  })
}

describe('two haven serve processes against one PostgreSQL', () => {
  it('share sessions, guess limits, the outbox, the daily work and the audit checkpoints', async () => {
    for (let i = 0; i < INVITED; i += 1) {
      await inviteMember(haven.ctx, operatorActor(centreId), {
        email: `invitee${String(i)}@ashbury.example.org`,
        roles: ['volunteer'],
      })
    }
    const queued = await unsentCount()
    assert.ok(queued >= INVITED)

    // A slow mail server keeps both processes' first delivery rounds open together.
    const sink = await startSmtpSink({ replyDelayMs: 60 })
    const serverEnv = {
      ...env,
      HAVEN_SMTP_URL: `smtp://127.0.0.1:${String(sink.port)}`,
      HAVEN_BACKUP_DIR: backupDir,
      // Due since midnight: both processes find the day's backup due as they start.
      HAVEN_BACKUP_AT: '00:00',
    }
    let served: Served[] = []
    try {
      served = await Promise.all([serveHaven(serverEnv), serveHaven(serverEnv)])
      const [a, b] = served as [Served, Served]

      // A session made on A is good on B.
      const signedIn = await post(`${a.url}/api/auth/sign-in`, {
        centre: SLUG,
        email: 'ada@hollis.example.org',
        password: PASSWORD,
      })
      assert.equal(signedIn.status, 200, await signedIn.clone().text())
      const cookie = signedIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0] ?? '')
        .find((c) => c.startsWith('haven_session='))
      assert.ok(cookie)
      const onB = await fetch(`${b.url}/api/auth/session`, { headers: { cookie } })
      assert.equal(onB.status, 200)
      const account = ((await onB.json()) as { account?: { email?: string } }).account
      assert.equal(account?.email, 'ada@hollis.example.org')

      // Wrong passwords sent to A and B in turn are counted together: the limit trips where
      // it does on one process, and then the right password is refused on either.
      const statuses: number[] = []
      for (let i = 0; i < MAX_FAILURES_PER_ACCOUNT + 1; i += 1) {
        const at = i % 2 === 0 ? a : b
        const response = await post(`${at.url}/api/auth/sign-in`, {
          centre: SLUG,
          email: 'bram@hollis.example.org',
          password: `not the password ${String(i)}`,
        })
        statuses.push(response.status)
      }
      assert.deepEqual(
        statuses,
        [...Array<number>(MAX_FAILURES_PER_ACCOUNT).fill(401), 429],
        'the limit trips at the same count as on one process',
      )
      for (const at of [a, b]) {
        const right = await post(`${at.url}/api/auth/sign-in`, {
          centre: SLUG,
          email: 'bram@hollis.example.org',
          password: PASSWORD,
        })
        assert.equal(right.status, 429)
      }

      // Every message queued is delivered once, by one process or the other.
      for (let i = 0; i < 400 && ((await unsentCount()) > 0 || sink.received.length < queued); i++)
        await new Promise((resolve) => setTimeout(resolve, 50))
      // Time for a late duplicate to arrive, if one were coming.
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.equal(await unsentCount(), 0)
      const recipients = sink.received.map((m) => m.to.join())
      assert.equal(recipients.length, queued, 'each message is delivered exactly once')
      assert.equal(new Set(recipients).size, queued)

      // The daily work both ran as they started: the day's renewal reminder was sent once.
      const reminders = await readInCentre(haven.ctx, centreId, (db) =>
        db
          .selectFrom('audit_log')
          .select('seq')
          .where('type', '=', 'checks.renewal_reminder')
          .execute(),
      )
      assert.equal(reminders.length, 1)

      // The day's backup is written once, by one of them, though both found it due.
      for (let i = 0; i < 200 && !/scheduled backup written/.test(a.stdout() + b.stdout()); i++)
        await new Promise((resolve) => setTimeout(resolve, 50))
      await new Promise((resolve) => setTimeout(resolve, 500))
      const written = (a.stdout() + b.stdout()).match(/scheduled backup written/g) ?? []
      assert.equal(written.length, 1)
      assert.equal(readdirSync(backupDir).length, 1)

      // Both stop at once, and each signs a checkpoint on the way down.
      await Promise.all(served.map((s) => s.stop()))
      for (const s of served) {
        assert.doesNotMatch(s.stdout(), /audit checkpoint failed|outbox delivery failed/)
        assert.doesNotMatch(s.stdout(), /"level":(50|60)/)
      }
      served = []
    } finally {
      await Promise.all(served.map((s) => s.stop()))
      await sink.close()
    }
    await assertCheckpointsSound()
  })

  it('two deliverers racing over one outbox send each message once', async () => {
    for (let i = 0; i < 20; i += 1) {
      await inviteMember(haven.ctx, operatorActor(centreId), {
        email: `racer${String(i)}@ashbury.example.org`,
        roles: ['volunteer'],
      })
    }
    const other = await openOther()
    try {
      const sent: OutgoingMessage[] = []
      const slowly = async (message: OutgoingMessage): Promise<void> => {
        sent.push(message)
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
      await Promise.all([deliverOutbox(haven.ctx, slowly), deliverOutbox(other.ctx, slowly)])
      assert.equal(sent.length, 20)
      assert.equal(new Set(sent.map((m) => m.recipient)).size, 20)
      assert.equal(await unsentCount(), 0)
    } finally {
      await other.close()
    }
  })

  it('two signers at once neither fail nor sign a place twice', async () => {
    const other = await openOther()
    try {
      for (let round = 0; round < 8; round += 1) {
        await inviteMember(haven.ctx, operatorActor(centreId), {
          email: `signer${String(round)}@ashbury.example.org`,
          roles: ['volunteer'],
        })
        const now = new Date()
        const [one, two] = await Promise.all([
          writeAuditCheckpoints(haven.ctx.db, haven.ctx.auditKey, now),
          writeAuditCheckpoints(other.ctx.db, other.ctx.auditKey, now),
        ])
        // The chains that moved on are signed once, by one signer or the other.
        assert.ok(one.length + two.length > 0)
        assert.ok(one.length === 0 || two.length === 0)
      }
    } finally {
      await other.close()
    }
    await assertCheckpointsSound()
  })
})

/** No place signed twice, and `haven audit verify` passes. */
async function assertCheckpointsSound(): Promise<void> {
  const rows = await haven.ctx.db
    .selectFrom('audit_checkpoints')
    .select(['chain', 'position'])
    .execute()
  assert.ok(rows.length > 0)
  const places = rows.map((r) => `${r.chain}:${String(r.position)}`)
  assert.equal(new Set(places).size, places.length)
  const verified = await runHaven(['audit', 'verify'], env)
  assert.equal(verified.code, 0, verified.stdout + verified.stderr)
}
