import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, before, describe, it } from 'node:test'
import pg from 'pg'
import { writeBackup } from '../src/app/backup.ts'
import { appendLedgerFile } from '../src/app/disposal-ledger-file.ts'
import { openHaven } from '../src/app/runtime.ts'
import { loadConfig } from '../src/config.ts'
import { DatabaseOpenError, openDatabase, SQLITE_FILE_NAME } from '../src/storage/database.ts'
import { PrivateFileError } from '../src/storage/private-files.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  POSTGRES_ADMIN_URL,
  type ScratchDatabase,
} from './support/databases.ts'
import { runHaven, serveHaven } from './support/processes.ts'

/**
 * Files and database roles (issue 13): the data folder 0700; the database, its WAL and
 * shared memory, the keys, the disposal ledger and backups 0600, whether Haven makes them or
 * finds them looser; and on PostgreSQL no role that row-level security does not bind.
 */
const dirs: string[] = []
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-files-'))
  dirs.push(dir)
  return dir
}
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
// The usual shell's umask, which leaves new files readable by everyone unless Haven says not.
before(() => process.umask(0o022))

const modeOf = (file: string): number => statSync(file).mode & 0o777
const NO_STACK = /^\s+at /m

function configFor(scratch: ScratchDatabase, cwd: string, env: Record<string, string> = {}) {
  return loadConfig(scratch.url === undefined ? env : { DATABASE_URL: scratch.url, ...env }, cwd)
}

