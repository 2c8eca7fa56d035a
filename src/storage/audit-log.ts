import { PostgresAdapter, sql } from 'kysely'
import {
  auditEntryHash,
  canonicalJson,
  chainOf,
  GENESIS_HASH,
  type ChainedEntry,
} from '../domain/audit-chain.ts'
import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import type { Db } from './database.ts'
import type { AuditLogRow } from './schema.ts'
import type { Selectable } from 'kysely'

export interface NewAuditEntry {
  centreId: string | undefined
  at: string
  type: string
  actorId: string | undefined
  subjectId: string | undefined
  /** Ids, codes and counts only: never personal data, passwords, codes or tokens. */
  details: Record<string, unknown>
}

/** Advisory lock class of a centre (and its audit chain) on PostgreSQL. */
const CENTRE_LOCK_CLASS = 7243002

/**
 * Takes, to the end of the transaction, the lock of one centre: on PostgreSQL an advisory
 * lock keyed by the centre's id ('' is the installation's). Whoever holds it is the only
 * writer of that centre's rows and audit chain (docs/decisions/0031). On SQLite a no-op:
 * BEGIN IMMEDIATE already makes every write transaction the only one.
 */
export async function lockCentre(trx: Db, centreId: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(${CENTRE_LOCK_CLASS}, hashtext(${centreId}))`.execute(
      trx,
    )
  }
}

/** Advisory lock of the signing of checkpoints on PostgreSQL. */
const CHECKPOINT_LOCK = 7243031

/**
 * Takes, to the end of the transaction, the lock of checkpoint signing. Several servers
 * against one PostgreSQL each sign on their own timer and when they stop: without it two
 * would read the same "signed up to" and the second's insert of the same place would fail,
 * taking the round's other chains down with it. The second waits instead, then reads what
 * the first signed and signs nothing twice. On SQLite a no-op: BEGIN IMMEDIATE serialises.
 */
export async function lockCheckpointSigning(trx: Db): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(${CHECKPOINT_LOCK})`.execute(trx)
  }
}

/**
 * Appends to the chains inside the caller's transaction, so the entries commit or roll back
 * with the action they record. Each chain (a centre's, or the installation's) is appended
 * to under its centre's lock, taken here (again, if the caller holds it already); chains
 * are taken in one order, centres before the installation, so two appenders never wait on
 * each other in a circle. Entries of one chain keep the order given.
 */
export async function appendAuditEntries(
  trx: Db,
  entries: readonly NewAuditEntry[],
): Promise<ChainedEntry[]> {
  const byChain = new Map<string, NewAuditEntry[]>()
  for (const entry of entries) {
    const chain = chainOf(entry.centreId)
    const list = byChain.get(chain)
    if (list) list.push(entry)
    else byChain.set(chain, [entry])
  }
  const order = [...byChain.keys()].sort((a, b) =>
    a === '' ? 1 : b === '' ? -1 : a < b ? -1 : a > b ? 1 : 0,
  )
  // On PostgreSQL, every chain of the batch in three statements (locks, heads, rows) rather
  // than three for each chain: the audit writer's batch holds entries of many centres.
  if (trx.getExecutor().adapter instanceof PostgresAdapter)
    return appendToChainsAtOnce(trx, byChain, order)
  // SQLite: the write transaction (BEGIN IMMEDIATE) is already the only writer.
  const written: ChainedEntry[] = []
  for (const chain of order) {
    const head = await chainHead(trx, chain)
    const rows = chainRows(chain, head, byChain.get(chain) ?? [])
    const inserted = await insertRows(trx, rows)
    written.push(...writtenOf(rows, inserted))
  }
  return written
}

/** A chain's new rows: each entry numbered and hashed on from the chain's head. */
function chainRows(
  chain: string,
  head: { seq: number; hash: string } | undefined,
  entries: readonly NewAuditEntry[],
) {
  let seq = head?.seq ?? 0
  let prevHash = head?.hash ?? GENESIS_HASH
  const rows = []
  for (const entry of entries) {
    seq += 1
    const chained = {
      seq,
      centreId: entry.centreId,
      at: entry.at,
      type: entry.type,
      actorId: entry.actorId,
      subjectId: entry.subjectId,
      details: canonicalJson(entry.details),
    }
    const hash = auditEntryHash(prevHash, chained)
    rows.push({ chain, chained, prevHash, hash })
    prevHash = hash
  }
  return rows
}

