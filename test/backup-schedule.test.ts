import assert from 'node:assert/strict'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { drillBackup } from '../src/app/backup-drill.ts'
import type { AppContext } from '../src/app/context.ts'
import { ensureDemoCentre } from '../src/app/demo-centre.ts'
import { takeScheduledBackup, type BackupSchedule } from '../src/app/scheduled-backup.ts'
import { backupFileName } from '../src/domain/backup-rotation.ts'
import { ROOM_NAMES } from '../src/domain/synthetic-names.ts'
import { migrateToLatest } from '../src/storage/migrate.ts'
import {
  createScratchDatabase,
  dialectsUnderTest,
  dumpEveryTable,
  TestClock,
  testContext,
} from './support/databases.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function folder(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `haven-${name}-`))
  dirs.push(dir)
  return dir
}

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** Dated files as earlier nights' backups would have left them (rotation reads names only). */
function earlierNights(dir: string, before: Date, nights: number): string[] {
  const names: string[] = []
  for (let i = 1; i <= nights; i += 1) {
    const name = backupFileName(new Date(before.getTime() - i * DAY))
    writeFileSync(path.join(dir, name), 'an older backup')
    names.push(name)
  }
  return names
}

for (const dialect of await dialectsUnderTest()) {
  describe(`scheduled backups on ${dialect.name}`, { skip: dialect.skip }, () => {
    it('takes the day’s backup at the configured UK time, copies it to the second place, rotates both, and the drill restores it whole', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const database = await scratch.open()
      try {
        await migrateToLatest(database.db)
        // 02:00 GMT on Wednesday 2 December 2026.
        const clock = new TestClock('2026-12-02T02:00:00Z')
        const ctx = testContext(database, clock)
        const demo = await ensureDemoCentre(ctx)
        assert.ok(demo)
        const dir = folder('backups')
        const copyDir = folder('second-place')
        const older = earlierNights(dir, clock.now(), 10)
        earlierNights(copyDir, clock.now(), 4)
        writeFileSync(path.join(dir, 'README.txt'), 'not a backup: rotation leaves it')
        const schedule: BackupSchedule = {
          dir,
          at: '02:30',
          copyDir,
          keep: { daily: 3, weekly: 0, monthly: 0 },
        }

        const early = await takeScheduledBackup(ctx, schedule)
        assert.equal(early.file, undefined, 'not yet 02:30')
        assert.equal(readdirSync(dir).length, 11, 'nothing written or deleted before the time')

        clock.advance(31 * MINUTE)
        const taken = await takeScheduledBackup(ctx, schedule)
        const name = 'haven-20261202T023100Z.backup'
        assert.equal(taken.file, path.join(dir, name))
        assert.equal(taken.copy, path.join(copyDir, name))
        const bytes = readFileSync(path.join(dir, name))
        assert.ok(bytes.equals(readFileSync(path.join(copyDir, name))), 'the copy is the same')
        assert.equal(statSync(path.join(dir, name)).mode & 0o777, 0o600)
        // Rotation: today's and the two nights before, in both places; other files stay.
        assert.deepEqual(readdirSync(dir).sort(), ['README.txt', older[1], older[0], name])
        assert.deepEqual(readdirSync(copyDir).sort(), [older[1], older[0], name])
        assert.ok(!readdirSync(copyDir).some((n) => n.endsWith('.partial')))

        // Encrypted: what is held in clear in the database is not in the file.
        const everything = await dumpEveryTable(database)
        const clear = ROOM_NAMES.filter((room) => everything.includes(room))
        assert.ok(clear.length > 0, 'the demo centre has rooms named in the database')
        for (const room of clear) assert.ok(!bytes.includes(room), `${room} is not in the backup`)

        clock.advance(10 * MINUTE)
        const again = await takeScheduledBackup(ctx, schedule)
        assert.equal(again.file, undefined, 'one backup a day')
        clock.advance(DAY)
        const tomorrow = await takeScheduledBackup(ctx, schedule)
        assert.equal(tomorrow.file, path.join(dir, 'haven-20261203T024100Z.backup'))

        // The drill restores it into a scratch SQLite database, whichever engine it came from.
        const drill = await drillBackup(path.join(dir, name), ctx.masterKey)
        assert.equal(drill.passed, true)
        const families = drill.tables.find((t) => t.table === 'families')
        assert.equal(families?.expected, demo.families)
        assert.equal(families.restored, demo.families)
        assert.ok(drill.tables.length > 20)
      } finally {
        await database.close()
        await scratch.drop()
      }
    })

    it('a second place that is not there is reported, the backup is still written in the first, and copied once the place is back', async () => {
      const scratch = await createScratchDatabase(dialect.name)
      const database = await scratch.open()
      try {
        await migrateToLatest(database.db)
        const ctx = testContext(database, new TestClock('2026-06-10T02:00:00Z'))
        const dir = folder('backups')
        const missing = path.join(folder('mount'), 'usb-drive')
        const schedule: BackupSchedule = {
          dir,
          at: '02:30',
          copyDir: missing,
          keep: { daily: 7, weekly: 5, monthly: 12 },
        }
        await assert.rejects(
          takeScheduledBackup(ctx, schedule),
          /second backup folder .*usb-drive is not there \(is the drive mounted\?\)/,
        )
        assert.ok(!existsSync(missing), 'an unmounted drive’s mount point is not filled')
        // 02:00 UTC is 03:00 BST: due.
        const name = 'haven-20260610T020000Z.backup'
        assert.deepEqual(readdirSync(dir), [name])
        // The drive is mounted again: the next tick copies the backup it missed, and no other.
        mkdirSync(missing)
        const caughtUp = await takeScheduledBackup(ctx, schedule)
        assert.equal(caughtUp.file, undefined, 'no second backup today')
        assert.equal(caughtUp.copy, path.join(missing, name))
        assert.deepEqual(readdirSync(missing), [name])
        assert.deepEqual(readdirSync(dir), [name])
        const quiet = await takeScheduledBackup(ctx, schedule)
        assert.deepEqual(quiet, { file: undefined, copy: undefined, removed: [] })
      } finally {
        await database.close()
        await scratch.drop()
      }
    })

    if (dialect.name === 'postgres')
      it('with two server processes against one PostgreSQL, the backup is taken once', async () => {
        const scratch = await createScratchDatabase(dialect.name)
        const first = await scratch.open()
        const second = await scratch.open()
        try {
          await migrateToLatest(first.db)
          const one = testContext(first, new TestClock('2026-12-02T02:30:00Z'))
          await ensureDemoCentre(one)
          // The other process: its own pool, the same keys, a clock a second on.
          const other: AppContext = {
            ...testContext(second, new TestClock('2026-12-02T02:30:01Z')),
            masterKey: one.masterKey,
            auditKey: one.auditKey,
          }
          const dir = folder('backups')
          mkdirSync(path.join(dir, 'unused'))
          const schedule: BackupSchedule = {
            dir,
            at: '02:30',
            copyDir: undefined,
            keep: { daily: 7, weekly: 5, monthly: 12 },
          }
          for (let round = 0; round < 3; round += 1) {
            const results = await Promise.all([
              takeScheduledBackup(one, schedule),
              takeScheduledBackup(other, schedule),
            ])
            assert.ok(results.filter((r) => r.file !== undefined).length <= 1)
          }
          const backups = readdirSync(dir).filter((n) => n.endsWith('.backup'))
          assert.equal(backups.length, 1, `one backup, not ${backups.join(', ')}`)
        } finally {
          await first.close()
          await second.close()
          await scratch.drop()
        }
      })
  })
}
