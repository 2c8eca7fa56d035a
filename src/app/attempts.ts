import {
  LONGEST_ATTEMPT_WINDOW_MS,
  throttledMessage,
  type AttemptLimit,
} from '../domain/auth-rules.ts'
import { HavenError } from '../domain/errors.ts'
import {
  chargeAttempt,
  clearAttempts,
  pruneAttempts,
  refundAttempt,
} from '../storage/auth-attempts.ts'
import { recordEvent } from './audit.ts'
import type { AppContext } from './context.ts'
import { keyedHash } from './secrets.ts'

/** A guess charged to its limits; refunded if it turns out right. */
export interface ChargedGuess {
  refund(): Promise<void>
}

function keyHashOf(ctx: AppContext, limit: AttemptLimit): string {
  return keyedHash(ctx.masterKey, 'attempt', `${limit.key.kind}:${limit.key.value}`)
}

/**
 * Charges a guess (a password, a second-factor or recovery code, a one-time link, a reset
 * request) to its limits before it is checked (OWASP ASVS 5.0 V6.3.1, V6.6.3): checked and
 * charged in one transaction, so twenty guesses sent at once cannot all slip under a limit.
 * A key at its limit refuses the guess, unchecked, with `rate_limited`, and the refusal is in
 * the audit log (key kinds only: the values are never stored, even hashed, in the log).
 */
export async function chargeGuess(
  ctx: AppContext,
  limits: readonly AttemptLimit[],
  context: { centreId?: string | undefined; what: string },
): Promise<ChargedGuess> {
  const now = ctx.now()
  const id = ctx.newId()
  const byHash = new Map(limits.map((limit) => [keyHashOf(ctx, limit), limit]))
  const full = await ctx.db.transaction().execute(async (trx) => {
    await pruneAttempts(trx, new Date(now.getTime() - LONGEST_ATTEMPT_WINDOW_MS).toISOString())
    const refused = await chargeAttempt(trx, {
      id,
      at: now.toISOString(),
      charges: [...byHash].map(([keyHash, limit]) => ({
        keyHash,
        limit: limit.limit,
        since: new Date(now.getTime() - limit.windowMs).toISOString(),
      })),
    })
    // Only the first refusal of a key in its window is audited, so that no one can fill a
    // centre's permanent log by knocking on a locked door.
    const isFirstRefusal =
      refused !== undefined &&
      (await chargeAttempt(trx, {
        id,
        at: now.toISOString(),
        charges: [{ keyHash: `noted:${refused.keyHash}`, limit: 1, since: refused.since }],
      })) === undefined
    if (isFirstRefusal) {
      await recordEvent(trx, {
        type: 'sign_in.throttled',
        at: now,
        centreId: context.centreId,
        details: { by: byHash.get(refused.keyHash)?.key.kind ?? 'unknown', what: context.what },
      })
    }
    return refused && byHash.get(refused.keyHash)
  })
  if (full) throw new HavenError('rate_limited', throttledMessage(full.key.kind))
  return { refund: () => refundAttempt(ctx.db, id) }
}

/**
 * Forgets the guesses against an account (passwords, and codes counted by the day) once its
 * owner has passed every factor.
 */
export async function forgetAccountGuesses(ctx: AppContext, email: string): Promise<void> {
  for (const kind of ['account', 'codes'] as const) {
    await clearAttempts(
      ctx.db,
      keyHashOf(ctx, { key: { kind, value: email }, limit: 0, windowMs: 0 }),
    )
  }
}
