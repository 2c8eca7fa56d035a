import { PostgresAdapter, sql } from 'kysely'
import type { AccountRow } from './schema.ts'
import type { Db } from './database.ts'

export interface StoredAccount {
  id: string
  email: string
  displayName: string
  passwordHash: string
  totpSecretCiphertext: string | undefined
  totpPendingCiphertext: string | undefined
  totpLastStep: number | undefined
  isDisabled: boolean
  createdAt: string
  updatedAt: string
  version: number
}

export interface StoredRole {
  accountId: string
  centreId: string
  role: string
  agencyKind: string | undefined
  agencyName: string | undefined
  grantedAt: string
  grantedBy: string | undefined
}

function toAccount(row: AccountRow): StoredAccount {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    totpSecretCiphertext: row.totp_secret_ciphertext ?? undefined,
    totpPendingCiphertext: row.totp_pending_ciphertext ?? undefined,
    totpLastStep: row.totp_last_step ?? undefined,
    isDisabled: row.is_disabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  }
}

/**
 * Makes an account; false (and nothing written) when the e-mail already has one, also when
 * another transaction made it at the same moment (PostgreSQL waits for it, then does nothing).
 */
export async function insertAccount(db: Db, account: StoredAccount): Promise<boolean> {
  const result = await db
    .insertInto('accounts')
    .values({
      id: account.id,
      email: account.email,
      display_name: account.displayName,
      password_hash: account.passwordHash,
      totp_secret_ciphertext: account.totpSecretCiphertext ?? null,
      totp_pending_ciphertext: account.totpPendingCiphertext ?? null,
      totp_last_step: account.totpLastStep ?? null,
      is_disabled: account.isDisabled ? 1 : 0,
      created_at: account.createdAt,
      updated_at: account.updatedAt,
      version: account.version,
    })
    .onConflict((oc) => oc.column('email').doNothing())
    .executeTakeFirst()
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
}

export async function findAccountByEmail(
  db: Db,
  email: string,
): Promise<StoredAccount | undefined> {
  const row = await db
    .selectFrom('accounts')
    .selectAll()
    .where('email', '=', email)
    .executeTakeFirst()
  return row && toAccount(row)
}

export async function findAccount(db: Db, id: string): Promise<StoredAccount | undefined> {
  const row = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst()
  return row && toAccount(row)
}

const ACCOUNT_LOCK_CLASS = 7243021

/**
 * Takes the account's lock for the rest of the transaction and reads the account as it is
 * now (decision 0032). A transaction that makes a session for the account (signing in) or
 * changes what proves who they are (a password reset or change, the operator's reset of a
 * second factor) takes it first, before any centre's lock: so a sign-in checked against the
 * old password either commits before the change, whose ending of every session then ends
 * it too, or reads the new password and is refused. On SQLite the one writer already
 * serialises; the read again is what counts.
 */
export async function lockAccount(trx: Db, id: string): Promise<StoredAccount | undefined> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter)
    await sql`select pg_advisory_xact_lock(${ACCOUNT_LOCK_CLASS}, hashtext(${id}))`.execute(trx)
  return findAccount(trx, id)
}