type ChainRow = ReturnType<typeof chainRows>[number]

function insertRows(trx: Db, rows: readonly ChainRow[]) {
  return trx
    .insertInto('audit_log')
    .values(
      rows.map(({ chain, chained, prevHash, hash }) => ({
        chain,
        chain_seq: chained.seq,
        centre_id: chained.centreId ?? null,
        at: chained.at,
        type: chained.type,
        actor_id: chained.actorId ?? null,
        subject_id: chained.subjectId ?? null,
        details: chained.details,
        prev_hash: prevHash,
        hash,
      })),
    )
    .returning(['seq', 'chain', 'chain_seq'])
    .execute()
}

/** The rows as written, each with its place in the whole log. */
function writtenOf(
  rows: readonly ChainRow[],
  inserted: readonly { seq: number; chain: string; chain_seq: number | null }[],
): ChainedEntry[] {
  const logSeqs = new Map(inserted.map((r) => [`${r.chain}\u0000${String(r.chain_seq)}`, r.seq]))
  return rows.map(({ chain, chained, prevHash, hash }) => ({
    ...chained,
    chain,
    logSeq: logSeqs.get(`${chain}\u0000${String(chained.seq)}`) ?? 0,
    prevHash,
    hash,
  }))
}

/**
 * PostgreSQL, one chain or several: their locks taken in `order` by one statement (the lock calls
 * run after the sort, as PostgreSQL evaluates volatile functions of a sorted query), then,
 * once every lock is held, every chain's head read by a second statement (its own snapshot,
 * so it sees what the lock's last holder committed), then every row inserted by a third.
 */
async function appendToChainsAtOnce(
  trx: Db,
  byChain: ReadonlyMap<string, readonly NewAuditEntry[]>,
  order: readonly string[],
): Promise<ChainedEntry[]> {
  await sql`select pg_advisory_xact_lock(${CENTRE_LOCK_CLASS}, hashtext(c.chain))
    from unnest(${order}::text[]) with ordinality as c(chain, n) order by c.n`.execute(trx)
  const { rows: heads } = await sql<{
    chain: string
    seq: number
    chain_seq: number | null
    hash: string
  }>`select c.chain, h.seq, h.chain_seq, h.hash
    from unnest(${order}::text[]) as c(chain)
    cross join lateral (
      select seq, chain_seq, hash from audit_log where audit_log.chain = c.chain
      order by seq desc limit 1
    ) h`.execute(trx)
  const headOf = new Map(heads.map((h) => [h.chain, { seq: h.chain_seq ?? h.seq, hash: h.hash }]))
  const rows = order.flatMap((chain) =>
    chainRows(chain, headOf.get(chain), byChain.get(chain) ?? []),
  )
  return writtenOf(rows, await insertRows(trx, rows))
}

/** Appends one entry: see `appendAuditEntries`. */
export async function appendAuditEntry(trx: Db, entry: NewAuditEntry): Promise<ChainedEntry> {
  const [written] = await appendAuditEntries(trx, [entry])
  if (!written) throw new Error('the audit entry was not written')
  return written
}

/** The newest entry of a chain: its place in the chain and its hash. */
export async function findChainHead(
  db: Db,
  chain: string,
): Promise<{ seq: number; hash: string } | undefined> {
  return chainHead(db, chain)
}

async function chainHead(
  db: Db,
  chain: string,
): Promise<{ seq: number; hash: string } | undefined> {
  const row = await db
    .selectFrom('audit_log')
    .select(['seq', 'chain_seq', 'hash'])
    .where('chain', '=', chain)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row && { seq: row.chain_seq ?? row.seq, hash: row.hash }
}

function entryOf(row: Selectable<AuditLogRow>): ChainedEntry {
  return {
    seq: row.chain_seq ?? row.seq,
    chain: row.chain,
    logSeq: row.seq,
    centreId: row.centre_id ?? undefined,
    at: row.at,
    type: row.type,
    actorId: row.actor_id ?? undefined,
    subjectId: row.subject_id ?? undefined,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  }
}

