import { PostgresAdapter, sql } from 'kysely'
import {
  auditEntryHash,
  canonicalJson,
  GENESIS_HASH,
  type ChainedEntry,
} from '../domain/audit-chain.ts'
import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import type { Db } from './database.ts'

export interface NewAuditEntry {
  centreId: string | undefined
  at: string
  type: string
  actorId: string | undefined
  subjectId: string | undefined
  /** Ids, codes and counts only: never personal data, passwords, codes or tokens. */
  details: Record<string, unknown>
}

/**
 * Appends to the chain inside the caller's transaction, so the entry commits or rolls back
 * with the action it records. Appends are serialised: SQLite's write lock (BEGIN
 * IMMEDIATE) or a PostgreSQL advisory lock held to the end of the transaction.
 */
export async function appendAuditEntry(trx: Db, entry: NewAuditEntry): Promise<ChainedEntry> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`select pg_advisory_xact_lock(7243002)`.execute(trx)
  }
  const last = await trx
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
  const chained = {
    seq: (last?.seq ?? 0) + 1,
    centreId: entry.centreId,
    at: entry.at,
    type: entry.type,
    actorId: entry.actorId,
    subjectId: entry.subjectId,
    details: canonicalJson(entry.details),
  }
  const prevHash = last?.hash ?? GENESIS_HASH
  const hash = auditEntryHash(prevHash, chained)
  await trx
    .insertInto('audit_log')
    .values({
      seq: chained.seq,
      centre_id: chained.centreId ?? null,
      at: chained.at,
      type: chained.type,
      actor_id: chained.actorId ?? null,
      subject_id: chained.subjectId ?? null,
      details: chained.details,
      prev_hash: prevHash,
      hash,
    })
    .execute()
  return { ...chained, prevHash, hash }
}

export async function listAuditEntries(
  db: Db,
  options: { centreId?: string; afterSeq?: number; limit?: number } = {},
): Promise<ChainedEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().orderBy('seq')
  if (options.centreId !== undefined) query = query.where('centre_id', '=', options.centreId)
  if (options.afterSeq !== undefined) query = query.where('seq', '>', options.afterSeq)
  if (options.limit !== undefined) query = query.limit(options.limit)
  const rows = await query.execute()
  return rows.map((row) => ({
    seq: row.seq,
    centreId: row.centre_id ?? undefined,
    at: row.at,
    type: row.type,
    actorId: row.actor_id ?? undefined,
    subjectId: row.subject_id ?? undefined,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  }))
}

export async function lastAuditEntry(db: Db): Promise<{ seq: number; hash: string } | undefined> {
  return db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export async function insertAuditCheckpoint(db: Db, checkpoint: AuditCheckpoint): Promise<void> {
  await db
    .insertInto('audit_checkpoints')
    .values({
      seq: checkpoint.seq,
      hash: checkpoint.hash,
      at: checkpoint.at,
      key_id: checkpoint.keyId,
      signature: checkpoint.signature,
    })
    .execute()
}

export async function listAuditCheckpoints(db: Db): Promise<AuditCheckpoint[]> {
  const rows = await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()
  return rows.map((row) => ({
    seq: row.seq,
    hash: row.hash,
    at: row.at,
    keyId: row.key_id,
    signature: row.signature,
  }))
}

/** One centre's entries, newest first, a page at a time. */
export async function listCentreAuditEntries(
  db: Db,
  centreId: string,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<ChainedEntry[]> {
  let query = db.selectFrom('audit_log').selectAll().where('centre_id', '=', centreId)
  if (page.beforeSeq !== undefined) query = query.where('seq', '<', page.beforeSeq)
  const rows = await query.orderBy('seq', 'desc').limit(page.limit).execute()
  return rows.map((row) => ({
    seq: row.seq,
    centreId: row.centre_id ?? undefined,
    at: row.at,
    type: row.type,
    actorId: row.actor_id ?? undefined,
    subjectId: row.subject_id ?? undefined,
    details: row.details,
    prevHash: row.prev_hash,
    hash: row.hash,
  }))
}
