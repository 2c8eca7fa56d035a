import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import { examineInstallation } from '../src/app/doctor.ts'
import { probeSmtp } from '../src/app/smtp.ts'
import { loadConfig } from '../src/config.ts'
import {
  judgeNodeVersion,
  judgeOperatorScope,
  judgeTimeZone,
  type Check,
} from '../src/domain/doctor.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  POSTGRES_ADMIN_URL,
} from './support/databases.ts'
import { runHaven } from './support/processes.ts'
import { startSmtpSink } from './support/smtp-sink.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** The lines of `haven doctor`, by check name: [status, detail]. */
function linesOf(stdout: string): Map<string, { status: string; detail: string }> {
  const checks = new Map<string, { status: string; detail: string }>()
  for (const line of stdout.trim().split('\n')) {
    const match =
      /^(ok|warn|fail) +(node|time zone|clock|data folder|master key|audit key|ledger|database|smtp|outbox|backup|checkpoints|operator) +(.+)$/.exec(
        line,
      )
    assert.ok(match, `not a doctor line: ${line}`)
    checks.set(match[2]!, { status: match[1]!, detail: match[3]! })
  }
  return checks
}

/** A port on loopback where nothing listens. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve()
    }),
  )
  return port
}

/**
 * A good SQLite installation as the operating guide has it: keys and ledger in a folder of
 * their own outside the data folder, checkpoints handed out to a file, mail configured, a
 * backup made, a checkpoint exported.
 */
interface InstallationEnv extends Record<string, string> {
  HAVEN_DATA_DIR: string
  HAVEN_MASTER_KEY_FILE: string
  HAVEN_AUDIT_CHECKPOINT_FILE: string
}

async function goodInstallation(smtpPort: number): Promise<{
  root: string
  env: InstallationEnv
}> {
  const root = mkdtempSync(path.join(tmpdir(), 'haven-doctor-'))
  dirs.push(root)
  mkdirSync(path.join(root, 'data'), { mode: 0o700 })
  mkdirSync(path.join(root, 'keys'), { mode: 0o700 })
  mkdirSync(path.join(root, 'out'), { mode: 0o700 })
  const env: InstallationEnv = {
    HAVEN_DATA_DIR: path.join(root, 'data'),
    HAVEN_MASTER_KEY_FILE: path.join(root, 'keys', 'master.key'),
    HAVEN_AUDIT_CHECKPOINT_FILE: path.join(root, 'out', 'checkpoints.jsonl'),
    HAVEN_SMTP_URL: `smtp://127.0.0.1:${String(smtpPort)}`,
    HAVEN_DEMO: 'false',
    TZ: 'Europe/London',
  }
  for (const args of [
    ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
    ['backup', '--out', path.join(root, 'out', 'haven.backup')],
    ['audit', 'checkpoint'],
  ]) {
    const done = await runHaven(args, env)
    assert.equal(done.code, 0, `${args.join(' ')}: ${done.stderr}`)
  }
  return { root, env }
}

