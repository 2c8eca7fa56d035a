import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import { findChainBreak, GENESIS_HASH, type ChainedEntry } from '../domain/audit-chain.ts'
import {
  insertAuditCheckpoint,
  lastAuditEntry,
  listAuditCheckpoints,
  listAuditEntries,
  listCentreAuditEntries,
} from '../storage/audit-log.ts'
import type { Db } from '../storage/database.ts'
import type { KeyObject } from 'node:crypto'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { isCheckpointSignedBy, signCheckpoint, type AuditSigningKey } from './audit-keys.ts'
import type { AppContext } from './context.ts'
import { inCentre } from './in-centre.ts'
import { decide, policyActor, policyInForce, refusal } from './policy-access.ts'

export interface AuditVerification {
  entries: number
  checkpoints: number
  /** The first thing wrong, naming the entry; undefined when the log holds. */
  problem: { seq: number; problem: string } | undefined
}

const PAGE = 5_000

/**
 * Checks the whole audit log (SECURE): every entry follows the one before and still hashes
 * to what was written (a change, removal, insertion or reordering breaks it), and every
 * signed checkpoint is signed by the public key given and matches the entry it names (so a
 * log cut short after a checkpoint is caught too).
 */
export async function verifyAuditLog(db: Db, publicKey: KeyObject): Promise<AuditVerification> {
  let after = { seq: 0, hash: GENESIS_HASH }
  let entries = 0
  const hashes = new Map<number, string>()
  const checkpoints = await listAuditCheckpoints(db)
  const wanted = new Set(checkpoints.map((c) => c.seq))
  for (;;) {
    const page = await listAuditEntries(db, { afterSeq: after.seq, limit: PAGE })
    if (page.length === 0) break
    const broken = findChainBreak(page, after)
    if (broken) return { entries, checkpoints: checkpoints.length, problem: broken }
    for (const entry of page) if (wanted.has(entry.seq)) hashes.set(entry.seq, entry.hash)
    entries += page.length
    const last = page.at(-1)
    if (!last) break
    after = { seq: last.seq, hash: last.hash }
  }
  return {
    entries,
    checkpoints: checkpoints.length,
    problem: checkpointProblem(checkpoints, hashes, after.seq, publicKey),
  }
}

function checkpointProblem(
  checkpoints: readonly AuditCheckpoint[],
  hashes: ReadonlyMap<number, string>,
  lastSeq: number,
  publicKey: KeyObject,
): { seq: number; problem: string } | undefined {
  for (const checkpoint of checkpoints) {
    if (!isCheckpointSignedBy(checkpoint, publicKey))
      return { seq: checkpoint.seq, problem: 'its checkpoint is not signed by the audit key' }
    if (checkpoint.seq > lastSeq)
      return {
        seq: checkpoint.seq,
        problem: `a checkpoint names entry ${String(checkpoint.seq)}, but the log ends at ${String(lastSeq)}: entries were removed`,
      }
    if (hashes.get(checkpoint.seq) !== checkpoint.hash)
      return { seq: checkpoint.seq, problem: 'differs from the signed checkpoint' }
  }
  return undefined
}

/**
 * Signs a checkpoint of the newest entry, unless the newest already has one. The server
 * does this on a timer; `haven audit checkpoint` on demand.
 */
export async function writeAuditCheckpoint(
  db: Db,
  key: AuditSigningKey,
  now: Date,
): Promise<AuditCheckpoint | undefined> {
  return db.transaction().execute(async (trx) => {
    const last = await lastAuditEntry(trx)
    if (!last) return undefined
    const latest = (await listAuditCheckpoints(trx)).at(-1)
    if (latest && latest.seq >= last.seq) return undefined
    const checkpoint = signCheckpoint(key, {
      seq: last.seq,
      hash: last.hash,
      at: now.toISOString(),
    })
    await insertAuditCheckpoint(trx, checkpoint)
    return checkpoint
  })
}

/** Every signed checkpoint, oldest first: what is handed to someone outside the system. */
export async function auditCheckpoints(db: Db): Promise<AuditCheckpoint[]> {
  return listAuditCheckpoints(db)
}

/**
 * The audit log as the coordinator, chair and management read it (SECURE): entries of this
 * centre, newest first, ids and codes only, and the signed checkpoints. The read is audited.
 */
export async function readAuditLog(
  ctx: AppContext,
  actor: Actor,
  page: { beforeSeq?: number | undefined; limit: number },
): Promise<{ entries: ChainedEntry[]; checkpoints: AuditCheckpoint[] }> {
  return inCentre(ctx, actor.centreId, async (trx) => {
    const policy = await policyInForce(ctx, trx, actor.centreId)
    const decision = decide(policy, {
      action: 'read',
      actor: policyActor(actor, 'none'),
      resource: { type: 'audit_log' },
    })
    if (decision.effect === 'deny') throw refusal(decision)
    const entries = await listCentreAuditEntries(trx, actor.centreId, page)
    await recordEvent(trx, {
      type: 'records.listed',
      at: ctx.now(),
      centreId: actor.centreId,
      actorId: actor.accountId,
      details: { resource: 'audit_log', count: entries.length },
    })
    return { entries, checkpoints: await listAuditCheckpoints(trx) }
  })
}
