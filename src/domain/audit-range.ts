import { entryHash, GENESIS_HASH } from './audit-chain.ts'

/**
 * Checking the audit log in ranges (issue 15: `haven audit verify` at scale). Every entry
 * holds the hash of the one before it in its chain, so whether an entry still hashes to what
 * was written can be checked on its own, and a long log can be cut into ranges of the whole
 * log checked at once on several cores. What a range cannot see, whether its first entry of
 * each chain follows the last entry of that chain in the range before, is kept as the range's
 * ends and joined afterwards. The result is the same as checking every chain from its start,
 * one entry after another (`findChainBreak`).
 */

/** An audit row as stored, in the order of the whole log. */
export interface StoredAuditRow {
  logSeq: number
  chain: string
  /** The place in the chain; null for entries written before chains (the place is logSeq). */
  chainSeq: number | null
  centreId: string | null
  at: string
  type: string
  actorId: string | null
  subjectId: string | null
  details: string
  prevHash: string
  hash: string
}

export interface ChainProblem {
  chain: string
  seq: number
  problem: string
}

/** What one range found: its entries per chain, its ends, the first problem of each chain. */
export interface RangeResult {
  entries: number
  ends: Record<
    string,
    { firstSeq: number; firstPrevHash: string; lastSeq: number; lastHash: string }
  >
  problems: ChainProblem[]
  /** The hashes of the entries signed checkpoints name, as [chain, seq, hash]. */
  named: [string, number, string][]
}

/**
 * The entries to check: of each chain, the places up to its head when the check began. An
 * entry written after that is not looked at, so a check run beside a working server sees one
 * consistent log (a chain's entry is committed before the next one is written).
 */
export type ChainHeads = ReadonlyMap<string, number>

export class AuditRangeCheck {
  readonly #heads: ChainHeads
  /** The places signed checkpoints name, by chain. */
  readonly #wanted = new Map<string, Set<number>>()
  readonly #ends = new Map<
    string,
    { firstSeq: number; firstPrevHash: string; lastSeq: number; lastHash: string }
  >()
  readonly #problems = new Map<string, ChainProblem>()
  readonly #named: [string, number, string][] = []
  #entries = 0

  /** `wanted`: the entries signed checkpoints name, as `${chain}:${seq}`. */
  constructor(heads: ChainHeads, wanted: ReadonlySet<string>) {
    this.#heads = heads
    for (const key of wanted) {
      const at = key.lastIndexOf(':')
      const chain = key.slice(0, at)
      const places = this.#wanted.get(chain) ?? new Set<number>()
      places.add(Number(key.slice(at + 1)))
      this.#wanted.set(chain, places)
    }
  }

  add(row: StoredAuditRow): void {
    const head = this.#heads.get(row.chain)
    const seq = row.chainSeq ?? row.logSeq
    if (head === undefined || seq > head) return
    this.#entries += 1
    if (this.#wanted.get(row.chain)?.has(seq)) this.#named.push([row.chain, seq, row.hash])
    const ends = this.#ends.get(row.chain)
    if (ends === undefined) {
      this.#ends.set(row.chain, {
        firstSeq: seq,
        firstPrevHash: row.prevHash,
        lastSeq: seq,
        lastHash: row.hash,
      })
    } else {
      if (seq !== ends.lastSeq + 1)
        this.#problem(
          row.chain,
          seq,
          `expected entry ${String(ends.lastSeq + 1)}, found ${String(seq)}`,
        )
      else if (row.prevHash !== ends.lastHash)
        this.#problem(row.chain, seq, 'does not follow the entry before it')
      ends.lastSeq = seq
      ends.lastHash = row.hash
    }
    const hash = entryHash(
      seq,
      row.centreId,
      row.at,
      row.type,
      row.actorId,
      row.subjectId,
      row.details,
      row.prevHash,
    )
    if (hash !== row.hash) this.#problem(row.chain, seq, 'was changed after it was written')
    else if (row.chain !== '' && row.centreId !== row.chain)
      this.#problem(row.chain, seq, "is in another centre's chain")
  }

  #problem(chain: string, seq: number, problem: string): void {
    if (!this.#problems.has(chain)) this.#problems.set(chain, { chain, seq, problem })
  }

  result(): RangeResult {
    return {
      entries: this.#entries,
      ends: Object.fromEntries(this.#ends),
      problems: [...this.#problems.values()],
      named: this.#named,
    }
  }
}

/**
 * Joins the results of consecutive ranges (in the order of the log): the entries, where each
 * chain ends, the hashes checkpoints name, and the first problem in chain order (chains by
 * name, then place): the first of a chain is what checking it from its start reports first.
 */
export function joinRanges(
  results: readonly RangeResult[],
  heads: ChainHeads,
): {
  entries: number
  lastSeqOf: Map<string, number>
  named: Map<string, string>
  /** Every problem found, in chain order (chains by name, then place). */
  problems: ChainProblem[]
} {
  const last = new Map<string, { seq: number; hash: string }>()
  const problems: ChainProblem[] = []
  const named = new Map<string, string>()
  let entries = 0
  for (const result of results) {
    entries += result.entries
    problems.push(...result.problems)
    for (const [chain, seq, hash] of result.named) named.set(`${chain}:${String(seq)}`, hash)
    for (const [chain, ends] of Object.entries(result.ends)) {
      const before = last.get(chain) ?? { seq: 0, hash: GENESIS_HASH }
      if (ends.firstSeq !== before.seq + 1)
        problems.push({
          chain,
          seq: ends.firstSeq,
          problem: `expected entry ${String(before.seq + 1)}, found ${String(ends.firstSeq)}`,
        })
      else if (ends.firstPrevHash !== before.hash)
        problems.push({ chain, seq: ends.firstSeq, problem: 'does not follow the entry before it' })
      last.set(chain, { seq: ends.lastSeq, hash: ends.lastHash })
    }
  }
  // A chain whose newest entries are gone ends before its head: they were removed while the
  // check ran, which the heads read at its start say cannot happen to an append-only log.
  for (const [chain, head] of heads) {
    const seen = last.get(chain)?.seq ?? 0
    if (seen < head)
      problems.push({
        chain,
        seq: seen + 1,
        problem: `expected entry ${String(seen + 1)}, found the end of the chain`,
      })
  }
  problems.sort(
    (a, b) =>
      (a.chain < b.chain ? -1 : a.chain > b.chain ? 1 : a.seq - b.seq) ||
      rankOf(a.problem) - rankOf(b.problem),
  )
  return {
    entries,
    lastSeqOf: new Map([...last].map(([chain, end]) => [chain, end.seq])),
    named,
    problems,
  }
}

/**
 * Of two problems with one entry, the one found first when a chain is read from its start:
 * its place, then whether it follows the entry before, then its own hash, then its centre.
 */
function rankOf(problem: string): number {
  if (problem.startsWith('expected entry')) return 0
  if (problem.startsWith('does not follow')) return 1
  if (problem.startsWith('was changed')) return 2
  return 3
}

/** Cuts the log's places [from, to] into `count` ranges of about equal length, in order. */
export function cutRanges(from: number, to: number, count: number): [number, number][] {
  if (to < from) return []
  const length = to - from + 1
  const parts = Math.max(1, Math.min(count, length))
  const ranges: [number, number][] = []
  for (let i = 0; i < parts; i += 1) {
    const start = from + Math.floor((length * i) / parts)
    const end = from + Math.floor((length * (i + 1)) / parts) - 1
    ranges.push([start, end])
  }
  return ranges
}
