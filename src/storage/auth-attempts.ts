import { PostgresAdapter, sql } from 'kysely'
import type { Db } from './database.ts'

/** One key a guess is charged to, with the most guesses it may hold since a moment. */
export interface AttemptCharge {
  /** A keyed hash of the key's kind and value. */
  keyHash: string
  /** Guesses charged after this moment (ISO) count. */
  since: string
  limit: number
}

/**
 * Charges one guess to each key before it is checked (the caller holds the transaction):
 * on PostgreSQL each key is locked for the transaction, on SQLite the one writer already
 * serialises, so twenty guesses sent at once are counted one after another and only those
 * under every limit go on. Returns the first key already at its limit (nothing charged), or
 * undefined when the guess was charged to every key.
 */
export async function chargeAttempt(
  trx: Db,
  attempt: { id: string; at: string; charges: readonly AttemptCharge[] },
): Promise<AttemptCharge | undefined> {
  const charges = [...attempt.charges].sort((a, b) => a.keyHash.localeCompare(b.keyHash))
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    for (const charge of charges) {
      await sql`select pg_advisory_xact_lock(hashtextextended(${charge.keyHash}, 7243013))`.execute(
        trx,
      )
    }
  }
  for (const charge of charges) {
    const row = await trx
      .selectFrom('auth_attempts')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('key_hash', '=', charge.keyHash)
      .where('at', '>', charge.since)
      .executeTakeFirstOrThrow()
    if (Number(row.n) >= charge.limit) return charge
  }
  if (charges.length > 0) {
    await trx
      .insertInto('auth_attempts')
      .values(charges.map((c) => ({ id: attempt.id, key_hash: c.keyHash, at: attempt.at })))
      .execute()
  }
  return undefined
}

/** Gives a guess back: it succeeded, so it counts against nothing. */
export async function refundAttempt(db: Db, id: string): Promise<void> {
  await db.deleteFrom('auth_attempts').where('id', '=', id).execute()
}

/** Forgets every guess charged to a key (an account whose owner has just signed in fully). */
export async function clearAttempts(db: Db, keyHash: string): Promise<void> {
  await db.deleteFrom('auth_attempts').where('key_hash', '=', keyHash).execute()
}

/** Forgets guesses older than every window. */
export async function pruneAttempts(db: Db, before: string): Promise<void> {
  await db.deleteFrom('auth_attempts').where('at', '<=', before).execute()
}
