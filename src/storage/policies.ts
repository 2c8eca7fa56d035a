import type { Db } from './database.ts'

export interface StoredPolicyVersion {
  centreId: string
  version: number
  document: unknown
  hash: string
  publishedAt: string
  publishedBy: string | undefined
}

export interface StoredPolicyReview {
  id: string
  centreId: string
  version: number
  reviewedOn: string
  reviewedBy: string | undefined
  outcome: 'unchanged' | 'new_version'
  notes: string
}

/** Adds a version; there is no function to change or remove one (and triggers refuse it). */
export async function insertPolicyVersion(db: Db, version: StoredPolicyVersion): Promise<void> {
  await db
    .insertInto('policy_versions')
    .values({
      centre_id: version.centreId,
      version: version.version,
      document: JSON.stringify(version.document),
      hash: version.hash,
      published_at: version.publishedAt,
      published_by: version.publishedBy ?? null,
    })
    .execute()
}

export async function listPolicyVersions(db: Db, centreId: string): Promise<StoredPolicyVersion[]> {
  const rows = await db
    .selectFrom('policy_versions')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('version')
    .execute()
  return rows.map((row) => ({
    centreId: row.centre_id,
    version: row.version,
    document: JSON.parse(row.document) as unknown,
    hash: row.hash,
    publishedAt: row.published_at,
    publishedBy: row.published_by ?? undefined,
  }))
}

export async function findLatestPolicyVersion(
  db: Db,
  centreId: string,
): Promise<StoredPolicyVersion | undefined> {
  const row = await db
    .selectFrom('policy_versions')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  return (
    row && {
      centreId: row.centre_id,
      version: row.version,
      document: JSON.parse(row.document) as unknown,
      hash: row.hash,
      publishedAt: row.published_at,
      publishedBy: row.published_by ?? undefined,
    }
  )
}

export async function insertPolicyReview(db: Db, review: StoredPolicyReview): Promise<void> {
  await db
    .insertInto('policy_reviews')
    .values({
      id: review.id,
      centre_id: review.centreId,
      version: review.version,
      reviewed_on: review.reviewedOn,
      reviewed_by: review.reviewedBy ?? null,
      outcome: review.outcome,
      notes: review.notes,
    })
    .execute()
}

export async function listPolicyReviews(db: Db, centreId: string): Promise<StoredPolicyReview[]> {
  const rows = await db
    .selectFrom('policy_reviews')
    .selectAll()
    .where('centre_id', '=', centreId)
    .orderBy('reviewed_on')
    .orderBy('id')
    .execute()
  return rows.map((row) => ({
    id: row.id,
    centreId: row.centre_id,
    version: row.version,
    reviewedOn: row.reviewed_on,
    reviewedBy: row.reviewed_by ?? undefined,
    outcome: row.outcome === 'new_version' ? 'new_version' : 'unchanged',
    notes: row.notes,
  }))
}

/** The version and hash of the policy in force, without reading the document. */
export async function findLatestPolicyRef(
  db: Db,
  centreId: string,
): Promise<{ version: number; hash: string } | undefined> {
  return db
    .selectFrom('policy_versions')
    .select(['version', 'hash'])
    .where('centre_id', '=', centreId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
}

export async function insertAcknowledgement(
  db: Db,
  row: { centreId: string; accountId: string; version: number; at: string },
): Promise<boolean> {
  const result = await db
    .insertInto('policy_acknowledgements')
    .values({
      centre_id: row.centreId,
      account_id: row.accountId,
      version: row.version,
      acknowledged_at: row.at,
    })
    .onConflict((oc) => oc.columns(['centre_id', 'account_id', 'version']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1
}

export async function listAcknowledgements(
  db: Db,
  centreId: string,
  version: number,
): Promise<{ accountId: string; at: string }[]> {
  const rows = await db
    .selectFrom('policy_acknowledgements')
    .select(['account_id', 'acknowledged_at'])
    .where('centre_id', '=', centreId)
    .where('version', '=', version)
    .execute()
  return rows.map((row) => ({ accountId: row.account_id, at: row.acknowledged_at }))
}
