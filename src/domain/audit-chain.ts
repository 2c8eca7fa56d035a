import { hash } from 'node:crypto'

/**
 * The audit log's hash chain (ENGINEERING.md §5; clause SECURE: tamper-evident audit log).
 * Each entry's hash covers its own fields and the previous entry's hash, so changing,
 * removing, inserting or reordering any entry breaks every hash after it. Entries hold ids,
 * codes and counts only, never personal data in clear, so the chain still verifies after a
 * family's records are destroyed.
 */
export const GENESIS_HASH = '0'.repeat(64)

export interface AuditEntry {
  /** The entry's place in its chain (from 1): the number its hash covers. */
  seq: number
  centreId: string | undefined
  at: string
  type: string
  actorId: string | undefined
  subjectId: string | undefined
  /** Canonical JSON of the details. */
  details: string
}

export function auditEntryHash(prevHash: string, entry: AuditEntry): string {
  return entryHash(
    entry.seq,
    entry.centreId ?? null,
    entry.at,
    entry.type,
    entry.actorId ?? null,
    entry.subjectId ?? null,
    entry.details,
    prevHash,
  )
}

/** The same hash from the stored fields, with no entry object (verify at scale). */
export function entryHash(
  seq: number,
  centreId: string | null,
  at: string,
  type: string,
  actorId: string | null,
  subjectId: string | null,
  details: string,
  prevHash: string,
): string {
  return canonicalHash(
    canonicalEntry(seq, centreId, at, type, actorId, subjectId, details, prevHash),
  )
}

/**
 * What an entry's hash covers: its fields and the hash before it as a JSON array. A reader
 * may have it built elsewhere (verify at scale: SQLite's json_array) only where that is proved
 * to give these very characters for every value it can hold.
 */
export function canonicalEntry(
  seq: number,
  centreId: string | null,
  at: string,
  type: string,
  actorId: string | null,
  subjectId: string | null,
  details: string,
  prevHash: string,
): string {
  return JSON.stringify([seq, centreId, at, type, actorId, subjectId, details, prevHash])
}

/** The hash of an entry's canonical JSON. */
export function canonicalHash(canonical: string): string {
  // The one-shot hash: the same SHA-256, without a hash object per entry.
  return hash('sha256', canonical, 'hex')
}

/** JSON with keys sorted at every depth, so equal details always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    )
  }
  return value
}

export interface ChainedEntry extends AuditEntry {
  /**
   * The chain the entry belongs to: a centre's id, or '' for the installation's own events
   * (and every entry written before chains were kept per centre). Each chain is checked on
   * its own, so a centre's log can be verified, and handed over, without any other's.
   */
  chain: string
  /** The entry's place in the whole log, across chains: the order to page by. */
  logSeq: number
  prevHash: string
  hash: string
}

/** The chain an entry written now belongs to: its centre's, or the installation's. */
export function chainOf(centreId: string | undefined): string {
  return centreId ?? ''
}

/**
 * The first entry that breaks the chain, or undefined when every entry holds. `after` lets a
 * long log be checked page by page: the last good entry of the page before.
 */
export function findChainBreak(
  entries: readonly (AuditEntry & { prevHash: string; hash: string })[],
  after: { seq: number; hash: string } = { seq: 0, hash: GENESIS_HASH },
): { seq: number; problem: string } | undefined {
  let prevHash = after.hash
  let expectedSeq = after.seq + 1
  for (const entry of entries) {
    if (entry.seq !== expectedSeq)
      return { seq: entry.seq, problem: `expected entry ${expectedSeq}, found ${entry.seq}` }
    if (entry.prevHash !== prevHash)
      return { seq: entry.seq, problem: 'does not follow the entry before it' }
    if (auditEntryHash(prevHash, entry) !== entry.hash)
      return { seq: entry.seq, problem: 'was changed after it was written' }
    prevHash = entry.hash
    expectedSeq += 1
  }
  return undefined
}
