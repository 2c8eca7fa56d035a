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
import { masterKeyFrom } from '../src/app/field-crypto.ts'
import { readKeyFile } from '../src/storage/key-file.ts'
import { rewriteChain } from './support/audit-tamper.ts'
import { disposeInLedger, familiesInLedger } from './support/ledger.ts'
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

describe('haven audit verify against checkpoints held outside (issue 16)', () => {
  /** A centre, a checkpoint handed out to a file outside the database, then more entries. */
  async function handedOut() {
    const dir = mkdtempSync(path.join(tmpdir(), 'haven-anchor-'))
    dirs.push(dir)
    const outside = path.join(dir, 'elsewhere.jsonl')
    const env = { HAVEN_DATA_DIR: dir, HAVEN_DEMO: 'false', HAVEN_AUDIT_CHECKPOINT_FILE: outside }
    const made = await runHaven(
      ['centre', 'create', '--name', 'Ashbury', '--coordinator-email', 'c@ashbury.example.org'],
      env,
    )
    assert.equal(made.code, 0, made.stderr)
    assert.equal((await runHaven(['audit', 'checkpoint'], env)).code, 0)
    const exported = path.join(dir, 'exported.json')
    writeFileSync(exported, (await runHaven(['audit', 'export-checkpoints'], env)).stdout)
    assert.equal(readFileSync(outside, 'utf8').trim().split('\n').length, 1, 'handed out as signed')
    return { dir, env, outside, exported, file: path.join(dir, 'haven.db') }
  }
  const verify = (env: Record<string, string>, anchors: string) =>
    runHaven(['audit', 'verify', '--checkpoints', anchors], env)
  /** An insider with the database file: the log's guards dropped. */
  function insider(file: string): DatabaseSync {
    const db = new DatabaseSync(file)
    db.exec('drop trigger if exists audit_log_no_update')
    db.exec('drop trigger if exists audit_log_no_delete')
    db.exec('drop trigger if exists audit_checkpoints_no_delete')
    db.exec('drop trigger if exists audit_checkpoints_no_update')
    return db
  }

  it('passes an untouched log against both forms of the file', async () => {
    const { env, outside, exported } = await handedOut()
    for (const anchors of [outside, exported]) {
      const good = await verify(env, anchors)
      assert.equal(good.code, 0, good.stderr)
      assert.match(good.stdout, /1 checkpoints from /)
    }
  })

  it('catches a log whose entries and checkpoints were all deleted', async () => {
    const { env, outside, file } = await handedOut()
    const db = insider(file)
    db.exec('delete from audit_checkpoints')
    db.exec('delete from audit_log')
    db.close()
    const unanchored = await runHaven(['audit', 'verify'], env)
    assert.equal(unanchored.code, 1, 'an empty log beside centres fails even without the file')
    assert.match(unanchored.stderr, /the log is empty, but the database holds 1 centre/)
    const anchored = await verify(env, outside)
    assert.equal(anchored.code, 1)
    assert.match(anchored.stderr, /entries were removed|the log is empty/)
  })

  it('catches a chain recomputed after its checkpoints were deleted', async () => {
    const { env, outside, exported, file } = await handedOut()
    const db = insider(file)
    // Rewrite the first entry, and recompute every hash after it as Haven would, so that the
    // log holds together on its own; the database's own checkpoints are removed.
    db.exec('delete from audit_checkpoints')
    db.close()
    rewriteChain(file)
    const unanchored = await runHaven(['audit', 'verify'], env)
    assert.equal(unanchored.code, 0, 'the recomputed log holds together on its own')
    for (const anchors of [outside, exported]) {
      const anchored = await verify(env, anchors)
      assert.equal(anchored.code, 1, anchors)
      assert.match(anchored.stderr, /differs from the signed checkpoint/)
    }
  })

  it('refuses a file that holds no checkpoints, naming the line', async () => {
    const { env, dir } = await handedOut()
    const bad = path.join(dir, 'bad.jsonl')
    writeFileSync(bad, '{"chain":"x","seq":1}\n')
    const refused = await verify(env, bad)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /line 1 of the checkpoint file is not a checkpoint/)
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
    // The disposal ledger's key, sealed under the new master key, begins the ledger file: a
    // disposal written under the new key is read by the old one (kept for older backups).
    const ledger = path.join(dir, 'disposal-ledger.jsonl')
    assert.match(readFileSync(ledger, 'utf8'), /^\{"v":3,"ledgerKey":"[^"]+"\}\n$/)
    const newKey = masterKeyFrom(readKeyFile(path.join(dir, 'master.key')) ?? Buffer.alloc(0))
    const oldKey = masterKeyFrom(readKeyFile(path.join(dir, 'old.key')) ?? Buffer.alloc(0))
    await disposeInLedger(ledger, newKey, '1')
    assert.deepEqual(familiesInLedger(ledger, oldKey), ['family-1'])
    assert.deepEqual(familiesInLedger(ledger, newKey), ['family-1'])
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