for (const dialect of await dialectsUnderTest()) {
  describe(`files on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('V13.3.2 a first start makes the data folder 0700 and the database, its WAL and shared memory, and every key 0600', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const cwd = tempDir()
      const config = configFor(scratch, cwd)
      assert.equal(config.dataDir, path.join(cwd, 'data'))
      const haven = await openHaven(config)
      try {
        if (dialect.name === 'sqlite') {
          assert.equal(modeOf(config.dataDir), 0o700, 'the data folder')
          for (const suffix of ['', '-wal', '-shm'])
            assert.equal(modeOf(path.join(config.dataDir, `${SQLITE_FILE_NAME}${suffix}`)), 0o600)
        }
        assert.equal(modeOf(path.dirname(config.masterKeyFile)), 0o700, "the keys' folder")
        assert.equal(modeOf(config.masterKeyFile), 0o600, 'the master key')
        assert.equal(modeOf(config.auditKeyFile), 0o600, 'the audit signing key')
      } finally {
        await haven.close()
        await scratch.drop()
      }
    })

    it('V13.3.2 a data folder, database, WAL, keys and ledger found open to others are made private at start', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const config = configFor(scratch, scratch.dataDir, { HAVEN_DATA_DIR: scratch.dataDir })
      await (await openHaven(config)).close()
      writeFileSync(config.disposalLedgerFile, '')
      const loose = [config.masterKeyFile, config.auditKeyFile, config.disposalLedgerFile]
      // Another connection keeps the WAL and shared memory in place, as a running Haven would.
      let other: DatabaseSync | undefined
      if (dialect.name === 'sqlite') {
        const file = path.join(scratch.dataDir, SQLITE_FILE_NAME)
        other = new DatabaseSync(file)
        other.prepare('select count(*) from centres').get()
        loose.push(file, `${file}-wal`, `${file}-shm`)
      }
      for (const file of loose) chmodSync(file, 0o644)
      chmodSync(scratch.dataDir, 0o755)
      const haven = await openHaven(config)
      try {
        for (const file of loose) assert.equal(modeOf(file), 0o600, file)
        assert.equal(modeOf(scratch.dataDir), 0o700, 'the data folder')
      } finally {
        other?.close()
        await haven.close()
        await scratch.drop()
      }
    })

    it('V13.3.2 a backup is 0600, also where an interrupted backup left a looser file', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const config = configFor(scratch, scratch.dataDir, { HAVEN_DATA_DIR: scratch.dataDir })
      const haven = await openHaven(config)
      try {
        const out = tempDir()
        chmodSync(out, 0o755)
        const file = path.join(out, 'haven.backup')
        writeFileSync(`${file}.partial`, 'left over', { mode: 0o644 })
        chmodSync(`${file}.partial`, 0o644)
        await writeBackup(haven.ctx, file)
        assert.equal(modeOf(file), 0o600)
        writeFileSync(`${file}.partial`, 'left over again')
        chmodSync(file, 0o644)
        await writeBackup(haven.ctx, file)
        assert.equal(modeOf(file), 0o600, 'a backup written over an older, looser one')
      } finally {
        await haven.close()
        await scratch.drop()
      }
    })

    it('V13.3.2 the disposal ledger is written 0600, also when the file was looser', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const config = configFor(scratch, scratch.dataDir, { HAVEN_DATA_DIR: scratch.dataDir })
      const haven = await openHaven(config)
      try {
        const entry = {
          id: 'l1',
          centreId: 'c1',
          runId: 'r1',
          itemKind: 'family',
          itemId: 'f1',
          categories: ['family'],
          disposedAt: '2026-03-14T10:00:00.000Z',
        }
        const fresh = path.join(tempDir(), 'fresh-ledger.jsonl')
        await appendLedgerFile(fresh, haven.ctx.masterKey, [entry])
        assert.equal(modeOf(fresh), 0o600)
        const copied = path.join(tempDir(), 'copied-ledger.jsonl')
        writeFileSync(copied, '')
        chmodSync(copied, 0o664)
        await appendLedgerFile(copied, haven.ctx.masterKey, [entry])
        assert.equal(modeOf(copied), 0o600)
      } finally {
        await haven.close()
        await scratch.drop()
      }
    })
  })
}

describe('files on sqlite: what Haven refuses', () => {
  it('V13.3.2 refuses, in one line and changing nothing, a data folder shared with other users', async () => {
    for (const mode of [0o1777, 0o777]) {
      const dir = path.join(tempDir(), 'open-to-all')
      mkdirSync(dir)
      chmodSync(dir, mode)
      await assert.rejects(
        openDatabase({ dataDir: dir, mayCreateDataDir: false, databaseUrl: undefined }),
        (error: unknown) =>
          error instanceof PrivateFileError &&
          /is shared with other users \(mode [01]777\)/.test(error.message) &&
          !error.message.includes('\n'),
      )
      assert.equal(statSync(dir).mode & 0o7777, mode)
      assert.throws(() => statSync(path.join(dir, SQLITE_FILE_NAME)), /ENOENT/)
    }
  })

  it('V13.3.2 the haven command leaves nothing open to others, even under umask 000', async () => {
    const dir = tempDir()
    chmodSync(dir, 0o755)
    const previous = process.umask(0o000)
    let served: Awaited<ReturnType<typeof serveHaven>> | undefined
    try {
      served = await serveHaven({ HAVEN_DATA_DIR: dir })
      assert.equal(modeOf(dir), 0o700)
      for (const name of ['haven.db', 'haven.db-wal', 'haven.db-shm', 'master.key'])
        assert.equal(modeOf(path.join(dir, name)), 0o600, name)
      assert.equal(modeOf(path.join(dir, 'audit-signing.key')), 0o600)
    } finally {
      process.umask(previous)
      await served?.stop()
    }
  })
})

const postgres = (await dialectsUnderTest()).find((dialect) => dialect.name === 'postgres')

describe('database roles on PostgreSQL', { skip: postgres?.skip }, () => {
  /** The scratch database's URL, as another role (no password: the test server trusts). */
  const asRole = (scratch: ScratchDatabase, user: string, password?: string): string => {
    const url = new URL(scratch.url ?? '')
    url.username = user
    url.password = password ?? ''
    return url.toString()
  }
  const admin = async (text: string): Promise<void> => {
    const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL })
    await client.connect()
    try {
      await client.query(text)
    } finally {
      await client.end()
    }
  }
  const superuser = new URL(POSTGRES_ADMIN_URL)

  it('V13.2.2 refuses to start as a superuser, in one line', async () => {
    const scratch = await createScratchDatabase('postgres')
    try {
      await assert.rejects(
        openDatabase({
          dataDir: scratch.dataDir,
          mayCreateDataDir: false,
          databaseUrl: asRole(scratch, superuser.username, decodeURIComponent(superuser.password)),
        }),
        (error: unknown) =>
          error instanceof DatabaseOpenError &&
          /^the PostgreSQL role \S+ is a superuser, which bypasses the row-level security that keeps centres apart/.test(
            error.message,
          ) &&
          !error.message.includes('\n'),
      )
      const ordinary = await scratch.open()
      await ordinary.close()
    } finally {
      await scratch.drop()
    }
  })

  it('V13.2.2 refuses to start as a role with BYPASSRLS, in one line', async () => {
    const scratch = await createScratchDatabase('postgres')
    const role = `haven_bypass_${randomBytes(4).toString('hex')}`
    await admin(`create role ${role} login nosuperuser bypassrls password '${role}'`)
    try {
      await assert.rejects(
        openDatabase({
          dataDir: scratch.dataDir,
          mayCreateDataDir: false,
          databaseUrl: asRole(scratch, role, role),
        }),
        (error: unknown) =>
          error instanceof DatabaseOpenError &&
          error.message.startsWith(`the PostgreSQL role ${role} is a role with BYPASSRLS`) &&
          !error.message.includes('\n'),
      )
    } finally {
      await scratch.drop()
      await admin(`drop role if exists ${role}`)
    }
  })

  it('V13.2.2 the haven command run as a superuser stops with one line on stderr and exit 1', async () => {
    const scratch = await createScratchDatabase('postgres')
    try {
      const url = asRole(scratch, superuser.username, decodeURIComponent(superuser.password))
      for (const command of [['migrate'], ['serve'], ['centre', 'list']]) {
        const result = await runHaven(command, {
          DATABASE_URL: url,
          HAVEN_DATA_DIR: scratch.dataDir,
        })
        assert.equal(result.code, 1, command.join(' '))
        assert.match(result.stderr, /^haven: the PostgreSQL role \S+ is a superuser/)
        assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr)
        assert.doesNotMatch(result.stderr, NO_STACK)
      }
    } finally {
      await scratch.drop()
    }
  })
})
