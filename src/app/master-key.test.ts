import assert from 'node:assert/strict'
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, it } from 'node:test'
import { dialectsUnderTest, withMigratedDatabase } from '../../test/support/databases.ts'
import { HavenError } from '../domain/errors.ts'
import { newMasterKeyBytes } from './field-crypto.ts'
import { loadMasterKey } from './master-key.ts'

const NOW = new Date('2026-03-14T10:00:00Z')

for (const dialect of await dialectsUnderTest()) {
  describe(`the master key on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('is made once for a new database, private to its owner, and found again', () =>
      withMigratedDatabase(dialect.name, async ({ db }, scratch) => {
        const file = path.join(scratch.dataDir, 'keys', 'master.key')
        const first = await loadMasterKey(db, file, NOW)
        assert.ok(existsSync(file))
        assert.equal(statSync(file).mode & 0o777, 0o600)
        const again = await loadMasterKey(db, file, NOW)
        assert.deepEqual(again.bytes, first.bytes)
      }))

    it('stops start-up when the key file is gone, rather than make a new key', () =>
      withMigratedDatabase(dialect.name, async ({ db }, scratch) => {
        const file = path.join(scratch.dataDir, 'master.key')
        await loadMasterKey(db, file, NOW)
        rmSync(file)
        await assert.rejects(
          loadMasterKey(db, file, NOW),
          (error: unknown) => error instanceof HavenError && /is missing/.test(error.message),
        )
        assert.equal(existsSync(file), false)
      }))

    it('stops start-up on the wrong key', () =>
      withMigratedDatabase(dialect.name, async ({ db }, scratch) => {
        const file = path.join(scratch.dataDir, 'master.key')
        await loadMasterKey(db, file, NOW)
        writeFileSync(file, newMasterKeyBytes().toString('base64'))
        await assert.rejects(
          loadMasterKey(db, file, NOW),
          (error: unknown) => error instanceof HavenError && /not the key/.test(error.message),
        )
      }))

    it('refuses a key file that holds no key', () =>
      withMigratedDatabase(dialect.name, async ({ db }, scratch) => {
        const file = path.join(scratch.dataDir, 'master.key')
        writeFileSync(file, 'not a key')
        await assert.rejects(loadMasterKey(db, file, NOW), /does not hold a 32-byte key/)
      }))
  })
}
