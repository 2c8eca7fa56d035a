import assert from 'node:assert/strict'
import { generateKeyPairSync } from 'node:crypto'
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { writeAuditCheckpoints } from '../src/app/audit-trail.ts'
import { createCentre } from '../src/app/centres.ts'
import { openHaven } from '../src/app/runtime.ts'
import { loadConfig } from '../src/config.ts'
import { isHavenError } from '../src/domain/errors.ts'
import { SQLITE_FILE_NAME } from '../src/storage/database.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  type ScratchDatabase,
} from './support/databases.ts'
import { runHaven } from './support/processes.ts'

/**
 * Issue 16: keys and files are never silently replaced. A data folder that holds keys has had
 * a database: a missing, empty or schema-less one in its place is refused, naming the file,
 * rather than started afresh ("No centres."). Once the log has signed checkpoints, the audit
 * key that signed them must be there, and no other.
 */
const scratches: ScratchDatabase[] = []
after(async () => {
  for (const scratch of scratches) await scratch.drop()
})
async function scratchOf(dialect: 'sqlite' | 'postgres'): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase(dialect)
  scratches.push(scratch)
  return scratch
}
const envOf = (scratch: ScratchDatabase): Record<string, string> => ({
  HAVEN_DATA_DIR: scratch.dataDir,
  ...(scratch.url === undefined ? {} : { DATABASE_URL: scratch.url }),
})
const configOf = (scratch: ScratchDatabase) => loadConfig(envOf(scratch), scratch.dataDir)

async function refusal(work: () => Promise<unknown>): Promise<string> {
  try {
    await work()
  } catch (error) {
    assert.ok(isHavenError(error) && error.code === 'unavailable', String(error))
    return error.message
  }
  assert.fail('it opened')
}

/** A first start: the database, the master key, the audit key; then a checkpoint signed. */
async function firstStart(scratch: ScratchDatabase): Promise<void> {
  const haven = await openHaven(configOf(scratch))
  try {
    await createCentre(haven.ctx, {
      name: 'Centre alder',
      slug: 'alder',
      coordinatorEmail: 'c@alder.example.org',
    })
    const signed = await writeAuditCheckpoints(
      haven.database.db,
      haven.ctx.auditKey,
      haven.ctx.now(),
    )
    assert.ok(signed.length > 0)
  } finally {
    await haven.close()
  }
}

for (const dialect of await dialectsUnderTest()) {
  describe(`never silently replaced, on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('a data folder that holds keys is not given a new, empty database in place of its own', async () => {
      const scratch = await scratchOf(dialect.name)
      await firstStart(scratch)
      const config = configOf(scratch)
      if (dialect.name === 'sqlite') {
        const file = path.join(scratch.dataDir, SQLITE_FILE_NAME)
        for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true })
        const missing = await refusal(() => openHaven(config))
        assert.match(missing, /haven\.db is missing/)
        assert.match(missing, /master\.key/)
        assert.equal(existsSync(file), false, 'nothing was created in its place')
        writeFileSync(file, '')
        assert.match(await refusal(() => openHaven(config)), /haven\.db is empty/)
        rmSync(file)
        // The command line says so in one line, and exits 1.
        const cli = await runHaven(['migrate'], envOf(scratch))
        assert.equal(cli.code, 1)
        assert.match(cli.stderr, /haven\.db is missing/)
        assert.equal(cli.stderr.trim().split('\n').length, 1, cli.stderr)
        assert.equal(existsSync(file), false)
      } else {
        // The same keys pointed at another, empty PostgreSQL database.
        const other = await scratchOf('postgres')
        const elsewhere = loadConfig(
          { HAVEN_DATA_DIR: scratch.dataDir, DATABASE_URL: other.url ?? '' },
          scratch.dataDir,
        )
        assert.match(await refusal(() => openHaven(elsewhere)), /holds no Haven schema/)
        const cli = await runHaven(['migrate'], {
          HAVEN_DATA_DIR: scratch.dataDir,
          DATABASE_URL: other.url ?? '',
        })
        assert.equal(cli.code, 1)
        assert.match(cli.stderr, /holds no Haven schema/)
        // A restore is what fills a new database beside the keys: that is let through.
        const restoring = await openHaven(elsewhere, undefined, { isNewDatabaseExpected: true })
        await restoring.close()
      }
      // Its own database back in place opens as before.
      if (dialect.name === 'postgres') await (await openHaven(config)).close()
    })

    it('once checkpoints are signed, the audit key must be the one that signed them', async () => {
      const scratch = await scratchOf(dialect.name)
      await firstStart(scratch)
      const config = configOf(scratch)
      const original = readFileSync(config.auditKeyFile)
      const exported = await runHaven(['audit', 'export-checkpoints'], envOf(scratch))
      const pinned = path.join(scratch.dataDir, 'pinned.pem')
      writeFileSync(pinned, (JSON.parse(exported.stdout) as { publicKey: string }).publicKey)
      rmSync(config.auditKeyFile)
      const missing = await refusal(() => openHaven(config))
      assert.match(missing, /audit signing key file .* is missing/)
      assert.equal(existsSync(config.auditKeyFile), false, 'no new key was made')
      // An auditor with the public key alone can still check the log.
      const audited = await runHaven(['audit', 'verify', '--public-key', pinned], envOf(scratch))
      assert.equal(audited.code, 0, audited.stderr)
      assert.match(audited.stdout, /audit log holds/)
      assert.equal(existsSync(config.auditKeyFile), false, 'and still no new key')
      const unkeyed = await runHaven(['audit', 'verify'], envOf(scratch))
      assert.equal(unkeyed.code, 1)
      assert.match(unkeyed.stderr, /audit signing key file .* is missing/)
      writeFileSync(
        config.auditKeyFile,
        generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }),
        { mode: 0o600 },
      )
      assert.match(await refusal(() => openHaven(config)), /is not the key that signed/)
      writeFileSync(config.auditKeyFile, original, { mode: 0o600 })
      const haven = await openHaven(config)
      await haven.close()
    })

    it('a first start with no keys and no database makes both', async () => {
      const scratch = await scratchOf(dialect.name)
      const haven = await openHaven(configOf(scratch))
      await haven.close()
      const config = configOf(scratch)
      assert.ok(existsSync(config.masterKeyFile) && existsSync(config.auditKeyFile))
    })
  })
}
