import type { AuditCheckpoint } from '../domain/audit-checkpoint.ts'
import type { ChainedEntry } from '../domain/audit-chain.ts'
import { HavenError } from '../domain/errors.ts'
import {
  AuditRangeCheck,
  cutRanges,
  joinRanges,
  type ChainHeads,
  type RangeResult,
} from '../domain/audit-range.ts'
import {
  chainHeads,
  insertAuditCheckpoint,
  listAuditCheckpoints,
  listCentreAuditEntries,
} from '../storage/audit-log.ts'
import { auditLogBounds, readAuditRange, type AuditSource } from '../storage/audit-stream.ts'
import type { Db } from '../storage/database.ts'
import { countCentres } from '../storage/centres.ts'
import { checkpointedTo, lockCheckpointSigning } from '../storage/audit-log.ts'
import type { KeyObject } from 'node:crypto'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import type { Actor } from './actor.ts'
import { recordEvent } from './audit.ts'
import { isCheckpointSignedBy, signCheckpoint, type AuditSigningKey } from './audit-keys.ts'
import type { AuditRangeJob } from './audit-verify-worker.ts'
import type { AppContext } from './context.ts'
import { auditedRead } from './in-centre.ts'
import { decide, policyActor, policyInForce, refusal } from './policy-access.ts'

export interface AuditVerification {
  entries: number
  /** The database's own signed checkpoints checked. */
  checkpoints: number
  /** Checkpoints from outside the database checked (`anchors`). */
  anchors: number
  /** How many chains: one per centre with entries, and the installation's. */
  chains: number
  /** The first thing wrong, naming the chain and the entry; undefined when the log holds. */
  problem: { chain: string; seq: number; problem: string } | undefined
}

export interface AuditVerifyOptions {
  /**
   * Where worker threads read the log on connections of their own: the SQLite file or the
   * PostgreSQL URL. Without it the log is read through `db`, on this thread.
   */
  source?: AuditSource | undefined
  /** Worker threads: 'auto' (the default) uses every core for a log of more than 50,000 entries. */
  workers?: number | 'auto'
  /** How many ranges the log is cut into (default: one per worker, or one). */
  ranges?: number
  /**
   * Checkpoints held outside the database (`--checkpoints FILE`: what export-checkpoints
   * handed out, or the file the server appends to): each must be signed by the key and name
   * an entry the log still has, with the same hash. A log wiped, cut short or recomputed
   * since they were made fails, whatever the database's own checkpoints say.
   */
  anchors?: readonly AuditCheckpoint[]
}

const WORTH_WORKERS = 50_000

/**
 * Checks the whole audit log (SECURE), chain by chain: every entry follows the one before in
 * its chain and still hashes to what was written (a change, removal, insertion or reordering
 * breaks it), sits in the chain of its centre, and every signed checkpoint is signed by the
 * public key given and matches the entry it names (so a chain cut short after a checkpoint is
 * caught too).
 *
 * The log is read in ranges of the whole log, on worker threads when it is long (issue 15:
 * ten million entries in under 20 s); each entry is checked on its own, and the ends of the
 * ranges are joined afterwards (src/domain/audit-range.ts). Entries written while it runs are
 * not looked at: each chain is checked up to its newest entry when the check began.
 */
export async function verifyAuditLog(
  db: Db,
  publicKey: KeyObject,
  options: AuditVerifyOptions = {},
): Promise<AuditVerification> {
  const anchors = options.anchors ?? []
  const checkpoints = [...(await listAuditCheckpoints(db)), ...anchors]
  const headRows = await chainHeads(db)
  const heads = new Map(headRows.map((h) => [h.chain, h.seq]))
  const chains = [...new Set([...heads.keys(), ...checkpoints.map((c) => c.chain)])].sort()
  const from = (await auditLogBounds(db))?.from ?? 1
  const to = Math.max(0, ...headRows.map((h) => h.logSeq))
  const wanted = checkpoints.map((c) => `${c.chain}:${String(c.seq)}`)
  const workers =
    options.source === undefined
      ? 0
      : options.workers === undefined || options.workers === 'auto'
        ? to - from + 1 > WORTH_WORKERS
          ? availableParallelism()
          : 0
        : options.workers
  const ranges = cutRanges(from, to, options.ranges ?? Math.max(1, workers))
  const results =
    workers > 0 && options.source !== undefined
      ? await checkInWorkers(options.source, ranges, heads, wanted, workers)
      : await checkHere(db, ranges, heads, wanted)
  const joined = joinRanges(results, heads)
  const summary = {
    entries: joined.entries,
    checkpoints: checkpoints.length - anchors.length,
    anchors: anchors.length,
    chains: chains.length,
  }
  // Every centre's creation is logged: a database with centres and an empty log lost its log.
  if (joined.entries === 0) {
    const centres = await countCentres(db)
    if (centres > 0)
      return {
        ...summary,
        problem: {
          chain: '',
          seq: 0,
          problem: `is missing: the log is empty, but the database holds ${String(centres)} centre${centres === 1 ? '' : 's'}`,
        },
      }
  }
  for (const chain of chains) {
    const broken = joined.problems.find((p) => p.chain === chain)
    if (broken) return { ...summary, problem: broken }
    const own = checkpoints.filter((c) => c.chain === chain)
    const problem = checkpointProblem(
      own,
      chain,
      joined.named,
      joined.lastSeqOf.get(chain) ?? 0,
      publicKey,
    )
    if (problem) return { ...summary, problem: { chain, ...problem } }
  }
  return { ...summary, problem: undefined }
}

