import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  auditEntryHash,
  canonicalJson,
  findChainBreak,
  GENESIS_HASH,
  type AuditEntry,
} from './audit-chain.ts'

type Linked = AuditEntry & { prevHash: string; hash: string }

function chain(count: number): Linked[] {
  const entries: Linked[] = []
  let prevHash = GENESIS_HASH
  for (let seq = 1; seq <= count; seq += 1) {
    const entry = {
      seq,
      centreId: 'c1',
      at: `2026-11-21T10:00:0${seq % 10}.000Z`,
      type: 'sign_in.succeeded',
      actorId: `a${seq}`,
      subjectId: undefined,
      details: canonicalJson({ n: seq }),
    }
    const hash = auditEntryHash(prevHash, entry)
    entries.push({ ...entry, prevHash, hash })
    prevHash = hash
  }
  return entries
}

describe('the audit hash chain', () => {
  it('verifies an untouched chain', () => {
    assert.equal(findChainBreak(chain(20)), undefined)
    assert.equal(findChainBreak([]), undefined)
  })

  it('finds a changed entry', () => {
    const entries = chain(10)
    entries[4] = { ...entries[4]!, actorId: 'someone-else' }
    assert.deepEqual(findChainBreak(entries), {
      seq: 5,
      problem: 'was changed after it was written',
    })
  })

  it('finds a removed entry', () => {
    const entries = chain(10)
    entries.splice(6, 1)
    assert.equal(findChainBreak(entries)?.seq, 8)
  })

  it('finds reordered entries', () => {
    const entries = chain(10)
    const [a, b] = [entries[2]!, entries[3]!]
    entries[2] = b
    entries[3] = a
    assert.equal(findChainBreak(entries)?.seq, 4)
  })

  it('finds an inserted entry even with a correct hash of its own', () => {
    const entries = chain(5)
    const forged = {
      seq: 3,
      centreId: 'c1',
      at: '2026-11-21T10:00:00.000Z',
      type: 'x',
      actorId: undefined,
      subjectId: undefined,
      details: '{}',
    }
    entries.splice(2, 0, {
      ...forged,
      prevHash: entries[1]!.hash,
      hash: auditEntryHash(entries[1]!.hash, forged),
    })
    assert.equal(findChainBreak(entries)?.seq, 3)
  })

  it('hashes details the same whatever the key order', () => {
    assert.equal(
      canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 3 } }),
      '{"a":{"c":3,"d":[2,{"y":2,"z":1}]},"b":1}',
    )
  })
})