/** Changes what is given and bumps the version. */
export async function updateAccount(
  db: Db,
  id: string,
  changes: {
    passwordHash?: string
    totpSecretCiphertext?: string | null
    totpPendingCiphertext?: string | null
    totpLastStep?: number | null
    isDisabled?: boolean
    displayName?: string
  },
  updatedAt: string,
): Promise<void> {
  await db
    .updateTable('accounts')
    .set((eb) => ({
      ...(changes.passwordHash === undefined ? {} : { password_hash: changes.passwordHash }),
      ...(changes.totpSecretCiphertext === undefined
        ? {}
        : { totp_secret_ciphertext: changes.totpSecretCiphertext }),
      ...(changes.totpPendingCiphertext === undefined
        ? {}
        : { totp_pending_ciphertext: changes.totpPendingCiphertext }),
      ...(changes.totpLastStep === undefined ? {} : { totp_last_step: changes.totpLastStep }),
      ...(changes.isDisabled === undefined ? {} : { is_disabled: changes.isDisabled ? 1 : 0 }),
      ...(changes.displayName === undefined ? {} : { display_name: changes.displayName }),
      updated_at: updatedAt,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', id)
    .execute()
}

/**
 * Records that a TOTP step was used, only if it is later than the last one: returns false
 * when another request used this step (or a later one) first.
 */
export async function claimTotpStep(db: Db, accountId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set({ totp_last_step: step })
    .where('id', '=', accountId)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}

export async function listRolesInCentre(
  db: Db,
  centreId: string,
  accountId: string,
): Promise<StoredRole[]> {
  const rows = await db
    .selectFrom('account_roles')
    .selectAll()
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .orderBy('role')
    .execute()
  return rows.map(toRole)
}

/** The centres in which an account holds a role, by id. */
export async function listCentreIdsOfAccount(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('account_roles')
    .select('centre_id')
    .distinct()
    .where('account_id', '=', accountId)
    .orderBy('centre_id')
    .execute()
  return rows.map((row) => row.centre_id)
}

export async function listRolesOfCentre(db: Db, centreId: string): Promise<StoredRole[]> {
  const rows = await db
    .selectFrom('account_roles')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('account_id')
    .orderBy('role')
    .execute()
  return rows.map(toRole)
}

export async function listAccountsOfCentre(db: Db, centreId: string): Promise<StoredAccount[]> {
  const rows = await db
    .selectFrom('accounts')
    .selectAll()
    .where(
      'id',
      'in',
      db.selectFrom('account_roles').select('account_id').where('centre_id', '=', centreId),
    )
    .orderBy('display_name')
    .orderBy('id')
    .execute()
  return rows.map(toAccount)
}

export async function insertRoles(db: Db, roles: readonly StoredRole[]): Promise<void> {
  if (roles.length === 0) return
  await db
    .insertInto('account_roles')
    .values(
      roles.map((role) => ({
        account_id: role.accountId,
        centre_id: role.centreId,
        role: role.role,
        agency_kind: role.agencyKind ?? null,
        agency_name: role.agencyName ?? null,
        granted_at: role.grantedAt,
        granted_by: role.grantedBy ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['account_id', 'centre_id', 'role']).doNothing())
    .execute()
}

export async function deleteRoles(
  db: Db,
  centreId: string,
  accountId: string,
  roles: readonly string[],
): Promise<void> {
  if (roles.length === 0) return
  await db
    .deleteFrom('account_roles')
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .where('role', 'in', roles)
    .execute()
}

function toRole(row: {
  account_id: string
  centre_id: string
  role: string
  agency_kind: string | null
  agency_name: string | null
  granted_at: string
  granted_by: string | null
}): StoredRole {
  return {
    accountId: row.account_id,
    centreId: row.centre_id,
    role: row.role,
    agencyKind: row.agency_kind ?? undefined,
    agencyName: row.agency_name ?? undefined,
    grantedAt: row.granted_at,
    grantedBy: row.granted_by ?? undefined,
  }
}

/** The agency a referrer's role in a centre names, as given on their invitation. */
export async function findAgencyOfRole(
  db: Db,
  centreId: string,
  accountId: string,
): Promise<{ kind: string; name: string } | undefined> {
  const row = await db
    .selectFrom('account_roles')
    .select(['agency_kind', 'agency_name'])
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .where('role', '=', 'referrer')
    .executeTakeFirst()
  return row?.agency_kind && row.agency_name
    ? { kind: row.agency_kind, name: row.agency_name }
    : undefined
}

/**
 * A person's roles in a centre and whether a coordinator has stopped their access to it (and
 * only it), in one query: it runs on every request.
 */
export async function findMembership(
  db: Db,
  centreId: string,
  accountId: string,
): Promise<{ roles: string[]; isStopped: boolean }> {
  const rows = await db
    .selectFrom('account_roles')
    .leftJoin('member_access_stops', (join) =>
      join
        .onRef('member_access_stops.account_id', '=', 'account_roles.account_id')
        .onRef('member_access_stops.centre_id', '=', 'account_roles.centre_id'),
    )
    .select(['account_roles.role', 'member_access_stops.stopped_at'])
    .where('account_roles.centre_id', '=', centreId)
    .where('account_roles.account_id', '=', accountId)
    .orderBy('account_roles.role')
    .execute()
  return {
    roles: rows.map((row) => row.role),
    isStopped: rows.some((row) => row.stopped_at !== null),
  }
}

/** The people of a centre whose access to it is stopped. */
export async function listAccessStopsOfCentre(db: Db, centreId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('member_access_stops')
    .select('account_id')
    .where('centre_id', '=', centreId)
    .execute()
  return rows.map((row) => row.account_id)
}

/** Stops (true) or restores (false) a person's access to one centre; false when nothing changed. */
export async function setAccessStopped(
  db: Db,
  stop: { centreId: string; accountId: string; at: string; by: string | undefined },
  isStopped: boolean,
): Promise<boolean> {
  if (!isStopped) {
    const result = await db
      .deleteFrom('member_access_stops')
      .where('centre_id', '=', stop.centreId)
      .where('account_id', '=', stop.accountId)
      .executeTakeFirst()
    return result.numDeletedRows > 0n
  }
  const result = await db
    .insertInto('member_access_stops')
    .values({
      account_id: stop.accountId,
      centre_id: stop.centreId,
      stopped_at: stop.at,
      stopped_by: stop.by ?? null,
    })
    .onConflict((oc) => oc.columns(['account_id', 'centre_id']).doNothing())
    .executeTakeFirst()
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n
}

/**
 * Makes the pending authenticator the account's, only if it is still the one the caller
 * confirmed: false when another request confirmed or replaced it first.
 */
export async function promotePendingTotp(
  db: Db,
  accountId: string,
  pendingCiphertext: string,
  lastStep: number,
  at: string,
): Promise<boolean> {
  const result = await db
    .updateTable('accounts')
    .set((eb) => ({
      totp_secret_ciphertext: pendingCiphertext,
      totp_pending_ciphertext: null,
      totp_last_step: lastStep,
      updated_at: at,
      version: eb('version', '+', 1),
    }))
    .where('id', '=', accountId)
    .where('totp_pending_ciphertext', '=', pendingCiphertext)
    .executeTakeFirst()
  return result.numUpdatedRows === 1n
}