async function checkHere(
  db: Db,
  ranges: readonly [number, number][],
  heads: ChainHeads,
  wanted: readonly string[],
): Promise<RangeResult[]> {
  const results: RangeResult[] = []
  for (const [from, to] of ranges) {
    const check = new AuditRangeCheck(heads, new Set(wanted))
    await readAuditRange(db, from, to, (row) => {
      check.addValues(row)
    })
    results.push(check.result())
  }
  return results
}

/** The ranges on up to `workers` threads at once, each on its own connection; in order. */
async function checkInWorkers(
  source: AuditSource,
  ranges: readonly [number, number][],
  heads: ChainHeads,
  wanted: readonly string[],
  workers: number,
): Promise<RangeResult[]> {
  const results: RangeResult[] = new Array<RangeResult>(ranges.length)
  let next = 0
  const run = async (): Promise<void> => {
    while (next < ranges.length) {
      const index = next
      next += 1
      const [from, to] = ranges[index] ?? [0, -1]
      const job: AuditRangeJob = { source, from, to, heads: [...heads], wanted: [...wanted] }
      results[index] = await new Promise<RangeResult>((resolve, reject) => {
        const worker = new Worker(new URL('./audit-verify-worker.ts', import.meta.url), {
          workerData: job,
        })
        worker.once('message', (result: RangeResult) => {
          resolve(result)
        })
        worker.once('error', reject)
        worker.once('exit', (code) => {
          if (code !== 0)
            reject(new Error(`an audit check thread stopped with code ${String(code)}`))
        })
      })
    }
  }
  await Promise.all(Array.from({ length: Math.min(workers, ranges.length) }, run))
  return results
}

function checkpointProblem(
  checkpoints: readonly AuditCheckpoint[],
  chain: string,
  hashes: ReadonlyMap<string, string>,
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
    if (hashes.get(`${chain}:${String(checkpoint.seq)}`) !== checkpoint.hash)
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
  /** Sign only chains that have moved on by at least this many entries (default: any). */
  minEntries = 1,
): Promise<AuditCheckpoint[]> {
  return db.transaction().execute(async (trx) => {
    // More than one server on one PostgreSQL: one signs at a time (see the lock).
    await lockCheckpointSigning(trx)
    const signedTo = await checkpointedTo(trx)
    const written: AuditCheckpoint[] = []
    for (const head of await chainHeads(trx)) {
      if (head.seq - (signedTo.get(head.chain) ?? 0) < Math.max(1, minEntries)) continue
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

/**
 * Checkpoints from a file held outside the database: the document export-checkpoints prints
 * ({ publicKey, keyId, checkpoints }) or one checkpoint per line, as the server appends them
 * (HAVEN_AUDIT_CHECKPOINT_FILE). Anything else is refused, naming the line.
 */
export function parseCheckpointFile(text: string): AuditCheckpoint[] {
  const trimmed = text.trim()
  if (trimmed === '') throw new HavenError('invalid_input', 'the checkpoint file is empty')
  if (trimmed.startsWith('{') && !trimmed.includes('\n{')) {
    let document: unknown
    try {
      document = JSON.parse(trimmed)
    } catch {
      throw new HavenError('invalid_input', 'the checkpoint file is not valid JSON')
    }
    const list = (document as { checkpoints?: unknown }).checkpoints
    if (Array.isArray(list))
      return list.map((c, i) => checkpointFrom(c, `checkpoint ${String(i + 1)}`))
    return [checkpointFrom(document, 'line 1')]
  }
  return trimmed.split('\n').map((line, i) => {
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw new HavenError(
        'invalid_input',
        `line ${String(i + 1)} of the checkpoint file is not JSON`,
      )
    }
    return checkpointFrom(value, `line ${String(i + 1)}`)
  })
}

function checkpointFrom(value: unknown, where: string): AuditCheckpoint {
  const c = (value ?? {}) as Record<string, unknown>
  const isText = (v: unknown): v is string => typeof v === 'string'
  if (
    !isText(c.chain) ||
    typeof c.seq !== 'number' ||
    !Number.isSafeInteger(c.seq) ||
    c.seq < 1 ||
    !isText(c.hash) ||
    !isText(c.at) ||
    !isText(c.keyId) ||
    !isText(c.signature) ||
    (c.version !== 1 && c.version !== 2)
  )
    throw new HavenError('invalid_input', `${where} of the checkpoint file is not a checkpoint`)
  return {
    chain: c.chain,
    seq: c.seq,
    hash: c.hash,
    at: c.at,
    keyId: c.keyId,
    signature: c.signature,
    version: c.version,
  }
}
