import { createHash } from 'node:crypto'
import { IDEMPOTENCY_KEY_TTL_MS, judgeHeldKey, type HeldKeyVerdict } from '../domain/idempotency.ts'
import { scopeToCentre } from '../storage/centre-scope.ts'
import type { Db } from '../storage/database.ts'
import {
  completeIdempotencyKey,
  deleteIdempotencyKey,
  deleteIdempotencyKeysBefore,
  findIdempotencyKey,
  insertIdempotencyKey,
} from '../storage/idempotency-keys.ts'
import type { Actor } from './actor.ts'
import type { AppContext } from './context.ts'
import { openWithMasterKey, sealWithMasterKey } from './field-crypto.ts'
import { keyedHash } from './secrets.ts'

/** A request that holds its key while it runs: its answer is kept, or the key let go. */
export interface Reservation {
  centreId: string
  id: string
}

/** An answer as it is kept and replayed: status, media type, a redirect's target, body. */
export interface KeptAnswer {
  status: number
  contentType: string | null
  location: string | null
  body: Buffer
}

export type ReserveOutcome =
  | { kind: 'run'; reservation: Reservation }
  | { kind: 'replay'; answer: KeptAnswer }
  | { kind: Exclude<HeldKeyVerdict, 'replay'> }

/**
 * Reserves an Idempotency-Key for a request before it runs (decision 0030): the key is the
 * account's at its centre for a day. The first request with it runs; the same request again
 * gets the first answer; another request with it, or a copy while the first still runs, is
 * told so. The key and the request are kept only as keyed hashes. Keys older than a day at
 * this centre go first, so an old key may be used again.
 */
export async function reserveIdempotencyKey(
  ctx: AppContext,
  actor: Actor,
  request: { key: string; method: string; path: string; body: Uint8Array },
): Promise<ReserveOutcome> {
  const now = ctx.now()
  const keyHash = keyedHash(ctx.masterKey, 'idempotency-key', request.key)
  const fingerprint = keyedHash(
    ctx.masterKey,
    'idempotency-request',
    `${request.method} ${request.path} ${createHash('sha256').update(request.body).digest('hex')}`,
  )
  const id = ctx.newId()
  const held = await scoped(ctx, actor.centreId, async (trx) => {
    await deleteIdempotencyKeysBefore(trx, expiredBefore(now), actor.centreId)
    const isReserved = await insertIdempotencyKey(trx, {
      id,
      centreId: actor.centreId,
      accountId: actor.accountId,
      keyHash,
      fingerprint,
      at: now.toISOString(),
    })
    if (isReserved) return undefined
    return findIdempotencyKey(trx, {
      centreId: actor.centreId,
      accountId: actor.accountId,
      keyHash,
    })
  })
  if (!held) return { kind: 'run', reservation: { centreId: actor.centreId, id } }
  const verdict = judgeHeldKey(held, fingerprint, now)
  if (verdict !== 'replay' || !held.answer) {
    return { kind: verdict === 'replay' ? 'in_progress' : verdict }
  }
  const { status, contentType, location, bodyCiphertext } = held.answer
  return {
    kind: 'replay',
    answer: {
      status,
      contentType,
      location,
      body:
        bodyCiphertext === null
          ? Buffer.alloc(0)
          : openWithMasterKey(ctx.masterKey, `idempotency:${held.id}`, bodyCiphertext),
    },
  }
}

/**
 * Keeps a request's answer for its retries. The body is sealed under the master key: it is
 * what the first answer showed the same account, and may hold names or ids of a family.
 */
export async function keepIdempotentAnswer(
  ctx: AppContext,
  reservation: Reservation,
  answer: KeptAnswer,
): Promise<void> {
  const bodyCiphertext =
    answer.body.length === 0
      ? null
      : sealWithMasterKey(ctx.masterKey, `idempotency:${reservation.id}`, answer.body)
  await scoped(ctx, reservation.centreId, (trx) =>
    completeIdempotencyKey(trx, reservation.centreId, reservation.id, {
      status: answer.status,
      contentType: answer.contentType,
      location: answer.location,
      bodyCiphertext,
      at: ctx.now().toISOString(),
    }),
  )
}

/** Lets a key go after a request that wrote nothing (a fault, a refusal): a retry runs. */
export async function releaseIdempotencyKey(
  ctx: AppContext,
  reservation: Reservation,
): Promise<void> {
  await scoped(ctx, reservation.centreId, (trx) =>
    deleteIdempotencyKey(trx, reservation.centreId, reservation.id),
  )
}

/** Deletes every key older than a day, at every centre (the server's daily work). */
export async function purgeExpiredIdempotencyKeys(ctx: AppContext): Promise<number> {
  return deleteIdempotencyKeysBefore(ctx.db, expiredBefore(ctx.now()))
}

function expiredBefore(now: Date): string {
  return new Date(now.getTime() - IDEMPOTENCY_KEY_TTL_MS).toISOString()
}

/**
 * A short transaction scoped to the centre (row-level security on PostgreSQL) that does not
 * take the centre's lock: the unique key, not the lock, decides between copies sent at once,
 * and the request itself takes the lock when it writes.
 */
function scoped<T>(ctx: AppContext, centreId: string, work: (trx: Db) => Promise<T>): Promise<T> {
  return ctx.db.transaction().execute(async (trx) => {
    await scopeToCentre(trx, centreId)
    return work(trx)
  })
}
