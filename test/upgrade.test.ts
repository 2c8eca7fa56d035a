import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { operatorActor } from '../src/app/actor.ts'
import { listFamilies } from '../src/app/families.ts'
import { openHaven } from '../src/app/runtime.ts'
import { bookSession } from '../src/app/sessions.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/storage/database.ts'
import { migrateToLatest, NewerDatabaseError } from '../src/storage/migrate.ts'
import { migrations } from '../src/storage/migrations/index.ts'
import { HAVEN_VERSION } from '../src/version.ts'
import { createScratchDatabase, dialectsUnderTest } from './support/databases.ts'
import { runHaven, runNode } from './support/processes.ts'

/**
 * Haven 0.1.0, the previous release (CHANGELOG.md): the commit its migrations end at. A fresh
 * clone has the whole history, so the test runs that release's own code to make its database.
 */
const PREVIOUS_RELEASE = '330e893'
const PREVIOUS_MIGRATIONS = Object.keys(migrations).slice(0, 15)

const repository = path.resolve(import.meta.dirname, '..')
const dirs: string[] = []
let previous = ''

before(() => {
  previous = mkdtempSync(path.join(tmpdir(), 'haven-0.1.0-'))
  dirs.push(previous)
  try {
    execFileSync('sh', ['-c', `git archive ${PREVIOUS_RELEASE} | tar -x -C "$1"`, 'sh', previous], {
      cwd: repository,
      stdio: ['ignore', 'ignore', 'pipe'],
    })
  } catch (error) {
    throw new Error(
      `Haven 0.1.0 (${PREVIOUS_RELEASE}) could not be read from git: the test needs a clone with its history`,
      { cause: error },
    )
  }
  // The dependencies of 0.1.0 are this Haven's (package.json changed only its version since).
  symlinkSync(path.join(repository, 'node_modules'), path.join(previous, 'node_modules'))
})
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

for (const dialect of await dialectsUnderTest()) {
  describe(`upgrades on ${dialect.name}`, { skip: dialect.skip }, () => {
    it("migrates Haven 0.1.0's database forward, its records intact and in use", async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const env: Record<string, string> = {
        HAVEN_DATA_DIR: scratch.dataDir,
        ...(scratch.url === undefined ? {} : { DATABASE_URL: scratch.url }),
      }
      try {
        const made = await runNode(
          [path.join(previous, 'bin/haven.js'), 'demo', 'create'],
          env,
          previous,
        )
        assert.equal(made.code, 0, made.stderr)
        assert.match(made.stdout + made.stderr, /24 families/)

        const haven = await openHaven(loadConfig(env, repository))
        try {
          assert.deepEqual(
            haven.migrations.applied,
            Object.keys(migrations).filter((name) => !PREVIOUS_MIGRATIONS.includes(name)),
            'only the migrations 0.1.0 did not have',
          )
          const { db } = haven.ctx
          const centre = await db
            .selectFrom('centres')
            .select('id')
            .where('slug', '=', 'demo')
            .executeTakeFirstOrThrow()
          const actor = operatorActor(centre.id)
          const families = await listFamilies(haven.ctx, actor, { limit: 100, offset: 0 })
          assert.equal(families.length, 24, 'every family 0.1.0 wrote is listed')
          assert.ok(
            families.some((f) => f.people.some((p) => (p.givenName ?? '').length > 0)),
            "names sealed under 0.1.0's master key open",
          )
          const room = await db
            .selectFrom('rooms')
            .select('id')
            .where('centre_id', '=', centre.id)
            .executeTakeFirstOrThrow()
          const accepted = await db
            .selectFrom('referrals')
            .select('family_id')
            .where('centre_id', '=', centre.id)
            .where('status', '=', 'active')
            .executeTakeFirstOrThrow()
          const booking = await bookSession(haven.ctx, actor, {
            familyId: accepted.family_id,
            roomId: room.id,
            kind: 'supervised',
            startsAt: '2030-01-08T07:00',
            endsAt: '2030-01-08T08:00',
          })
          assert.ok(booking.plan.length >= 2, 'a session booked with its plan')
          const { rows } = await sql<{ version: string }>`
            select version from haven_versions`.execute(db)
          assert.deepEqual(
            rows.map((r) => r.version),
            [HAVEN_VERSION],
          )
        } finally {
          await haven.close()
        }
      } finally {
        await scratch.drop()
      }
    })

    it("refuses a newer Haven's database: nothing run, nothing dropped", async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const database = await scratch.open()
      try {
        await migrateToLatest(database.db, { version: '9.0.0' })
        await sql`insert into haven_migrations (name, timestamp)
          values ('0020-from-the-future', '2031-01-01T00:00:00.000Z')`.execute(database.db)
        await sql`create table from_the_future (id text)`.execute(database.db)
        const error = await migrateToLatest(database.db).then(
          () => undefined,
          (e: unknown) => e,
        )
        assert.ok(error instanceof NewerDatabaseError, String(error))
        assert.match(error.message, /last used by Haven 9\.0\.0/)
        assert.match(error.message, /0020-from-the-future/)
        assert.match(error.message, /restore the backup taken before upgrading/)
        assert.doesNotMatch(error.message, /\n/)
        const { rows } = await sql<{ version: string }>`
          select version from haven_versions`.execute(database.db)
        assert.deepEqual(
          rows.map((r) => r.version),
          ['9.0.0'],
          'this Haven did not record itself',
        )
        const names = await sql<{ name: string }>`select name from haven_migrations`.execute(
          database.db,
        )
        assert.equal(names.rows.length, Object.keys(migrations).length + 1)
        await sql`select id from from_the_future`.execute(database.db)
      } finally {
        await database.close()
        await scratch.drop()
      }
    })
  })
}

describe('the haven command on a newer Haven’s database', () => {
  it('haven migrate and haven serve stop with one line and exit 1', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-newer-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false', PORT: '0' }
    assert.equal((await runHaven(['demo', 'create'], env)).code, 0)
    const database = await openDatabase({
      dataDir: dir,
      mayCreateDataDir: false,
      databaseUrl: undefined,
    })
    try {
      await sql`insert into haven_migrations (name, timestamp)
        values ('0020-from-the-future', '2031-01-01T00:00:00.000Z')`.execute(database.db)
      await sql`update haven_versions set version = '9.0.0'`.execute(database.db)
    } finally {
      await database.close()
    }
    for (const args of [['migrate'], ['serve', '--no-demo']]) {
      const run = await runHaven(args, env)
      assert.equal(run.code, 1, `haven ${args[0] ?? ''}: ${run.stderr}`)
      const lines = run.stderr.trim().split('\n')
      assert.equal(lines.length, 1, run.stderr)
      assert.match(
        lines[0] ?? '',
        /this database was last used by Haven 9\.0\.0 .*0020-from-the-future.*restore the backup/,
      )
    }
  })
})