describe('haven doctor', () => {
  let sink: Awaited<ReturnType<typeof startSmtpSink>>
  before(async () => {
    sink = await startSmtpSink()
  })
  after(async () => {
    await sink.close()
  })

  it('passes a good installation: every line ok, exit 0; --json says the same', async () => {
    const { env } = await goodInstallation(sink.port)
    const run = await runHaven(['doctor'], env)
    assert.equal(run.code, 0, run.stdout + run.stderr)
    const lines = linesOf(run.stdout)
    assert.equal(lines.size, 13)
    for (const [name, { status, detail }] of lines) assert.equal(status, 'ok', `${name}: ${detail}`)
    assert.match(lines.get('master key')!.detail, /mode 0600, matches the database$/)
    assert.match(lines.get('smtp')!.detail, /answered EHLO/)
    assert.match(lines.get('backup')!.detail, /the newest backup was made \d+ minutes? ago/)
    assert.match(lines.get('checkpoints')!.detail, /covers the whole audit log/)
    const json = await runHaven(['doctor', '--json'], env)
    assert.equal(json.code, 0)
    const checks = JSON.parse(json.stdout) as Check[]
    assert.deepEqual(
      checks.map((c) => [c.name, c.status]),
      [...lines].map(([name, { status }]) => [name, status]),
    )
  })

  it('a default installation works but is warned: keys and ledger in the data folder, no mail, no backup, no checkpoint file', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'haven-doctor-'))
    dirs.push(root)
    const env = {
      HAVEN_DATA_DIR: path.join(root, 'data'),
      HAVEN_DEMO: 'false',
      TZ: 'America/New_York',
    }
    mkdirSync(env.HAVEN_DATA_DIR, { mode: 0o700 })
    const made = await runHaven(
      ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
      env,
    )
    assert.equal(made.code, 0, made.stderr)
    const run = await runHaven(['doctor'], env)
    assert.equal(run.code, 0, run.stdout)
    const lines = linesOf(run.stdout)
    const warned = [...lines].filter(([, l]) => l.status === 'warn').map(([name]) => name)
    assert.deepEqual(warned, ['time zone', 'ledger', 'smtp', 'backup', 'checkpoints'])
    assert.match(lines.get('ledger')!.detail, /inside the data folder/)
    assert.match(lines.get('time zone')!.detail, /America\/New_York: Haven shows UK times/)
  })

  it('fails a key file open to others, and leaves its mode as it found it', async () => {
    const { env } = await goodInstallation(sink.port)
    chmodSync(env.HAVEN_MASTER_KEY_FILE, 0o644)
    const run = await runHaven(['doctor'], env)
    assert.equal(run.code, 1, run.stdout)
    const line = linesOf(run.stdout).get('master key')!
    assert.equal(line.status, 'fail')
    assert.match(
      line.detail,
      /mode 0644: readable or writable by others than Haven's user; chmod 600/,
    )
    assert.equal(statSync(env.HAVEN_MASTER_KEY_FILE).mode & 0o777, 0o644, 'doctor changes nothing')
    chmodSync(env.HAVEN_DATA_DIR, 0o755)
    const folder = linesOf((await runHaven(['doctor'], env)).stdout).get('data folder')!
    assert.equal(folder.status, 'fail')
    assert.match(folder.detail, /mode 0755/)
  })

  it('fails a master key that is not the database’s', async () => {
    const { env } = await goodInstallation(sink.port)
    writeFileSync(env.HAVEN_MASTER_KEY_FILE, `${randomBytes(32).toString('base64')}\n`, {
      mode: 0o600,
    })
    const run = await runHaven(['doctor'], env)
    assert.equal(run.code, 1, run.stdout)
    const line = linesOf(run.stdout).get('master key')!
    assert.equal(line.status, 'fail')
    assert.match(line.detail, /not the key this database was made with/)
  })

  it('fails a missing ledger once the database records a disposal; counts messages set aside', async () => {
    const { env } = await goodInstallation(sink.port)
    const before = linesOf((await runHaven(['doctor'], env)).stdout).get('ledger')!
    assert.equal(before.status, 'ok')
    assert.match(before.detail, /not made yet \(no disposal so far\)/)
    const raw = new DatabaseSync(path.join(env.HAVEN_DATA_DIR, 'haven.db'))
    try {
      const centre = raw.prepare('select id from centres').get() as { id: string }
      raw
        .prepare(
          "insert into disposal_ledger (id, centre_id, run_id, item_kind, item_id, categories, disposed_at) values ('l1', ?, 'r1', 'family', 'f1', '[\"case\"]', '2026-01-01T00:00:00.000Z')",
        )
        .run(centre.id)
      const setAside = raw.prepare(
        "insert into outbox (id, centre_id, recipient, subject, body_ciphertext, created_at, sent_at, attempts, next_attempt_at, last_error, set_aside_at) values (?, ?, 'ruth.ashdown@example.org', 'Reset', null, '2026-01-01T00:00:00.000Z', null, 10, null, 'connection', '2026-01-02T00:00:00.000Z')",
      )
      setAside.run('m1', centre.id)
      setAside.run('m2', null)
    } finally {
      raw.close()
    }
    const run = await runHaven(['doctor'], env)
    assert.equal(run.code, 1, run.stdout)
    const line = linesOf(run.stdout).get('ledger')!
    assert.equal(line.status, 'fail')
    assert.match(line.detail, /is missing, and the database records 1 disposed items/)
    const outbox = linesOf(run.stdout).get('outbox')!
    assert.equal(outbox.status, 'warn')
    assert.match(
      outbox.detail,
      /^2 messages set aside .*: 1 of centres .*, 1 of the installation's own/,
    )
    // A file that is there but lacks the line fails too.
    writeFileSync(env.HAVEN_MASTER_KEY_FILE.replace('master.key', 'disposal-ledger.jsonl'), '', {
      mode: 0o600,
    })
    const lacking = linesOf((await runHaven(['doctor'], env)).stdout).get('ledger')!
    assert.equal(lacking.status, 'fail')
    assert.match(lacking.detail, /lacks 1 of the 1 disposed items/)
  })

  it('fails mail that nobody answers', async () => {
    const { env } = await goodInstallation(sink.port)
    const port = await closedPort()
    const run = await runHaven(['doctor'], {
      ...env,
      HAVEN_SMTP_URL: `smtp://127.0.0.1:${String(port)}`,
    })
    assert.equal(run.code, 1, run.stdout)
    const line = linesOf(run.stdout).get('smtp')!
    assert.equal(line.status, 'fail')
    assert.match(
      line.detail,
      new RegExp(`cannot reach 127\\.0\\.0\\.1:${String(port)} \\(ECONNREFUSED\\)`),
    )
  })

  it('judges the backup and the checkpoints by their age, on a clock the test sets', async () => {
    const { env } = await goodInstallation(sink.port)
    const config = loadConfig(env, process.cwd())
    const at = (days: number) =>
      examineInstallation(config, {
        now: () => new Date(Date.now() + days * 86_400_000),
        uid: process.getuid?.(),
        nodeVersion: process.version,
        requiredNodeMajor: 24,
        timeZone: 'Europe/London',
        smtpTimeoutMs: 2_000,
      })
    const find = (checks: Check[], name: string) => checks.find((c) => c.name === name)!
    const soon = await at(1)
    assert.equal(find(soon, 'backup').status, 'ok')
    const later = await at(3)
    assert.equal(find(later, 'backup').status, 'warn')
    assert.match(find(later, 'backup').detail, /made 3 days ago/)
    const much = await at(9)
    assert.equal(find(much, 'backup').status, 'fail')
    // Nothing was written since the checkpoint was exported: it is old, but covers the log.
    assert.equal(find(much, 'checkpoints').status, 'ok')
    // An entry written now and never handed out waits: fine today, failing in nine days.
    const made = await runHaven(
      ['backup', '--out', path.join(path.dirname(config.auditCheckpointFile!), 'again.backup')],
      env,
    )
    assert.equal(made.code, 0, made.stderr)
    assert.equal(find(await at(0), 'checkpoints').status, 'ok')
    assert.equal(find(await at(2), 'checkpoints').status, 'warn')
    assert.equal(find(await at(9), 'checkpoints').status, 'fail')
    // A clock behind the newest audit entry is wrong.
    const behind = await at(-1)
    assert.equal(find(behind, 'clock').status, 'fail')
  })

  it('reports a bad setting as a failed line, not a crash', async () => {
    const run = await runHaven(['doctor'], { HAVEN_SMTP_URL: 'ftp://mail.example.org' })
    assert.equal(run.code, 1)
    assert.equal(
      run.stdout.trim(),
      'fail  config  HAVEN_SMTP_URL must start with smtp:// or smtps://',
    )
  })

  it('probes SMTP with EHLO: an answer, a refusal, and a server that says nothing', async () => {
    assert.equal(await probeSmtp(`smtp://127.0.0.1:${String(sink.port)}`, 2_000), undefined)
    const sockets: Socket[] = []
    const refusing = createServer((socket) => {
      sockets.push(socket)
      socket.write('554 no service here\r\n')
    })
    const silent = createServer((socket) => {
      sockets.push(socket)
    })
    const portOf = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
      const address = server.address()
      return typeof address === 'object' && address ? address.port : 0
    }
    try {
      const refusingPort = await portOf(refusing)
      assert.equal(
        await probeSmtp(`smtp://user:secret@127.0.0.1:${String(refusingPort)}`, 2_000),
        `127.0.0.1:${String(refusingPort)} greeted with 554, not 220`,
      )
      const silentPort = await portOf(silent)
      assert.equal(
        await probeSmtp(`smtp://127.0.0.1:${String(silentPort)}`, 300),
        `127.0.0.1:${String(silentPort)} did not answer within 300 ms`,
      )
    } finally {
      for (const socket of sockets) socket.destroy()
      refusing.close()
      silent.close()
    }
  })

  it('fails several centres whose operator may read families (decision 0047), not one centre or installation scope', async () => {
    assert.equal(judgeOperatorScope('centre', 0).status, 'ok')
    assert.equal(judgeOperatorScope('centre', 1).status, 'ok')
    assert.equal(judgeOperatorScope('centre', 2).status, 'fail')
    assert.equal(judgeOperatorScope('installation', 2).status, 'ok')
    assert.equal(judgeOperatorScope('installation', 300).status, 'ok')
    const root = mkdtempSync(path.join(tmpdir(), 'haven-doctor-'))
    dirs.push(root)
    const env = { HAVEN_DATA_DIR: path.join(root, 'data'), HAVEN_DEMO: 'true' }
    mkdirSync(env.HAVEN_DATA_DIR, { mode: 0o700 })
    for (const name of ['Ashbury', 'Brookfield']) {
      const made = await runHaven(
        ['centre', 'create', '--name', name, '--coordinator-email', `c@${name}.example.org`],
        env,
      )
      assert.equal(made.code, 0, made.stderr)
    }
    const asCentre = await runHaven(['doctor'], env)
    assert.notEqual(asCentre.code, 0)
    const said = linesOf(asCentre.stdout).get('operator')!
    assert.equal(said.status, 'fail')
    assert.match(said.detail, /^2 centres and HAVEN_OPERATOR_SCOPE=centre/)
    const asHost = await runHaven(['doctor'], { ...env, HAVEN_OPERATOR_SCOPE: 'installation' })
    assert.equal(linesOf(asHost.stdout).get('operator')!.status, 'ok')
  })

  it('judges Node.js and the time zone', () => {
    assert.equal(judgeNodeVersion('v24.21.0', 24).status, 'ok')
    assert.equal(judgeNodeVersion('v22.11.0', 24).status, 'fail')
    assert.equal(judgeTimeZone('Europe/London', true).status, 'ok')
    assert.equal(judgeTimeZone('UTC', true).status, 'ok')
    assert.equal(judgeTimeZone('Asia/Tokyo', true).status, 'warn')
    assert.equal(judgeTimeZone('Europe/London', false).status, 'fail')
  })
})

