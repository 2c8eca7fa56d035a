import type { Db } from './database.ts'

/** Password resets and recovery codes: hashes only, never the secret. */
export interface StoredPasswordReset {
  id: string
  accountId: string
  tokenHash: string
  createdAt: string
  expiresAt: string
  usedAt: string | undefined
}

export async function insertPasswordReset(db: Db, reset: StoredPasswordReset): Promise<void> {
  await db
    .insertInto('password_resets')
    .values({
      id: reset.id,
      account_id: reset.accountId,
      token_hash: reset.tokenHash,
      created_at: reset.createdAt,
      expires_at: reset.expiresAt,
      used_at: null,
    })
    .execute()
}

export async function findPasswordResetByTokenHash(
  db: Db,
  tokenHash: string,
): Promise<StoredPasswordReset | undefined> {
  const row = await db
    .selectFrom('password_resets')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  return (
    row && {
      id: row.id,
      accountId: row.account_id,
      tokenHash: row.token_hash,
      createdAt: row.created_at,
      expiresAt: row.expires_at,
      usedAt: row.used_at ?? undefined,
    }
  )
}

/** Uses a reset once; false when it was already used. Other open resets of the account lapse too. */
export async function markPasswordResetUsed(
  db: Db,
  id: string,
  accountId: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('password_resets')
    .set({ used_at: at })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  if (result.numUpdatedRows !== 1n) return false
  await db
    .updateTable('password_resets')
    .set({ used_at: at })
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .execute()
  return true
}

export async function replaceRecoveryCodes(
  db: Db,
  accountId: string,
  codes: readonly { id: string; codeHash: string }[],
  at: string,
): Promise<void> {
  await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute()
  if (codes.length === 0) return
  await db
    .insertInto('recovery_codes')
    .values(
      codes.map((code) => ({
        id: code.id,
        account_id: accountId,
        code_hash: code.codeHash,
        created_at: at,
        used_at: null,
      })),
    )
    .execute()
}

/** Uses a recovery code once; false when no unused code has this hash. */
export async function useRecoveryCode(
  db: Db,
  accountId: string,
  codeHash: string,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('recovery_codes')
    .set({ used_at: at })
    .where('account_id', '=', accountId)
    .where('code_hash', '=', codeHash)
    .where('used_at', 'is', null)
    .executeTakeFirst()
  return result.numUpdatedRows >= 1n
}

export async function countUnusedRecoveryCodes(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('recovery_codes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('account_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}
