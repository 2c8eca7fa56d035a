import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { auditEntryHash, GENESIS_HASH } from './audit-chain.ts'
import { AuditRangeCheck, cutRanges, joinRanges, type StoredAuditRow } from './audit-range.ts'

/** Two chains, a and b, written in turn: a1 b1 a2 b2 … */
function log(perChain: number): StoredAuditRow[] {
  const heads = new Map([
    ['a', GENESIS_HASH],
    ['b', GENESIS_HASH],
  ])
  const rows: StoredAuditRow[] = []
  for (let n = 1; n <= perChain; n += 1)
    for (const chain of ['a', 'b']) {
      const prevHash = heads.get(chain) ?? GENESIS_HASH
      const entry = {
        seq: n,
        centreId: chain,
        at: '2026-03-14T10:00:00.000Z',
        type: 'records.listed',
        actorId: undefined,
        subjectId: undefined,
        details: '{}',
      }
      const hash = auditEntryHash(prevHash, entry)
      rows.push({
        logSeq: rows.length + 1,
        chain,
        chainSeq: n,
        centreId: chain,
        at: entry.at,
        type: entry.type,
        actorId: null,
        subjectId: null,
        details: entry.details,
        prevHash,
        hash,
      })
      heads.set(chain, hash)
    }
  return rows
}

function check(
  rows: readonly StoredAuditRow[],
  ranges: number,
  heads = new Map([
    ['a', 5],
    ['b', 5],
  ]),
) {
  const parts = cutRanges(1, Math.max(0, ...rows.map((r) => r.logSeq)), ranges).map(
    ([from, to]) => {
      const range = new AuditRangeCheck(heads, new Set(['a:3']))
      for (const row of rows) if (row.logSeq >= from && row.logSeq <= to) range.add(row)
      return range.result()
    },
  )
  return joinRanges(parts, heads)
}

describe('the audit log checked in ranges', () => {
  it('cuts places into ranges that cover each place once, in order', () => {
    assert.deepEqual(cutRanges(1, 10, 3), [
      [1, 3],
      [4, 6],
      [7, 10],
    ])
    assert.deepEqual(cutRanges(5, 6, 4), [
      [5, 5],
      [6, 6],
    ])
    assert.deepEqual(cutRanges(1, 0, 2), [])
  })

  for (const ranges of [1, 2, 3, 10])
    it(`finds the same in ${String(ranges)} ranges as in one`, () => {
      const whole = check(log(5), ranges)
      assert.equal(whole.entries, 10)
      assert.deepEqual(whole.problems, [])
      assert.deepEqual(
        whole.lastSeqOf,
        new Map([
          ['a', 5],
          ['b', 5],
        ]),
      )
      assert.equal(whole.named.size, 1)

      const gap = log(5).filter((r) => !(r.chain === 'b' && r.chainSeq === 3))
      assert.deepEqual(check(gap, ranges).problems[0], {
        chain: 'b',
        seq: 4,
        problem: 'expected entry 3, found 4',
      })

      const changed = log(5).map((r) =>
        r.chain === 'a' && r.chainSeq === 4 ? { ...r, details: '{"forged":true}' } : r,
      )
      assert.deepEqual(check(changed, ranges).problems[0], {
        chain: 'a',
        seq: 4,
        problem: 'was changed after it was written',
      })
    })

  it('does not look at entries written after the check began', () => {
    const result = check(log(5), 2, new Map([['a', 3]]))
    assert.equal(result.entries, 3)
    assert.deepEqual(result.problems, [])
  })

  it('names a chain that ends before its head as cut short', () => {
    const cut = log(5).filter((r) => !(r.chain === 'a' && (r.chainSeq ?? 0) > 3))
    assert.deepEqual(check(cut, 2).problems, [
      { chain: 'a', seq: 4, problem: 'expected entry 4, found the end of the chain' },
    ])
  })
})