/** Every chain that has entries. */
export async function listAuditChains(db: Db): Promise<string[]> {
  const rows = await db.selectFrom('audit_log').select('chain').distinct().execute()
  return rows.map((r) => r.chain).sort()
}

/** A chain's entries in order, a page at a time after a whole-log place. */
export async function listAuditEntries(
  db: Db,
  options: { chain: string; afterLogSeq?: number; limit?: number },
): Promise<ChainedEntry[]> {
  let query = db
    .selectFrom('audit_log')
    .selectAll()
    .where('chain', '=', options.chain)
    .orderBy('seq')
  if (options.afterLogSeq !== undefined) query = query.where('seq', '>', options.afterLogSeq)
  if (options.limit !== undefined) query = query.limit(options.limit)
  const rows = await query.execute()
  return rows.map(entryOf)
}

/**
 * The newest entry of every chain. The chains are found by skipping through the (chain, seq)
 * index, one seek per chain, and each chain's newest entry by one more: a long log is not
 * read whole (a grouped or correlated query reads every entry of ten million).
 */
export async function chainHeads(
  db: Db,
): Promise<{ chain: string; seq: number; logSeq: number; hash: string }[]> {
  const { rows } = await sql<{
    chain: string
    seq: number
    chain_seq: number | null
    hash: string
  }>`
    with recursive chains (chain) as (
      select min(chain) from audit_log
      union all
      select (select min(n.chain) from audit_log n where n.chain > chains.chain)
      from chains where chains.chain is not null
    )
    select a.chain, a.seq, a.chain_seq, a.hash
    from chains
    join audit_log a
      on a.seq = (select max(b.seq) from audit_log b where b.chain = chains.chain)
    where chains.chain is not null
  `.execute(db)
  return rows.map((r) => ({
    chain: r.chain,
    seq: r.chain_seq ?? r.seq,
    logSeq: r.seq,
    hash: r.hash,
  }))
}

export async function insertAuditCheckpoint(
  db: Db,
  checkpoint: AuditCheckpoint,
  logSeq: number,
): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({
      seq: logSeq,
      chain: checkpoint.chain,
      position: checkpoint.seq,
      hash: checkpoint.hash,
      at: checkpoint.at,
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
    })
    .execute()
}

/** Signed checkpoints, oldest first: all of them, or one chain's. */
export async function listAuditCheckpoints(db: Db, chain?: string): Promise<AuditCheckpoint[]> {
  let query = db.selectFrom('audit_checkpoints').selectAll().orderBy('seq')
  if (chain !== undefined) query = query.where('chain', '=', chain)
  const rows = await query.execute()
  return rows.map((row) => ({
    chain: row.chain,
    seq: row.position ?? row.seq,
    hash: row.hash,
    at: row.at,
    keyId: row.key_id,
    signature: row.signature,
    version: row.position === null ? 1 : 2,
  }))
}

/** One centre's entries, newest first, a page at a time (by whole-log place). */
export async function listCentreAuditEntries(
  db: Db,
  centreId: string,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<ChainedEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().where('centre_id', '=', centreId)
  if (page.beforeSeq !== undefined) query = query.where('seq', '<', page.beforeSeq)
  const rows = await query.orderBy('seq', 'desc').limit(page.limit).execute()
  return rows.map(entryOf)
}

/**
 * After entries were copied in with their places (a restore), the next place given is after
 * the last of them. On SQLite the rowid does this by itself.
 */
export async function followAuditSequence(db: Db): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select setval('audit_log_seq_seq', coalesce((select max(seq) from audit_log), 0) + 1, false)`.execute(
      db,
    )
  }
}

/** The key that signed the log's latest checkpoint; undefined while there is none. */
export async function latestCheckpointKeyId(db: Db): Promise<string | undefined> {
  const row = await db
    .selectFrom('audit_checkpoints')
    .select('key_id')
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row?.key_id
}

/** How far each chain is covered by a signed checkpoint: its highest place, by chain. */
export async function checkpointedTo(db: Db): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('audit_checkpoints')
    .select(['chain', sql<number | string>`max(coalesce(position, seq))`.as('upTo')])
    .groupBy('chain')
    .execute()
  return new Map(rows.map((r) => [r.chain, Number(r.upTo)]))
}
