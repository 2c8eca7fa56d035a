import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import { findChainBreak, GENESIS_HASH, type ChainedEntry } from '../domain/audit-chain.ts'
import {
  chainHeads,
  insertAuditCheckpoint,
  listAuditChains,
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
import { auditedRead } from './in-centre.ts'
import { decide, policyActor, policyInForce, refusal } from './policy-access.ts'

export interface AuditVerification {
  entries: number
  checkpoints: number
  /** How many chains: one per centre with entries, and the installation's. */
  chains: number
  /** The first thing wrong, naming the chain and the entry; undefined when the log holds. */
  problem: { chain: string; seq: number; problem: string } | undefined
}

const PAGE = 5_000

/**
 * Checks the whole audit log (SECURE), chain by chain: every entry follows the one before in
 * its chain and still hashes to what was written (a change, removal, insertion or reordering
 * breaks it), sits in the chain of its centre, and every signed checkpoint is signed by the
 * public key given and matches the entry it names (so a chain cut short after a checkpoint is
 * caught too).
 */
export async function verifyAuditLog(db: Db, publicKey: KeyObject): Promise<AuditVerification> {
  const checkpoints = await listAuditCheckpoints(db)
  const chains = new Set([...(await listAuditChains(db)), ...checkpoints.map((c) => c.chain)])
  let entries = 0
  for (const chain of [...chains].sort()) {
    const own = checkpoints.filter((c) => c.chain === chain)
    const result = await verifyChain(db, chain, own, publicKey)
    entries += result.entries
    if (result.problem)
      return {
        entries,
        checkpoints: checkpoints.length,
        chains: chains.size,
        problem: { chain, ...result.problem },
      }
  }
  return { entries, checkpoints: checkpoints.length, chains: chains.size, problem: undefined }
}

async function verifyChain(
  db: Db,
  chain: string,
  checkpoints: readonly AuditCheckpoint[],
  publicKey: KeyObject,
): Promise<{ entries: number; problem: { seq: number; problem: string } | undefined }> {
  let after = { seq: 0, hash: GENESIS_HASH }
  let afterLogSeq = 0
  let entries = 0
  const hashes = new Map<number, string>()
  const wanted = new Set(checkpoints.map((c) => c.seq))
  for (;;) {
    const page = await listAuditEntries(db, { chain, afterLogSeq, limit: PAGE })
    if (page.length === 0) break
    const broken = findChainBreak(page, after)
    if (broken) return { entries, problem: broken }
    const stray = page.find((e) => e.chain !== '' && e.centreId !== e.chain)
    if (stray)
      return { entries, problem: { seq: stray.seq, problem: "is in another centre's chain" } }
    for (const entry of page) if (wanted.has(entry.seq)) hashes.set(entry.seq, entry.hash)
    entries += page.length
    const last = page.at(-1)
    if (!last) break
    after = { seq: last.seq, hash: last.hash }
    afterLogSeq = last.logSeq
  }
  return { entries, problem: checkpointProblem(checkpoints, hashes, after.seq, publicKey) }
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
        problem: `a checkpoint names entry ${String(checkpoint.seq)}, but the chain ends at ${String(lastSeq)}: entries were removed`,
      }
    if (hashes.get(checkpoint.seq) !== checkpoint.hash)
      return { seq: checkpoint.seq, problem: 'differs from the signed checkpoint' }
  }
  return undefined
}

/**
 * Signs a checkpoint of the newest entry of every chain that has moved on since its last
 * checkpoint. The server does this on a timer; `haven audit checkpoint` on demand. Returns
 * the checkpoints signed now.
 */
export async function writeAuditCheckpoints(
  db: Db,
  key: AuditSigningKey,
  now: Date,
): Promise<AuditCheckpoint[]> {
  return db.transaction().execute(async (trx) => {
    const signedTo = new Map<string, number>()
    for (const c of await listAuditCheckpoints(trx))
      signedTo.set(c.chain, Math.max(signedTo.get(c.chain) ?? 0, c.seq))
    const written: AuditCheckpoint[] = []
    for (const head of await chainHeads(trx)) {
      if ((signedTo.get(head.chain) ?? 0) >= head.seq) continue
      const checkpoint = signCheckpoint(key, {
        chain: head.chain,
        seq: head.seq,
        hash: head.hash,
        at: now.toISOString(),
      })
      await insertAuditCheckpoint(trx, checkpoint, head.logSeq)
      written.push(checkpoint)
    }
    return written
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
  return auditedRead(ctx, actor.centreId, async (trx) => {
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
    const checkpoints = await listAuditCheckpoints(trx)
    return {
      entries,
      checkpoints: checkpoints.filter((c) => c.chain === actor.centreId || c.chain === ''),
    }
  })
}
