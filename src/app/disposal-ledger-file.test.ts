import assert from 'node:assert/strict'
import {
  appendFileSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, describe, it } from 'node:test'
import {
  appendLedgerFile,
  carryLedgerKey,
  markLedgerBatch,
  readLedgerFile,
} from './disposal-ledger-file.ts'
import { masterKeyFrom, newMasterKeyBytes } from './field-crypto.ts'
import {
  disposeInLedger as dispose,
  familiesInLedger as namesIn,
  ledgerEntry as entry,
} from '../../test/support/ledger.ts'

const dirs: string[] = []
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})
const ledgerPath = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'haven-ledger-'))
  dirs.push(dir)
  return path.join(dir, 'disposal-ledger.jsonl')
}
const newKey = () => masterKeyFrom(newMasterKeyBytes())

// RETAIN (decisions 0016, 0036, 0051): the ledger is what stops a restore bringing back what
// was destroyed.
describe('the disposal ledger file', () => {
  it('goes on after a line cut short by a crash, reading the line glued to it', async () => {
    const file = ledgerPath()
    const key = newKey()
    await dispose(file, key, 'before')
    // A disposal's intent cut short mid-write: it never committed.
    appendFileSync(file, '{"v":2,"batch":"batch-cut","id":"line-cu')
    assert.deepEqual(namesIn(file, key), ['family-before'], 'the cut line is not read')
    await dispose(file, key, 'after')
    assert.deepEqual(namesIn(file, key), ['family-before', 'family-after'])
    // Nothing cut off: another process's write in progress may look the same from here.
    assert.ok(readFileSync(file, 'utf8').includes('"id":"line-cu{"v":2'))
    // Glued, the entry must still verify.
    writeFileSync(file, readFileSync(file, 'utf8').replace('family-after', 'family-other'))
    assert.throws(() => readLedgerFile(file, key), /line 3 does not verify/)
  })

  it('carries its key to a new master key past a line cut short', async () => {
    const file = ledgerPath()
    const old = newKey()
    const next = newKey()
    await dispose(file, old, 'before')
    appendFileSync(file, '{"v":2,"batch":"batch-cut","id":"line-cu')
    await carryLedgerKey(file, old, next)
    await dispose(file, next, 'after')
    assert.deepEqual(namesIn(file, next), ['family-before', 'family-after'])
    assert.deepEqual(namesIn(file, old), ['family-before', 'family-after'])
  })

  it('refuses to carry a key for a ledger that does not verify, and adds nothing to it', async () => {
    const file = ledgerPath()
    const old = newKey()
    await dispose(file, old, 'before')
    const text = readFileSync(file, 'utf8').replace('family-before', 'family-other')
    writeFileSync(file, text)
    await assert.rejects(carryLedgerKey(file, old, newKey()), /line 1 does not verify/)
    assert.equal(readFileSync(file, 'utf8'), text)
  })

  it('keeps a committed batch committed, whatever mark follows it', async () => {
    const file = ledgerPath()
    const key = newKey()
    await dispose(file, key, 'kept')
    await markLedgerBatch(file, key, 'batch-kept', 'abandoned')
    assert.deepEqual(namesIn(file, key), ['family-kept'])
    // Settled as abandoned while still committing, then marked committed: it counts.
    await appendLedgerFile(file, key, [entry('late')], 'batch-late')
    await markLedgerBatch(file, key, 'batch-late', 'abandoned')
    await markLedgerBatch(file, key, 'batch-late', 'committed')
    assert.deepEqual(namesIn(file, key), ['family-kept', 'family-late'])
  })

  it('finds the key of a ledger put back in place of another, not the one it saw before', async () => {
    const file = ledgerPath()
    const old = newKey()
    const next = newKey()
    await dispose(file, old, 'before')
    await carryLedgerKey(file, old, next)
    // A server started under the new key (its own copy, nothing learnt yet); the ledger is
    // moved aside as it first writes, so a new file begins.
    const server = masterKeyFrom(Buffer.from(next.bytes))
    renameSync(file, `${file}.aside`)
    await dispose(file, server, 'stray')
    // The ledger put back, as the doctor advises; the server goes on writing to it.
    renameSync(`${file}.aside`, file)
    await dispose(file, server, 'after')
    assert.deepEqual(namesIn(file, next), ['family-before', 'family-after'])
    assert.deepEqual(namesIn(file, old), ['family-before', 'family-after'])
  })

  it('begins a new file private to Haven', async () => {
    const file = ledgerPath()
    await carryLedgerKey(file, newKey(), newKey())
    assert.equal(statSync(file).mode & 0o777, 0o600)
  })
})
