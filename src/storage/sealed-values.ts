import type { Db } from './database.ts'
import { listSealedIdempotencyAnswers } from './idempotency-keys.ts'

/**
 * Every value sealed under the master key, for rotating it: family keys, second-factor
 * secrets, queued message bodies, check certificate references, the answers kept for
 * retries (decision 0030), the centres' search keys (decision 0037) and the key check. Each is
 * read and rewritten in the caller's transaction.
 */
export interface SealedValue {
  table:
    | 'families'
    | 'accounts'
    | 'outbox'
    | 'worker_checks'
    | 'idempotency_keys'
    | 'search_keys'
    | 'key_check'
  column: string
  id: string
  /** How it was sealed: the associated data's purpose. */
  purpose: string
  sealed: string
}

export async function listSealedValues(db: Db): Promise<SealedValue[]> {
  const values: SealedValue[] = []
  for (const row of await db.selectFrom('families').select(['id', 'wrapped_key']).execute())
    values.push({
      table: 'families',
      column: 'wrapped_key',
      id: row.id,
      purpose: 'family',
      sealed: row.wrapped_key,
    })
  const accounts = await db
    .selectFrom('accounts')
    .select(['id', 'totp_secret_ciphertext', 'totp_pending_ciphertext'])
    .execute()
  for (const row of accounts) {
    if (row.totp_secret_ciphertext !== null)
      values.push({
        table: 'accounts',
        column: 'totp_secret_ciphertext',
        id: row.id,
        purpose: 'totp',
        sealed: row.totp_secret_ciphertext,
      })
    if (row.totp_pending_ciphertext !== null)
      values.push({
        table: 'accounts',
        column: 'totp_pending_ciphertext',
        id: row.id,
        purpose: 'totp',
        sealed: row.totp_pending_ciphertext,
      })
  }
  for (const row of await db
    .selectFrom('outbox')
    .select(['id', 'body_ciphertext'])
    .where('body_ciphertext', 'is not', null)
    .execute())
    if (row.body_ciphertext !== null)
      values.push({
        table: 'outbox',
        column: 'body_ciphertext',
        id: row.id,
        purpose: 'outbox',
        sealed: row.body_ciphertext,
      })
  for (const row of await db
    .selectFrom('worker_checks')
    .select(['id', 'certificate_ciphertext'])
    .where('certificate_ciphertext', 'is not', null)
    .execute())
    if (row.certificate_ciphertext !== null)
      values.push({
        table: 'worker_checks',
        column: 'certificate_ciphertext',
        id: row.id,
        purpose: `check:${row.id}`,
        sealed: row.certificate_ciphertext,
      })
  for (const row of await listSealedIdempotencyAnswers(db))
    values.push({
      table: 'idempotency_keys',
      column: 'body_ciphertext',
      id: row.id,
      purpose: `idempotency:${row.id}`,
      sealed: row.sealed,
    })
  for (const row of await db
    .selectFrom('search_keys')
    .select(['centre_id', 'sealed_key'])
    .execute())
    values.push({
      table: 'search_keys',
      column: 'sealed_key',
      id: row.centre_id,
      purpose: `search:${row.centre_id}`,
      sealed: row.sealed_key,
    })
  for (const row of await db.selectFrom('key_check').select(['id', 'wrapped_check']).execute())
    values.push({
      table: 'key_check',
      column: 'wrapped_check',
      id: String(row.id),
      purpose: 'key-check',
      sealed: row.wrapped_check,
    })
  return values
}

export async function rewriteSealedValue(
  db: Db,
  value: SealedValue,
  sealed: string,
): Promise<void> {
  switch (value.table) {
    case 'families':
      await db
        .updateTable('families')
        .set({ wrapped_key: sealed })
        .where('id', '=', value.id)
        .execute()
      return
    case 'accounts':
      await db
        .updateTable('accounts')
        .set(
          value.column === 'totp_secret_ciphertext'
            ? { totp_secret_ciphertext: sealed }
            : { totp_pending_ciphertext: sealed },
        )
        .where('id', '=', value.id)
        .execute()
      return
    case 'outbox':
      await db
        .updateTable('outbox')
        .set({ body_ciphertext: sealed })
        .where('id', '=', value.id)
        .execute()
      return
    case 'worker_checks':
      await db
        .updateTable('worker_checks')
        .set({ certificate_ciphertext: sealed })
        .where('id', '=', value.id)
        .execute()
      return
    case 'search_keys':
      await db
        .updateTable('search_keys')
        .set({ sealed_key: sealed })
        .where('centre_id', '=', value.id)
        .execute()
      return
    case 'idempotency_keys':
      await db
        .updateTable('idempotency_keys')
        .set({ body_ciphertext: sealed })
        .where('id', '=', value.id)
        .execute()
      return
    case 'key_check':
      await db
        .updateTable('key_check')
        .set({ wrapped_check: sealed })
        .where('id', '=', Number(value.id))
        .execute()
      return
  }
}
