import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { migrations } from '../src/storage/migrations/index.ts'
import { HAVEN_VERSION } from '../src/version.ts'
import { childEnv, runHaven, serveHaven } from './support/processes.ts'

const dirs: string[] = []
function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-proc-'))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

const NO_STACK = /^\s+at /m

function slugsIn(dir: string): Set<string> {
  const db = new DatabaseSync(path.join(dir, 'haven.db'), { readOnly: true })
  try {
    const check = db.prepare('pragma integrity_check').get() as { integrity_check: string }
    assert.equal(check.integrity_check, 'ok')
    return new Set(
      (db.prepare('select slug from centres').all() as { slug: string }[]).map((row) => row.slug),
    )
  } finally {
    db.close()
  }
}

describe('the haven command', () => {
  it('prints its version and help for itself and every command', async () => {
    const version = await runHaven(['--version'], {})
    assert.equal(version.code, 0)
    assert.equal(version.stdout.trim(), HAVEN_VERSION)
    const help = await runHaven(['--help'], {})
    assert.equal(help.code, 0)
    const commands = [
      'serve',
      'migrate',
      'centre create',
      'centre list',
      'centre invite',
      'centre members',
      'centre disable',
      'centre end-sessions',
      'password-reset',
      'outbox deliver',
      'demo create',
    ]
    for (const command of commands) assert.ok(help.stdout.includes(command), command)
    for (const command of commands) {
      const own = await runHaven([...command.split(' '), '--help'], {})
      assert.equal(own.code, 0, command)
      assert.match(own.stdout, new RegExp(`^Usage: haven ${command}`), command)
    }
  })

  const usageErrors: [string[], RegExp][] = [
    [['launch'], /unknown command "launch"/],
    [['centre'], /try one of: centre create, centre list, centre invite/],
    [['centre', 'create'], /--name is required/],
    [['centre', 'create', '--name', 'X'], /--coordinator-email is required/],
    [['centre', 'create', '--nmae', 'x'], /Unknown option '--nmae'/],
    [['demo', 'create', '--families', 'lots'], /--families must be a whole number/],
    [['migrate', 'extra'], /Unexpected argument 'extra'/],
  ]
  for (const [args, message] of usageErrors) {
    it(`answers "haven ${args.join(' ')}" with one line and exit 2`, async () => {
      const result = await runHaven(args, { HAVEN_DATA_DIR: dataDir() })
      assert.equal(result.code, 2)
      assert.match(result.stderr, message)
      assert.equal(result.stderr.trim().split('\n').length, 1)
      assert.doesNotMatch(result.stderr, NO_STACK)
    })
  }

  const startFaults: [string, () => Record<string, string>, RegExp][] = [
    [
      'a bad PORT',
      () => ({ PORT: 'http', HAVEN_DATA_DIR: dataDir() }),
      /^haven: PORT must be a whole number/,
    ],
    [
      'a bad LOG_LEVEL',
      () => ({ LOG_LEVEL: 'chatty', HAVEN_DATA_DIR: dataDir() }),
      /^haven: LOG_LEVEL must be one of/,
    ],
    [
      'a missing data folder',
      () => ({ HAVEN_DATA_DIR: path.join(dataDir(), 'unmounted') }),
      /data folder .* does not exist/,
    ],
    [
      'an unreachable database',
      () => ({ DATABASE_URL: 'postgres://haven:pw-marker@127.0.0.1:1/haven' }),
      /cannot reach the PostgreSQL database at postgres:\/\/haven:\*\*\*@/,
    ],
  ]
  for (const [what, env, message] of startFaults) {
    it(`stops "haven serve" on ${what} with one line and exit 1`, async () => {
      const result = await runHaven(['serve'], env())
      assert.equal(result.code, 1)
      assert.match(result.stderr, message)
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
      assert.doesNotMatch(result.stderr, NO_STACK)
      assert.ok(!result.stderr.includes('pw-marker'))
    })
  }

  it('refuses a corrupt database file in one line and leaves it untouched', async () => {
    const dir = dataDir()
    const file = path.join(dir, 'haven.db')
    writeFileSync(file, Buffer.alloc(8192, 0x41))
    const before = createHash('sha256').update(readFileSync(file)).digest('hex')
    for (const command of [['serve'], ['migrate'], ['centre', 'list']]) {
      const result = await runHaven(command, { HAVEN_DATA_DIR: dir })
      assert.equal(result.code, 1, command.join(' '))
      assert.match(result.stderr, /is not an SQLite database/)
      assert.equal(result.stderr.trim().split('\n').length, 1)
    }
    assert.equal(createHash('sha256').update(readFileSync(file)).digest('hex'), before)
  })
})

