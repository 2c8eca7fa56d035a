import { canonicalHash, entryHash, GENESIS_HASH } from './audit-chain.ts'

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

/**
 * The same row as the values of its columns, in the order of `StoredAuditRow`: what the
 * readers of the log hand over, with no object per row (ten million of them at scale).
 */
export type StoredAuditValues = readonly [
  logSeq: number,
  chain: string,
  chainSeq: number | null,
  centreId: string | null,
  at: string,
  type: string,
  actorId: string | null,
  subjectId: string | null,
  details: string,
  prevHash: string,
  hash: string,
]

/**
 * A row as a reader that builds each entry's canonical JSON (`canonicalEntry`) itself hands it
 * over: the values the check needs on their own, and that JSON in place of the rest.
 */
export type CanonicalAuditValues = readonly [
  logSeq: number,
  chain: string,
  chainSeq: number | null,
  centreId: string | null,
  prevHash: string,
  hash: string,
  canonical: string,
]

export interface ChainProblem {
  chain: string
  seq: number
  problem: string
}

/** Where a chain's entries in a range begin and end. */
interface ChainEnds {
  firstSeq: number
  firstPrevHash: string
  lastSeq: number
  lastHash: string
}

/** What one range found: its entries per chain, its ends, the first problem of each chain. */
export interface RangeResult {
  entries: number
  ends: Record<string, ChainEnds>
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

/** One chain as a range sees it: one lookup per entry. */
interface ChainState {
  head: number
  /** The places signed checkpoints name, if any. */
  wanted: Set<number> | undefined
  /** Undefined until the range's first entry of the chain. */
  ends: ChainEnds | undefined
  /** Whether the chain's first problem in the range is found. */
  broken: boolean
}

export class AuditRangeCheck {
  readonly #chains = new Map<string, ChainState>()
  /** The chains the range holds entries of, in the order it first met them. */
  readonly #ends = new Map<string, ChainEnds>()
  readonly #problems = new Map<string, ChainProblem>()
  readonly #named: [string, number, string][] = []
  #entries = 0

  /** `wanted`: the entries signed checkpoints name, as `${chain}:${seq}`. */
  constructor(heads: ChainHeads, wanted: ReadonlySet<string>) {
    for (const [chain, head] of heads)
      this.#chains.set(chain, { head, wanted: undefined, ends: undefined, broken: false })
    for (const key of wanted) {
      const at = key.lastIndexOf(':')
      const state = this.#chains.get(key.slice(0, at))
      // A chain with no head has no entry the range looks at.
      if (state === undefined) continue
      state.wanted ??= new Set<number>()
      state.wanted.add(Number(key.slice(at + 1)))
    }
  }

  addValues(row: StoredAuditValues): void {
    const chain = row[1]
    const seq = row[2] ?? row[0]
    const hash = row[10]
    const state = this.#place(chain, seq, row[9], hash)
    if (state === undefined) return
    const centreId = row[3]
    this.#judge(
      state,
      chain,
      seq,
      centreId,
      entryHash(seq, centreId, row[4], row[5], row[6], row[7], row[8], row[9]) === hash,
    )
  }

  /**
   * The same check of a row whose canonical JSON the reader built. Where that JSON is not the
   * hash's, or might not be (a place that is not a safe whole number, which JSON may write in
   * another way), `whole` reads the row's values by its place in the log and they decide: the
   * result is always the one `addValues` gives.
   */
  addCanonical(row: CanonicalAuditValues, whole: (logSeq: number) => StoredAuditValues): void {
    const chain = row[1]
    const seq = row[2] ?? row[0]
    const hash = row[5]
    const state = this.#place(chain, seq, row[4], hash)
    if (state === undefined) return
    let intact = Number.isSafeInteger(seq) && canonicalHash(row[6]) === hash
    if (!intact) {
      const r = whole(row[0])
      intact = entryHash(seq, r[3], r[4], r[5], r[6], r[7], r[8], r[9]) === hash
    }
    this.#judge(state, chain, seq, row[3], intact)
  }

  /**
   * An entry's place: counts it, keeps its hash if a checkpoint names it, checks it follows
   * the entry before it in its chain. Returns its chain's state when its hash is to be checked:
   * not for a chain with no head or past its head, nor once the chain's first problem in the
   * range is found (only that one is kept: after it, hashes change nothing).
   */
  #place(chain: string, seq: number, prevHash: string, hash: string): ChainState | undefined {
    const state = this.#chains.get(chain)
    if (state === undefined || seq > state.head) return undefined
    this.#entries += 1
    if (state.wanted?.has(seq)) this.#named.push([chain, seq, hash])
    const ends = state.ends
    if (ends === undefined) {
      state.ends = { firstSeq: seq, firstPrevHash: prevHash, lastSeq: seq, lastHash: hash }
      this.#ends.set(chain, state.ends)
    } else {
      if (seq !== ends.lastSeq + 1)
        this.#problem(
          state,
          chain,
          seq,
          `expected entry ${String(ends.lastSeq + 1)}, found ${String(seq)}`,
        )
      else if (prevHash !== ends.lastHash)
        this.#problem(state, chain, seq, 'does not follow the entry before it')
      ends.lastSeq = seq
      ends.lastHash = hash
    }
    return state.broken ? undefined : state
  }

  /** Whether the entry still hashes to what was written, and sits in its centre's chain. */
  #judge(
    state: ChainState,
    chain: string,
    seq: number,
    centreId: string | null,
    intact: boolean,
  ): void {
    if (!intact) this.#problem(state, chain, seq, 'was changed after it was written')
    else if (chain !== '' && centreId !== chain)
      this.#problem(state, chain, seq, "is in another centre's chain")
  }

  #problem(state: ChainState, chain: string, seq: number, problem: string): void {
    if (state.broken) return
    state.broken = true
    this.#problems.set(chain, { chain, seq, problem })
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
