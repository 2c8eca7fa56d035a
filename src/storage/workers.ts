import type { Db } from './database.ts'

/** A worker's check as stored; the certificate reference stays sealed here. */
export interface StoredCheck {
  id: string
  centreId: string
  accountId: string
  kind: string
  level: string
  certificateCiphertext: string | undefined
  issuedOn: string
  renewalDueOn: string
  outcome: string
  recordedBy: string | undefined
  createdAt: string
  version: number
}

export async function insertCheck(db: Db, check: StoredCheck): Promise<void> {
  await db
    .insertInto('worker_checks')
    .values({
      id: check.id,
      centre_id: check.centreId,
      account_id: check.accountId,
      kind: check.kind,
      level: check.level,
      certificate_ciphertext: check.certificateCiphertext ?? null,
      issued_on: check.issuedOn,
      renewal_due_on: check.renewalDueOn,
      outcome: check.outcome,
      recorded_by: check.recordedBy ?? null,
      created_at: check.createdAt,
      version: check.version,
    })
    .execute()
}

export async function listChecks(
  db: Db,
  centreId: string,
  accountIds?: readonly string[],
): Promise<StoredCheck[]> {
  if (accountIds?.length === 0) return []
  let query = db.selectFrom('worker_checks').selectAll().where('centre_id', '=', centreId)
  if (accountIds) query = query.where('account_id', 'in', [...accountIds])
  const rows = await query.orderBy('issued_on').orderBy('id').execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    accountId: row.account_id,
    kind: row.kind,
    level: row.level,
    certificateCiphertext: row.certificate_ciphertext ?? undefined,
    issuedOn: row.issued_on,
    renewalDueOn: row.renewal_due_on,
    outcome: row.outcome,
    recordedBy: row.recorded_by ?? undefined,
    createdAt: row.created_at,
    version: row.version,
  }))
}

export async function insertAcquaintance(
  db: Db,
  row: { centreId: string; accountId: string; familyId: string; declaredAt: string },
): Promise<void> {
  await db
    .insertInto('acquaintances')
    .values({
      centre_id: row.centreId,
      account_id: row.accountId,
      family_id: row.familyId,
      declared_at: row.declaredAt,
    })
    .onConflict((oc) => oc.columns(['account_id', 'family_id']).doNothing())
    .execute()
}

export async function isAcquainted(
  db: Db,
  centreId: string,
  accountId: string,
  familyId: string,
): Promise<boolean> {
  const row = await db
    .selectFrom('acquaintances')
    .select('family_id')
    .where('centre_id', '=', centreId)
    .where('account_id', '=', accountId)
    .where('family_id', '=', familyId)
    .executeTakeFirst()
  return row !== undefined
}

/**
 * The families whose sessions a worker is assigned to with a start between two wall-clock
 * times (inclusive), each with the session ids.
 */
export async function assignedSessions(
  db: Db,
  centreId: string,
  accountId: string,
  between: { from: string; to: string },
): Promise<{ sessionId: string; familyId: string; startsAt: string }[]> {
  const rows = await db
    .selectFrom('session_workers')
    .innerJoin('contact_sessions', (join) =>
      join
        .onRef('contact_sessions.id', '=', 'session_workers.session_id')
        .onRef('contact_sessions.centre_id', '=', 'session_workers.centre_id'),
    )
    .select([
      'contact_sessions.id as session_id',
      'contact_sessions.family_id as family_id',
      'contact_sessions.starts_at as starts_at',
    ])
    .where('session_workers.centre_id', '=', centreId)
    .where('session_workers.account_id', '=', accountId)
    .where('contact_sessions.starts_at', '>=', between.from)
    .where('contact_sessions.starts_at', '<=', between.to)
    .where('contact_sessions.status', '!=', 'cancelled')
    .orderBy('contact_sessions.starts_at')
    .execute()
  return rows.map((row) => ({
    sessionId: row.session_id,
    familyId: row.family_id,
    startsAt: row.starts_at,
  }))
}

/** The display names of the workers assigned to sessions (who is on duty), by session. */
export async function workerNamesOfSessions(
  db: Db,
  centreId: string,
  sessionIds: readonly string[],
): Promise<Map<string, string[]>> {
  const bySession = new Map<string, string[]>()
  if (sessionIds.length === 0) return bySession
  const rows = await db
    .selectFrom('session_workers')
    .innerJoin('accounts', 'accounts.id', 'session_workers.account_id')
    .select(['session_workers.session_id as sessionId', 'accounts.display_name as name'])
    .where('session_workers.centre_id', '=', centreId)
    .where('session_workers.session_id', 'in', [...sessionIds])
    .orderBy('accounts.display_name')
    .execute()
  for (const row of rows)
    bySession.set(row.sessionId, [...(bySession.get(row.sessionId) ?? []), row.name])
  return bySession
}

/** The accounts assigned to sessions, by session. */
export async function workersOfSessions(
  db: Db,
  centreId: string,
  sessionIds: readonly string[],
): Promise<{ sessionId: string; accountId: string }[]> {
  if (sessionIds.length === 0) return []
  return db
    .selectFrom('session_workers')
    .select(['session_id as sessionId', 'account_id as accountId'])
    .where('centre_id', '=', centreId)
    .where('session_id', 'in', [...sessionIds])
    .execute()
}

export async function insertSessionWorker(
  db: Db,
  row: {
    centreId: string
    sessionId: string
    accountId: string
    assignedAt: string
    assignedBy: string | undefined
  },
): Promise<void> {
  await db
    .insertInto('session_workers')
    .values({
      centre_id: row.centreId,
      session_id: row.sessionId,
      account_id: row.accountId,
      assigned_at: row.assignedAt,
      assigned_by: row.assignedBy ?? null,
    })
    .onConflict((oc) => oc.columns(['session_id', 'account_id']).doNothing())
    .execute()
}