describe('haven serve', () => {
  it('starts with the demo centre, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const dir = dataDir()
    const served = await serveHaven({ HAVEN_DATA_DIR: dir })
    const health = await fetch(`${served.url}/healthz`)
    assert.equal(health.status, 200)
    assert.deepEqual(await health.json(), { status: 'ok' })
    // The demo centre is listed on the front page, so a new installation shows where to start.
    const home = await (await fetch(`${served.url}/`)).text()
    assert.match(home, /Demo Contact Centre/)
    assert.match(home, /href="\/centres\/demo\/policy"/)
    assert.match(served.stderr(), /is running at http:\/\/127\.0\.0\.1:\d+/)
    const link = /http:\/\/127\.0\.0\.1:[1-9]\d*\/invitations\/[A-Za-z0-9_-]{43}/.exec(
      served.stderr(),
    )?.[0]
    assert.ok(link, "the demo coordinator's one-time link is printed")
    const invitation = await fetch(`${served.url}/api/invitations/${link.split('/').pop() ?? ''}`)
    assert.deepEqual(((await invitation.json()) as { roles: string[] }).roles, ['coordinator'])
    assert.equal(await served.stop(), 0)
    assert.deepEqual([...slugsIn(dir)], ['demo'])
  })

  it('makes no demo centre when told not to', async () => {
    const dir = dataDir()
    const served = await serveHaven({ HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' })
    await served.stop()
    assert.equal(slugsIn(dir).size, 0)
    const flagged = await serveHaven({ HAVEN_DATA_DIR: dir }, ['--no-demo'])
    await flagged.stop()
    assert.equal(slugsIn(dir).size, 0)
  })
})

describe('crashes and concurrent processes on SQLite', () => {
  it('keeps every acknowledged write when the writing process is killed with SIGKILL', async () => {
    const dir = dataDir()
    const acknowledged = new Set<string>()
    for (let round = 0; round < 3; round += 1) {
      const child = spawn(
        process.execPath,
        [path.resolve(import.meta.dirname, 'support/write-stream.ts'), `r${round}`],
        {
          env: childEnv({ HAVEN_DATA_DIR: dir }),
        },
      )
      const killAfter = 40 + round * 37
      let count = 0
      await new Promise<void>((resolve) => {
        createInterface({ input: child.stdout }).on('line', (line) => {
          if (!line.startsWith('ack ')) return
          acknowledged.add(line.slice(4))
          count += 1
          if (count === killAfter) child.kill('SIGKILL')
        })
        child.on('close', () => {
          resolve()
        })
      })
      assert.ok(count >= killAfter, `round ${round} wrote ${count}`)
    }
    const present = slugsIn(dir)
    const lost = [...acknowledged].filter((slug) => !present.has(slug))
    assert.deepEqual(lost, [])
    // The server still starts on the database afterwards.
    const served = await serveHaven({ HAVEN_DATA_DIR: dir })
    assert.equal((await fetch(`${served.url}/healthz`)).status, 200)
    await served.stop()
  })

  it('leaves the whole demo centre or none of it when the server is killed while starting', async () => {
    const dir = dataDir()
    for (const delay of [120, 250, 400, 600]) {
      const child = spawn(process.execPath, [path.resolve('bin/haven.js'), 'serve'], {
        env: childEnv({ HAVEN_DATA_DIR: dir, PORT: '0' }),
        stdio: 'ignore',
      })
      await new Promise((resolve) => setTimeout(resolve, delay))
      child.kill('SIGKILL')
      await new Promise((resolve) => child.on('close', resolve))
    }
    const served = await serveHaven({ HAVEN_DATA_DIR: dir })
    await served.stop()
    const db = new DatabaseSync(path.join(dir, 'haven.db'), { readOnly: true })
    try {
      assert.equal(
        (db.prepare('pragma integrity_check').get() as { integrity_check: string }).integrity_check,
        'ok',
      )
      const centres = db.prepare('select count(*) as n from centres').get() as { n: number }
      const families = db.prepare('select count(*) as n from families').get() as { n: number }
      assert.equal(centres.n, 1)
      assert.equal(families.n, 24)
    } finally {
      db.close()
    }
  })

  it('lets the server and CLI commands write to one file at once, losing nothing', async () => {
    const dir = dataDir()
    const served = await serveHaven({ HAVEN_DATA_DIR: dir })
    try {
      const writers = ['a', 'b'].map(async (writer) => {
        for (let i = 0; i < 6; i += 1) {
          const result = await runHaven(
            [
              'centre',
              'create',
              '--name',
              `Centre ${writer}${i}`,
              '--slug',
              `${writer}-${i}`,
              '--coordinator-email',
              `coordinator.${writer}${i}@example.org`,
            ],
            {
              HAVEN_DATA_DIR: dir,
            },
          )
          assert.equal(result.code, 0, result.stderr)
        }
      })
      const readers = (async () => {
        for (let i = 0; i < 20; i += 1) assert.equal((await fetch(`${served.url}/`)).status, 200)
      })()
      const migrations = [
        runHaven(['migrate'], { HAVEN_DATA_DIR: dir }),
        runHaven(['migrate'], { HAVEN_DATA_DIR: dir }),
      ]
      await Promise.all([...writers, readers])
      for (const result of await Promise.all(migrations))
        assert.equal(result.code, 0, result.stderr)
    } finally {
      await served.stop()
    }
    const slugs = slugsIn(dir)
    for (const writer of ['a', 'b'])
      for (let i = 0; i < 6; i += 1) assert.ok(slugs.has(`${writer}-${i}`))
    assert.equal(slugs.size, 13)
  })

  it('migrates a new database from four processes at once, each migration once', async () => {
    const dir = dataDir()
    // Four, not two: opening a brand-new file at the same moment is where SQLite's lock for
    // switching to WAL mode used to fail a start.
    const results = await Promise.all(
      [1, 2, 3, 4].map(() => runHaven(['migrate'], { HAVEN_DATA_DIR: dir })),
    )
    for (const result of results) assert.equal(result.code, 0, result.stderr)
    const applied = results.filter((result) => result.stdout.startsWith('Applied'))
    assert.equal(applied.length, 1, results.map((r) => r.stdout).join(' | '))
    const db = new DatabaseSync(path.join(dir, 'haven.db'), { readOnly: true })
    try {
      const rows = db.prepare('select name from haven_migrations').all() as { name: string }[]
      assert.deepEqual(
        rows.map((row) => row.name),
        Object.keys(migrations),
      )
    } finally {
      db.close()
    }
  })
})