describe('haven doctor on PostgreSQL', async () => {
  const postgres = (await dialectsUnderTest()).find((d) => d.name === 'postgres')!
  it(
    'reports a superuser role as a failure rather than refusing to look',
    { skip: postgres.skip },
    async () => {
      const scratch = await createScratchDatabase('postgres')
      try {
        mkdirSync(path.join(scratch.dataDir, 'keys'), { mode: 0o700 })
        const env = {
          HAVEN_DATA_DIR: scratch.dataDir,
          HAVEN_MASTER_KEY_FILE: path.join(scratch.dataDir, 'keys', 'master.key'),
          DATABASE_URL: scratch.url!,
          HAVEN_DEMO: 'false',
          TZ: 'UTC',
        }
        chmodSync(scratch.dataDir, 0o700)
        const made = await runHaven(
          ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
          env,
        )
        assert.equal(made.code, 0, made.stderr)
        const ordinary = linesOf((await runHaven(['doctor'], env)).stdout)
        assert.equal(ordinary.get('database')!.status, 'ok')
        assert.match(
          ordinary.get('database')!.detail,
          /^PostgreSQL as role \S+, bound by row-level security$/,
        )
        assert.equal(ordinary.get('master key')!.status, 'ok')

        const superuser = new URL(POSTGRES_ADMIN_URL)
        superuser.pathname = new URL(scratch.url!).pathname
        const run = await runHaven(['doctor'], { ...env, DATABASE_URL: superuser.toString() })
        assert.equal(run.code, 1, run.stdout + run.stderr)
        assert.equal(run.stderr, '')
        const lines = linesOf(run.stdout)
        assert.equal(lines.get('database')!.status, 'fail')
        assert.match(
          lines.get('database')!.detail,
          /^the PostgreSQL role \S+ is a superuser, which bypasses the row-level security/,
        )
        // The rest is still looked at.
        assert.equal(lines.get('master key')!.status, 'ok')
        assert.equal(lines.get('clock')!.status, 'ok')
      } finally {
        await scratch.drop()
      }
    },
  )
})
