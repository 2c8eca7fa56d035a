import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import { backupFileName } from '../src/domain/backup-rotation.ts'
import { runHaven, serveHaven } from './support/processes.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

function folder(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `haven-${name}-`))
  dirs.push(dir)
  return dir
}

/** The live database's files, hashed: a drill must leave every byte as it was. */
function fingerprint(dataDir: string): string {
  const hash = createHash('sha256')
  for (const name of readdirSync(dataDir).sort()) {
    if (!name.startsWith('haven.db')) continue
    hash.update(name).update(readFileSync(path.join(dataDir, name)))
  }
  return hash.digest('hex')
}

describe('haven backup from a timer, rotate and drill', () => {
  it('haven serve takes the day’s backup once it is due, copies it, and reports a bad setting', async () => {
    const dataDir = folder('data')
    const backups = folder('backups')
    const copies = folder('copies')
    // 00:00: whenever the test runs, today's backup is due and none was taken yet.
    const env = {
      HAVEN_DATA_DIR: dataDir,
      HAVEN_BACKUP_DIR: backups,
      HAVEN_BACKUP_COPY_DIR: copies,
      HAVEN_BACKUP_AT: '00:00',
    }
    const served = await serveHaven(env)
    try {
      for (let i = 0; i < 100 && !readdirSync(copies).some((n) => n.endsWith('.backup')); i += 1)
        await new Promise((resolve) => setTimeout(resolve, 100))
      const written = readdirSync(backups)
      assert.equal(written.length, 1, served.stderr())
      assert.match(written[0] ?? '', /^haven-\d{8}T\d{6}Z\.backup$/)
      assert.deepEqual(readdirSync(copies), written)
    } finally {
      await served.stop()
    }
    const bad = await runHaven(['serve'], { ...env, HAVEN_BACKUP_AT: '2:30am' })
    assert.notEqual(bad.code, 0)
    assert.match(bad.stderr, /HAVEN_BACKUP_AT must be a time of day as HH:MM/)
  })

  it('writes a dated backup into a folder and its copy, rotates both, and the drill passes without touching the live database', async () => {
    const dataDir = folder('data')
    const backups = folder('backups')
    const copies = folder('copies')
    const env = {
      HAVEN_DATA_DIR: dataDir,
      HAVEN_DEMO: 'false',
      HAVEN_BACKUP_DIR: backups,
      HAVEN_BACKUP_COPY_DIR: copies,
      HAVEN_BACKUP_KEEP_DAILY: '2',
      HAVEN_BACKUP_KEEP_WEEKLY: '0',
      HAVEN_BACKUP_KEEP_MONTHLY: '0',
    }
    const demo = await runHaven(['demo', 'create', '--slug', 'riverside', '--families', '4'], env)
    assert.equal(demo.code, 0, demo.stderr)

    // Three older nights in each place, and a file that is not a backup.
    const now = Date.now()
    for (const days of [3, 4, 5]) {
      const name = backupFileName(new Date(now - days * 86_400_000))
      writeFileSync(path.join(backups, name), 'older')
      writeFileSync(path.join(copies, name), 'older')
    }
    writeFileSync(path.join(backups, 'notes.txt'), 'kept')

    const made = await runHaven(['backup', '--out', backups], env)
    assert.equal(made.code, 0, made.stderr)
    const name = /backup written to .*(haven-\d{8}T\d{6}Z\.backup):/.exec(made.stdout)?.[1]
    assert.ok(name, made.stdout)
    assert.match(made.stdout, new RegExp(`copied to ${copies}/${name}`))
    assert.ok(readFileSync(path.join(backups, name)).equals(readFileSync(path.join(copies, name))))

    const rotated = await runHaven(['backup', 'rotate'], env)
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.match(rotated.stdout, new RegExp(`^${backups}: kept 2 backups, deleted 2$`, 'm'))
    assert.match(rotated.stdout, new RegExp(`^${copies}: kept 2 backups, deleted 2$`, 'm'))
    assert.equal(readdirSync(backups).length, 3, 'the new one, the night before, notes.txt')
    assert.ok(readdirSync(backups).includes('notes.txt'))
    assert.ok(readdirSync(backups).includes(name))

    // The newest dated file is the new one: the drill restores it.
    const before = fingerprint(dataDir)
    const drill = await runHaven(['backup', 'drill'], env)
    assert.equal(drill.code, 0, drill.stdout + drill.stderr)
    assert.match(drill.stdout, new RegExp(`^drilling ${backups}/${name}$`, 'm'))
    assert.match(drill.stdout, /^families: 4 in the backup, 4 restored$/m)
    assert.match(drill.stdout, /^centres: 1 in the backup, 1 restored$/m)
    assert.match(drill.stdout, /^the drill passed: the backup of \S+ restores whole$/m)
    assert.doesNotMatch(drill.stdout, /MISMATCH/)
    assert.equal(fingerprint(dataDir), before, 'the live database is not touched')

    // From the second place too.
    const second = await runHaven(['backup', 'drill', '--from', copies], env)
    assert.equal(second.code, 0, second.stdout)
    assert.match(second.stdout, /the drill passed/)
  })

  it('fails, with a clear line and exit 1, on a changed backup, one made under another key, and an empty folder', async () => {
    const dataDir = folder('data')
    const otherDir = folder('other')
    const backups = folder('backups')
    const env = { HAVEN_DATA_DIR: dataDir, HAVEN_DEMO: 'false' }
    const demo = await runHaven(['demo', 'create', '--slug', 'millbrook', '--families', '2'], env)
    assert.equal(demo.code, 0, demo.stderr)
    const file = path.join(backups, backupFileName(new Date()))
    const made = await runHaven(['backup', '--out', file], env)
    assert.equal(made.code, 0, made.stderr)

    const changed = folder('changed')
    const bytes = readFileSync(file)
    const at = bytes.length - 40
    bytes.writeUInt8((bytes.readUInt8(at) ^ 0x01) & 0xff, at)
    writeFileSync(path.join(changed, path.basename(file)), bytes)
    const corrupt = await runHaven(['backup', 'drill', '--from', changed], env)
    assert.equal(corrupt.code, 1, corrupt.stdout + corrupt.stderr)
    assert.match(corrupt.stdout, /^the drill failed: the backup does not verify/m)

    const cut = folder('cut')
    writeFileSync(path.join(cut, path.basename(file)), bytes.subarray(0, 200))
    const short = await runHaven(['backup', 'drill', '--from', cut], env)
    assert.equal(short.code, 1)
    assert.match(short.stdout, /^the drill failed: the backup (is cut short|does not verify)/m)

    // Another installation, with its own master key, cannot read it.
    const other = await runHaven(['demo', 'create', '--slug', 'elsewhere', '--families', '1'], {
      HAVEN_DATA_DIR: otherDir,
      HAVEN_DEMO: 'false',
    })
    assert.equal(other.code, 0, other.stderr)
    mkdirSync(path.join(otherDir, 'in'))
    copyFileSync(file, path.join(otherDir, 'in', path.basename(file)))
    const foreign = await runHaven(['backup', 'drill', '--from', path.join(otherDir, 'in')], {
      HAVEN_DATA_DIR: otherDir,
    })
    assert.equal(foreign.code, 1, foreign.stdout + foreign.stderr)
    assert.match(foreign.stdout, /^the drill failed: this backup was made by another Haven/m)

    const empty = await runHaven(['backup', 'drill', '--from', folder('empty')], env)
    assert.equal(empty.code, 1)
    assert.match(empty.stdout, /^the drill failed: there is no dated backup in /m)

    const unset = await runHaven(['backup', 'drill'], env)
    assert.equal(unset.code, 2, 'no folder named: a usage error')
  })
})
