import type { Db } from './database.ts'
import type { AuthSessionRow } from './schema.ts'

export interface StoredAuthSession {
  id: string
  tokenHash: string
  accountId: string
  centreId: string
  isSecondFactorPending: boolean
  createdAt: string
  lastSeenAt: string
  endedAt: string | undefined
  endReason: string | undefined
}

function toSession(row: AuthSessionRow): StoredAuthSession {
  return {
    id: row.id,
    tokenHash: row.token_hash,
    accountId: row.account_id,
    centreId: row.centre_id,
    isSecondFactorPending: row.is_second_factor_pending === 1,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    endedAt: row.ended_at ?? undefined,
    endReason: row.end_reason ?? undefined,
  }
}

export async function insertAuthSession(db: Db, session: StoredAuthSession): Promise<void> {
  await db
    .insertInto('auth_sessions')
    .values({
      id: session.id,
      token_hash: session.tokenHash,
      account_id: session.accountId,
      centre_id: session.centreId,
      is_second_factor_pending: session.isSecondFactorPending ? 1 : 0,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      ended_at: null,
      end_reason: null,
    })
    .execute()
}

export async function touchAuthSession(db: Db, id: string, at: string): Promise<void> {
  await db
    .updateTable('auth_sessions')
    .set({ last_seen_at: at })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .execute()
}

/**
 * The second factor is done: the session may act, under a new token (the old one, seen
 * before the second factor, no longer works). False when the session had already ended or
 * was already complete (two completions at once: only one wins).
 */
export async function completeSecondFactor(
  db: Db,
  id: string,
  at: string,
  newTokenHash: string,
): Promise<boolean> {
  const result = await db
    .updateTable('auth_sessions')
    .set({ is_second_factor_pending: 0, last_seen_at: at, token_hash: newTokenHash })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    // Once only: two proofs sent together (two recovery codes) pass it once, and the other's
    // code is not spent (its transaction rolls back).
    .where('is_second_factor_pending', '=', 1)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Ends one session; returns whether it was still open. */
export async function endAuthSession(
  db: Db,
  id: string,
  at: string,
  reason: string,
): Promise<boolean> {
  const result = await db
    .updateTable('auth_sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('id', '=', id)
    .where('ended_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

/** Ends every open session of an account (in every centre, or one); returns how many. */
export async function endAccountSessions(
  db: Db,
  accountId: string,
  at: string,
  reason: string,
  centreId?: string,
  exceptSessionId?: string,
): Promise<number> {
  let query = db
    .updateTable('auth_sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('account_id', '=', accountId)
    .where('ended_at', 'is', null)
  if (centreId !== undefined) query = query.where('centre_id', '=', centreId)
  if (exceptSessionId !== undefined) query = query.where('id', '!=', exceptSessionId)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** Ends every open session in a centre; returns how many. */
export async function endCentreSessions(
  db: Db,
  centreId: string,
  at: string,
  reason: string,
  exceptId?: string,
): Promise<number> {
  let query = db
    .updateTable('auth_sessions')
    .set({ ended_at: at, end_reason: reason })
    .where('centre_id', '=', centreId)
    .where('ended_at', 'is', null)
  if (exceptId !== undefined) query = query.where('id', '!=', exceptId)
  const result = await query.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** A session with what decides whether it may still act, read in one query. */
export interface SessionHolder {
  session: StoredAuthSession
  /** Undefined when the account is gone. */
  account: { isDisabled: boolean; totpSecretCiphertext: string | undefined } | undefined
  /** The account's roles in the session's centre. */
  roles: string[]
  /** Whether the account's access to that centre is stopped. */
  isStopped: boolean
  /** Whether the session's centre is closed on this installation (migration 0020). */
  isCentreClosed: boolean
}

/**
 * The session behind a token hash with its account and its membership of the session's
 * centre, in one query: every signed-in request asks this first, so it is one round trip
 * rather than three.
 */
export async function findSessionHolder(
  db: Db,
  tokenHash: string,
): Promise<SessionHolder | undefined> {
  const rows = await db
    .selectFrom('auth_sessions')
    .leftJoin('accounts', 'accounts.id', 'auth_sessions.account_id')
    .leftJoin('account_roles', (join) =>
      join
        .onRef('account_roles.account_id', '=', 'auth_sessions.account_id')
        .onRef('account_roles.centre_id', '=', 'auth_sessions.centre_id'),
    )
    .leftJoin('member_access_stops', (join) =>
      join
        .onRef('member_access_stops.account_id', '=', 'auth_sessions.account_id')
        .onRef('member_access_stops.centre_id', '=', 'auth_sessions.centre_id'),
    )
    .leftJoin('centres', 'centres.id', 'auth_sessions.centre_id')
    .selectAll('auth_sessions')
    .select([
      'centres.closed_at as centre_closed_at',
      'accounts.id as holder_id',
      'accounts.is_disabled as holder_is_disabled',
      'accounts.totp_secret_ciphertext as holder_totp',
      'account_roles.role as role',
      'member_access_stops.stopped_at as stopped_at',
    ])
    .where('auth_sessions.token_hash', '=', tokenHash)
    .orderBy('account_roles.role')
    .execute()
  const [first] = rows
  if (!first) return undefined
  return {
    session: toSession(first),
    account:
      first.holder_id === null
        ? undefined
        : {
            isDisabled: first.holder_is_disabled === 1,
            totpSecretCiphertext: first.holder_totp ?? undefined,
          },
    roles: rows.flatMap((row) => (row.role === null ? [] : [row.role])),
    isStopped: rows.some((row) => row.stopped_at !== null),
    isCentreClosed: first.centre_closed_at !== null,
  }
}
