import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  copyFileSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import { after, describe, it } from 'node:test'
import { runHaven } from './support/processes.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

describe('haven audit', () => {
  it('signs checkpoints, hands them out, and names the first bad entry after tampering', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-audit-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    const created = await runHaven(
      ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
      env,
    )
    assert.equal(created.code, 0, created.stderr)
    const signed = await runHaven(['audit', 'checkpoint'], env)
    assert.equal(signed.code, 0, signed.stderr)
    const checkpoints = JSON.parse(signed.stdout) as { chain: string; seq: number; keyId: string }[]
    assert.equal(checkpoints.length, 1, 'one chain: the new centre')
    const checkpoint = checkpoints[0]!
    assert.equal(checkpoint.seq, 2)
    assert.notEqual(checkpoint.chain, '')
    const exported = await runHaven(['audit', 'export-checkpoints'], env)
    const handedOut = JSON.parse(exported.stdout) as { publicKey: string; keyId: string }
    assert.equal(handedOut.keyId, checkpoint.keyId)
    assert.match(handedOut.publicKey, /BEGIN PUBLIC KEY/)
    const pinned = path.join(dir, 'pinned.pem')
    writeFileSync(pinned, handedOut.publicKey)

    const good = await runHaven(['audit', 'verify', '--public-key', pinned], env)
    assert.equal(good.code, 0, good.stderr)
    assert.match(good.stdout, /audit log holds: 2 entries in 1 chains, 1 signed checkpoints/)

    const db = new DatabaseSync(path.join(dir, 'haven.db'))
    db.exec('drop trigger audit_log_no_update')
    db.exec(`update audit_log set type = 'centre.renamed' where seq = 1`)
    db.close()
    const bad = await runHaven(['audit', 'verify'], env)
    assert.equal(bad.code, 1)
    assert.equal(
      bad.stderr.trim(),
      `audit log: the chain of centre ${checkpoint.chain}, entry 1 was changed after it was written`,
    )

    const wrongKey = path.join(dir, 'not-a-key.pem')
    writeFileSync(wrongKey, 'hello')
    const refused = await runHaven(['audit', 'verify', '--public-key', wrongKey], env)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /not an Ed25519 public key/)
  })
})

describe('haven keys rotate', () => {
  it('re-seals everything under a new master key, and the old key no longer opens the database', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-keys-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    assert.equal((await runHaven(['demo', 'create', '--families', '3'], env)).code, 0)
    const before = readFileSync(path.join(dir, 'master.key'), 'utf8')
    copyFileSync(path.join(dir, 'master.key'), path.join(dir, 'old.key'))
    const rotated = await runHaven(['keys', 'rotate'], env)
    assert.equal(rotated.code, 0, rotated.stderr)
    assert.match(rotated.stdout, /master key rotated: \d+ sealed values re-sealed/)
    assert.notEqual(readFileSync(path.join(dir, 'master.key'), 'utf8'), before)
    assert.ok(!existsSync(path.join(dir, 'master.key.next')))
    const listed = await runHaven(['centre', 'list'], env)
    assert.equal(listed.code, 0, listed.stderr)
    const withOld = await runHaven(['centre', 'list'], {
      ...env,
      HAVEN_MASTER_KEY_FILE: path.join(dir, 'old.key'),
    })
    assert.equal(withOld.code, 1)
    assert.match(withOld.stderr, /not the key this database was made with/)
    const verified = await runHaven(['audit', 'verify'], env)
    assert.equal(verified.code, 0, verified.stderr)
  })

  it('finishes a rotation that committed but did not put the new file in place', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-keys-'))
    dirs.push(dir)
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false' }
    assert.equal((await runHaven(['demo', 'create', '--families', '2'], env)).code, 0)
    const keyFile = path.join(dir, 'master.key')
    assert.equal((await runHaven(['keys', 'rotate'], env)).code, 0)
    // Pretend the last step (the rename) never happened: old key in place, new one beside it.
    renameSync(keyFile, `${keyFile}.next`)
    writeFileSync(keyFile, `${randomBytes(32).toString('base64')}\n`)
    const listed = await runHaven(['centre', 'list'], env)
    assert.equal(listed.code, 0, listed.stderr)
    // The operator sees every centre with its counts (the public front page shows none).
    assert.match(listed.stdout, /^demo\t.+\t2 families, \d+ sessions\tlisted on the front page$/m)
    assert.ok(!existsSync(`${keyFile}.next`))
  })
})
