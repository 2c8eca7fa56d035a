import type { Db } from './database.ts'

/** A reserved or answered request, as the app sees it (never the row). */
export interface IdempotencyRecord {
  id: string
  fingerprint: string
  state: 'running' | 'done'
  createdAt: string
  answer:
    | {
        status: number
        contentType: string | null
        location: string | null
        bodyCiphertext: string | null
      }
    | undefined
}

/**
 * Reserves a key for one request: inserts its row unless the account already holds the key at
 * this centre. The unique constraint decides between copies sent at once (PostgreSQL waits for
 * the other insert to commit, then inserts nothing; SQLite's one writer does the same). True
 * when this request's row went in and the request may run.
 */
export async function insertIdempotencyKey(
  trx: Db,
  row: {
    id: string
    centreId: string
    accountId: string
    keyHash: string
    fingerprint: string
    at: string
  },
): Promise<boolean> {
  const result = await trx
    .insertInto('idempotency_keys')
    .values({
      id: row.id,
      centre_id: row.centreId,
      account_id: row.accountId,
      key_hash: row.keyHash,
      fingerprint: row.fingerprint,
      state: 'running',
      status: null,
      content_type: null,
      location: null,
      body_ciphertext: null,
      created_at: row.at,
      completed_at: null,
    })
    .onConflict((oc) => oc.columns(['centre_id', 'account_id', 'key_hash']).doNothing())
    .returning('id')
    .executeTakeFirst()
  return result !== undefined
}

export async function findIdempotencyKey(
  db: Db,
  key: { centreId: string; accountId: string; keyHash: string },
): Promise<IdempotencyRecord | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('centre_id', '=', key.centreId)
    .where('account_id', '=', key.accountId)
    .where('key_hash', '=', key.keyHash)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    id: row.id,
    fingerprint: row.fingerprint,
    state: row.state,
    createdAt: row.created_at,
    answer:
      row.state === 'done' && row.status !== null
        ? {
            status: row.status,
            contentType: row.content_type,
            location: row.location,
            bodyCiphertext: row.body_ciphertext,
          }
        : undefined,
  }
}

/** Keeps the answer of a reserved request; from now on a retry gets it. */
export async function completeIdempotencyKey(
  db: Db,
  centreId: string,
  id: string,
  answer: {
    status: number
    contentType: string | null
    location: string | null
    bodyCiphertext: string | null
    at: string
  },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      status: answer.status,
      content_type: answer.contentType,
      location: answer.location,
      body_ciphertext: answer.bodyCiphertext,
      completed_at: answer.at,
    })
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .execute()
}

/** Lets a key go (the request failed and wrote nothing): a retry runs. */
export async function deleteIdempotencyKey(db: Db, centreId: string, id: string): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('centre_id', '=', centreId)
    .where('id', '=', id)
    .execute()
}

/** Deletes every key reserved before a moment: at one centre, or (unscoped) at every one. */
export async function deleteIdempotencyKeysBefore(
  db: Db,
  before: string,
  centreId?: string,
): Promise<number> {
  let query = db.deleteFrom('idempotency_keys').where('created_at', '<', before)
  if (centreId !== undefined) query = query.where('centre_id', '=', centreId)
  const result = await query.executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** Every kept answer, for rotating the master key. */
export async function listSealedIdempotencyAnswers(
  db: Db,
): Promise<{ id: string; sealed: string }[]> {
  const rows = await db
    .selectFrom('idempotency_keys')
    .select(['id', 'body_ciphertext'])
    .where('body_ciphertext', 'is not', null)
    .execute()
  return rows.flatMap((row) =>
    row.body_ciphertext === null ? [] : [{ id: row.id, sealed: row.body_ciphertext }],
  )
}
