import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { auditEntryHash, canonicalEntry, findChainBreak, GENESIS_HASH } from './audit-chain.ts'
import {
  AuditRangeCheck,
  cutRanges,
  joinRanges,
  type ChainProblem,
  type StoredAuditRow,
  type StoredAuditValues,
} from './audit-range.ts'
import { seededRandom } from './random.ts'

/** Chains (by default a and b) written in turn: a1 b1 a2 b2 … */
function log(perChain: number, chains = ['a', 'b']): StoredAuditRow[] {
  const heads = new Map(chains.map((chain) => [chain, GENESIS_HASH]))
  const rows: StoredAuditRow[] = []
  for (let n = 1; n <= perChain; n += 1)
    for (const chain of chains) {
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

/** The row's hash had it been written after `prevHash`. */
function rehashed(row: StoredAuditRow, prevHash: string): string {
  return auditEntryHash(prevHash, {
    seq: row.chainSeq ?? row.logSeq,
    centreId: row.centreId ?? undefined,
    at: row.at,
    type: row.type,
    actorId: row.actorId ?? undefined,
    subjectId: row.subjectId ?? undefined,
    details: row.details,
  })
}

/**
 * How a range is handed its rows: as values; with their canonical JSON built (as SQLite builds
 * it); or with JSON that is not theirs, so that their values, read again, decide.
 */
type Way = 'values' | 'canonical' | 'wrong JSON'

/** A row as its values. */
function valuesOf(row: StoredAuditRow): StoredAuditValues {
  return [
    row.logSeq,
    row.chain,
    row.chainSeq,
    row.centreId,
    row.at,
    row.type,
    row.actorId,
    row.subjectId,
    row.details,
    row.prevHash,
    row.hash,
  ]
}

function feed(range: AuditRangeCheck, row: StoredAuditRow, way: Way): void {
  if (way === 'values') {
    range.addValues(valuesOf(row))
    return
  }
  const canonical =
    way === 'canonical'
      ? canonicalEntry(
          row.chainSeq ?? row.logSeq,
          row.centreId,
          row.at,
          row.type,
          row.actorId,
          row.subjectId,
          row.details,
          row.prevHash,
        )
      : '["not the canonical JSON"]'
  range.addCanonical(
    [row.logSeq, row.chain, row.chainSeq, row.centreId, row.prevHash, row.hash, canonical],
    (logSeq) => {
      assert.equal(logSeq, row.logSeq)
      return valuesOf(row)
    },
  )
}

function check(
  rows: readonly StoredAuditRow[],
  ranges: number,
  heads = new Map([
    ['a', 5],
    ['b', 5],
  ]),
  way: Way = 'values',
) {
  const parts = cutRanges(1, Math.max(0, ...rows.map((r) => r.logSeq)), ranges).map(
    ([from, to]) => {
      const range = new AuditRangeCheck(heads, new Set(['a:3']))
      for (const row of rows) if (row.logSeq >= from && row.logSeq <= to) feed(range, row, way)
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

      // Entry a4 is the first of its chain in the second of two ranges, and mid-range in one:
      // a changed previous hash is caught by the join or in the range, named the same way,
      // whether or not its own hash was recomputed with it.
      const forged = 'f'.repeat(64)
      for (const rehash of [false, true]) {
        const unlinked = log(5).map((r) =>
          r.chain === 'a' && r.chainSeq === 4
            ? { ...r, prevHash: forged, hash: rehash ? rehashed(r, forged) : r.hash }
            : r,
        )
        assert.deepEqual(check(unlinked, ranges).problems[0], {
          chain: 'a',
          seq: 4,
          problem: 'does not follow the entry before it',
        })
      }
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

  it('finds, however the log is cut, the first problem that reading every chain from its start finds', () => {
    const chains = ['a', 'b', 'c']
    const heads = new Map(chains.map((chain) => [chain, 6]))
    const random = seededRandom(15)
    for (let round = 0; round < 300; round += 1) {
      const rows = log(6, chains)
      for (let n = random.integer(1, 3); n > 0; n -= 1) tamper(rows, random)
      let expected: ChainProblem | undefined
      for (const chain of chains) {
        const entries = rows
          .filter((r) => r.chain === chain)
          .map((r) => ({
            seq: r.chainSeq ?? r.logSeq,
            centreId: r.centreId ?? undefined,
            at: r.at,
            type: r.type,
            actorId: r.actorId ?? undefined,
            subjectId: r.subjectId ?? undefined,
            details: r.details,
            prevHash: r.prevHash,
            hash: r.hash,
          }))
        const broken = findChainBreak(entries)
        if (broken) {
          expected = { chain, ...broken }
          break
        }
      }
      for (const ranges of [1, 2, 3, 5, 18]) {
        const whole = check(rows, ranges, heads)
        assert.deepEqual(whole.problems[0], expected, `round ${String(round)}`)
        for (const way of ['canonical', 'wrong JSON'] as const)
          assert.deepEqual(check(rows, ranges, heads, way), whole, `round ${String(round)}, ${way}`)
      }
    }
  })
})

/** One change to the log, short of removing a chain's newest entry. */
function tamper(rows: StoredAuditRow[], random: ReturnType<typeof seededRandom>): void {
  const at = random.integer(0, rows.length - 4)
  const row = rows[at]
  if (row === undefined) return
  const next = rows.slice(at + 1).find((r) => r.chain === row.chain)
  switch (random.integer(0, 4)) {
    case 0:
      row.prevHash = random.pick([GENESIS_HASH, 'f'.repeat(64), next?.hash ?? row.hash])
      break
    case 1:
      row.prevHash = random.pick([GENESIS_HASH, 'e'.repeat(64)])
      row.hash = rehashed(row, row.prevHash)
      break
    case 2:
      row.details = '{"forged":true}'
      break
    case 3:
      if (next !== undefined) rows.splice(at, 1)
      break
    default:
      // Two entries of a chain trade places: each keeps its place in the log and the chain.
      if (next !== undefined) {
        const before = { ...row }
        Object.assign(row, next, { logSeq: before.logSeq, chainSeq: before.chainSeq })
        Object.assign(next, before, { logSeq: next.logSeq, chainSeq: next.chainSeq })
      }
  }
}
